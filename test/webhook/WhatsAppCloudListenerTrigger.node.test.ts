/**
 * WhatsApp Cloud Listener Trigger (issue 19) through n8n-core's real TriggerContext: the trigger
 * listens on its own port, answers Meta itself (handshake, signature, store side effects) and starts
 * an execution (emit) only for the events it is set to emit, once each; a taken port is a clear error.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { runTrigger, type TriggerRun } from '../harness';
import { handleWebhookEvents } from '../../core/webhook/handle';
import { parseWebhookRequest } from '../../core/webhook/parse';
import { signBody } from '../../core/webhook/verify';
import type { Store } from '../../core/store/types';
import { closeAllStores, getStoreFor } from '../../nodes/shared/store';
import { closeAllWaitStores, getWaitStoreFor } from '../../nodes/shared/waitStore';
import { WhatsAppCloudListenerTrigger } from '../../nodes/WhatsAppCloudListenerTrigger/WhatsAppCloudListenerTrigger.node';
import { tmpDir } from '../helpers/tmp';

const SECRET = 'listener-test-app-secret';
const TOKEN = 'listener-test-verify-token';
const PNID = '106540352242922';
const NOW = Date.now();
const ts = String(Math.floor(NOW / 1000));

const envelope = (value: Record<string, unknown>) =>
	JSON.stringify({
		object: 'whatsapp_business_account',
		entry: [{ id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '1', phone_number_id: PNID }, ...value } }] }],
	});
const status = (id: string, s: string, waId: string) => envelope({ statuses: [{ id, status: s, timestamp: ts, recipient_id: waId }] });
const text = (id: string, waId: string, body = 'hi') =>
	envelope({ contacts: [{ wa_id: waId, profile: { name: 'Asha' } }], messages: [{ id, from: waId, timestamp: ts, type: 'text', text: { body } }] });

async function freePort(): Promise<number> {
	const s = net.createServer();
	await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
	const { port } = s.address() as AddressInfo;
	await new Promise<void>((r) => s.close(() => r()));
	return port;
}

let storePath = '';
let store: Store;
let port = 0;
let runs: TriggerRun[] = [];
const creds = () => ({ whatsAppCloudWebhookApi: { appSecret: SECRET, verifyToken: TOKEN }, whatsAppCloudStoreApi: { backend: 'sqlite', path: storePath } });
const start = async (params: Record<string, unknown> = {}, mode: 'trigger' | 'manual' = 'trigger') => {
	const run = await runTrigger(new WhatsAppCloudListenerTrigger(), { port, host: '127.0.0.1', ...params } as never, creds(), { mode });
	runs.push(run);
	return run;
};
const post = (body: string, signature = signBody(body, SECRET)) =>
	fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body });
const emittedIds = (run: TriggerRun) => run.emitted.flatMap((outputs) => outputs[0].map((i) => String(i.json.eventId)));
async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
	const end = Date.now() + ms;
	while (!(await ok())) {
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 20));
	}
}

beforeEach(async () => {
	storePath = `${tmpDir('wa-listener-')}/store.sqlite`;
	store = await getStoreFor({ backend: 'sqlite', path: storePath });
	port = await freePort();
	runs = [];
});
afterEach(async () => {
	for (const run of runs) await run.response.closeFunction?.();
	await closeAllStores();
	await closeAllWaitStores();
});

describe('WhatsApp Cloud Listener Trigger', () => {
	it("answers Meta's handshake on its own port: the challenge for the right token, 403 otherwise", async () => {
		await start();
		const ok = await fetch(`http://127.0.0.1:${port}/?hub.mode=subscribe&hub.verify_token=${TOKEN}&hub.challenge=8812`);
		expect([ok.status, await ok.text()]).toEqual([200, '8812']);
		const wrong = await fetch(`http://127.0.0.1:${port}/?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=8812`);
		expect(wrong.status).toBe(403);
		expect(await wrong.text()).not.toContain(TOKEN);
	});

	it('applies statuses to the ledger without an execution; a message starts one, once, and opens the window', async () => {
		await store.createCampaign({ id: 'c', phoneNumberId: PNID, category: 'MARKETING' }, NOW);
		await store.addRecipients('c', [{ waId: '16505550001' }, { waId: '16505550002' }], NOW);
		await store.claimRecipients({ campaignId: 'c', workerId: 'w', limit: 2, now: NOW, leaseMs: 60_000 });
		await store.updateRecipient('c', '16505550001', { state: 'accepted', messageId: 'wamid.a1', expectClaimedBy: 'w', now: NOW });
		await store.updateRecipient('c', '16505550002', { state: 'accepted', messageId: 'wamid.a2', expectClaimedBy: 'w', now: NOW });
		const run = await start({ events: ['message'] });

		for (const body of [status('wamid.a1', 'delivered', '16505550001'), status('wamid.a2', 'read', '16505550002')]) expect((await post(body)).status).toBe(200);
		expect((await store.getRecipient('c', '16505550001'))?.state).toBe('delivered');
		expect((await store.getRecipient('c', '16505550002'))?.state).toBe('read');

		expect((await post(text('wamid.in1', '16505550009'))).status).toBe(200);
		expect((await post(text('wamid.in1', '16505550009'))).status).toBe(200); // Meta redelivers
		await until('the message execution', () => run.emitted.length >= 1);
		await new Promise((r) => setTimeout(r, 300));
		expect(emittedIds(run)).toEqual(['wamid.in1']);
		expect(run.emitted[0][0][0].json).toMatchObject({ kind: 'message', type: 'text', waId: '16505550009', phoneNumberId: PNID });
		expect((await store.getWindow(PNID, '16505550009'))?.lastInboundAt).toBe(NOW - (NOW % 1000));
	});

	it('a wrong signature is 401 and changes nothing', async () => {
		const run = await start({ events: [] });
		const res = await post(text('wamid.forged', '16505550003'), `sha256=${'0'.repeat(64)}`);
		expect(res.status).toBe(401);
		await new Promise((r) => setTimeout(r, 300));
		expect(run.emitted).toEqual([]);
		expect(await store.getContact('16505550003')).toBeUndefined();
	});

	it('STOP opts the contact out in the store and the item says so; Events = all emits statuses too', async () => {
		const run = await start({ events: [] });
		expect((await post(text('wamid.stop', '16505550004', 'STOP'))).status).toBe(200);
		expect((await post(status('wamid.x', 'sent', '16505550004'))).status).toBe(200);
		await until('both events', () => emittedIds(run).length >= 2);
		expect(await store.getContact('16505550004')).toMatchObject({ optedOut: true, optOutSource: 'keyword:STOP' });
		const items = run.emitted.flatMap((o) => o[0].map((i) => i.json));
		expect(items.find((j) => j.kind === 'message')).toMatchObject({ optIntent: 'opt_out' });
		expect(items.map((j) => j.kind).sort()).toEqual(['message', 'status']);
	});

	it("an answer resumes the execution waiting for it (Send and Wait) and starts no execution of its own; other messages do", async () => {
		const answers: Array<{ url: string; body: Record<string, unknown> }> = [];
		const n8nResume = http.createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => {
				answers.push({ url: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString()) });
				res.writeHead(200).end('{}');
			});
		});
		await new Promise<void>((r) => n8nResume.listen(0, '127.0.0.1', () => r()));
		try {
			const waits = await getWaitStoreFor({ backend: 'sqlite', path: storePath });
			const resumeUrl = `http://127.0.0.1:${(n8nResume.address() as AddressInfo).port}/webhook-waiting/77/node1?signature=abc`;
			await waits.add({ id: '77:node1', phoneNumberId: PNID, waId: '16505550005', resumeUrl, executionId: '77', createdAt: NOW, expiresAt: NOW + 600_000 });
			const run = await start({ events: ['message'] });
			expect((await post(text('wamid.answer', '16505550005', 'yes please'))).status).toBe(200);
			expect((await post(text('wamid.other', '16505550006', 'hello'))).status).toBe(200);
			await until('the resume and the other execution', () => answers.length === 1 && run.emitted.length >= 1);
			await new Promise((r) => setTimeout(r, 300));
			expect(answers[0].url).toBe('/webhook-waiting/77/node1?signature=abc');
			expect(answers[0].body).toMatchObject({ messageId: 'wamid.answer', from: '16505550005', text: 'yes please', phoneNumberId: PNID });
			expect(emittedIds(run)).toEqual(['wamid.other']);
			expect(await waits.pending(PNID, '16505550005', NOW)).toEqual([]);
		} finally {
			await new Promise<void>((r) => n8nResume.close(() => r()));
		}
	});

	it('events acknowledged before n8n stopped (outbox rows not yet run) start the workflow after the next activation', async () => {
		// What a killed n8n leaves behind: the request was answered 200, so its side effects and outbox row are committed.
		const target = 'listener:harness-workflow:listener-node-1';
		const left = parseWebhookRequest(Buffer.from(text('wamid.left', '16505550007'))).events;
		await handleWebhookEvents(store, left, { dedupScope: target, sideEffects: true, outbox: (event, key) => [{ target, key, payload: JSON.stringify(event) }] });
		const run = await runTrigger(new WhatsAppCloudListenerTrigger(), { port, host: '127.0.0.1', events: ['message'] } as never, creds(), { nodeId: 'listener-node-1' });
		runs.push(run);
		await until('the left-over event', () => run.emitted.length >= 1);
		expect(emittedIds(run)).toEqual(['wamid.left']);
		// Done once run: a second activation does not start it again.
		await run.response.closeFunction?.();
		runs.pop();
		const again = await runTrigger(new WhatsAppCloudListenerTrigger(), { port, host: '127.0.0.1', events: ['message'] } as never, creds(), { nodeId: 'listener-node-1' });
		runs.push(again);
		await new Promise((r) => setTimeout(r, 400));
		expect(again.emitted).toEqual([]);
	});

	it('a port already taken is a clear error naming it', async () => {
		await start();
		await expect(start({}, 'manual')).rejects.toThrow(new RegExp(`Port ${port} on 127.0.0.1 is already in use`));
	});
});
