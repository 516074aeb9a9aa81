/**
 * The campaign engine against the project's Cloud API simulator (simulator/): strict mps cap,
 * forced 130429, 5xx faults, timeouts after acceptance, a paused template, a bad token, and the
 * rolling-24 h messaging limit across the simulator's fake clock. Zero duplicates by the
 * simulator's own stats throughout.
 */
import { createSimulator, DEFAULT_PHONE_NUMBERS, preloadedTemplate } from '../../simulator';
import type { RunningSimulator, Simulator, SimulatorOptions } from '../../simulator';
import { GraphClient } from '../../core/graph/client';
import { runCampaign, campaignRecipients } from '../../core/campaign/engine';
import type { CampaignTemplate, RunCampaignOptions, RecipientResult } from '../../core/campaign/types';
import type { Clock } from '../../core/throttle/clock';
import { useTempStore } from '../helpers/tempStore';

const PHONE = DEFAULT_PHONE_NUMBERS[0].id;
const DAY = 24 * 3600_000;
/** The simulator's preloaded UTILITY template: body {{1}} {{2}} + a URL button with a suffix. */
const ORDER_UPDATE: CampaignTemplate = preloadedTemplate('order_update');

let sim: Simulator;
let running: RunningSimulator;
const t = useTempStore('wa-campaign-sim-');

interface Stats {
	accepted: { total: number; byRecipient: Record<string, number> };
	maxAcceptedPerSecond: Record<string, number>;
	duplicateSends: { total: number };
	errors: Record<string, number>;
	asyncFailures: Record<string, number>;
}
const stats = () => sim.stats() as unknown as Stats;

async function start(options: Partial<SimulatorOptions> = {}) {
	sim = createSimulator({ mps: 1000, tier: 100_000, latencyMs: 2, seed: 7, ...options });
	running = await sim.start();
}

const simClock = (): Clock => ({ now: () => sim.clock.now(), sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 50))) });

function recipients(n: number, start = 4915100000000) {
	return Array.from({ length: n }, (_, i) => ({ phone: `+${start + i}`, itemIndex: i, values: { body: [`N${i}`, `#${i}`], buttons: { 0: `o${i}` } } }));
}

function opts(campaignId: string, extra: Partial<RunCampaignOptions> = {}): RunCampaignOptions {
	return {
		client: new GraphClient({ accessToken: 'sim-token', baseUrl: running.url }),
		store: t.store,
		campaignId,
		phoneNumberId: PHONE,
		portfolioId: 'sim-portfolio',
		template: ORDER_UPDATE,
		limits: { mps: 1000 },
		retry: { maxAttempts: 8, backoff: { baseMs: 20, factor: 2, maxMs: 200, jitter: 0.5 } },
		clock: simClock(),
		rng: () => 0.5,
		...extra,
	};
}

async function ledger(campaignId: string): Promise<RecipientResult[]> {
	const out: RecipientResult[] = [];
	for await (const r of campaignRecipients(t.store, campaignId)) out.push(r);
	return out;
}

afterEach(async () => {
	await running?.stop();
});

it('stays under a strict mps cap with no 130429 and no duplicates', async () => {
	await start({ mps: 20 });
	const result = await runCampaign(opts('s1', { recipients: recipients(50), limits: { mps: 20 } }));
	expect(result.state).toBe('completed');
	const s = stats();
	expect(s.accepted.total).toBe(50);
	expect(s.maxAcceptedPerSecond[PHONE]).toBeLessThanOrEqual(20);
	// Client and simulator share this process's event loop (and the CPU with other jest workers), so
	// a stall bunches arrivals: the bucket learns each request's latest possible arrival from its
	// answer (core/throttle/arrivals.ts) and keeps ≤ cap arrivals in any 1 s — zero 130429.
	expect(s.errors['130429'] ?? 0).toBe(0);
	expect(s.duplicateSends.total).toBe(0);
});

it('throttle (forced 130429) and transient 5xx faults are retried; timeouts after acceptance stay unknown', async () => {
	await start({ faults: { force130429: 3, errorRate: 0.2 } as never });
	const result = await runCampaign(opts('s2', { recipients: recipients(40) }));
	expect(result.throttleErrors).toBeGreaterThanOrEqual(3);
	expect(result.retried).toBeGreaterThan(3);
	expect(result.state).toBe('completed');
	const rows = await ledger('s2');
	expect(rows.every((r) => r.state === 'accepted')).toBe(true);
	expect(rows.some((r) => r.attempts > 1)).toBe(true);
	expect(stats().duplicateSends.total).toBe(0);
	expect(stats().accepted.total).toBe(40);

	// The simulator accepts, then never answers: the engine times out → unknown, and never resends.
	await fetch(`${running.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ errorRate: 0, timeoutRate: 1, timeoutMode: 'never' }) });
	const timedOut = await runCampaign(opts('s3', { recipients: recipients(3, 4915200000000), requestTimeoutMs: 300 }));
	expect(timedOut.unknown).toBe(3);
	expect((await ledger('s3')).map((r) => r.state)).toEqual(['unknown', 'unknown', 'unknown']);
	await fetch(`${running.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ timeoutRate: 0 }) });
	await runCampaign(opts('s3'));
	expect(stats().duplicateSends.total).toBe(0);
	expect(stats().accepted.total).toBe(43);
});

it('a paused template pauses the campaign; a bad token stops everything', async () => {
	await start({ mps: 50 });
	await fetch(`${running.url}/_sim/templates`, { method: 'POST', body: JSON.stringify({ name: 'order_update', language: 'en_US', status: 'PAUSED' }) });
	const paused = await runCampaign(opts('s4', { recipients: recipients(10), limits: { mps: 50 } }));
	expect(paused.state).toBe('paused');
	expect(paused.reason).toMatch(/^campaign_fatal: #132015/);
	expect(stats().accepted.total).toBe(0);
	const rows = await ledger('s4');
	expect(rows.filter((r) => r.state === 'queued' || r.state === 'retry').length).toBe(10);

	const badToken = await runCampaign({ ...opts('s5', { recipients: recipients(5, 4916000000000) }), client: new GraphClient({ accessToken: 'wrong', baseUrl: running.url }) });
	expect(badToken.stopError?.errorClass).toBe('account_stop');
	expect(badToken.state).toBe('account_stopped');
	expect(stats().accepted.total).toBe(0);
});

it('defers over the rolling-24 h messaging limit and sends the rest after the fake clock moves a day', async () => {
	await start({ tier: 5, messagingLimit: { mode: 'sync', code: 131049 } });
	const first = await runCampaign(opts('s6', { recipients: recipients(8), limits: { mps: 100, messagingLimit: 5 } }));
	expect(first.accepted).toBe(5);
	expect(first.deferred).toBe(3);
	expect(first.state).toBe('running');
	expect(first.nextDueAt).toBeGreaterThan(sim.clock.now() + DAY - 60_000);
	// The simulator (enforcing the same limit) never saw an over-limit send.
	expect(stats().errors['131049'] ?? 0).toBe(0);
	// Not yet: a re-run an hour later sends nothing.
	sim.clock.advance(3600_000);
	expect((await runCampaign(opts('s6', { limits: { mps: 100, messagingLimit: 5 } }))).accepted).toBe(0);
	sim.clock.advance(DAY);
	const second = await runCampaign(opts('s6', { limits: { mps: 100, messagingLimit: 5 } }));
	expect(second.accepted).toBe(3);
	expect(second.state).toBe('completed');
	expect(stats().accepted.total).toBe(8);
	expect(stats().duplicateSends.total).toBe(0);
	expect(stats().errors['131049'] ?? 0).toBe(0);
});
