/**
 * The receiver on Postgres (issue 19): several receivers behind a load balancer share one store —
 * the outbox (migration v8) is claimed with leases and SKIP LOCKED, so each subscribed event reaches
 * n8n once however the requests are spread, and a statuses flood is all in the ledger.
 * Skipped only when asked (WA_SKIP_PG=1); WA_PG_URL points at an existing server instead.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { openPostgresStore } from '../../core/store/postgres';
import type { Store } from '../../core/store/types';
import { WebhookReceiver } from '../../core/receiver/server';
import { parseForwardedBatch, RECEIVER_SIGNATURE_HEADER, verifyForward } from '../../core/receiver/protocol';
import { signBody } from '../../core/webhook/verify';
import { dropSchemas, pgOptions, pgSkipped, runPrefix, startPostgres } from '../helpers/pg';

const describePg = pgSkipped() ? describe.skip : describe;
const prefix = runPrefix();
const APP_SECRET = 'pg-receiver-app-secret';
const FORWARD_SECRET = 'pg-receiver-forward-secret';
const PNID = '106540352242922';
const NOW = Date.now();

const envelope = (value: Record<string, unknown>) =>
	JSON.stringify({
		object: 'whatsapp_business_account',
		entry: [{ id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '1', phone_number_id: PNID }, ...value } }] }],
	});
const status = (id: string, s: string, waId: string) => envelope({ statuses: [{ id, status: s, timestamp: String(Math.floor(NOW / 1000)), recipient_id: waId }] });
const text = (id: string, waId: string) =>
	envelope({ contacts: [{ wa_id: waId, profile: { name: 'X' } }], messages: [{ id, from: waId, timestamp: String(Math.floor(NOW / 1000)), type: 'text', text: { body: 'hi' } }] });

describePg('receiver on Postgres', () => {
	let url = '';
	const stores: Store[] = [];
	beforeAll(() => {
		url = startPostgres();
	}, 10 * 60_000);
	afterAll(async () => {
		await Promise.all(stores.map((s) => s.close().catch(() => undefined)));
		if (url) await dropSchemas(url, prefix);
	});

	it('two receivers on one schema: every status in the ledger, every message forwarded exactly once', async () => {
		const schema = `${prefix}_lb`;
		const a = await openPostgresStore({ ...pgOptions(url, schema), poolSize: 4 });
		const b = await openPostgresStore({ ...pgOptions(url, schema), poolSize: 4 });
		stores.push(a, b);
		// 60 campaign recipients with accepted messages.
		await a.createCampaign({ id: 'c', phoneNumberId: PNID, category: 'MARKETING' }, NOW);
		const waIds = Array.from({ length: 60 }, (_, i) => `1650555${String(1000 + i)}`);
		await a.addRecipients('c', waIds.map((waId) => ({ waId })), NOW);
		await a.claimRecipients({ campaignId: 'c', workerId: 'w', limit: 60, now: NOW, leaseMs: 60_000 });
		for (const [i, waId] of waIds.entries()) await a.updateRecipient('c', waId, { state: 'accepted', messageId: `wamid.pg${i}`, expectClaimedBy: 'w', now: NOW });

		const seen: string[] = [];
		const n8n = http.createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c) => chunks.push(c));
			req.on('end', () => {
				const raw = Buffer.concat(chunks);
				if (!verifyForward(raw, req.headers[RECEIVER_SIGNATURE_HEADER] as string, FORWARD_SECRET)) {
					res.writeHead(401).end();
					return;
				}
				for (const item of parseForwardedBatch(raw)) seen.push(item.eventId);
				res.writeHead(200).end();
			});
		});
		await new Promise<void>((r) => n8n.listen(0, '127.0.0.1', () => r()));
		const target = `http://127.0.0.1:${(n8n.address() as AddressInfo).port}/webhook/x/webhook`;
		const receivers = [a, b].map(
			(store) => new WebhookReceiver({ store, appSecret: APP_SECRET, verifyToken: 't', forwardSecret: FORWARD_SECRET, targets: [{ url: target, kinds: ['message'] }], forward: { idleMs: 20, batchSize: 7 } }),
		);
		const ports = await Promise.all(receivers.map((r) => r.listen(0)));
		try {
			// The load balancer: requests alternate; each message is delivered twice by "Meta" (once to each receiver).
			const bodies = [
				...waIds.map((w, i) => status(`wamid.pg${i}`, 'delivered', w)),
				...waIds.map((w, i) => status(`wamid.pg${i}`, 'read', w)),
				...waIds.slice(0, 30).map((w, i) => text(`wamid.in${i}`, w)),
				...waIds.slice(0, 30).map((w, i) => text(`wamid.in${i}`, w)),
			];
			const answers = await Promise.all(
				bodies.map((body, i) =>
					fetch(`http://127.0.0.1:${ports[i % 2]}/`, { method: 'POST', headers: { 'x-hub-signature-256': signBody(body, APP_SECRET) }, body }).then((r) => r.status),
				),
			);
			expect(answers.every((s) => s === 200)).toBe(true);
			const report = await a.campaignReport('c');
			expect(report.byState.read).toBe(60);
			const end = Date.now() + 15_000;
			while ((await a.outboxCounts()).pending > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
			expect(await a.outboxCounts()).toEqual({ pending: 0, delivered: 30 });
			expect(seen.sort()).toEqual(waIds.slice(0, 30).map((_, i) => `wamid.in${i}`).sort());
		} finally {
			await Promise.all(receivers.map((r) => r.close()));
			await new Promise((r) => n8n.close(r));
		}
	}, 120_000);
});
