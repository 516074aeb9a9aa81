/**
 * Trigger request path benchmark: the trigger's own request code (core/webhook/receive.ts: signature
 * check, size / depth bounds, parse, store writes — windows, ledger, replies, opt-outs,
 * de-duplication) on realistic mixed webhook payloads, against an SQLite file.
 *
 *   node dist/bench/trigger.bench.js [events=100000]
 *
 * Payload mix per request (Meta batches statuses; inbound messages mostly come one per request):
 *   35 % one inbound text (5 % of them STOP / START keywords, 10 % replies to campaign messages),
 *   10 % one media message, 5 % an ad-referral text, 45 % 1–8 statuses (a 5,000-recipient campaign
 *   advancing sent → delivered → read, 2 % failed, then other outbound messages), 5 % template
 *   updates; ~1 % of requests are redelivered.
 * Signing happens outside the timed loop (Meta does it); verification is inside.
 * Ends with one JSON line: {"bench":"trigger","events":N,"eventsPerS":…}.
 * Diagnostics: BENCH_TOUCH=0 (no contact activity), BENCH_DEDUP=0, BENCH_SIDE=0 (no store side effects).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openStore } from '../core/store';
import { receive, type ReceiveOptions } from '../core/webhook/receive';
import { signBody } from '../core/webhook/verify';
import { seededRng } from '../core/shared/random';

const SECRET = 'bench-app-secret';
const PNID = '106540352242922';
const WABA = '419561257915477';
const CAMPAIGN = 'bench-cmp';

/** Deterministic PRNG so runs are comparable. */
const rng = seededRng;

const envelope = (field: string, value: unknown, time = 1750000000) => ({ object: 'whatsapp_business_account', entry: [{ id: WABA, time, changes: [{ field, value }] }] });
const meta = { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: PNID } };

interface Request {
	raw: Buffer;
	signature: string;
	events: number;
}

function buildRequests(totalEvents: number, recipients: string[], random: () => number): Request[] {
	const requests: Request[] = [];
	let events = 0;
	let seq = 0;
	let statusSeq = 0;
	const statusOrder = ['sent', 'delivered', 'read'];
	while (events < totalEvents) {
		const r = random();
		const ts = 1750000000 + seq;
		const user = recipients[Math.floor(random() * recipients.length)];
		let body: unknown;
		let n = 1;
		if (r < 0.35) {
			const k = random();
			const text = k < 0.03 ? 'STOP' : k < 0.05 ? 'START' : 'Hi, is my order on its way? Order #' + seq;
			const context = k > 0.9 ? { context: { from: '15550783881', id: `wamid.bench.${user}` } } : {};
			body = envelope('messages', {
				...meta,
				contacts: [{ profile: { name: 'User ' + user.slice(-4) }, wa_id: user }],
				messages: [{ from: user, id: `wamid.in.${seq}`, timestamp: String(ts), type: 'text', text: { body: text }, ...context }],
			});
		} else if (r < 0.45) {
			body = envelope('messages', {
				...meta,
				contacts: [{ profile: { name: 'User' }, wa_id: user }],
				messages: [{ from: user, id: `wamid.in.${seq}`, timestamp: String(ts), type: 'image', image: { caption: 'photo', mime_type: 'image/jpeg', sha256: 'SfInY0gGKTsJlUWbwxC1k+FAD0FZHvzwfpvO0zX0GUI=', id: String(1e15 + seq) } }],
			});
		} else if (r < 0.5) {
			body = envelope('messages', {
				...meta,
				contacts: [{ profile: { name: 'Ad user' }, wa_id: user }],
				messages: [
					{
						from: user,
						id: `wamid.in.${seq}`,
						timestamp: String(ts),
						type: 'text',
						text: { body: 'Hello! Can I get more info on this?' },
						referral: { source_url: 'https://fb.me/3cr4Wqqkv', source_id: '120226305854810726', source_type: 'ad', headline: 'Chat with us', media_type: 'image', ctwa_clid: 'Aff-n8ZTODiE79d22' },
					},
				],
			});
		} else if (r < 0.95) {
			n = Math.min(1 + Math.floor(random() * 8), totalEvents - events);
			const statuses = [];
			for (let i = 0; i < n; i++) {
				// Campaign messages advance sent → delivered → read wave by wave; after three waves the
				// statuses belong to other outbound messages (one status each).
				const k = statusSeq++;
				const wave = Math.floor(k / recipients.length);
				const to = recipients[k % recipients.length];
				const f = random();
				const status = f < 0.02 ? 'failed' : statusOrder[Math.min(wave, 2)];
				statuses.push({
					id: wave < 3 ? `wamid.bench.${to}` : `wamid.out.${k}`,
					status,
					timestamp: String(ts + i),
					recipient_id: to,
					...(wave < 3 ? { biz_opaque_callback_data: `${CAMPAIGN}|${to}` } : {}),
					...(status === 'failed'
						? { errors: [{ code: f < 0.005 ? 131050 : 131026, title: 'Message undeliverable', message: 'Message undeliverable', error_data: { details: 'x' } }] }
						: { pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' } }),
				});
			}
			body = envelope('messages', { ...meta, statuses });
		} else {
			body = envelope('message_template_status_update', {
				event: random() < 0.5 ? 'APPROVED' : 'PAUSED',
				message_template_id: 1689556908129832 + (seq % 50),
				message_template_name: 'order_update_' + (seq % 50),
				message_template_language: 'en_US',
				reason: 'NONE',
			}, ts);
		}
		const raw = Buffer.from(JSON.stringify(body));
		requests.push({ raw, signature: signBody(raw, SECRET), events: n });
		events += n;
		seq++;
		// Meta redelivers ~1 % of requests.
		if (random() < 0.01 && events + n <= totalEvents) {
			requests.push({ raw, signature: signBody(raw, SECRET), events: n });
			events += n;
		}
	}
	return requests;
}

async function main(): Promise<void> {
	const total = Math.max(1, Number(process.argv[2] ?? 100000) || 100000);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wa-trigger-bench-'));
	const store = await openStore({ backend: 'sqlite', path: path.join(dir, 'bench.sqlite') });
	try {
		// A sent campaign: 5,000 recipients with their message ids (statuses and replies hit the ledger).
		const recipients = Array.from({ length: 5000 }, (_, i) => String(919800000000 + i));
		await store.createCampaign({ id: CAMPAIGN, phoneNumberId: PNID, category: 'MARKETING' }, 0);
		await store.addRecipients(CAMPAIGN, recipients.map((waId) => ({ waId })), 0);
		for (;;) {
			const claimed = await store.claimRecipients({ campaignId: CAMPAIGN, workerId: 'bench', limit: 1000, now: 1, leaseMs: 1e9 });
			if (claimed.length === 0) break;
			for (const r of claimed) await store.updateRecipient(CAMPAIGN, r.waId, { state: 'accepted', messageId: `wamid.bench.${r.waId}`, now: 1 });
		}
		const requests = buildRequests(total, recipients, rng(42));
		const events = requests.reduce((s, r) => s + r.events, 0);
		let emitted = 0;
		let duplicates = 0;
		let rejected = 0;
		const options: ReceiveOptions = {
			secrets: { appSecret: SECRET, verifyToken: 'bench' },
			store,
			dedupScope: 'bench',
			touchContacts: process.env.BENCH_TOUCH !== '0',
			dedup: process.env.BENCH_DEDUP !== '0',
			sideEffects: process.env.BENCH_SIDE !== '0',
		};
		const t0 = process.hrtime.bigint();
		for (const req of requests) {
			const result = await receive({ method: 'POST', headers: { 'x-hub-signature-256': req.signature }, body: req.raw }, options);
			if (result.status !== 200) rejected++;
			emitted += result.events.length;
			duplicates += result.duplicates;
		}
		const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
		const report = await store.campaignReport(CAMPAIGN);
		const eventsPerS = Math.round(events / seconds);
		console.log(`trigger bench: ${requests.length} requests, ${events} events in ${seconds.toFixed(2)} s`);
		console.log(`  ${eventsPerS} events/s, ${Math.round(requests.length / seconds)} requests/s`);
		console.log(`  emitted ${emitted}, duplicates dropped ${duplicates}, rejected ${rejected}`);
		console.log(`  ledger: ${JSON.stringify(report.byState)}`);
		console.log(JSON.stringify({ bench: 'trigger', events, requests: requests.length, seconds: Number(seconds.toFixed(3)), eventsPerS, emitted, duplicates }));
	} finally {
		await store.close();
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
