/**
 * core/webhook/receive.ts: the one request sequence the trigger, the receiver, the demo and the bench
 * run — handshake, signature (with a refresh of kept secrets), bounds, parse, store step, filters.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { signForward, RECEIVER_SIGNATURE_HEADER } from '../../core/receiver/protocol';
import { describeSkipped, receive, type ReceiveOptions } from '../../core/webhook/receive';
import { signBody } from '../../core/webhook/verify';
import { closeTempStore, openTempStore, type TempStore } from '../helpers/tempStore';

const SECRET = 'receive-test-app-secret';
const TOKEN = 'receive-test-verify-token';
const secrets = { appSecret: SECRET, verifyToken: TOKEN };
const text = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'webhooks', 'meta-openapi', 'text-message.json'));
const signed = (body: Buffer | string, secret = SECRET) => ({ method: 'POST', headers: { 'x-hub-signature-256': signBody(body, secret) }, body: Buffer.from(body) });

let t: TempStore;
beforeEach(async () => {
	t = await openTempStore('wa-receive-');
});
afterEach(() => closeTempStore(t));

describe('GET handshake', () => {
	const query = (token: string) => ({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '1158201444' });

	it('echoes the challenge for the right token, 403 otherwise; other methods 405', async () => {
		expect(await receive({ method: 'GET', query: query(TOKEN) }, { secrets })).toMatchObject({ status: 200, body: '1158201444', outcome: 'challenge' });
		expect(await receive({ method: 'GET', query: query('wrong') }, { secrets })).toMatchObject({ status: 403, body: 'Forbidden' });
		expect(await receive({ method: 'PUT' }, { secrets })).toMatchObject({ status: 405, outcome: 'not_allowed' });
	});

	it('asks once for fresh secrets when the kept token fails (a token edited in n8n works at once)', async () => {
		const refresh = jest.fn(async () => ({ ...secrets, verifyToken: 'edited' }));
		expect(await receive({ method: 'GET', query: query('edited') }, { secrets, refreshSecrets: refresh })).toMatchObject({ status: 200 });
		expect(refresh).toHaveBeenCalledTimes(1);
		await receive({ method: 'GET', query: query(TOKEN) }, { secrets, refreshSecrets: refresh });
		expect(refresh).toHaveBeenCalledTimes(1);
	});
});

describe('POST', () => {
	it('applies a signed request to the store, emits its event once; a redelivery is a duplicate', async () => {
		const options: ReceiveOptions = { secrets, store: t.store, dedupScope: 'r' };
		const first = await receive(signed(text), options);
		expect(first).toMatchObject({ status: 200, body: 'EVENT_RECEIVED', outcome: 'accepted', received: 1, duplicates: 0 });
		expect(first.events.map((e) => e.kind)).toEqual(['message']);
		expect(await t.store.getWindow('106540352242922', '16505551234')).toMatchObject({ lastInboundAt: 1749416383000 });
		const again = await receive(signed(text), options);
		expect(again).toMatchObject({ status: 200, events: [], duplicates: 1 });
	});

	it('401 for a missing or wrong signature, after one refresh, with nothing stored', async () => {
		const refresh = jest.fn(async () => secrets);
		expect(await receive({ method: 'POST', headers: {}, body: text }, { secrets, store: t.store, refreshSecrets: refresh })).toMatchObject({ status: 401, outcome: 'unsigned' });
		expect(await receive(signed(text, 'other-secret'), { secrets, store: t.store })).toMatchObject({ status: 401, body: 'Invalid signature' });
		expect(refresh).toHaveBeenCalledTimes(1);
		expect(await t.store.getWindow('106540352242922', '16505551234')).toBeUndefined();
	});

	it('a secret edited since it was kept: the refreshed one verifies', async () => {
		const res = await receive(signed(text, 'new-secret'), { secrets, refreshSecrets: async () => ({ ...secrets, appSecret: 'new-secret' }), store: t.store });
		expect(res.status).toBe(200);
	});

	it('signed but not a webhook → 400 with the reason; too deep → 400; never a 5xx', async () => {
		expect(await receive(signed('{"nope":'), { secrets, store: t.store })).toMatchObject({ status: 400, body: 'The webhook body is not valid JSON', outcome: 'invalid' });
		const deep = '['.repeat(100) + ']'.repeat(100);
		expect((await receive(signed(deep), { secrets, store: t.store })).body).toMatch(/nested more than 64 levels/);
	});

	it('opens the store only when the events need it', async () => {
		const open = jest.fn(async () => t.store);
		const empty = JSON.stringify({ object: 'whatsapp_business_account', entry: [] });
		expect((await receive(signed(empty), { secrets, store: open })).status).toBe(200);
		expect((await receive(signed(text), { secrets, store: open, dedup: false, sideEffects: false })).events).toHaveLength(1);
		expect(open).not.toHaveBeenCalled();
		await receive(signed(text), { secrets, store: open });
		expect(open).toHaveBeenCalledTimes(1);
	});

	it('a store failure → 500 with the error for the log', async () => {
		const res = await receive(signed(text), {
			secrets,
			store: async () => {
				throw new Error('disk full');
			},
		});
		expect(res).toMatchObject({ status: 500, body: 'Store update failed', outcome: 'store_failed' });
		expect(res.error?.message).toBe('disk full');
	});

	it('skipped events are reported under the filters; the log line names path and reason', async () => {
		const body = JSON.parse(text.toString('utf8'));
		body.entry[0].changes[0].value.statuses = [{ id: '', status: 'read', timestamp: '1749416384', recipient_id: '16505551234' }];
		const raw = JSON.stringify(body);
		const all = await receive(signed(raw), { secrets, store: t.store });
		expect(all.skipped).toHaveLength(1);
		expect(all.reported).toEqual(all.skipped);
		expect(describeSkipped(all)).toBe('skipped 1 event(s) of a signed request; its other 1 event(s) are applied. entry[0].changes[0].value.statuses[0]: The status "id" is empty');
		const messagesOnly = await receive(signed(raw), { secrets, store: t.store, dedup: false, kinds: ['message'] });
		expect(messagesOnly.reported).toEqual([]);
	});

	it('the receiver batch: only with acceptForwarded and the receiver secret; no side effects applied twice', async () => {
		const batch = JSON.stringify({ whatsAppCloudReceiver: 1, items: [{ kind: 'message', eventId: 'message:wamid.fwd.1', waId: '16505551234', phoneNumberId: '106540352242922' }] });
		const req = { method: 'POST', headers: { [RECEIVER_SIGNATURE_HEADER]: signForward(batch, 'receiver-secret') }, body: Buffer.from(batch) };
		expect((await receive(req, { secrets: { ...secrets, receiverSecret: 'receiver-secret' }, store: t.store })).status).toBe(401);
		const options: ReceiveOptions = { secrets: { ...secrets, receiverSecret: 'receiver-secret' }, store: t.store, acceptForwarded: true };
		const res = await receive(req, options);
		expect(res).toMatchObject({ status: 200, forwarded: true });
		expect(res.events.map((e) => e.eventId)).toEqual(['message:wamid.fwd.1']);
		expect(await t.store.getWindow('106540352242922', '16505551234')).toBeUndefined();
		expect((await receive(req, options)).duplicates).toBe(1);
	});

	it('apply replaces the store step (the receiver\'s group commit) and gets the parsed events', async () => {
		const apply = jest.fn(async (_events: unknown[]) => undefined);
		const res = await receive(signed(text), { secrets, apply });
		expect(res).toMatchObject({ status: 200, received: 1, events: [] });
		expect(apply.mock.calls[0][0]).toHaveLength(1);
	});
});
