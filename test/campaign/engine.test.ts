/**
 * Campaign engine against the simulator (test/helpers/sim.ts; scripted answers per recipient) and the real SQLite
 * store: exactly-once, every error class, budget deferral across 24 h, pause from another
 * execution, resume.
 */
import { GraphClient } from '../../core/graph/client';
import { openStore } from '../../core/store';
import type { Store } from '../../core/store/types';
import { runCampaign, campaignRecipients } from '../../core/campaign/engine';
import { setCampaignControl } from '../../core/campaign/control';
import type { RunCampaignOptions, RecipientResult } from '../../core/campaign/types';
import { startCampaignSim, type CampaignSim, PHONE, SIM_TOKEN } from '../helpers/sim';
import { TEMPLATE, values, phones, tmpDb, JumpClock } from '../helpers/campaignFixtures';

const DAY = 24 * 3600_000;

let api: CampaignSim;
let store: Store;
let client: GraphClient;

async function rows(campaignId: string, s: Store = store): Promise<Map<string, RecipientResult>> {
	const out = new Map<string, RecipientResult>();
	for await (const r of campaignRecipients(s, campaignId)) out.set(r.waId, r);
	return out;
}

function base(campaignId: string, extra: Partial<RunCampaignOptions> = {}): RunCampaignOptions {
	return {
		client,
		store,
		campaignId,
		phoneNumberId: PHONE,
		portfolioId: 'bp1',
		template: TEMPLATE,
		limits: { mps: 200 },
		retry: { backoff: { baseMs: 20, factor: 2, maxMs: 200, jitter: 0.5 } },
		clock: new JumpClock(),
		rng: () => 0.5,
		requestTimeoutMs: 2000,
		...extra,
	};
}

beforeEach(async () => {
	store = await openStore({ backend: 'sqlite', path: tmpDb() });
});
afterEach(async () => {
	await api?.stop();
	await store.close();
});

describe('runCampaign', () => {
	it('sends each recipient exactly once; duplicates, invalid phones and opted-out contacts are skipped with a reason', async () => {
		api = await startCampaignSim();
		client = new GraphClient({ accessToken: SIM_TOKEN, baseUrl: api.url });
		const list = phones(10);
		await store.upsertContacts([{ waId: list[3] }]);
		await store.setOptOut(list[3], true, 'STOP keyword');
		const recipients = [
			...list.map((p, i) => ({ phone: `+${p}`, itemIndex: i, values: values(`n${i}`) })),
			{ phone: list[0], itemIndex: 10, values: values('dup') },
			{ phone: 'not a phone', itemIndex: 11 },
		];
		const progress: number[] = [];
		const result = await runCampaign(base('c1', { recipients, onProgress: (p) => progress.push(p.accepted), progressEveryMs: 0 }));
		expect(result.state).toBe('completed');
		expect(result.added).toEqual({ inserted: 11, duplicates: 1, invalid: 1, optedOut: 1 });
		expect(result.accepted).toBe(9);
		expect(api.accepted.length).toBe(9);
		expect(api.duplicates()).toBe(0);
		expect(progress[progress.length - 1]).toBe(9);
		const r = await rows('c1');
		expect(r.get(list[3])).toMatchObject({ state: 'skipped' });
		expect(r.get(list[3])?.errorMessage).toMatch(/^opted out \(STOP keyword at /);
		expect(r.get('invalid#11')).toMatchObject({ state: 'skipped', itemIndex: 11 });
		expect(r.get('invalid#11')?.errorMessage).toMatch(/invalid phone number "not a phone"/);
		const first = r.get(list[0]);
		expect(first).toMatchObject({ state: 'accepted', attempts: 1, itemIndex: 0 });
		const sent = api.accepted.find((s) => s.to === list[0]);
		expect(sent?.id).toMatch(/^wamid\./);
		expect(first?.messageId).toBe(sent?.id);
		expect(sent?.biz_opaque_callback_data).toBe(`c1|${list[0]}`);
		expect(sent?.body?.template).toEqual({
			name: 'spring_sale',
			language: { code: 'en_US', policy: 'deterministic' }, // Meta's OAS TemplateObject requires the policy
			components: [
				{ type: 'body', parameters: [{ type: 'text', text: 'n0' }, { type: 'text', text: 'today' }] },
				{ type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'c/n0' }] },
			],
		});
		// Re-running the same campaign with the same audience sends nothing again.
		const again = await runCampaign(base('c1', { recipients }));
		expect(again.added.inserted).toBe(0);
		expect(api.accepted.length).toBe(9);
	});

	it('handles every error class as documented', async () => {
		const list = phones(10);
		const [throttled, pairRate, transient, transientDead, deferDay, undeliverable, stopped, windowClosed, hang, ok] = list;
		api = await startCampaignSim({
			recipientFaults: {
				[throttled]: [130429],
				[pairRate]: [131056],
				[transient]: [131000, 131000],
				[transientDead]: [131000, 131000, 131000],
				[deferDay]: [131049, 131049],
				[undeliverable]: [131026],
				[stopped]: [131050],
				[windowClosed]: [131047],
				[hang]: ['hang'],
			},
		});
		client = new GraphClient({ accessToken: SIM_TOKEN, baseUrl: api.url });
		const clock = new JumpClock();
		await store.upsertContacts([{ waId: stopped }]);
		const result = await runCampaign(
			base('c2', {
				clock,
				requestTimeoutMs: 300,
				retry: { maxAttempts: 3, maxDeferDays: 1, backoff: { baseMs: 20, factor: 2, maxMs: 200, jitter: 0.5 } },
				recipients: list.map((p, i) => ({ phone: p, itemIndex: i, values: values(`n${i}`) })),
			}),
		);
		const r = await rows('c2');
		// throttle: backed off, requeued, then accepted; the rate was cut.
		expect(r.get(throttled)).toMatchObject({ state: 'accepted', attempts: 2 });
		expect(result.throttleErrors).toBe(2);
		// 131056 pair rate: that recipient retried after ≥ 6 s, then accepted.
		expect(r.get(pairRate)).toMatchObject({ state: 'accepted', attempts: 2 });
		const pairSends = api.accepted.filter((s) => s.to === pairRate);
		expect(pairSends.length).toBe(1);
		// transient: bounded exponential retries.
		expect(r.get(transient)).toMatchObject({ state: 'accepted', attempts: 3 });
		expect(r.get(transientDead)).toMatchObject({ state: 'failed', attempts: 3, errorCode: 131000, errorClass: 'transient' });
		// 131049: deferred to the next day.
		const deferred = r.get(deferDay) as RecipientResult;
		expect(deferred).toMatchObject({ state: 'deferred', errorCode: 131049, errorClass: 'defer_day' });
		expect(deferred.nextAttemptAt).toBeGreaterThanOrEqual(clock.now() + DAY - 60_000);
		expect(deferred.errorMessage).toMatch(/day 1 of 1/);
		// recipient-permanent: failed; 131050 opts the contact out.
		expect(r.get(undeliverable)).toMatchObject({ state: 'failed', errorCode: 131026, errorClass: 'recipient_permanent' });
		expect(r.get(stopped)).toMatchObject({ state: 'failed', errorCode: 131050 });
		expect((await store.getContact(stopped))?.optedOut).toBe(true);
		// window (131047): failed with its class.
		expect(r.get(windowClosed)).toMatchObject({ state: 'failed', errorClass: 'window' });
		// timeout after the request was written: unknown, never resent.
		expect(r.get(hang)).toMatchObject({ state: 'unknown', errorClass: 'unknown_outcome' });
		expect(r.get(ok)).toMatchObject({ state: 'accepted', attempts: 1 });
		expect(result.state).toBe('running'); // the deferred recipient is still pending
		expect(result.nextDueAt).toBe(deferred.nextAttemptAt);

		// Next day: the deferred recipient is capped again → failed after maxDeferDays; unknown is not resent.
		clock.advance(DAY + 1000);
		const requestsBefore = api.requests;
		const day2 = await runCampaign(base('c2', { clock, retry: { maxDeferDays: 1 } }));
		expect(api.requests - requestsBefore).toBe(1);
		expect((await rows('c2')).get(deferDay)).toMatchObject({ state: 'failed', errorCode: 131049 });
		expect((await rows('c2')).get(hang)?.state).toBe('unknown');
		expect(day2.state).toBe('completed');
		expect(api.duplicates()).toBe(0);

		// resendUnknown: only when the user asks.
		await runCampaign(base('c2', { clock, resendUnknown: true }));
		expect((await rows('c2')).get(hang)?.state).toBe('accepted');
	});

	it('campaign-fatal pauses the campaign with the reason; the pause is sticky until Resume Campaign', async () => {
		const list = phones(30);
		api = await startCampaignSim({ recipientFaults: { [list[5]]: [132015] }, latencyMs: 5 });
		client = new GraphClient({ accessToken: SIM_TOKEN, baseUrl: api.url });
		const recipients = list.map((p, i) => ({ phone: p, itemIndex: i, values: values(`n${i}`) }));
		const result = await runCampaign(base('c3', { recipients, limits: { mps: 20 } }));
		expect(result.state).toBe('paused');
		expect(result.reason).toMatch(/campaign_fatal: #132015/);
		expect((await store.getCampaign('c3'))?.state).toBe('paused');
		const r = await rows('c3');
		expect(r.get(list[5])).toMatchObject({ state: 'retry', errorCode: 132015 });
		const pending = [...r.values()].filter((x) => x.state === 'queued' || x.state === 'retry').length;
		expect(pending).toBeGreaterThan(0);
		expect([...r.values()].some((x) => x.state === 'sending')).toBe(false);
		// Sticky: a re-run (a schedule, a second execution) sends nothing and says why.
		const sentBefore = api.accepted.length;
		const rerun = await runCampaign(base('c3', { limits: { mps: 200 } }));
		expect(rerun.haltedAtStart).toMatchObject({ state: 'paused', by: 'meta:132015' });
		expect(rerun.reason).toMatch(/campaign_fatal: #132015/);
		expect(rerun.accepted).toBe(0);
		expect(api.accepted.length).toBe(sentBefore);
		await setCampaignControl(store, 'c3', 'resume');
		const resumed = await runCampaign(base('c3', { limits: { mps: 200 } }));
		expect(resumed.state).toBe('completed');
		expect(resumed.report.byState.accepted).toBe(30);
		expect(api.duplicates()).toBe(0);
	});

	it('account-stop stops everything with a clear error', async () => {
		const list = phones(20);
		api = await startCampaignSim({ recipientFaults: { [list[0]]: [190] } });
		client = new GraphClient({ accessToken: SIM_TOKEN, baseUrl: api.url });
		const result = await runCampaign(base('c4', { recipients: list.map((p) => ({ phone: p, values: values('x') })), limits: { mps: 10 } }));
		expect(result.stopError).toMatchObject({ code: 190, errorClass: 'account_stop' });
		expect(result.state).toBe('account_stopped');
		expect(result.reason).toMatch(/account_stop: #190/);
		expect(result.stateBy).toBe('meta:190');
		expect(api.accepted.length).toBeLessThan(5);
		expect((await store.getCampaign('c4'))?.state).toBe('account_stopped');
	});

	it('defers recipients over the rolling-24 h messaging limit and sends them a day later', async () => {
		api = await startCampaignSim();
		client = new GraphClient({ accessToken: SIM_TOKEN, baseUrl: api.url });
		const clock = new JumpClock();
		const list = phones(6);
		// list[5] wrote to us an hour ago: its window is open, so it does not count against the limit.
		await store.recordInbound([{ phoneNumberId: PHONE, waId: list[5], at: clock.now() - 3600_000 }]);
		const recipients = list.map((p) => ({ phone: p, values: values('x') }));
		const first = await runCampaign(base('c5', { clock, recipients, limits: { mps: 50, messagingLimit: 3 } }));
		expect(first.accepted).toBe(4);
		expect(first.deferred).toBe(2);
		const r = await rows('c5');
		const deferred = [...r.values()].filter((x) => x.state === 'deferred');
		expect(deferred.length).toBe(2);
		for (const d of deferred) {
			expect(d.errorMessage).toMatch(/Messaging limit reached \(3 unique recipients per rolling 24 h\)/);
			expect(d.nextAttemptAt).toBeGreaterThan(clock.now() + DAY - 60_000);
		}
		expect(r.get(list[5])?.state).toBe('accepted');
		// Another campaign of the same portfolio shares the budget: it defers too.
		const other = await runCampaign(base('c5b', { clock, recipients: phones(1, 16505200000).map((p) => ({ phone: p, values: values('y') })), limits: { mps: 50, messagingLimit: 3 } }));
		expect(other.deferred).toBe(1);
		// A day later the rolling window has moved: a re-run sends the deferred ones.
		clock.advance(DAY + 1000);
		const second = await runCampaign(base('c5', { clock, limits: { mps: 50, messagingLimit: 3 } }));
		expect(second.accepted).toBe(2);
		expect(second.state).toBe('completed');
		expect(api.duplicates()).toBe(0);
		expect(api.acceptedTo().size).toBe(6);
	});

	it('Pause from a second execution takes effect within a second; resume sends the rest once', async () => {
		api = await startCampaignSim({ latencyMs: 20 });
		client = new GraphClient({ accessToken: SIM_TOKEN, baseUrl: api.url });
		const path = tmpDb();
		const storeA = await openStore({ backend: 'sqlite', path });
		const storeB = await openStore({ backend: 'sqlite', path });
		try {
			const list = phones(200);
			const running = runCampaign(
				base('c6', { store: storeA, clock: undefined, limits: { mps: 40 }, recipients: list.map((p) => ({ phone: p, values: values('x') })) }),
			);
			await new Promise((r) => setTimeout(r, 800));
			const pausedAt = Date.now();
			await storeB.setCampaignState('c6', 'paused', 'paused by user');
			const result = await running;
			const stoppedAfter = Date.now() - pausedAt;
			expect(result.state).toBe('paused');
			expect(stoppedAfter).toBeLessThan(1000);
			const sentBefore = api.accepted.length;
			expect(sentBefore).toBeGreaterThan(0);
			expect(sentBefore).toBeLessThan(200);
			// No request after the pause took effect beyond those already in flight.
			await new Promise((r) => setTimeout(r, 300));
			expect(api.accepted.length).toBe(sentBefore);
			const report = await storeB.campaignReport('c6');
			expect(report.byState.sending ?? 0).toBe(0);
			expect((report.byState.queued ?? 0) + (report.byState.retry ?? 0)).toBe(200 - sentBefore);
			// Sticky: a re-run alone sends nothing; Resume, then re-running the campaign sends the rest.
			expect((await runCampaign(base('c6', { store: storeB, limits: { mps: 500 } }))).haltedAtStart).toMatchObject({ state: 'paused', reason: 'paused by user', by: 'user' });
			expect(api.accepted.length).toBe(sentBefore);
			await setCampaignControl(storeB, 'c6', 'resume');
			const resumed = await runCampaign(base('c6', { store: storeB, limits: { mps: 500 } }));
			expect(resumed.state).toBe('completed');
			expect(api.accepted.length).toBe(200);
			expect(api.duplicates()).toBe(0);
		} finally {
			await storeA.close();
			await storeB.close();
		}
	});

	it('a stopped campaign sends nothing to new recipients until resumed; a campaign ID used for another template is refused', async () => {
		api = await startCampaignSim();
		client = new GraphClient({ accessToken: SIM_TOKEN, baseUrl: api.url });
		await runCampaign(base('c7', { recipients: [{ phone: phones(1)[0], values: values('x') }] }));
		await expect(runCampaign(base('c7', { template: { ...TEMPLATE, name: 'other' } }))).rejects.toThrow(/sends template spring_sale/);
		await store.setCampaignState('c7', 'stopped', 'by user');
		const more = phones(3, 16505300000).map((p) => ({ phone: p, values: values('y') }));
		const stopped = await runCampaign(base('c7', { recipients: more }));
		expect(stopped).toMatchObject({ state: 'stopped', reason: 'by user', stateBy: 'user', accepted: 0, haltedAtStart: { state: 'stopped' } });
		expect(stopped.added.inserted).toBe(3); // recorded, not sent
		expect(api.accepted.length).toBe(1);
		await setCampaignControl(store, 'c7', 'resume');
		expect((await runCampaign(base('c7'))).accepted).toBe(3);
		expect(api.duplicates()).toBe(0);
	});
});
