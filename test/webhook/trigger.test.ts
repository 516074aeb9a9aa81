/**
 * WhatsApp Cloud Trigger through the harness (n8n-core's real WebhookContext / HookContext):
 * handshake, signatures, malformed bodies, one item per event, filters, de-duplication, store
 * side effects, and automatic registration against a local fake Graph API.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { runWebhook, runWebhookMethod } from '../harness';
import { signBody } from '../../core/webhook/verify';
import { getStoreFor } from '../../nodes/shared/store';
import { WhatsAppCloudTrigger } from '../../nodes/WhatsAppCloudTrigger/WhatsAppCloudTrigger.node';
import { useEnvStorePath } from '../helpers/tempStore';

const SECRET = 'trigger-test-app-secret';
const TOKEN = 'trigger-test-verify-token';
const CREDS = { whatsAppCloudWebhookApi: { appSecret: SECRET, verifyToken: TOKEN } };
const fixtures = path.join(__dirname, '..', 'fixtures', 'webhooks');
const raw = (rel: string) => fs.readFileSync(path.join(fixtures, rel));

const env = useEnvStorePath('wa-trigger-');

const trigger = () => new WhatsAppCloudTrigger();
function post(body: Buffer | string, params: Record<string, unknown> = {}, headers?: Record<string, string>, webhookId?: string) {
	return runWebhook(trigger(), params as never, { method: 'POST', rawBody: body, headers: headers ?? { 'x-hub-signature-256': signBody(body, SECRET) } }, CREDS, { webhookId });
}

describe('GET verification handshake', () => {
	it('answers hub.challenge as plain text for the right verify token', async () => {
		const res = await runWebhook(trigger(), {}, { method: 'GET', query: { 'hub.mode': 'subscribe', 'hub.verify_token': TOKEN, 'hub.challenge': '1158201444' } }, CREDS);
		expect(res.statusCode).toBe(200);
		expect(res.body).toBe('1158201444');
		expect(res.headers['content-type']).toMatch(/^text\/plain/);
		expect(res.workflowData).toBeUndefined();
	});

	it('403 for a wrong token or mode', async () => {
		for (const query of [
			{ 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong', 'hub.challenge': '1' },
			{ 'hub.mode': 'other', 'hub.verify_token': TOKEN, 'hub.challenge': '1' },
			{},
		]) {
			const res = await runWebhook(trigger(), {}, { method: 'GET', query }, CREDS);
			expect(res.statusCode).toBe(403);
			expect(res.body).not.toContain(TOKEN);
			expect(res.workflowData).toBeUndefined();
		}
	});
});

describe('POST signature and body checks', () => {
	const body = raw('meta-openapi/text-message.json');

	it('401 and no execution without a signature, with a wrong secret, or for a changed body', async () => {
		const cases: Array<[Buffer, Record<string, string>]> = [
			[body, {}],
			[body, { 'x-hub-signature-256': signBody(body, 'another-secret') }],
			[body, { 'x-hub-signature-256': signBody(body, SECRET).replace('sha256=', 'sha1=') }],
			[Buffer.concat([body, Buffer.from(' ')]), { 'x-hub-signature-256': signBody(body, SECRET) }],
		];
		for (const [b, headers] of cases) {
			const res = await post(b, {}, headers);
			expect(res.statusCode).toBe(401);
			expect(res.workflowData).toBeUndefined();
			expect(String(res.body)).not.toContain(SECRET);
		}
	});

	it('400 for a signed body that is not JSON or not a webhook', async () => {
		for (const b of ['{"entry": [', '"hello"', '{"object":"page"}']) {
			const res = await post(b);
			expect(res.statusCode).toBe(400);
			expect(res.workflowData).toBeUndefined();
		}
	});
});

describe('POST events', () => {
	it('one item per event, flattened, with the raw value', async () => {
		const res = await post(raw('meta-openapi/text-message-from-click-to-whatsapp-ad.json'));
		expect(res.statusCode).toBe(200);
		const items = res.workflowData?.[0] ?? [];
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({
			kind: 'message',
			type: 'text',
			text: 'Hello! Can I get more info on this?',
			waId: '16505551234',
			profileName: 'Sheena Nelson',
			phoneNumberId: '106540352242922',
			hasReferral: true,
		});
		expect((items[0].json.raw as any).messages[0].referral.source_type).toBe('ad');
	});

	it('several statuses in one request → several items; a redelivery → 200 and no execution', async () => {
		const b = raw('meta-docs/status-read-played.json');
		const first = await post(b);
		expect(first.workflowData?.[0].map((i) => i.json.status)).toEqual(['read', 'played']);
		const again = await post(b);
		expect(again.statusCode).toBe(200);
		expect(again.workflowData).toBeUndefined();
		// another trigger (another webhook URL) has its own dedup keys
		const other = await post(b, {}, undefined, 'other-webhook-id');
		expect(other.workflowData?.[0]).toHaveLength(2);
	});

	it('de-duplication can be turned off', async () => {
		const b = raw('meta-openapi/reaction-message.json');
		expect((await post(b, { options: { dedup: false } })).workflowData?.[0]).toHaveLength(1);
		expect((await post(b, { options: { dedup: false } })).workflowData?.[0]).toHaveLength(1);
	});

	it('filters by event kind, status and business number', async () => {
		const statuses = raw('meta-docs/status-read-played.json');
		const onlyRead = await post(statuses, { options: { statuses: ['read'], dedup: false } });
		expect(onlyRead.workflowData?.[0].map((i) => i.json.status)).toEqual(['read']);
		const onlyMessages = await post(statuses, { events: ['message'], options: { dedup: false } });
		expect(onlyMessages.workflowData).toBeUndefined();
		expect(onlyMessages.statusCode).toBe(200);
		const otherNumber = await post(raw('meta-openapi/text-message.json'), { options: { phoneNumberIds: '111, 222', dedup: false } });
		expect(otherNumber.workflowData).toBeUndefined();
		const ourNumber = await post(raw('meta-openapi/text-message.json'), { options: { phoneNumberIds: '111, 106540352242922', dedup: false } });
		expect(ourNumber.workflowData?.[0]).toHaveLength(1);
		const template = await post(raw('meta-docs/message-template-status-update.json'), { events: ['template_status'] });
		expect(template.workflowData?.[0][0].json).toMatchObject({ kind: 'template_status', event: 'REJECTED' });
	});

	it('writes windows and opt-outs to the store, and annotates the item', async () => {
		const stop = JSON.parse(raw('meta-openapi/text-message.json').toString());
		stop.entry[0].changes[0].value.messages[0].text.body = 'STOP';
		const res = await post(JSON.stringify(stop));
		expect(res.workflowData?.[0][0].json).toMatchObject({ optIntent: 'opt_out', optApplied: true });
		const store = await getStoreFor({ backend: 'sqlite', path: env.storePath });
		expect(await store.getWindow('106540352242922', '16505551234')).toMatchObject({ lastInboundAt: 1749416383000 });
		expect(await store.getContact('16505551234')).toMatchObject({ optedOut: true, optOutSource: 'keyword:STOP' });
	});

	it('user_preferences stop opts the contact out', async () => {
		await post(raw('meta-docs/user-preferences-stop.json'));
		const store = await getStoreFor({ backend: 'sqlite', path: env.storePath });
		expect(await store.getContact('16505551234')).toMatchObject({ optedOut: true, optOutSource: 'user_preferences' });
	});

	it('no store writes when Update Store is off', async () => {
		await post(raw('meta-openapi/text-message.json'), { options: { updateStore: false, dedup: false } });
		const store = await getStoreFor({ backend: 'sqlite', path: env.storePath });
		expect(await store.getWindow('106540352242922', '16505551234')).toBeUndefined();
	});

	it('contact activity can be turned off (the window is still recorded)', async () => {
		await post(raw('meta-openapi/text-message.json'), { options: { touchContacts: false } });
		const store = await getStoreFor({ backend: 'sqlite', path: env.storePath });
		expect(await store.getWindow('106540352242922', '16505551234')).toBeDefined();
		expect(await store.getContact('16505551234')).toBeUndefined();
		await post(raw('meta-openapi/reaction-message.json'));
		expect(await store.getContact('16505551234')).toMatchObject({ name: 'Sheena Nelson', lastActiveAt: 1749419544000 });
	});

	it('500 when the store cannot be written (Meta will redeliver)', async () => {
		process.env.WHATSAPP_CLOUD_STORE_PATH = path.join(env.dir, 'not-a-dir.txt', 'store.sqlite');
		fs.writeFileSync(path.join(env.dir, 'not-a-dir.txt'), 'x');
		const res = await post(raw('meta-openapi/text-message.json'));
		expect(res.statusCode).toBe(500);
		expect(res.workflowData).toBeUndefined();
	});
});

describe('automatic registration (subscribed_apps)', () => {
	let server: http.Server;
	let baseUrl: string;
	let overrides: Map<string, string>;
	let calls: string[];
	let failNext: boolean;

	beforeAll(async () => {
		server = http.createServer((req, res) => {
			let data = '';
			req.on('data', (c) => (data += c));
			req.on('end', () => {
				const url = new URL(req.url ?? '/', 'http://x');
				calls.push(`${req.method} ${url.pathname}${data ? ` ${data}` : ''}`);
				const m = /^\/v[0-9.]+\/([0-9]+)\/subscribed_apps$/.exec(url.pathname);
				res.setHeader('content-type', 'application/json');
				if (failNext) {
					failNext = false;
					res.statusCode = 400;
					res.end(JSON.stringify({ error: { message: '(#100) Invalid parameter', type: 'OAuthException', code: 100, fbtrace_id: 'Atrace' } }));
					return;
				}
				if (!m) {
					res.statusCode = 404;
					res.end('{}');
					return;
				}
				const waba = m[1];
				if (req.method === 'GET') {
					const o = overrides.get(waba);
					res.end(JSON.stringify({ data: [{ whatsapp_business_api_data: { id: '7777', name: 'app', link: 'x' }, ...(o ? { override_callback_uri: o } : {}) }] }));
				} else if (req.method === 'POST') {
					const body = data ? JSON.parse(data) : {};
					if (body.override_callback_uri) overrides.set(waba, body.override_callback_uri);
					else overrides.delete(waba);
					res.end('{"success":true}');
				} else {
					overrides.delete(waba);
					res.end('{"success":true}');
				}
			});
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => {
		await new Promise<void>((r) => server.close(() => r()));
	});
	beforeEach(() => {
		overrides = new Map();
		calls = [];
		failNext = false;
	});

	const creds = () => ({ ...CREDS, whatsAppCloudApi: { accessToken: 'graph-token', businessAccountId: '102290129340398', apiVersion: 'v23.0', baseUrl } });
	const params = { registration: 'automatic' };

	it('create posts override_callback_uri + verify_token; checkExists compares the override; delete restores', async () => {
		const staticData = {};
		const exists0 = await runWebhookMethod(trigger(), params, 'checkExists', creds(), { staticData });
		expect(exists0.result).toBe(false);
		const created = await runWebhookMethod(trigger(), params, 'create', creds(), { staticData });
		expect(created.result).toBe(true);
		expect(created.webhookUrl).toMatch(/^http/);
		expect(overrides.get('102290129340398')).toBe(created.webhookUrl);
		expect(calls).toContain(`POST /v23.0/102290129340398/subscribed_apps ${JSON.stringify({ override_callback_uri: created.webhookUrl, verify_token: TOKEN })}`);
		expect((await runWebhookMethod(trigger(), params, 'checkExists', creds(), { staticData })).result).toBe(true);
		calls = [];
		await runWebhookMethod(trigger(), params, 'delete', creds(), { staticData });
		expect(overrides.has('102290129340398')).toBe(false);
		expect(calls).toEqual(['GET /v23.0/102290129340398/subscribed_apps', 'POST /v23.0/102290129340398/subscribed_apps']);
	});

	it('delete leaves an override that points elsewhere alone; unsubscribe mode DELETEs', async () => {
		overrides.set('102290129340398', 'https://someone-else.example/webhook');
		await runWebhookMethod(trigger(), params, 'delete', creds());
		expect(overrides.get('102290129340398')).toBe('https://someone-else.example/webhook');
		const created = await runWebhookMethod(trigger(), { ...params, wabaId: '555' }, 'create', creds());
		expect(overrides.get('555')).toBe(created.webhookUrl);
		calls = [];
		await runWebhookMethod(trigger(), { ...params, wabaId: '555', onDeactivate: 'unsubscribe' }, 'delete', creds());
		expect(calls).toContain('DELETE /v23.0/555/subscribed_apps');
	});

	it('checkExists only counts an override made for this app when the credential names the app', async () => {
		const created = await runWebhookMethod(trigger(), params, 'create', creds());
		expect(overrides.get('102290129340398')).toBe(created.webhookUrl);
		const withApp = (appId: string) => ({ ...creds(), whatsAppCloudWebhookApi: { appSecret: SECRET, verifyToken: TOKEN, appId } });
		expect((await runWebhookMethod(trigger(), params, 'checkExists', withApp('7777'))).result).toBe(true);
		expect((await runWebhookMethod(trigger(), params, 'checkExists', withApp('9999'))).result).toBe(false);
	});

	it('never swallows Graph errors', async () => {
		failNext = true;
		await expect(runWebhookMethod(trigger(), params, 'create', creds())).rejects.toThrow(/Invalid parameter/);
		failNext = true;
		await expect(runWebhookMethod(trigger(), params, 'checkExists', creds())).rejects.toThrow(/Invalid parameter/);
	});

	it('manual registration does not call Meta', async () => {
		expect((await runWebhookMethod(trigger(), {}, 'checkExists', CREDS)).result).toBe(true);
		expect((await runWebhookMethod(trigger(), {}, 'create', CREDS)).result).toBe(true);
		expect(calls).toEqual([]);
	});
});
