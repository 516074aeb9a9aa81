/**
 * The trigger's request path on a real (in-memory SQLite) store: de-duplication of redeliveries,
 * monotonic ledger updates, replies, windows and opt-outs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openStore } from '../../core/store';
import type { Store } from '../../core/store/types';
import { applyWebhookBatch, buildWebhookBatch, handleWebhookEvents, type WebhookBatch } from '../../core/webhook/handle';
import { parseWebhook } from '../../core/webhook/parse';
import type { WebhookEvent } from '../../core/webhook/types';

const dir = path.join(__dirname, '..', 'fixtures', 'webhooks');
const load = (rel: string): any => JSON.parse(fs.readFileSync(path.join(dir, rel), 'utf8'));
const PNID = '106540352242922';
const USER = '16505551234';
const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);

/** A messages-field body with the given statuses / messages (OAS envelope). */
function body(value: Record<string, unknown>): unknown {
	return {
		object: 'whatsapp_business_account',
		entry: [{ id: '419561257915477', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: PNID }, ...value } }] }],
	};
}
const status = (id: string, s: string, ts: number, extra: Record<string, unknown> = {}) => ({ id, status: s, timestamp: String(ts), recipient_id: USER, ...extra });
const text = (id: string, t: string, ts: number, extra: Record<string, unknown> = {}) =>
	body({ contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: USER }], messages: [{ from: USER, id, timestamp: String(ts), type: 'text', text: { body: t }, ...extra }] });

let store: Store;
beforeEach(async () => {
	store = await openStore({ backend: 'sqlite', path: ':memory:' });
});
afterEach(async () => {
	await store.close();
});

async function sentCampaignMessage(waId: string, messageId: string): Promise<void> {
	await store.createCampaign({ id: 'cmp-42', phoneNumberId: PNID, category: 'MARKETING' }, NOW);
	await store.addRecipients('cmp-42', [{ waId }], NOW);
	const [r] = await store.claimRecipients({ campaignId: 'cmp-42', workerId: 'w', limit: 1, now: NOW, leaseMs: 60_000 });
	expect(r.waId).toBe(waId);
	expect(await store.updateRecipient('cmp-42', waId, { state: 'accepted', messageId, expectClaimedBy: 'w', now: NOW })).toBe(true);
}

describe('de-duplication of redeliveries', () => {
	it('emits a message once, however often Meta redelivers it', async () => {
		const events = parseWebhook(load('meta-openapi/text-message.json'));
		const first = await handleWebhookEvents(store, events, { now: NOW });
		expect(first.events.map((e) => e.eventId)).toEqual([events[0].eventId]);
		expect(first.duplicates).toBe(0);
		const again = await handleWebhookEvents(store, parseWebhook(load('meta-openapi/text-message.json')), { now: NOW + 1000 });
		expect(again.events).toEqual([]);
		expect(again.duplicates).toBe(1);
	});

	it('keys statuses by id + status: delivered then read are both emitted, a repeated read is not', async () => {
		const id = 'wamid.dedup.1';
		const r1 = await handleWebhookEvents(store, parseWebhook(body({ statuses: [status(id, 'delivered', 1), status(id, 'read', 2)] })), { now: NOW });
		expect(r1.events.map((e) => e.eventId)).toEqual([`${id}:delivered`, `${id}:read`]);
		const r2 = await handleWebhookEvents(store, parseWebhook(body({ statuses: [status(id, 'read', 2), status(id, 'played', 3)] })), { now: NOW });
		expect(r2.events.map((e) => e.eventId)).toEqual([`${id}:played`]);
		expect(r2.duplicates).toBe(1);
	});

	it('a key repeated inside one request is emitted once', async () => {
		const id = 'wamid.dedup.2';
		const r = await handleWebhookEvents(store, parseWebhook(body({ statuses: [status(id, 'sent', 1), status(id, 'sent', 1)] })), { now: NOW });
		expect(r.events).toHaveLength(1);
		expect(r.duplicates).toBe(1);
	});

	it('can be turned off, and is scoped per trigger', async () => {
		const events = parseWebhook(load('meta-openapi/text-message.json'));
		expect((await handleWebhookEvents(store, events, { now: NOW, dedup: false })).events).toHaveLength(1);
		expect((await handleWebhookEvents(store, events, { now: NOW, dedup: false })).events).toHaveLength(1);
		expect((await handleWebhookEvents(store, events, { now: NOW, dedupScope: 'node-a' })).events).toHaveLength(1);
		expect((await handleWebhookEvents(store, events, { now: NOW, dedupScope: 'node-b' })).events).toHaveLength(1);
		expect((await handleWebhookEvents(store, events, { now: NOW, dedupScope: 'node-a' })).events).toHaveLength(0);
	});
});

describe('campaign ledger: monotonic statuses and replies', () => {
	it('a late sent never overwrites delivered; read advances; a late failed is ignored', async () => {
		await sentCampaignMessage(USER, 'wamid.c1');
		await handleWebhookEvents(store, parseWebhook(body({ statuses: [status('wamid.c1', 'delivered', 100)] })), { now: NOW });
		expect((await store.getRecipient('cmp-42', USER))?.state).toBe('delivered');
		await handleWebhookEvents(store, parseWebhook(body({ statuses: [status('wamid.c1', 'sent', 90)] })), { now: NOW });
		expect((await store.getRecipient('cmp-42', USER))?.state).toBe('delivered');
		await handleWebhookEvents(store, parseWebhook(body({ statuses: [status('wamid.c1', 'read', 110)] })), { now: NOW });
		expect((await store.getRecipient('cmp-42', USER))?.state).toBe('read');
		await handleWebhookEvents(store, parseWebhook(body({ statuses: [status('wamid.c1', 'failed', 120, { errors: [{ code: 131026, title: 'x' }] })] })), { now: NOW });
		expect((await store.getRecipient('cmp-42', USER))?.state).toBe('read');
	});

	it('applies statuses even when the emitted event is a duplicate (idempotent side effects)', async () => {
		await sentCampaignMessage(USER, 'wamid.c2');
		// the first delivery was marked processed, but (say) the ledger row did not exist yet
		await store.markProcessed('wamid.c2:delivered', NOW);
		const r = await handleWebhookEvents(store, parseWebhook(body({ statuses: [status('wamid.c2', 'delivered', 100)] })), { now: NOW });
		expect(r.events).toHaveLength(0);
		expect((await store.getRecipient('cmp-42', USER))?.state).toBe('delivered');
	});

	it('a reply whose context.id is a campaign message marks the recipient replied', async () => {
		await sentCampaignMessage(USER, 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJFNjk2OTMwNEZCQjhGMzUyQUYA');
		// the OpenAPI "Button Message" replies to that id
		await handleWebhookEvents(store, parseWebhook(load('meta-openapi/button-message.json')), { now: NOW });
		expect((await store.getRecipient('cmp-42', USER))?.state).toBe('replied');
	});

	it('a failed status with 131050 opts the recipient out of marketing', async () => {
		await sentCampaignMessage(USER, 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MUVGMjFDN0Q1QjlCNDlDQzAA');
		const r = await handleWebhookEvents(store, parseWebhook(load('meta-docs/status-failed-131050.json')), { now: NOW });
		const rec = await store.getRecipient('cmp-42', USER);
		expect(rec?.state).toBe('failed');
		expect(rec?.errorCode).toBe(131050);
		const c = await store.getContact(USER);
		expect(c).toMatchObject({ optedOut: true, optOutSource: 'status_131050', optOutAt: 1750263780 * 1000 });
		expect(r.optChanges).toHaveLength(1);
	});
});

describe('conversation windows', () => {
	it('records the last inbound per business number + contact, with the free entry point for ad referrals', async () => {
		await handleWebhookEvents(store, parseWebhook(load('meta-openapi/text-message-from-click-to-whatsapp-ad.json')), { now: NOW });
		expect(await store.getWindow(PNID, USER)).toEqual({ phoneNumberId: PNID, waId: USER, lastInboundAt: 1750275992000, freeEntryPointAt: 1750275992000 });
		// an older message arriving late does not move the window back
		await handleWebhookEvents(store, parseWebhook(load('meta-openapi/text-message.json')), { now: NOW });
		expect((await store.getWindow(PNID, USER))?.lastInboundAt).toBe(1750275992000);
		// contact activity and profile name
		expect(await store.getContact(USER)).toMatchObject({ name: 'Sheena Nelson', lastActiveAt: 1750275992000 });
	});

	it('system messages do not open a window', async () => {
		await handleWebhookEvents(store, parseWebhook(load('meta-openapi/system-message.json')), { now: NOW });
		expect(await store.getWindow(PNID, USER)).toBeUndefined();
	});

	it('no side effects when turned off', async () => {
		await handleWebhookEvents(store, parseWebhook(load('meta-openapi/text-message.json')), { now: NOW, sideEffects: false });
		expect(await store.getWindow(PNID, USER)).toBeUndefined();
	});
});

describe('opt-out and opt-in', () => {
	it('STOP opts out (keyword source and message time); START opts back in', async () => {
		const r = await handleWebhookEvents(store, parseWebhook(text('wamid.o1', 'Stop!', 1000)), { now: NOW });
		expect(await store.getContact(USER)).toMatchObject({ optedOut: true, optOutSource: 'keyword:Stop!', optOutAt: 1_000_000 });
		expect(r.annotations.get('wamid.o1')).toEqual({ optIntent: 'opt_out', optApplied: true });
		await handleWebhookEvents(store, parseWebhook(text('wamid.o2', 'START', 2000)), { now: NOW });
		expect(await store.getContact(USER)).toMatchObject({ optedOut: false, optInSource: 'keyword:START', optInAt: 2_000_000 });
	});

	it('a late or redelivered older keyword never undoes a newer choice', async () => {
		await handleWebhookEvents(store, parseWebhook(text('wamid.o3', 'STOP', 3000)), { now: NOW });
		await handleWebhookEvents(store, parseWebhook(text('wamid.o4', 'START', 2000)), { now: NOW });
		expect((await store.getContact(USER))?.optedOut).toBe(true);
	});

	it('a sentence containing stop is not an opt-out', async () => {
		await handleWebhookEvents(store, parseWebhook(text('wamid.o5', 'please stop by tomorrow', 1000)), { now: NOW });
		expect((await store.getContact(USER))?.optedOut).toBe(false);
	});

	it('user_preferences stop / resume (Meta reference payloads)', async () => {
		await handleWebhookEvents(store, parseWebhook(load('meta-docs/user-preferences-resume.json')), { now: NOW });
		expect(await store.getContact(USER)).toBeUndefined(); // resume for an unknown number: nothing to undo
		await handleWebhookEvents(store, parseWebhook(load('meta-docs/user-preferences-stop.json')), { now: NOW });
		expect(await store.getContact(USER)).toMatchObject({ optedOut: true, optOutSource: 'user_preferences', optOutAt: 1739321024000 });
		// the resume example is older (1731705721) than the stop (1739321024): stays opted out
		await handleWebhookEvents(store, parseWebhook(load('meta-docs/user-preferences-resume.json')), { now: NOW, dedup: false });
		expect((await store.getContact(USER))?.optedOut).toBe(true);
	});

	it('the quick-reply "Unsubscribe" button (OpenAPI example) opts out; keywords can be turned off', async () => {
		await handleWebhookEvents(store, parseWebhook(load('meta-openapi/button-message.json')), { now: NOW, optOutKeywords: false });
		expect((await store.getContact(USER))?.optedOut).toBe(false);
		await handleWebhookEvents(store, parseWebhook(load('meta-openapi/button-message.json')), { now: NOW, dedup: false });
		expect(await store.getContact(USER)).toMatchObject({ optedOut: true, optOutSource: 'button:Unsubscribe' });
	});

	it('custom keyword lists', async () => {
		await handleWebhookEvents(store, parseWebhook(text('wamid.o6', 'sair', 1000)), { now: NOW, keywordOptions: { optOutKeywords: ['SAIR'] } });
		expect((await store.getContact(USER))?.optedOut).toBe(true);
	});
});

describe('filters', () => {
	it('by kind, status value and business phone number', async () => {
		const id = 'wamid.f1';
		const mixed = (): WebhookEvent[] => [
			...parseWebhook(body({ statuses: [status(id, 'sent', 1), status(id, 'delivered', 2)] })),
			...parseWebhook(load('meta-openapi/text-message.json')),
			...parseWebhook(load('meta-docs/message-template-status-update.json')),
		];
		const onlyDelivered = await handleWebhookEvents(store, mixed(), { now: NOW, dedup: false, kinds: ['status'], statuses: ['delivered'] });
		expect(onlyDelivered.events.map((e) => e.eventId)).toEqual([`${id}:delivered`]);
		expect(onlyDelivered.filtered).toBe(3);
		const otherNumber = await handleWebhookEvents(store, mixed(), { now: NOW, dedup: false, phoneNumberIds: ['999'] });
		// template updates have no phone number: they pass the phone filter
		expect(otherNumber.events.map((e) => e.kind)).toEqual(['template_status']);
		const all = await handleWebhookEvents(store, mixed(), { now: NOW, dedup: false, phoneNumberIds: [PNID], kinds: [] });
		expect(all.events).toHaveLength(4);
	});
});

describe('one store batch per request', () => {
	const mixed = () => [
		...parseWebhook(load('meta-openapi/text-message-from-click-to-whatsapp-ad.json')),
		...parseWebhook(load('meta-openapi/button-message.json')),
		...parseWebhook(body({ statuses: [status('wamid.b1', 'delivered', 5), status('wamid.b1', 'bogus', 6)] })),
		...parseWebhook(load('meta-openapi/system-message.json')),
	];

	it('collects windows, statuses, replies, contact activity and dedup keys of the request', () => {
		const batch = buildWebhookBatch(mixed(), NOW, { dedupScope: 's' });
		expect(batch.inbound).toEqual([
			{ phoneNumberId: PNID, waId: USER, at: 1750275992000, referral: true },
			{ phoneNumberId: PNID, waId: USER, at: 1750091045000 },
		]);
		expect(batch.statuses).toEqual([{ messageId: 'wamid.b1', status: 'delivered', at: 5000, recipientWaId: USER }]);
		expect(batch.replies).toEqual([{ messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJFNjk2OTMwNEZCQjhGMzUyQUYA', at: 1750091045000 }]);
		expect(batch.touches).toEqual([{ waId: USER, at: 1750275992000, name: 'Sheena Nelson' }]);
		expect(batch.processedKeys).toHaveLength(5);
		expect(batch.processedKeys.every((k) => k.startsWith('s:'))).toBe(true);
		expect(buildWebhookBatch(mixed(), NOW, { dedup: false, sideEffects: false })).toMatchObject({ processedKeys: [], inbound: [], statuses: [], touches: [] });
	});

	it('uses the store\'s applyWebhookBatch (one transaction) when it has one', async () => {
		const batches: WebhookBatch[] = [];
		const calls: string[] = [];
		const batching = new Proxy(store, {
			get(target, prop, receiver) {
				if (prop === 'applyWebhookBatch') {
					return async (batch: WebhookBatch) => {
						batches.push(batch);
						return applyWebhookBatch(target, batch);
					};
				}
				const value = Reflect.get(target, prop, receiver);
				if (typeof value !== 'function') return value;
				return (...args: unknown[]) => {
					calls.push(String(prop));
					return value.apply(target, args);
				};
			},
		});
		const r1 = await handleWebhookEvents(batching, mixed(), { now: NOW });
		expect(batches).toHaveLength(1);
		expect(calls.filter((c) => ['recordInbound', 'applyStatuses', 'markProcessedMany', 'touchContact'].includes(c))).toEqual([]);
		expect(r1.events).toHaveLength(5);
		const r2 = await handleWebhookEvents(batching, mixed(), { now: NOW });
		expect(r2.events).toHaveLength(0);
		expect(r2.duplicates).toBe(5);
		expect(await store.getWindow(PNID, USER)).toMatchObject({ freeEntryPointAt: 1750275992000 });
	});
});
