/**
 * Campaign safety at the moment of sending (issue 13), through workflow executions: the Campaign
 * node runs in n8n-core's engine against the simulator, and the simulator's signed webhooks are
 * delivered to the WhatsApp Cloud Trigger node (another execution, the same SQLite store) while the
 * campaign runs — as in n8n, where the trigger's executions run beside the campaign's.
 *
 *  - an opt-out committed by a trigger execution mid-campaign stops that recipient within 1 s
 *  - a paused campaign re-run sends 0 and says why (sticky pause), until Resume Campaign
 *  - template PAUSED / template quality RED webhooks pause a running campaign within 1 s
 *  - a messaging-limit downgrade webhook mid-run: the budget is re-read, the rest is deferred
 *  - a 131049 failed status webhook defers the recipient to the next day; sent the next day
 */
import { DEFAULT_PHONE_NUMBERS, DEFAULT_WABA_ID } from '../../simulator';
import { runCampaign } from '../../core/campaign/engine';
import { GraphClient } from '../../core/graph/client';
import { WhatsAppCampaign } from '../../nodes/WhatsAppCampaign/WhatsAppCampaign.node';
import { WhatsAppContacts } from '../../nodes/WhatsAppContacts/WhatsAppContacts.node';
import { jsonOf, runNode } from '../harness';
import { simControl, waitFor } from '../helpers/triggerReceiver';
import { JumpClock, PROMO_NAMED_MAPPING, sendCampaignParams } from '../helpers/campaignFixtures';
import { SimWorld } from '../helpers/simStore';

const PHONE = DEFAULT_PHONE_NUMBERS[0].id;
const SECRET = 'safety-app-secret';
const DAY = 24 * 3600_000;

const w = new SimWorld();

const control = (path: string, body: unknown) => simControl(w.running.url, path, body);

const people = (n: number, base = 4915200000100) => Array.from({ length: n }, (_, i) => ({ json: { phone: `+${base + i}`, name: `P${i}` } }));
const acceptedTo = (to: string) => w.sim.state.messages.filter((m) => m.to === to && m.type === 'template');

function promoParams(campaignId: string, extra: Record<string, unknown> = {}) {
	return sendCampaignParams(campaignId, { phoneNumberId: PHONE, templateId: w.templateId('promo_named') }, PROMO_NAMED_MAPPING, { throughputMode: 'manual', mps: 20, ...extra });
}

beforeEach(() => w.start({ mps: 80, tier: 2000, latencyMs: 2, seed: 7, statusDelays: { sent: 20, delivered: 40, read: 60 } }, { appSecret: SECRET }));
afterEach(() => w.stop());

it('an opt-out written by a concurrent trigger execution stops that recipient: 0 sends after its commit + 1 s', async () => {
	const items = people(60);
	const late = items.slice(40).map((p) => p.json.phone.slice(1)); // sent ≥ 2 s into the run at 20 mps
	const campaign = runNode(new WhatsAppCampaign(), promoParams('optout-mid'), items, w.creds());
	await waitFor(() => w.sim.state.messages.length >= 10);
	// The customers write STOP: the simulator posts signed webhooks, the trigger opts them out.
	const before = w.receiver.deliveries.length;
	for (const to of late.slice(0, 5)) await control('inbound', { from: to, type: 'stop', text: 'STOP' });
	await waitFor(() => w.receiver.deliveries.slice(before).filter((d) => d.field === 'messages').length >= 5);
	const committedBy = Math.max(...w.receiver.deliveries.slice(before).filter((d) => d.field === 'messages').map((d) => d.at));
	const r = await campaign;
	expect(r.status).toBe('success');
	for (const to of late.slice(0, 5)) {
		const sends = acceptedTo(to).filter((m) => m.acceptedAt > committedBy + 1000);
		expect(sends).toEqual([]);
		expect((await w.store.getContact(to))?.optedOut).toBe(true);
		expect(await w.store.getRecipient('optout-mid', to)).toMatchObject({ state: 'skipped' });
		expect((await w.store.getRecipient('optout-mid', to))?.errorMessage).toMatch(/^Not sent: opted out \(keyword:STOP/);
	}
	const summary = r.nodeOutputs[1][0].json as Record<string, any>;
	expect(summary.thisRun).toMatchObject({ sent: 55, skipped: 5, failed: 0, unknown: 0 });
	const rows = jsonOf(r.items) as Array<Record<string, unknown>>;
	expect(rows).toHaveLength(60);
	expect(rows.filter((x) => x.sentThisRun === true)).toHaveLength(55);
	expect(w.sim.stats()).toMatchObject({ duplicateSends: { total: 0 } });
}, 60_000);

it('a paused campaign re-run sends 0 and says why, until Resume Campaign', async () => {
	const items = people(30, 4915200000300);
	const node = new WhatsAppCampaign();
	const campaign = runNode(node, promoParams('paused-rerun'), items, w.creds());
	await waitFor(() => w.sim.state.messages.length >= 5);
	const paused = await runNode(node, { operation: 'pause', campaignId: 'paused-rerun', reason: 'checking the offer' }, [{ json: {} }], w.creds());
	expect(jsonOf(paused.items)).toEqual([{ campaignId: 'paused-rerun', state: 'paused', reason: 'checking the offer' }]);
	await campaign;
	const sent = w.sim.state.messages.length;
	expect(sent).toBeLessThan(30);

	// A schedule re-running the workflow: the run fails with the reason and sends nothing.
	const rerun = await runNode(node, promoParams('paused-rerun'), items, w.creds());
	expect(rerun.status).toBe('error');
	expect(rerun.nodeError?.message).toMatch(/^Campaign paused-rerun is paused by user since .+ \(checking the offer\): nothing was sent/);
	// With Continue On Fail the run summary says the same.
	const soft = await runNode(node, promoParams('paused-rerun'), items, w.creds(), { continueOnFail: true });
	expect(soft.status).toBe('success');
	const summary = soft.nodeOutputs[1][0].json as Record<string, any>;
	expect(summary).toMatchObject({ campaignState: 'paused', reason: 'checking the offer', stateBy: 'user', thisRun: { sent: 0 } });
	expect(summary.error).toMatch(/nothing was sent/);
	expect(w.sim.state.messages.length).toBe(sent);

	await runNode(node, { operation: 'resume', campaignId: 'paused-rerun' }, [{ json: {} }], w.creds());
	const resumed = await runNode(node, promoParams('paused-rerun', { mps: 80 }), items, w.creds());
	expect((resumed.nodeOutputs[1][0].json as Record<string, any>).campaignState).toBe('completed');
	expect(w.sim.state.messages.length).toBe(30);
	expect(w.sim.stats()).toMatchObject({ duplicateSends: { total: 0 } });
}, 60_000);

it.each([
	['template PAUSED', { status: 'PAUSED' }, /paused/i], // the webhook, or Meta's 132015 to a send, whichever comes first
	['template quality RED', { quality: 'RED' }, /quality dropped to RED/],
])('%s webhook mid-run pauses the campaign within 1 s', async (_label, change, reason) => {
	const items = people(80, 4915200000500);
	const campaign = runNode(new WhatsAppCampaign(), promoParams('breaker'), items, w.creds());
	await waitFor(() => w.sim.state.messages.length >= 10);
	const before = w.receiver.deliveries.length;
	await control(`templates/${w.templateId('promo_named')}`, change);
	await waitFor(() => w.receiver.deliveries.slice(before).some((d) => d.field.startsWith('message_template')));
	const committedAt = w.receiver.deliveries.slice(before).find((d) => d.field.startsWith('message_template'))?.at as number;
	const r = await campaign;
	const summary = r.nodeOutputs[1][0].json as Record<string, any>;
	expect(summary.campaignState).toBe('paused');
	expect(summary.reason).toMatch(reason);
	const lastAccepted = Math.max(...w.sim.state.messages.filter((m) => m.status !== 'failed').map((m) => m.acceptedAt));
	expect(lastAccepted).toBeLessThanOrEqual(committedAt + 1000);
	expect(w.sim.state.messages.length).toBeLessThan(80);
	// Sticky: the campaign stays paused for the next run.
	expect((await w.store.getCampaign('breaker'))?.state).toBe('paused');
}, 60_000);

it('a messaging-limit downgrade webhook mid-run: the budget is re-read and the rest is deferred, not sent', async () => {
	const items = people(400, 4915200001000);
	const campaign = runNode(new WhatsAppCampaign(), promoParams('downgrade', { mps: 80 }), items, w.creds());
	await waitFor(() => w.sim.state.messages.length >= 100);
	const before = w.receiver.deliveries.length;
	// The portfolio's limit is the highest among its numbers (cloud-api.md §5): downgrade both.
	for (const p of DEFAULT_PHONE_NUMBERS) await control(`phone-numbers/${p.id}`, { tier: 250 });
	await waitFor(() => w.receiver.deliveries.slice(before).some((d) => d.field === 'business_capability_update'));
	const r = await campaign;
	const summary = r.nodeOutputs[1][0].json as Record<string, any>;
	const sent = w.sim.state.messages.length;
	// What was in flight when the limit changed may still go out; nothing beyond the new limit + that.
	expect(sent).toBeLessThanOrEqual(250 + 40);
	// Everyone not sent waits for a budget slot (or, sent past Meta's new limit, for the next day).
	expect(summary.byState.deferred).toBe(400 - (summary.byState.accepted ?? 0) - (summary.byState.delivered ?? 0) - (summary.byState.read ?? 0));
	expect(summary.thisRun.deferred).toBeGreaterThanOrEqual(400 - sent - 5);
	expect(await w.store.getNumberHealth(PHONE)).toMatchObject({ messagingLimit: 250 });
}, 60_000);

it('131049 reported by a status webhook defers the recipient to the next day; the next day it is sent', async () => {
	await control('config', { marketingCapRate: 0.5 });
	const items = people(20, 4915200002000);
	const r = await runNode(new WhatsAppCampaign(), promoParams('cap', { mps: 80 }), items, w.creds());
	expect(r.status).toBe('success');
	await waitFor(() => w.sim.stats().statuses !== undefined && (w.sim.stats().statuses as { failed: number }).failed > 0);
	await new Promise((res) => setTimeout(res, 500)); // the rest of the status webhooks
	const rows = (await w.store.listRecipients('cap', { states: ['deferred'] })).items;
	const capped = w.sim.state.messages.filter((m) => m.errors?.some((e) => e.code === 131049)).map((m) => m.to);
	expect(capped.length).toBeGreaterThan(0);
	expect(rows.map((x) => x.waId).sort()).toEqual([...new Set(capped)].sort());
	for (const row of rows) {
		expect(row).toMatchObject({ state: 'deferred', deferDays: 1, errorCode: 131049, errorMessage: '131049: deferred to the next day (day 1 of 3)' });
		expect(row.nextAttemptAt).toBeGreaterThan(Date.now() + DAY - 60_000);
	}
	expect((await w.store.campaignReport('cap')).deferredByDay).toEqual({ '1': rows.length });
	// The next day (a fake clock one day ahead): the deferred ones are sent, once.
	await control('config', { marketingCapRate: 0 });
	const clock = new JumpClock();
	clock.advance(DAY + 60_000);
	await control('clock/advance', { ms: DAY + 60_000 }); // Meta's side of the next day too (pair rate, 24 h)
	const template = w.sim.state.templates.find(DEFAULT_WABA_ID, 'promo_named', 'en_US') as never;
	const next = await runCampaign({
		client: new GraphClient({ accessToken: 'sim-token', baseUrl: w.running.url }),
		store: w.store,
		campaignId: 'cap',
		phoneNumberId: PHONE,
		template,
		limits: { mps: 80 },
		clock,
	});
	expect(next.accepted).toBe(rows.length);
	for (const row of rows) expect(acceptedTo(row.waId)).toHaveLength(2);
	expect(next.state).toBe('completed');
}, 60_000);

it('a typed reply after delivery marks the recipient replied (reply rate counts typed replies, not only button taps)', async () => {
	const items = people(3, 4915200003000);
	const r = await runNode(new WhatsAppCampaign(), promoParams('replies', { mps: 80 }), items, w.creds());
	expect(r.status).toBe('success');
	const to = items[1].json.phone.slice(1);
	await waitFor(() => w.sim.state.messages.every((m) => m.status === 'delivered' || m.status === 'read'));
	const before = w.receiver.deliveries.length;
	await control('inbound', { from: to, type: 'text', text: 'Is the offer valid in Berlin too?' });
	await waitFor(() => w.receiver.deliveries.slice(before).some((d) => d.field === 'messages'));
	expect((await w.store.getRecipient('replies', to))?.state).toBe('replied');
	const report = await runNode(new WhatsAppCampaign(), { operation: 'report', campaignId: 'replies' }, [{ json: {} }], w.creds());
	expect((jsonOf(report.items)[0] as Record<string, any>).rates.reply).toBeCloseTo(1 / 3, 3);
}, 60_000);

it('Respect Opt-Outs For: Meta scope sends a utility template to an opted-out contact; "every category" skips them', async () => {
	const [a, b] = people(2, 4915200004000);
	await w.store.setOptOut(a.json.phone.slice(1), true, 'keyword:STOP', Date.now());
	const utility = (campaignId: string, respect?: string) => ({
		operation: 'sendCampaign',
		campaignId,
		phoneNumber: { mode: 'id', value: PHONE },
		template: { mode: 'id', value: w.templateId('order_update') },
		audience: 'items',
		phoneField: 'phone',
		variables: { mappingMode: 'defineBelow', value: { 'body.1': '={{ $json.name }}', 'body.2': 'A1', 'button.0': 'A1' } },
		throughputMode: 'manual',
		mps: 80,
		messagingLimitMode: 'graph',
		...(respect ? { campaignOptions: { respectOptOutsFor: respect } } : {}),
	});
	const scoped = await runNode(new WhatsAppCampaign(), utility('util-meta'), [a, b], w.creds());
	expect((scoped.nodeOutputs[1][0].json as Record<string, any>).byState).toEqual({ accepted: 2 });
	const all = await runNode(new WhatsAppCampaign(), utility('util-all', 'all'), [a, b], w.creds());
	expect(jsonOf(all.items).map((x) => (x as Record<string, unknown>).state)).toEqual(['skipped', 'accepted']);
	// The block list (Contacts → Block) applies to every category, whatever the option.
	const block = await runNode(new WhatsAppContacts(), { operation: 'block', phone: b.json.phone, blockReason: 'abusive' }, [{ json: {} }], w.creds());
	expect(jsonOf(block.items)[0]).toMatchObject({ waId: b.json.phone.slice(1), blocked: true, blockReason: 'abusive' });
	const blocked = await runNode(new WhatsAppCampaign(), utility('util-blocked'), [a, b], w.creds());
	expect(jsonOf(blocked.items).map((x) => (x as Record<string, unknown>).error)).toEqual([null, 'blocked (abusive)']);
	const unblock = await runNode(new WhatsAppContacts(), { operation: 'unblock', phone: b.json.phone }, [{ json: {} }], w.creds());
	expect((jsonOf(unblock.items)[0] as Record<string, unknown>).blocked).toBeUndefined();
}, 60_000);
