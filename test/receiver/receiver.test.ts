/**
 * The webhook receiver (issue 19): Meta's handshake and signatures, every store side effect through
 * core/webhook (ledger, opt-outs, dedup), the durable outbox (same transaction, leases, retries) and
 * the signed batches the WhatsApp Cloud Trigger accepts (Receiver Secret), exactly once.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { openStore } from '../../core/store';
import type { Store } from '../../core/store/types';
import { WebhookReceiver } from '../../core/receiver/server';
import { parseForwardedBatch, RECEIVER_SIGNATURE_HEADER, signForward, verifyForward } from '../../core/receiver/protocol';
import { signBody } from '../../core/webhook/verify';
import { parseCli } from '../../receiver/cli';
import { runWebhook } from '../harness';
import { closeAllStores } from '../../nodes/shared/store';
import { WhatsAppCloudTrigger } from '../../nodes/WhatsAppCloudTrigger/WhatsAppCloudTrigger.node';
import { clearCredentialCache, webhookCredentials } from '../../nodes/WhatsAppCloudTrigger/hotPath';

const APP_SECRET = 'receiver-test-app-secret';
const TOKEN = 'receiver-test-verify-token';
const FORWARD_SECRET = 'receiver-test-forward-secret';
const PNID = '106540352242922';
const USER = '16505551234';
const NOW = Date.now();

const envelope = (value: Record<string, unknown>) => ({
	object: 'whatsapp_business_account',
	entry: [{ id: '419561257915477', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: PNID }, ...value } }] }],
});
const statusBody = (id: string, status: string, ts = Math.floor(NOW / 1000)) =>
	JSON.stringify(envelope({ statuses: [{ id, status, timestamp: String(ts), recipient_id: USER }] }));
const textBody = (id: string, text: string) =>
	JSON.stringify(envelope({ contacts: [{ wa_id: USER, profile: { name: 'Ana' } }], messages: [{ id, from: USER, timestamp: String(Math.floor(NOW / 1000)), type: 'text', text: { body: text } }] }));

let tmp: string;
let store: Store;
let receiver: WebhookReceiver | undefined;
let fake: http.Server | undefined;

beforeAll(() => {
	tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wa-receiver-'));
});
beforeEach(async () => {
	store = await openStore({ backend: 'sqlite', path: path.join(tmp, `s-${Math.random().toString(36).slice(2)}.sqlite`) });
});
afterEach(async () => {
	await receiver?.close();
	receiver = undefined;
	if (fake) await new Promise((r) => fake!.close(r));
	fake = undefined;
	await store.close();
	await closeAllStores();
	clearCredentialCache();
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A stand-in n8n trigger URL: answers with `statuses` in turn (then 200), records verified bodies. */
async function fakeN8n(statuses: number[] = []): Promise<{ url: string; bodies: Array<{ items: Array<Record<string, unknown>> }>; signatures: boolean[] }> {
	const bodies: Array<{ items: Array<Record<string, unknown>> }> = [];
	const signatures: boolean[] = [];
	fake = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const raw = Buffer.concat(chunks);
			signatures.push(verifyForward(raw, req.headers[RECEIVER_SIGNATURE_HEADER] as string, FORWARD_SECRET));
			const status = statuses.shift() ?? 200;
			if (status === 200) bodies.push({ items: parseForwardedBatch(raw) as never });
			res.writeHead(status).end();
		});
	});
	await new Promise<void>((r) => fake!.listen(0, '127.0.0.1', () => r()));
	return { url: `http://127.0.0.1:${(fake.address() as AddressInfo).port}/webhook/abc/webhook`, bodies, signatures };
}

async function startReceiver(targets: Array<{ url: string; kinds?: never[] | string[] }>): Promise<string> {
	receiver = new WebhookReceiver({
		store,
		appSecret: APP_SECRET,
		verifyToken: TOKEN,
		forwardSecret: FORWARD_SECRET,
		targets: targets as never,
		forward: { idleMs: 20, batchSize: 50 },
	});
	const port = await receiver.listen(0);
	return `http://127.0.0.1:${port}/`;
}

const postMeta = (url: string, body: string, secret = APP_SECRET) =>
	fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, secret) }, body });

async function campaignMessage(messageId: string): Promise<void> {
	await store.createCampaign({ id: 'cmp-1', phoneNumberId: PNID, category: 'MARKETING' }, NOW);
	await store.addRecipients('cmp-1', [{ waId: USER }], NOW);
	await store.claimRecipients({ campaignId: 'cmp-1', workerId: 'w', limit: 1, now: NOW, leaseMs: 60_000 });
	await store.updateRecipient('cmp-1', USER, { state: 'accepted', messageId, expectClaimedBy: 'w', now: NOW });
}

async function until(cond: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
	const end = Date.now() + ms;
	while (!(await cond())) {
		if (Date.now() > end) throw new Error('timed out');
		await new Promise((r) => setTimeout(r, 20));
	}
}

describe('webhook receiver', () => {
	it('answers the subscription handshake only for the right verify token', async () => {
		const url = await startReceiver([]);
		const ok = await fetch(`${url}?hub.mode=subscribe&hub.verify_token=${TOKEN}&hub.challenge=1158201444`);
		expect([ok.status, await ok.text()]).toEqual([200, '1158201444']);
		const bad = await fetch(`${url}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`);
		expect(bad.status).toBe(403);
	});

	it('rejects a bad signature (401) and stores nothing; a bad body is 400', async () => {
		const url = await startReceiver([]);
		await campaignMessage('wamid.r1');
		expect((await postMeta(url, statusBody('wamid.r1', 'delivered'), 'wrong-secret')).status).toBe(401);
		expect((await store.getRecipient('cmp-1', USER))?.state).toBe('accepted');
		expect((await postMeta(url, '{"object":')).status).toBe(400);
	});

	it('applies statuses to the ledger before answering 200, forwards nothing n8n does not subscribe to', async () => {
		const n8n = await fakeN8n();
		const url = await startReceiver([{ url: n8n.url, kinds: ['message'] }]);
		await campaignMessage('wamid.r2');
		const res = await postMeta(url, statusBody('wamid.r2', 'delivered'));
		expect(res.status).toBe(200);
		expect((await store.getRecipient('cmp-1', USER))?.state).toBe('delivered');
		expect(await store.outboxCounts()).toEqual({ pending: 0, delivered: 0 });
	});

	it('forwards a subscribed message once, signed, with its opt-out annotation, retrying while n8n fails', async () => {
		const n8n = await fakeN8n([500, 503]);
		const url = await startReceiver([{ url: n8n.url, kinds: ['message'] }]);
		expect((await postMeta(url, textBody('wamid.in1', 'STOP'))).status).toBe(200);
		// The opt-out is applied by the receiver (same core code as the trigger).
		expect((await store.getContact(USER))?.optedOut).toBe(true);
		// Meta redelivers: applied again (idempotent), queued once.
		expect((await postMeta(url, textBody('wamid.in1', 'STOP'))).status).toBe(200);
		await until(async () => (await store.outboxCounts()).delivered === 1);
		expect(n8n.signatures).toEqual([true, true, true]);
		expect(n8n.bodies).toHaveLength(1);
		expect(n8n.bodies[0].items).toEqual([expect.objectContaining({ kind: 'message', eventId: 'wamid.in1', text: 'STOP', optIntent: 'opt_out', optApplied: true })]);
		expect(await store.outboxCounts()).toEqual({ pending: 0, delivered: 1 });
	});

	it('group-commits concurrent requests, and one store failure answers 500 (Meta redelivers)', async () => {
		// A store whose transactions take 30 ms (like a remote Postgres): requests pile up behind one.
		const real = store;
		store = new Proxy(real, {
			get: (t, p) =>
				p === 'applyWebhookBatch'
					? async (b: never) => {
							await new Promise((r) => setTimeout(r, 30));
							return t.applyWebhookBatch(b);
						}
					: (t as never)[p],
		});
		const url = await startReceiver([]);
		store = real;
		const ids = Array.from({ length: 40 }, (_, i) => `wamid.g${i}`);
		const answers = await Promise.all(ids.map((id) => postMeta(url, statusBody(id, 'sent'))));
		expect(answers.map((a) => a.status)).toEqual(ids.map(() => 200));
		expect(receiver!.stats.transactions).toBeLessThan(40);
		expect(await store.markProcessedMany(ids.map((id) => `receiver:${id}:sent`), NOW)).toEqual(ids.map(() => false));
		await store.close();
		expect((await postMeta(url, statusBody('wamid.late', 'sent'))).status).toBe(500);
		store = await openStore({ backend: 'sqlite', path: ':memory:' });
	});
});

describe('outbox leases (Store.claimOutbox)', () => {
	it('two workers never get the same row; an expired lease is claimed again; completion needs the lease', async () => {
		const batch = { at: NOW, processedKeys: ['k1', 'k2'], inbound: [], statuses: [], replies: [], touches: [] };
		await store.applyWebhookBatch({ ...batch, outbox: [{ target: 't', key: 'k1', payload: '{"a":1}' }, { target: 't', key: 'k2', payload: '{"a":2}' }] });
		// A redelivered batch (keys no longer fresh) queues nothing.
		await store.applyWebhookBatch({ ...batch, outbox: [{ target: 't', key: 'k1', payload: '{"a":1}' }] });
		const a = await store.claimOutbox('t', { limit: 1, leaseMs: 1000, worker: 'A', now: NOW });
		const b = await store.claimOutbox('t', { limit: 10, leaseMs: 1000, worker: 'B', now: NOW });
		expect(a.map((r) => r.key)).toEqual(['k1']);
		expect(b.map((r) => r.key)).toEqual(['k2']);
		expect(await store.claimOutbox('t', { limit: 10, leaseMs: 1000, worker: 'C', now: NOW + 500 })).toEqual([]);
		await store.completeOutbox([a[0].id], 'B', NOW); // not B's row: ignored
		expect(await store.outboxCounts('t')).toEqual({ pending: 2, delivered: 0 });
		const again = await store.claimOutbox('t', { limit: 10, leaseMs: 1000, worker: 'C', now: NOW + 1001 });
		expect(again.map((r) => r.key)).toEqual(['k1', 'k2']);
		await store.failOutbox([again[0].id], 'C', 'HTTP 500', NOW + 5000);
		await store.completeOutbox([again[1].id], 'C', NOW + 1002);
		expect(await store.outboxCounts('t')).toEqual({ pending: 1, delivered: 1 });
		expect(await store.claimOutbox('t', { limit: 10, leaseMs: 1000, worker: 'D', now: NOW + 4000 })).toEqual([]);
		expect((await store.claimOutbox('t', { limit: 10, leaseMs: 1000, worker: 'D', now: NOW + 5000 }))[0]).toMatchObject({ key: 'k1', attempts: 1 });
	});
});

describe('the trigger accepts the receiver\'s batches (Receiver Secret)', () => {
	const CREDS = { whatsAppCloudWebhookApi: { appSecret: APP_SECRET, verifyToken: TOKEN, receiverSecret: FORWARD_SECRET } };
	const item = { kind: 'message', eventId: 'wamid.f1', messageId: 'wamid.f1', phoneNumberId: PNID, waId: USER, type: 'text', text: 'hola', optIntent: undefined };
	const batch = JSON.stringify({ whatsAppCloudReceiver: 1, items: [item, { kind: 'status', eventId: 'wamid.x:read', status: 'read', messageId: 'wamid.x', phoneNumberId: PNID }] });
	const run = (body: string, headers: Record<string, string>, creds: object = CREDS, params: object = { events: ['message'] }) =>
		runWebhook(new WhatsAppCloudTrigger(), params as never, { method: 'POST', rawBody: Buffer.from(body), headers }, creds as never, { webhookId: 'recv-hook' });

	beforeEach(() => {
		process.env.WHATSAPP_CLOUD_STORE_PATH = path.join(tmp, `trigger-${Math.random().toString(36).slice(2)}.sqlite`);
	});
	afterAll(() => delete process.env.WHATSAPP_CLOUD_STORE_PATH);

	it('emits the subscribed items once, writes no side effects, refuses a wrong or missing secret', async () => {
		const first = await run(batch, { [RECEIVER_SIGNATURE_HEADER]: signForward(batch, FORWARD_SECRET) });
		expect(first.workflowData?.[0].map((i) => i.json.eventId)).toEqual(['wamid.f1']);
		expect(first.workflowData?.[0][0].json).toMatchObject({ kind: 'message', text: 'hola' });
		// A retried batch (the receiver died before recording the delivery) starts nothing.
		const again = await run(batch, { [RECEIVER_SIGNATURE_HEADER]: signForward(batch, FORWARD_SECRET) });
		expect(again.workflowData).toBeUndefined();
		expect(again.statusCode).toBe(200);
		// No store side effects: the receiver applied them (no contact was created by the trigger).
		const s = await openStore({ backend: 'sqlite', path: process.env.WHATSAPP_CLOUD_STORE_PATH! });
		expect(await s.getContact(USER)).toBeUndefined();
		await s.close();
		expect((await run(batch, { [RECEIVER_SIGNATURE_HEADER]: signForward(batch, 'wrong') })).statusCode).toBe(401);
		const noSecret = { whatsAppCloudWebhookApi: { appSecret: APP_SECRET, verifyToken: TOKEN } };
		expect((await run(batch, { [RECEIVER_SIGNATURE_HEADER]: signForward(batch, '') }, noSecret)).statusCode).toBe(401);
		// Meta's signature on a receiver header is not accepted either.
		expect((await run(batch, { [RECEIVER_SIGNATURE_HEADER]: signBody(batch, APP_SECRET) })).statusCode).toBe(401);
	});

	it('a malformed batch with a valid signature is 400, naming the item', async () => {
		const bad = JSON.stringify({ whatsAppCloudReceiver: 1, items: [{ kind: 'message' }] });
		const res = await run(bad, { [RECEIVER_SIGNATURE_HEADER]: signForward(bad, FORWARD_SECRET) });
		expect(res.statusCode).toBe(400);
		expect(res.body).toMatch(/item #0/);
	});
});

describe('credential reads on the hot path (hotPath.ts)', () => {
	const ctx = (data: () => Record<string, string>, counter: { n: number }, nodeId = 'node-1') => ({
		getNode: () => ({ id: nodeId, credentials: { whatsAppCloudWebhookApi: { id: 'cred-1', name: 'c' } } }) as never,
		getWorkflow: () => ({ id: 'wf-1' }) as never,
		getCredentials: async () => {
			counter.n++;
			return data() as never;
		},
	});

	it('reads the webhook credential once for many requests; a refresh re-reads it at most every 5 s', async () => {
		const counter = { n: 0 };
		let secret = 's1';
		const c = ctx(() => ({ appSecret: secret, verifyToken: 't' }), counter);
		for (let i = 0; i < 50; i++) expect((await webhookCredentials(c)).appSecret).toBe('s1');
		expect(counter.n).toBe(1);
		secret = 's2';
		// Read < 5 s ago: a refresh (a failing signature) does not read again.
		expect((await webhookCredentials(c, true)).appSecret).toBe('s1');
		expect(counter.n).toBe(1);
		// Another node naming the same credential reads its own.
		expect((await webhookCredentials(ctx(() => ({ appSecret: secret, verifyToken: 't' }), counter, 'node-2'))).appSecret).toBe('s2');
		expect(counter.n).toBe(2);
	});

	it('a failed read is not kept', async () => {
		const counter = { n: 0 };
		let fail = true;
		const c = ctx(() => {
			if (fail) throw new Error('db down');
			return { appSecret: 's', verifyToken: 't' };
		}, counter, 'node-3');
		await expect(webhookCredentials(c)).rejects.toThrow('db down');
		fail = false;
		expect((await webhookCredentials(c)).appSecret).toBe('s');
	});
});

describe('receiver CLI flags', () => {
	const env = { WHATSAPP_APP_SECRET: 'a', WHATSAPP_VERIFY_TOKEN: 'v', WHATSAPP_RECEIVER_SECRET: 'r' };
	it('parses targets with their filters and the store', () => {
		const c = parseCli(['--port', '9000', '--store', 'postgres://u:p@127.0.0.1:5433/wa?schema=s1', '--forward', 'http://n8n:5678/webhook/x/webhook', '--events', 'message,status', '--statuses', 'failed'], env);
		expect(c.port).toBe(9000);
		expect(c.store).toMatchObject({ backend: 'postgres', host: '127.0.0.1', port: 5433, database: 'wa', user: 'u', schema: 's1' });
		expect(c.targets).toEqual([{ url: 'http://n8n:5678/webhook/x/webhook', kinds: ['message', 'status'], statuses: ['failed'] }]);
	});
	it('names what is wrong', () => {
		expect(() => parseCli(['--events', 'message'], env)).toThrow(/put --forward first/);
		expect(() => parseCli(['--forward', 'http://x/', '--events', 'mesage'], env)).toThrow(/unknown event kind\(s\) mesage/);
		expect(() => parseCli([], { WHATSAPP_VERIFY_TOKEN: 'v' })).toThrow(/WHATSAPP_APP_SECRET/);
		expect(() => parseCli(['--forward', 'http://x/'], { WHATSAPP_APP_SECRET: 'a', WHATSAPP_VERIFY_TOKEN: 'v' })).toThrow(/WHATSAPP_RECEIVER_SECRET/);
		expect(() => parseCli(['--store', 'mysql://x'], env)).toThrow(/--store: expected sqlite/);
		expect(() => parseCli(['--store', 'mysql://u:secretpw@x'], env)).not.toThrow(/secretpw/);
	});
});
