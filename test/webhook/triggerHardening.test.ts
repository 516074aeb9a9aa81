/**
 * Issue 15, trigger half, through n8n-core's WebhookContext / HookContext and workflow runs:
 *  - no signed request gets a 5xx for its content (deep nesting, oversize, empty / missing ids);
 *    skipped events are reported as items and in the log, the rest of the request is applied;
 *  - template events are de-duplicated by content, not by entry.time;
 *  - STOP-family opt-out words by default, ambiguous ones only when added;
 *  - automatic registration never silently replaces another URL's override (Take Over), against
 *    the Cloud API simulator, which verifies each URL with Meta's GET handshake.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { runWebhook, runWebhookMethod, runWorkflow } from '../harness';
import { signBody } from '../../core/webhook/verify';
import { closeAllStores, getStoreFor } from '../../nodes/shared/store';
import { WhatsAppCloudTrigger } from '../../nodes/WhatsAppCloudTrigger/WhatsAppCloudTrigger.node';
import { useEnvStorePath } from '../helpers/tempStore';
import { createSimulator, DEFAULT_WABA_ID, type RunningSimulator } from '../../simulator';

const SECRET = 'hardening-app-secret';
const TOKEN = 'hardening-verify-token';
const CREDS = { whatsAppCloudWebhookApi: { appSecret: SECRET, verifyToken: TOKEN } };
const fixtures = path.join(__dirname, '..', 'fixtures', 'webhooks');
const load = (rel: string): any => JSON.parse(fs.readFileSync(path.join(fixtures, rel), 'utf8'));
const PNID = '106540352242922';
const USER = '16505551234';

const env = useEnvStorePath('wa-trigger-hardening-');
afterEach(() => jest.restoreAllMocks());

const trigger = () => new WhatsAppCloudTrigger();
function post(body: Buffer | string | object, params: Record<string, unknown> = {}) {
	const raw = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
	return runWebhook(trigger(), params as never, { method: 'POST', rawBody: raw, headers: { 'x-hub-signature-256': signBody(raw, SECRET) } }, CREDS);
}
const messagesBody = (value: Record<string, unknown>) => ({
	object: 'whatsapp_business_account',
	entry: [{ id: '419561257915477', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: PNID }, ...value } }] }],
});
const textMessage = (id: string, body: string, ts = 1750000000) => ({ from: USER, id, timestamp: String(ts), type: 'text', text: { body } });

describe('signed requests never get a 5xx for their content', () => {
	it('a ~4,500-level nested 9 KB body → 400 naming the limit, no execution (was a RangeError → 500)', async () => {
		const deep = `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":${'['.repeat(4500)}${']'.repeat(4500)}}]}]}`;
		expect(deep.length).toBeLessThan(9300);
		const res = await post(deep);
		expect(res.statusCode).toBe(400);
		expect(res.body).toMatch(/nested more than 64 levels/);
		expect(res.workflowData).toBeUndefined();
		// nested objects too, and inside a status
		const deepObject = messagesBody({ statuses: [{ id: 'wamid.x', status: 'sent', pricing: JSON.parse('{"a":'.repeat(3000) + '1' + '}'.repeat(3000)) }] });
		expect((await post(JSON.stringify(deepObject))).statusCode).toBe(400);
	});

	it('a body over 8 MiB → 413', async () => {
		const big = JSON.stringify(messagesBody({ messages: [textMessage('wamid.big', 'x'.repeat(8 * 1024 * 1024))] }));
		const res = await post(big);
		expect(res.statusCode).toBe(413);
		expect(res.workflowData).toBeUndefined();
	});

	it('a status with "id": "" is skipped and reported (item + log); the message and the valid status beside it are applied; 200', async () => {
		const warn = jest.spyOn(Container.get(Logger), 'warn').mockImplementation(() => undefined);
		const store = await getStoreFor({ backend: 'sqlite', path: env.storePath });
		// a campaign message whose status arrives in the same request as the bad one
		await store.createCampaign({ id: 'cmp-15', phoneNumberId: PNID, category: 'MARKETING' }, 1_700_000_000_000);
		await store.addRecipients('cmp-15', [{ waId: USER }], 1_700_000_000_000);
		await store.claimRecipients({ campaignId: 'cmp-15', workerId: 'w', limit: 1, now: 1_700_000_000_000, leaseMs: 60_000 });
		await store.updateRecipient('cmp-15', USER, { state: 'accepted', messageId: 'wamid.campaign.1', expectClaimedBy: 'w', now: 1_700_000_000_000 });

		const body = messagesBody({
			contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: USER }],
			messages: [textMessage('wamid.in.1', 'hello')],
			statuses: [
				{ id: '', status: 'delivered', timestamp: '1750000001', recipient_id: USER },
				{ id: 'wamid.campaign.1', status: 'delivered', timestamp: '1750000002', recipient_id: USER },
			],
		});
		const res = await post(body);
		expect(res.statusCode).toBe(200);
		const items = res.workflowData?.[0].map((i) => i.json) ?? [];
		expect(items.map((j) => j.kind)).toEqual(['message', 'status', 'skipped']);
		expect(items[2]).toMatchObject({
			kind: 'skipped',
			skippedKind: 'status',
			status: 'delivered',
			reason: 'The status "id" is empty',
			path: 'entry[0].changes[0].value.statuses[0]',
			phoneNumberId: PNID,
			raw: { id: '', status: 'delivered', timestamp: '1750000001', recipient_id: USER },
		});
		expect(await store.getWindow(PNID, USER)).toMatchObject({ lastInboundAt: 1750000000000 });
		expect((await store.getRecipient('cmp-15', USER))?.state).toBe('delivered');
		const logged = warn.mock.calls.map(([m]) => String(m)).filter((m) => m.startsWith('WhatsApp Cloud Trigger: skipped'));
		expect(logged).toEqual(['WhatsApp Cloud Trigger: skipped 1 event(s) of a signed request; its other 2 event(s) are applied. entry[0].changes[0].value.statuses[0]: The status "id" is empty']);
		expect(logged[0]).not.toContain(SECRET);

		// the items run through the rest of the workflow like any other
		const run = await runWorkflow({
			nodes: [
				{ name: 'Trigger', type: 'whatsAppCloudTrigger', parameters: {} },
				{ name: 'Next', type: 'n8n-nodes-base.noOp', parameters: {} },
			],
			connections: { Trigger: { main: [[{ node: 'Next', type: 'main', index: 0 }]] } },
			credentials: CREDS,
			startNode: 'Trigger',
			startOutputs: res.workflowData,
			mode: 'webhook',
		});
		expect(run.outputs.Next[0].map((i) => i.json.kind)).toEqual(['message', 'status', 'skipped']);

		// redelivery: the applied events are duplicates; the skipped one is reported again, still 200
		const again = await post(body);
		expect(again.statusCode).toBe(200);
		expect(again.workflowData?.[0].map((i) => i.json.kind)).toEqual(['skipped']);
	});

	it('a request whose only event has no id → 200 with the skipped item; skipped events follow the event filters', async () => {
		const body = messagesBody({ statuses: [{ status: 'read', timestamp: '1750000001', recipient_id: USER }] });
		const res = await post(body);
		expect(res.statusCode).toBe(200);
		expect(res.workflowData?.[0][0].json).toMatchObject({ kind: 'skipped', skippedKind: 'status', reason: 'The status has no "id"' });
		const onlyMessages = await post(body, { events: ['message'] });
		expect(onlyMessages.statusCode).toBe(200);
		expect(onlyMessages.workflowData).toBeUndefined();
		const onlyDelivered = await post(body, { options: { statuses: ['delivered'] } });
		expect(onlyDelivered.workflowData).toBeUndefined();
		expect((await post(body, { events: ['status'], options: { statuses: ['read'] } })).workflowData?.[0]).toHaveLength(1);
	});

	it('ids that cannot be store keys (5,000 characters, NUL, object) are skipped, never a store error', async () => {
		const body = messagesBody({
			messages: [
				{ ...textMessage('wamid.'.padEnd(5000, 'x'), 'a') },
				{ ...textMessage('wamid.nul\u0000', 'b') },
				{ ...textMessage('wamid.ok', 'c'), from: { evil: true } },
				textMessage('wamid.fine', 'd'),
			],
			statuses: [{ id: { $gt: '' }, status: 'read' }, { id: 'wamid.s', status: 'x'.repeat(1000) }],
		});
		const res = await post(body);
		expect(res.statusCode).toBe(200);
		const items = res.workflowData?.[0].map((i) => i.json) ?? [];
		expect(items.filter((j) => j.kind === 'message').map((j) => j.messageId)).toEqual(['wamid.fine']);
		expect(items.filter((j) => j.kind === 'skipped').map((j) => j.reason)).toEqual([
			'The message "id" is 5000 characters long (limit 256)',
			'The message "id" contains control characters',
			'The message "from" is an object, not a string',
			'The status "id" is an object, not a string',
			'The status "status" is 1000 characters long (limit 256)',
		]);
	});
});

describe('template events: de-duplicated by content, not entry.time', () => {
	it('the same change redelivered with another entry.time is emitted once; a new change is emitted', async () => {
		const body = load('meta-docs/message-template-status-update.json');
		const first = await post(body);
		expect(first.workflowData?.[0]).toHaveLength(1);
		body.entry[0].time += 3600;
		const redelivered = await post(body);
		expect(redelivered.statusCode).toBe(200);
		expect(redelivered.workflowData).toBeUndefined();
		body.entry[0].changes[0].value.event = 'APPROVED';
		delete body.entry[0].changes[0].value.reason;
		delete body.entry[0].changes[0].value.rejection_info;
		expect((await post(body)).workflowData?.[0][0].json).toMatchObject({ kind: 'template_status', event: 'APPROVED' });

		const quality = load('meta-docs/message-template-quality-update.json');
		expect((await post(quality)).workflowData?.[0]).toHaveLength(1);
		quality.entry[0].time += 60;
		expect((await post(quality)).workflowData).toBeUndefined();
		const category = load('meta-docs/template-category-update-impending.json');
		expect((await post(category)).workflowData?.[0]).toHaveLength(1);
		category.entry[0].time += 60;
		expect((await post(category)).workflowData).toBeUndefined();
	});
});

describe('opt-out words through the trigger', () => {
	async function send(text: string, params: Record<string, unknown> = {}, id = `wamid.${Math.random()}`) {
		await closeAllStores();
		env.storePath = path.join(env.dir, `store-${Math.random().toString(36).slice(2)}.sqlite`);
		process.env.WHATSAPP_CLOUD_STORE_PATH = env.storePath;
		const res = await post(messagesBody({ contacts: [{ profile: { name: 'A' }, wa_id: USER }], messages: [textMessage(id, text)] }), params);
		const contact = await (await getStoreFor({ backend: 'sqlite', path: env.storePath })).getContact(USER);
		return { item: res.workflowData?.[0][0].json, optedOut: contact?.optedOut === true };
	}

	it.each(['STOP', 'pare', 'Alto', 'PARAR', 'baja', 'Arrêter', 'Stopp', '退订', 'unsubscribe'])('%j opts the customer out by default', async (word) => {
		const { item, optedOut } = await send(word);
		expect(item).toMatchObject({ optIntent: 'opt_out', optApplied: true });
		expect(optedOut).toBe(true);
	});

	it.each(['Cancel', 'sair', 'END', 'quit'])('%j does not opt out by default (ambiguous in a support chat)', async (word) => {
		const { item, optedOut } = await send(word);
		expect(item?.optIntent).toBeUndefined();
		expect(optedOut).toBe(false);
	});

	it('Extra Opt-Out Keywords adds ambiguous words on top of the defaults', async () => {
		const params = { options: { extraOptOutList: 'CANCEL, sair' } };
		expect((await send('Cancel', params)).optedOut).toBe(true);
		expect((await send('SAIR', params)).optedOut).toBe(true);
		expect((await send('stop', params)).optedOut).toBe(true);
		expect((await send('quit', params)).optedOut).toBe(false);
	});
});

describe('automatic registration against the simulator: Take Over', () => {
	let sim: RunningSimulator;
	let forwarder: http.Server;
	let webhookBase: string;
	const APP_ID = '1000000000000001';
	const creds = (appId?: string) => ({
		whatsAppCloudWebhookApi: { appSecret: SECRET, verifyToken: TOKEN, ...(appId ? { appId } : {}) },
		whatsAppCloudApi: { accessToken: 'sim-token', businessAccountId: DEFAULT_WABA_ID, baseUrl: sim.url, apiVersion: 'v23.0' },
	});

	beforeAll(async () => {
		sim = await createSimulator({ appSecret: SECRET, appId: APP_ID }).start();
		// n8n's webhook server stand-in: Meta's GET handshake goes to the trigger's own webhook().
		forwarder = http.createServer((req, res) => {
			const url = new URL(req.url ?? '/', 'http://x');
			const m = /^\/webhook\/([^/]+)\/webhook$/.exec(url.pathname);
			if (!m || req.method !== 'GET') {
				res.statusCode = 404;
				res.end();
				return;
			}
			runWebhook(trigger(), {}, { method: 'GET', query: Object.fromEntries(url.searchParams) }, CREDS, { webhookId: m[1] }).then(
				(r) => {
					res.statusCode = r.statusCode;
					res.end(String(r.body));
				},
				() => {
					res.statusCode = 500;
					res.end();
				},
			);
		});
		await new Promise<void>((r) => forwarder.listen(0, '127.0.0.1', r));
		webhookBase = `http://127.0.0.1:${(forwarder.address() as AddressInfo).port}/webhook`;
	});
	afterAll(async () => {
		await sim.stop();
		await new Promise<void>((r) => forwarder.close(() => r()));
	});

	const graph = async (method = 'GET') => {
		const res = await fetch(`${sim.url}/v23.0/${DEFAULT_WABA_ID}/subscribed_apps`, { method, headers: { authorization: 'Bearer sim-token' } });
		return (await res.json()) as { data: Array<{ override_callback_uri?: string }> };
	};
	const method = (name: 'checkExists' | 'create' | 'delete', webhookId: string, params: Record<string, unknown> = {}, appId?: string) =>
		runWebhookMethod(trigger(), { registration: 'automatic', ...params }, name, creds(appId), { webhookId, webhookBaseUrl: webhookBase });

	it('a second trigger cannot silently take the override; Take Over replaces it deliberately; the log names the receiving URL', async () => {
		await graph('DELETE');
		const info = jest.spyOn(Container.get(Logger), 'info').mockImplementation(() => undefined);
		const logs = () => info.mock.calls.map(([m]) => String(m)).filter((m) => m.startsWith('WhatsApp Cloud Trigger:'));

		const a = await method('create', 'wf-a');
		const urlA = `${webhookBase}/wf-a/webhook`;
		expect(a.webhookUrl).toBe(urlA);
		expect((await graph()).data[0].override_callback_uri).toBe(urlA);
		expect(logs()).toEqual([`WhatsApp Cloud Trigger: WhatsApp Business Account ${DEFAULT_WABA_ID}'s webhooks now go to ${urlA}`]);

		// trigger B (another workflow) on the same WABA: refused, naming A's URL; A keeps its events
		const urlB = `${webhookBase}/wf-b/webhook`;
		expect((await method('checkExists', 'wf-b')).result).toBe(false);
		const refused = method('create', 'wf-b');
		await expect(refused).rejects.toThrow(`WhatsApp Business Account ${DEFAULT_WABA_ID}'s webhooks already go to ${urlA}`);
		await expect(method('create', 'wf-b')).rejects.toThrow(/turn on "Take Over"/);
		expect((await graph()).data[0].override_callback_uri).toBe(urlA);

		// Take Over: B gets the events, and the log says from whom
		info.mockClear();
		await method('create', 'wf-b', { takeOver: true });
		expect((await graph()).data[0].override_callback_uri).toBe(urlB);
		expect(logs()).toEqual([`WhatsApp Cloud Trigger: WhatsApp Business Account ${DEFAULT_WABA_ID}'s webhooks now go to ${urlB} (taken over from ${urlA}, which no longer receives them)`]);

		// A re-activating (n8n restart) sees it lost the override and is refused in turn, naming B
		expect((await method('checkExists', 'wf-a')).result).toBe(false);
		await expect(method('create', 'wf-a')).rejects.toThrow(`already go to ${urlB}`);
		// B re-activating finds its registration and says where events go
		info.mockClear();
		expect((await method('checkExists', 'wf-b')).result).toBe(true);
		expect(logs()).toEqual([`WhatsApp Cloud Trigger: WhatsApp Business Account ${DEFAULT_WABA_ID}'s webhooks go to ${urlB} (registration already in place)`]);

		// A deactivating leaves B's override alone; B deactivating restores the app callback
		info.mockClear();
		await method('delete', 'wf-a');
		expect((await graph()).data[0].override_callback_uri).toBe(urlB);
		expect(logs()[0]).toContain(`registration left as is (it no longer points at ${urlA})`);
		await method('delete', 'wf-b');
		expect((await graph()).data[0].override_callback_uri).toBeUndefined();
	});

	it('with the App ID in the credential, only this app’s override counts; without it the error says how to narrow it', async () => {
		await graph('DELETE');
		await method('create', 'wf-c');
		await expect(method('create', 'wf-d', {}, APP_ID)).rejects.toThrow(/Take Over.*\.$/);
		await expect(method('create', 'wf-d')).rejects.toThrow(/set the App ID in the WhatsApp Cloud Webhook credential/);
		// an override made for another app is not ours to protect
		await method('create', 'wf-d', {}, '999');
		expect((await graph()).data[0].override_callback_uri).toBe(`${webhookBase}/wf-d/webhook`);
		await method('delete', 'wf-d');
	});
});
