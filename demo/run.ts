/**
 * `npm run demo` — the whole pipeline, headless, on this machine only (127.0.0.1), no Meta account.
 *
 * It runs the package's own core, the same code the n8n nodes call, through the two flows of
 * examples 1 and 3:
 *   1. CSV file → Contacts Import → Campaign to the "diwali" tag → Campaign Report
 *   3. Webhook trigger → opt-out and keyword routing → reply with buttons → live-agent handoff
 *      recorded on the contact (Active → Requesting → Intervened → Resolved)
 * against the offline Cloud API simulator, which sends signed status webhooks back to a local
 * receiver running the WhatsApp Cloud Trigger's own request code (core/webhook/receive.ts: verify,
 * parse, store side effects).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createSimulator, DEFAULT_PHONE_NUMBERS, preloadedTemplate } from '../simulator';
import { GraphClient } from '../core/graph/client';
import { openStore } from '../core/store';
import type { Store } from '../core/store/types';
import { openCsv } from '../core/csv';
import { importContacts } from '../core/contacts';
import { runCampaign } from '../core/campaign/engine';
import type { CampaignTemplate, RecipientSpec } from '../core/campaign/types';
import { receive } from '../core/webhook/receive';
import type { WebhookEvent } from '../core/webhook/types';
import { replyButtonsMessage, textMessage } from '../core/messages';

const TOKEN = 'demo-token';
const APP_SECRET = 'demo-app-secret';
const PHONE = DEFAULT_PHONE_NUMBERS[0].id;
const CSV = path.join(__dirname, '..', '..', 'examples', 'data', 'contacts-sample.csv');

/** The simulator's preloaded MARKETING template: image header, named body variables, quick replies. */
const TEMPLATE: CampaignTemplate = preloadedTemplate('promo_named');

const say = (line = '') => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Example 3's routing: what the workflow after the trigger does with an inbound message. */
async function route(e: WebhookEvent, client: GraphClient, store: Store, log: string[]): Promise<void> {
	if (e.kind !== 'message' || !e.waId) return;
	const ev = e as WebhookEvent & { text?: string; interactive?: { id?: string } };
	const text = String(ev.text ?? '').trim().toUpperCase();
	const button = ev.interactive?.id;
	const setHandoff = async (state: string) => {
		const c = await store.getContact(e.waId as string);
		await store.upsertContacts([{ waId: e.waId as string, attributes: { ...(c?.attributes ?? {}), handoff: state } }]);
		log.push(`${e.waId}: handoff → ${state}`);
	};
	if (text === 'HELP') {
		await client.post(`/${PHONE}/messages`, replyButtonsMessage(e.waId, { body: 'How can we help?', buttons: [{ id: 'agent', title: 'Talk to an agent' }, { id: 'track', title: 'Track my order' }] }));
		await setHandoff('Active');
	} else if (button === 'agent') {
		await setHandoff('Requesting'); // an agent picks it up from the queue (see main)
	} else if (text === 'THANKS') {
		await setHandoff('Resolved');
	}
}

async function main(): Promise<void> {
	const started = Date.now();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wa-demo-'));
	const store = await openStore({ backend: 'sqlite', path: path.join(dir, 'store.sqlite') });
	const routed: string[] = [];
	const clientRef: { client?: GraphClient } = {};

	// The trigger side: a local receiver doing what the WhatsApp Cloud Trigger node does.
	let webhookRequests = 0;
	let rejected = 0;
	const receiver = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', async () => {
			// The trigger's own request code (core/webhook/receive.ts): signature, parse, store side effects.
			const result = await receive(
				{ method: req.method ?? 'POST', headers: req.headers, body: Buffer.concat(chunks) },
				{ secrets: { appSecret: APP_SECRET, verifyToken: 'demo' }, store, dedupScope: 'demo' },
			);
			if (result.outcome === 'unsigned') rejected++;
			else webhookRequests++;
			res.writeHead(result.status).end(result.body);
			// After answering Meta (answer fast): the workflow part of example 3.
			for (const e of result.events) {
				if (clientRef.client) await route(e, clientRef.client, store, routed).catch((error: Error) => routed.push(`${e.kind === 'message' ? e.waId : ''}: routing failed: ${error.message}`));
			}
		});
	});
	await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
	const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhook`;

	const sim = createSimulator({ token: TOKEN, appSecret: APP_SECRET, webhookUrl, mps: 80, tier: 2000, latencyMs: 30, seed: 1 });
	const running = await sim.start();
	const client = new GraphClient({ accessToken: TOKEN, baseUrl: running.url });
	clientRef.client = client;
	const post = (p: string, body: unknown) => fetch(`${running.url}/_sim/${p}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());

	say('n8n-nodes-whatsapp-cloud demo — everything local: Cloud API simulator + embedded SQLite store');
	say(`  simulator ${running.url} · webhook receiver ${webhookUrl} · store ${dir}/store.sqlite`);
	say();

	// ── Example 1: CSV → Contacts Import ──
	say('1. Contacts Import: examples/data/contacts-sample.csv (default country IN)');
	const reader = await openCsv(fs.createReadStream(CSV), { fileName: 'contacts-sample.csv' });
	const summary = await importContacts(reader, store, { defaultCountry: 'IN', defaultSource: 'contacts-sample.csv' });
	say(`   rows ${summary.rowsRead} · added ${summary.added} · failed ${summary.failed} · duplicates ${summary.duplicates}`);
	for (const f of summary.failures.slice(0, 3)) say(`   line ${f.line}: ${JSON.stringify(f.raw)} — ${f.reason}`);

	// A few customers had replied STOP before the campaign: they arrive through the signed webhook.
	const diwali: RecipientSpec[] = [];
	for await (const c of store.iterateContacts({ tagsAny: ['diwali'] })) {
		diwali.push({
			phone: c.waId,
			values: { header: { link: 'https://example.com/diwali.jpg' }, body: { first_name: c.firstName ?? 'there', promo_code: 'DIWALI20' }, buttons: { 0: 'SHOP', 1: 'STOP_PROMOS' } },
		});
	}
	const stoppers = diwali.slice(0, 5).map((r) => r.phone);
	for (const from of stoppers) await post('inbound', { from, type: 'stop' });
	await sleep(300);
	say(`   ${stoppers.length} contacts replied STOP before the campaign → opted out by the trigger: ${(await Promise.all(stoppers.map((w) => store.getContact(w)))).filter((c) => c?.optedOut).length}`);
	say();

	// ── Example 1: Campaign to the "diwali" tag ──
	say(`2. Campaign "diwali-demo": template ${TEMPLATE.name} to ${diwali.length} contacts tagged "diwali", 80 mps cap`);
	const result = await runCampaign({
		client,
		store,
		campaignId: 'diwali-demo',
		phoneNumberId: PHONE,
		template: TEMPLATE,
		recipients: diwali,
		limits: { mps: 80, messagingLimit: 2000 },
		onProgress: (p) => say(`   … ${(p.elapsedMs / 1000).toFixed(1)} s: accepted ${p.accepted}, in flight ${p.inFlight}, ${p.rateMps} mps, 130429 × ${p.throttleErrors}`),
		progressEveryMs: 3000,
	});
	say(`   ${result.state}: accepted ${result.accepted} in ${(result.elapsedMs / 1000).toFixed(1)} s (${result.achievedMps.toFixed(1)} mps), skipped opted-out ${result.added.optedOut}, throttled ${result.throttleErrors}`);
	const again = await runCampaign({ client, store, campaignId: 'diwali-demo', phoneNumberId: PHONE, template: TEMPLATE, recipients: diwali, limits: { mps: 80 } });
	say(`   re-run of the same campaign ID: ${again.accepted} sent again (exactly once)`);
	say();

	// ── Example 3: inbound messages through the trigger ──
	say('3. Live support: customers write in (signed webhooks → trigger → routing)');
	const [a, b] = diwali.slice(10, 12).map((r) => r.phone);
	await post('inbound', { from: a, type: 'text', text: 'HELP' });
	await sleep(300);
	await post('inbound', { from: a, type: 'button_reply', id: 'agent', title: 'Talk to an agent' });
	// The agent answers once Meta's pair rate allows (≥ 6 s after our last message to this customer).
	await sleep(6500);
	await client.post(`/${PHONE}/messages`, textMessage(a, 'Hi, this is Maya from support. How can I help?'));
	await store.upsertContacts([{ waId: a, attributes: { ...((await store.getContact(a))?.attributes ?? {}), handoff: 'Intervened' } }]);
	routed.push(`${a}: handoff → Intervened (agent replied)`);
	await post('inbound', { from: a, type: 'text', text: 'thanks' });
	await post('inbound', { from: b, type: 'text', text: 'Stop' });
	const replied = diwali.slice(20, 40).map((r) => r.phone);
	// 20 recipients tap a quick reply on the campaign message (the reply carries its context id).
	for (const to of replied) await post('inbound', { from: to, type: 'button', text: 'Shop now', payload: 'SHOP' });
	await sleep(1500); // the simulator's delivered/read webhooks
	for (const line of routed) say(`   ${line}`);
	const handoff = (await store.getContact(a))?.attributes?.handoff;
	say(`   contact ${a}: handoff state ${handoff}; contact ${b} opted out: ${(await store.getContact(b))?.optedOut}`);
	say();

	// ── Example 1: Campaign Report ──
	const report = await store.campaignReport('diwali-demo');
	const by = report.byState;
	say('4. Campaign Report "diwali-demo"');
	say(`   recipients ${report.total}`);
	say(`   sent (accepted) ${(by.accepted ?? 0) + (by.delivered ?? 0) + (by.read ?? 0) + (by.replied ?? 0)} · delivered ${(by.delivered ?? 0) + (by.read ?? 0) + (by.replied ?? 0)} · read ${(by.read ?? 0) + (by.replied ?? 0)} · replied ${by.replied ?? 0}`);
	say(`   failed ${by.failed ?? 0} · deferred ${by.deferred ?? 0} · skipped ${by.skipped ?? 0} · unknown ${by.unknown ?? 0}`);
	say(`   errors by code ${JSON.stringify(report.byErrorCode)}`);
	const stats = sim.stats() as unknown as { duplicateSends: { total: number }; maxAcceptedPerSecond: Record<string, number>; webhooks: Record<string, number> };
	say(`   simulator: duplicate sends ${stats.duplicateSends.total} · max accepted in any 1 s ${stats.maxAcceptedPerSecond[PHONE]} (cap 80) · signed webhook requests handled ${webhookRequests}, rejected ${rejected}`);
	say();
	say(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s. To click through the same flows in a real n8n 2.x`);
	say('(the four example workflows imported, the trigger active, a printed login): npm run demo -- --ui');

	await running.stop();
	await new Promise<void>((r) => receiver.close(() => r()));
	await store.close();
	fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
