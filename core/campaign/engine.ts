/**
 * The campaign engine: one approved template to many recipients, as fast as Meta allows and never
 * faster, exactly once, every recipient accounted for, and never to someone who may not get it.
 *
 * A run, top-down (each rule has a home of its own):
 *  1. open      — create or resume the campaign row; a paused / stopped / account-stopped campaign
 *                 stays so (sticky): nothing is sent until Resume Campaign (campaignGate below).
 *  2. checks    — Graph's number quality and template quality when the run starts (startHalt).
 *  3. recover   — a crashed run's expired claims: never dispatched → re-queued, dispatched →
 *                 'unknown' (Store.expireClaims); optional resolution of old 'unknown' rows.
 *  4. audience  — new recipients into the ledger, insert-or-ignore (audience.ts).
 *  5. loop      — claim a batch → consent gate (gates.ts) → admission (pair rate, window, budget)
 *                 → pace (core/throttle) → dispatch mark (dispatch.ts) → POST (core/messages/api.ts)
 *                 → ledger; errors through the pure policy (policy.ts).
 *  6. finish    — completed when nothing is left; the run's own counts and the next due time.
 *
 * Exactly once — the ledger (Store recipients) is written before and after every request:
 *   claim ('sending', leased) → dispatch mark → POST → 'accepted' + message id. A timeout after the
 *   request was written leaves 'unknown', never resent unless the user asks; status webhooks
 *   reconcile it through biz_opaque_callback_data = "<campaignId>|<waId>".
 *
 * Limits (cloud-api.md §5): arrival-bounded pacing per number (core/throttle); ≥ 6 s per recipient
 * (131056 → 4^X s); rolling-24 h unique-recipient budget per portfolio, re-read when the tier
 * changes (webhook or Graph); in-flight ≈ rate × latency.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { GraphApiError } from '../graph/errors';
import { MarketingRoute } from '../messages/marketing';
import { qualityProblem, type NumberInfo } from '../numbers/info';
import { isBsuid } from '../phone';
import { buildTemplateMessage, type SendValues } from '../templates/build';
import type { Campaign, CampaignReport, CampaignSettings, ConsentScope, NumberHealth, Recipient, RecipientUpdate, Store } from '../store/types';
import { systemClock, type Clock } from '../throttle/clock';
import { TokenBucket } from '../throttle/tokenBucket';
import { SharedTokenBucket } from '../throttle/sharedPacer';
import { PairRateGuard } from '../throttle/pairRate';
import { BudgetGate } from '../throttle/budget';
import { ConcurrencyLimiter } from '../throttle/concurrency';
import { isWindowOpen } from '../window/window';
import { addAudience, poolNumberFor, type AddAudienceResult } from './audience';
import { DispatchMarks } from './dispatch';
import { SendGates, consentScope, isHalted, isMarketing, type Halt } from './gates';
import { checkSendWindow, nextOpening, recipientZone, type SendWindow } from './schedule';

export { consentScope, isMarketing } from './gates';
import { CODE_RULES, decideOnError, DEFAULT_POLICY_LIMITS, type PolicyLimits } from './policy';
import type { CampaignRunResult, CampaignTemplate, RecipientResult, RunCampaignOptions } from './types';

/** GraphClient's default per-request timeout (core/graph/client.ts: 30 s), when none is given. */
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/**
 * A claim outlives its request by this much: the answer's ledger write, a stalled event loop. A
 * 'sending' row whose lease has run out thus belongs to a run that died (or hung past its own
 * timeout): Store.expireClaims re-queues it, or marks it 'unknown' when it was dispatched.
 */
const CLAIM_MARGIN_MS = 10_000;
/** Claimed rows wait in the buffer (≈ 0.25 s of sends, plus pacing and back-pressure) about this long at most. */
const CLAIM_HOLD_MS = 5_000;
/** Graph's number limits and quality are re-read this often while a run goes on. */
const DEFAULT_REFRESH_MS = 60_000;

export function callbackData(campaignId: string, waId: string): string {
	return `${campaignId}|${waId}`;
}

/** The send body of one template message (no campaign). Throws TemplateValueError when a value is missing. */
export function templateMessageBody(template: CampaignTemplate, waId: string, values: SendValues | undefined) {
	return {
		messaging_product: 'whatsapp',
		recipient_type: 'individual',
		// A username user known only by their business-scoped user ID is addressed by `recipient`
		// (statuses then carry recipient_user_id); everyone else by their number in `to`.
		...(isBsuid(waId) ? { recipient: waId } : { to: waId }),
		type: 'template',
		template: buildTemplateMessage(template, values ?? {}),
	};
}

/** The send body of one campaign message: the template body plus the callback data statuses echo. */
export function campaignMessageBody(template: CampaignTemplate, campaignId: string, waId: string, values: SendValues | undefined) {
	return { ...templateMessageBody(template, waId, values), biz_opaque_callback_data: callbackData(campaignId, waId) };
}

/** Why a campaign may not send now (sticky states), or undefined when it may. */
export function campaignGate(campaign: Pick<Campaign, 'state' | 'reason' | 'stateBy' | 'stateAt'>): Halt | undefined {
	return isHalted(campaign.state) ? { state: campaign.state, reason: campaign.reason, by: campaign.stateBy, at: campaign.stateAt } : undefined;
}

/**
 * Start-of-run checks on what Graph reported (issue 13): a template whose quality is RED pauses the
 * campaign; a number whose quality is RED / FLAGGED pauses marketing campaigns (qualityBreaker).
 */
export function startHalt(options: {
	template: CampaignTemplate;
	templateQuality?: string;
	numberInfo?: NumberInfo;
	qualityBreaker?: boolean;
}): Halt | undefined {
	if (String(options.templateQuality ?? '').toUpperCase() === 'RED') {
		return { state: 'paused', reason: `Template ${options.template.name} (${options.template.language}) quality is RED`, by: 'graph:template_quality' };
	}
	const problem = options.numberInfo && qualityProblem(options.numberInfo);
	if (problem && isMarketing(options.template) && options.qualityBreaker !== false) return { state: 'paused', reason: problem, by: 'graph:quality' };
	return undefined;
}

/**
 * Opens (creates or resumes) the campaign row and stores this run's settings (template id, WABA,
 * breaker option, max defer days, schedule, run settings) in one write; throws when the ID belongs
 * to another number or template, or the schedule is invalid.
 */
async function openCampaign(options: RunCampaignOptions, now: number): Promise<Campaign> {
	const { store, campaignId, phoneNumberId, template } = options;
	const s = options.schedule ?? {};
	if (s.window) checkSendWindow(s.window);
	if (s.startAt && s.endBy && s.endBy <= s.startAt) throw new Error('End By must be after Start At');
	const settings = {
		templateId: options.templateId,
		wabaId: options.wabaId,
		qualityBreaker: options.qualityBreaker,
		maxDeferDays: options.retry?.maxDeferDays,
	};
	const later: CampaignSettings = {
		startAt: s.startAt,
		endBy: s.endBy,
		sendWindow: s.window === undefined ? undefined : (s.window as Record<string, unknown> | null),
		runConfig: options.runConfig,
	};
	const scheduled = Boolean(options.schedule || options.runConfig);
	const { campaign, created } = await store.createCampaign(
		{ id: campaignId, phoneNumberId, templateName: template.name, templateLanguage: template.language, category: template.category, config: { template }, ...settings },
		now,
	);
	if (created && !scheduled) return campaign;
	if (created) {
		await store.updateCampaignSettings(campaignId, later, now);
		return (await store.getCampaign(campaignId)) ?? campaign;
	}
	if (campaign.phoneNumberId !== phoneNumberId) {
		throw new Error(`Campaign "${campaignId}" belongs to business number ${campaign.phoneNumberId}, not ${phoneNumberId}: use another campaign ID`);
	}
	if (campaign.templateName && (campaign.templateName !== template.name || campaign.templateLanguage !== template.language)) {
		throw new Error(
			`Campaign "${campaignId}" sends template ${campaign.templateName} (${campaign.templateLanguage}), not ${template.name} (${template.language}): use another campaign ID`,
		);
	}
	await store.updateCampaignSettings(campaignId, { ...settings, ...later }, now);
	return scheduled ? ((await store.getCampaign(campaignId)) ?? campaign) : campaign;
}

/** A number's health as Graph reported it, for the store (an unlimited tier is null there). */
function healthOf(info: NumberInfo, phoneNumberId: string, at: number, wabaId?: string): NumberHealth {
	return {
		phoneNumberId,
		displayDigits: info.displayDigits,
		wabaId,
		quality: info.qualityRating,
		messagingLimit: info.messagingLimit === undefined ? undefined : info.messagingLimit === Infinity ? null : info.messagingLimit,
		tier: info.tier,
		updatedAt: at,
	};
}

export async function runCampaign(options: RunCampaignOptions): Promise<CampaignRunResult> {
	const { store, campaignId, phoneNumberId, template } = options;
	const clock = options.clock ?? systemClock;
	const started = clock.now();
	if (!campaignId) throw new Error('Campaign ID is required');
	if (!phoneNumberId) throw new Error('Business number (phone number ID) is required');
	if (!template?.name || !template.language) throw new Error('Template name and language are required');
	const scope = consentScope(template, options.respectOptOutsFor);
	// A sender pool (issue 17) needs two numbers or more; one number runs as a plain campaign.
	const pool = options.pool && options.pool.length > 1 ? options.pool : undefined;

	// 1. open: a halted campaign stays halted (sticky) — its audience is still recorded.
	const campaign = await openCampaign(options, started);
	if (options.numberInfo) await store.setNumberHealth(healthOf(options.numberInfo, phoneNumberId, started, options.wabaId));
	let haltedAtStart = campaignGate(campaign);
	// 2. checks: Graph's view of the template and the number when the run starts.
	if (!haltedAtStart && campaign.state !== 'completed') {
		// A sender pool drains a flagged number instead (runPool); its template still counts.
		const h = startHalt({ template, templateQuality: options.templateQuality, numberInfo: pool ? undefined : options.numberInfo, qualityBreaker: options.qualityBreaker });
		if (h) {
			await store.setCampaignState(campaignId, h.state, h.reason, started, h.by);
			haltedAtStart = { ...h, at: started };
		}
	}
	// (A completed campaign given new recipients simply runs again.)

	// 3. recover from a crashed run (expired leases only: another live run keeps its claims).
	const recovered = await store.expireClaims(campaignId, started);
	if (options.resendUnknown) await requeue(store, campaignId, 'unknown', started);
	const unknownResent =
		options.resolveUnknownAfterMs !== undefined && !haltedAtStart ? await store.requeueUnresolvedUnknown(campaignId, started - options.resolveUnknownAfterMs, started) : 0;

	// 4. audience
	let added: AddAudienceResult = { inserted: 0, duplicates: 0, invalid: 0, optedOut: 0 };
	if (options.recipients) {
		added = await addAudience(store, campaignId, options.recipients, {
			scope,
			defaultCountry: options.defaultCountry,
			now: started,
			authentication: String(template.category ?? '').toUpperCase() === 'AUTHENTICATION',
			keys: options.audienceKeys,
			pool: pool?.map((p) => p.phoneNumberId),
		});
	}

	// Schedule (issue 17): past End By, what is left expires; before Start At, nothing is sent yet.
	let expired = 0;
	const scheduledFor = !haltedAtStart && campaign.startAt !== undefined && campaign.startAt > started ? campaign.startAt : undefined;
	if (!haltedAtStart && campaign.endBy !== undefined && campaign.endBy <= started) expired = await store.expireRemaining(campaignId, started);
	if (haltedAtStart || scheduledFor !== undefined || expired > 0) {
		const report = await store.campaignReport(campaignId);
		const pending = pendingOf(report);
		let state = haltedAtStart?.state ?? campaign.state;
		if (!haltedAtStart && expired > 0 && pending === 0) {
			await store.setCampaignState(campaignId, 'completed', undefined, started, 'run');
			state = 'completed';
		}
		return {
			campaignId,
			state,
			reason: haltedAtStart?.reason,
			stateBy: haltedAtStart?.by,
			stateAt: haltedAtStart?.at,
			haltedAtStart,
			scheduledFor,
			expired,
			added,
			...zeroCounters(),
			requeuedAfterCrash: recovered.requeued,
			unknownResent,
			sentThisRun: options.collectSent ? new Set() : undefined,
			nextDueAt: scheduledFor ?? (pending > 0 ? await store.nextDueAt(campaignId) : undefined),
			report,
			elapsedMs: Math.max(1, clock.now() - started),
			achievedMps: 0,
		};
	}
	if (campaign.state !== 'running') await store.setCampaignState(campaignId, 'running', undefined, started, 'run');

	// 5. the send loop: one per number of a sender pool (each paced at its own throughput), else one.
	let run: CampaignRun;
	let perNumber: CampaignRunResult['perNumber'];
	if (pool) {
		if (!campaign.senderPool) await store.updateCampaignSettings(campaignId, { senderPool: pool.map((p) => p.phoneNumberId) }, started);
		const res = await runPool(options, pool, clock, started, scope, campaign);
		run = res.run;
		perNumber = res.perNumber;
	} else {
		run = new CampaignRun(options, clock, started, scope, campaign);
		await run.loop();
	}

	// 6. finish: other runs' claims whose lease ran out meanwhile; claims still leased stay in flight.
	const end = clock.now();
	await store.expireClaims(campaignId, end).catch(() => undefined);
	if (campaign.endBy !== undefined && end >= campaign.endBy) expired = await store.expireRemaining(campaignId, end);
	const report = await store.campaignReport(campaignId);
	const pending = pendingOf(report);
	const current = await store.getCampaign(campaignId);
	let state = current?.state ?? 'running';
	let { stateBy, stateAt } = current ?? {};
	if (!run.halt && pending === 0 && state === 'running') {
		await store.setCampaignState(campaignId, 'completed', undefined, end, 'run');
		[state, stateBy, stateAt] = ['completed', 'run', end];
	}
	const nextDueAt = pending > 0 ? await store.nextDueAt(campaignId) : undefined;
	run.progress(true);
	const elapsedMs = Math.max(1, end - started);
	return {
		campaignId,
		state,
		reason: run.halt?.reason ?? current?.reason,
		stateBy,
		stateAt,
		stopError: run.stopError,
		added,
		...run.counters,
		expired,
		requeuedAfterCrash: recovered.requeued,
		unknownResent,
		sentThisRun: run.sentThisRun,
		perNumber,
		nextDueAt,
		report,
		elapsedMs,
		achievedMps: Math.round((run.counters.accepted / (elapsedMs / 1000)) * 100) / 100,
	};
}

/**
 * A sender pool's send loops (issue 17): one CampaignRun per number, concurrently, each claiming
 * only its own recipients at its own pace; the portfolio budget and the campaign's gates are shared
 * through the store. A drained number's unsent recipients move to the numbers still active, which
 * then run again (up to three rounds) so they go out in this execution.
 */
async function runPool(
	options: RunCampaignOptions,
	pool: NonNullable<RunCampaignOptions['pool']>,
	clock: Clock,
	started: number,
	scope: ConsentScope | undefined,
	campaign: Campaign,
): Promise<{ run: CampaignRun; perNumber: NonNullable<CampaignRunResult['perNumber']> }> {
	const drained = new Map<string, string>();
	for (const p of pool) {
		const problem = p.numberInfo && qualityProblem(p.numberInfo);
		if (problem) drained.set(p.phoneNumberId, problem);
	}
	const totals = new Map(pool.map((p) => [p.phoneNumberId, { accepted: 0, failed: 0, deferred: 0 }]));
	const summary = new CampaignRun(options, clock, started, scope, campaign); // carries the merged counters
	const moveFrom = async (num: string) => {
		const active = pool.map((p) => p.phoneNumberId).filter((id) => !drained.has(id));
		if (active.length) await options.store.reassignRecipients(options.campaignId, num, (waId) => poolNumberFor(waId, active));
	};
	for (const num of drained.keys()) await moveFrom(num);
	for (let round = 0; round < 3; round++) {
		const active = pool.filter((p) => !drained.has(p.phoneNumberId));
		if (active.length === 0) break;
		const runs = active.map(
			(p) =>
				new CampaignRun(
					{ ...options, phoneNumberId: p.phoneNumberId, limits: { ...options.limits, mps: p.mps }, numberInfo: p.numberInfo, refreshNumber: p.refreshNumber },
					clock,
					started,
					scope,
					campaign,
					{ claimNumber: p.phoneNumberId },
				),
		);
		await Promise.all(runs.map((r) => r.loop()));
		let again = false;
		for (const r of runs) {
			summary.absorb(r);
			const t = totals.get(r.numberId) as { accepted: number; failed: number; deferred: number };
			t.accepted += r.counters.accepted;
			t.failed += r.counters.failed;
			t.deferred += r.counters.deferred;
			if (r.drained && !drained.has(r.numberId)) {
				drained.set(r.numberId, r.drained);
				await moveFrom(r.numberId);
				again = true;
			}
		}
		if (!again || summary.halt) break;
	}
	return {
		run: summary,
		perNumber: pool.map((p) => ({ phoneNumberId: p.phoneNumberId, ...(totals.get(p.phoneNumberId) as { accepted: number; failed: number; deferred: number }), ...(drained.has(p.phoneNumberId) ? { drained: drained.get(p.phoneNumberId) } : {}) })),
	};
}

/** A run's own counts, all zero. */
function zeroCounters() {
	return { accepted: 0, failed: 0, retried: 0, deferred: 0, unknown: 0, skipped: 0, outsideWindow: 0, throttleErrors: 0 };
}

/** Rows still to send or in flight (queued, retry, deferred, sending). */
function pendingOf(report: CampaignReport): number {
	const n = report.byState;
	return (n.queued ?? 0) + (n.retry ?? 0) + (n.deferred ?? 0) + (n.sending ?? 0);
}

/** One run of the send loop: claims, gates, pacing, sends and their outcomes. */
class CampaignRun {
	readonly counters = zeroCounters();
	readonly sentThisRun: Set<string> | undefined;
	halt: Halt | undefined;
	stopError: CampaignRunResult['stopError'];

	private readonly store: Store;
	private readonly workerId: string;
	private readonly limits: PolicyLimits;
	private readonly maxWaitMs: number;
	private readonly leaseMs: number;
	private readonly mustRemainMs: number;
	private readonly pollMs: number;
	private readonly local: TokenBucket;
	private readonly pacer: TokenBucket | SharedTokenBucket;
	private readonly pair = new PairRateGuard();
	private readonly budget: BudgetGate;
	private readonly concurrency: ConcurrencyLimiter;
	private readonly gates: SendGates;
	private readonly marks: DispatchMarks;
	/** /marketing_messages or /messages per send, and the numbers found not onboarded (core/messages/marketing.ts). */
	readonly route: MarketingRoute;
	/** Recipients whose budget slot this run took (only those may be given back). */
	private readonly charged = new Set<string>();
	private readonly inflight = new Set<Promise<void>>();
	/**
	 * "Some send settled" is one shared promise, resolved by whichever send ends first (a race over
	 * the in-flight set would attach a reaction to every send on each wait: O(in-flight) garbage).
	 */
	private settled: { promise: Promise<void>; resolve: () => void } | undefined;
	private buffer: Recipient[] = [];
	private lastProgress: number;

	constructor(
		private readonly options: RunCampaignOptions,
		private readonly clock: Clock,
		private readonly started: number,
		scope: ConsentScope | undefined,
		campaign: Campaign,
		/** Sender pools: this loop sends only the recipients that stick to this number. */
		private readonly poolMember?: { claimNumber: string },
	) {
		const { store, campaignId, phoneNumberId } = options;
		this.store = store;
		this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
		const retry = options.retry ?? {};
		this.limits = {
			maxAttempts: retry.maxAttempts ?? DEFAULT_POLICY_LIMITS.maxAttempts,
			maxThrottleAttempts: retry.maxThrottleAttempts ?? DEFAULT_POLICY_LIMITS.maxThrottleAttempts,
			maxDeferDays: retry.maxDeferDays ?? DEFAULT_POLICY_LIMITS.maxDeferDays,
			backoff: retry.backoff,
		};
		this.maxWaitMs = options.maxWaitMs ?? 120_000;
		// The lease covers the wait in the buffer, one request incl. its timeout, and the margin; a
		// row is only sent while at least `mustRemainMs` of its lease is left (else it is given back).
		const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
		this.leaseMs = options.leaseMs ?? requestTimeoutMs + CLAIM_MARGIN_MS + CLAIM_HOLD_MS;
		if (!(this.leaseMs > 0)) throw new Error(`Claim lease must be a positive number of ms (got ${this.leaseMs})`);
		this.mustRemainMs = Math.min(requestTimeoutMs + CLAIM_MARGIN_MS, this.leaseMs / 2);
		this.pollMs = options.pollIntervalMs ?? 200;
		this.local = new TokenBucket({ capMps: options.limits.mps, safetyFactor: options.limits.safetyFactor });
		this.pacer = options.limits.sharedThroughput
			? new SharedTokenBucket(store, `mps:${phoneNumberId}`, this.local, { clock: this.clock, signal: options.signal })
			: this.local;
		this.budget = new BudgetGate({ store, portfolioId: options.portfolioId || phoneNumberId, limit: options.limits.messagingLimit ?? Infinity });
		this.concurrency = new ConcurrencyLimiter({ max: options.limits.maxConcurrency ?? 512 });
		this.gates = new SendGates({ store, campaignId, phoneNumberId, scope, since: started });
		this.marks = new DispatchMarks(store, campaignId, this.workerId, this.clock, store.backend === 'sqlite');
		this.sentThisRun = options.collectSent ? new Set() : undefined;
		this.lastProgress = started;
		this.window = campaign.sendWindow ? checkSendWindow(campaign.sendWindow as SendWindow) : undefined;
		this.endBy = campaign.endBy;
		this.route = new MarketingRoute({
			marketingMessagesApi: options.marketingMessagesApi,
			category: options.template.category,
			readCategory: () => store.getCampaign(campaignId).then((c) => c?.category),
			now: () => this.clock.now(),
		});
	}

	/** Sender pools: why this loop's number was drained (quality, spam rate limit), if it was. */
	drained: string | undefined;

	get numberId(): string {
		return this.options.phoneNumberId;
	}

	/** Adds another loop's outcome to this one (a pool's merged result). */
	absorb(other: CampaignRun): void {
		for (const k of Object.keys(this.counters) as Array<keyof CampaignRun['counters']>) this.counters[k] += other.counters[k];
		if (other.sentThisRun) for (const w of other.sentThisRun) this.sentThisRun?.add(w);
		if (other.halt) this.setHalt(other.halt);
		if (other.stopError && !this.stopError) this.stopError = other.stopError;
	}

	/** The campaign's send window (recipient's local hours) and End By. */
	private readonly window: ReturnType<typeof checkSendWindow> | undefined;
	private readonly endBy: number | undefined;

	// ───────────── the loop ─────────────

	async loop(): Promise<void> {
		const { options, clock } = this;
		const stopWatch = this.watch();
		const onAbort = () => this.setHalt({ state: 'paused', reason: 'execution cancelled', by: 'execution' });
		options.signal?.addEventListener('abort', onAbort, { once: true });
		try {
			await this.gates.poll(() => []); // the state as the run starts (version baseline)
			if (this.gates.halt) this.setHalt(this.gates.halt);
			for (;;) {
				if (this.halt || this.drained) break;
				const now = clock.now();
				// End By passed, or this execution's share of the work is done (Continue Due Campaigns).
				if ((this.endBy !== undefined && now >= this.endBy) || (options.runUntil !== undefined && now >= options.runUntil)) break;
				this.progress();
				if (this.buffer.length === 0) {
					if (!(await this.refill())) break;
					continue;
				}
				const row = this.buffer.shift() as Recipient;
				// Held in the buffer too long: its lease might run out during the request. Give it back
				// (it is claimed again with a fresh lease), so an expired lease always means a dead run.
				if (!this.leaseLeft(row)) {
					await this.giveBack(row);
					continue;
				}
				if (await this.skipIfBlocked(row)) continue;
				if (!(await this.admit(row))) continue;
				// In flight ≈ rate × latency (Little's law), then wait for this send's slot.
				while (this.inflight.size >= this.concurrency.limit(this.local.rate(clock.now()))) await this.anySettled();
				// The number's first /marketing_messages send is answered before more are paced (core/messages/marketing.ts).
				await this.route.ready(options.phoneNumberId);
				const ticket = await this.pacer.take(clock, options.signal);
				if (this.halt || !this.leaseLeft(row) || this.gates.lateBlock(row.waId)) {
					// Halted, held too long (a cut rate), or blocked while it waited: not sent.
					this.pacer.noteUnsent(ticket);
					await this.releaseSlot(row.waId);
					if (this.halt) {
						this.buffer.unshift(row);
						break;
					}
					if (!(await this.skipIfBlocked(row))) await this.giveBack(row);
					continue;
				}
				const p: Promise<void> = this.sendOne(row, ticket)
					.catch(() => undefined)
					.finally(() => {
						this.inflight.delete(p);
						const s = this.settled;
						this.settled = undefined;
						s?.resolve();
					});
				this.inflight.add(p);
			}
			await this.releaseBuffer();
			await Promise.all([...this.inflight]);
		} finally {
			stopWatch();
			options.signal?.removeEventListener('abort', onAbort);
			await this.releaseBuffer().catch(() => undefined);
		}
	}

	/** Claims the next batch; false when nothing is left to do in this run. */
	private async refill(): Promise<boolean> {
		const { store, options, clock } = this;
		const now = clock.now();
		const want = Math.max(4, Math.min(500, Math.ceil(this.local.rate(now) * 0.25)));
		const claimed = await store.claimRecipients({ campaignId: options.campaignId, workerId: this.workerId, limit: want, now, leaseMs: this.leaseMs, phoneNumberId: this.poolMember?.claimNumber });
		if (claimed.length > 0) {
			// Consent at claim time, one query for the batch; later changes come through the gate version.
			const blocked = await this.gates.checkClaimed(claimed.map((r) => r.waId));
			for (const row of claimed) {
				const reason = blocked.get(row.waId);
				if (reason) await this.skip(row, reason);
				else this.buffer.push(row);
			}
			return true;
		}
		if (this.inflight.size > 0) {
			await this.anySettled();
			return true;
		}
		// Nothing to claim: wait for retries due soon, and for other runs' claims — a live run's sends
		// settle (or come back as retries), a dead run's leases expire — as long as within maxWaitMs.
		const idleAt = clock.now();
		await store.expireClaims(options.campaignId, idleAt);
		const due = await store.nextDueAt(options.campaignId);
		const leasedUntil = await latestClaimExpiry(store, options.campaignId);
		const dueSoon = due !== undefined && due - idleAt <= this.maxWaitMs;
		const leasesSoon = leasedUntil !== undefined && leasedUntil - idleAt <= this.maxWaitMs;
		if (!dueSoon && !leasesSoon) return false;
		const wake = Math.min(dueSoon ? (due as number) : Infinity, leasesSoon ? (leasedUntil as number) : Infinity);
		await clock.sleep(Math.min(Math.max(wake - clock.now(), 1), this.pollMs), options.signal);
		return true;
	}

	/**
	 * Background watch while the loop runs: the send-time gates (every pollMs), other runs' expired
	 * claims (now and then), and Graph's number limits and quality (every refreshMs).
	 */
	private watch(): () => void {
		const { options, clock, store } = this;
		let busy = false;
		const sweepMs = Math.max(this.pollMs, Math.min(5000, this.leaseMs / 4));
		const refreshMs = options.refreshMs ?? DEFAULT_REFRESH_MS;
		let lastSweep = this.started;
		let lastRefresh = this.started;
		const timer = setInterval(() => {
			if (busy || this.halt) return;
			busy = true;
			const now = clock.now();
			const sweep = now - lastSweep >= sweepMs;
			if (sweep) lastSweep = now;
			const refresh = options.refreshNumber && now - lastRefresh >= refreshMs;
			if (refresh) lastRefresh = now;
			Promise.all([
				this.gates.poll(() => this.buffer.map((r) => r.waId)).then(() => this.applyGates()),
				sweep ? store.expireClaims(options.campaignId, now) : undefined,
				refresh ? this.refreshNumber() : undefined,
			])
				.catch(() => undefined)
				.finally(() => (busy = false));
		}, this.pollMs);
		timer.unref?.();
		return () => clearInterval(timer);
	}

	private applyGates(): void {
		if (this.gates.halt) this.setHalt(this.gates.halt);
		// A pool number flagged or RED (webhook or Graph): drain it, the campaign goes on.
		if (this.poolMember && !this.drained && this.gates.numberQuality) {
			// number_health.quality holds a rating (RED…) or a status (FLAGGED…): the same rule as Graph's answer.
			const q = this.gates.numberQuality;
			const problem = qualityProblem({ phoneNumberId: this.options.phoneNumberId, qualityRating: q, status: q });
			if (problem) this.drained = problem;
		}
		if (this.gates.limitChange !== undefined) {
			this.budget.setLimit(this.gates.limitChange ?? Infinity);
			this.gates.limitChange = undefined;
		}
	}

	/** Graph's limits and quality, re-read while the run goes on (a missed webhook still reaches us). */
	private async refreshNumber(): Promise<void> {
		const { options, store, clock } = this;
		const info = await (options.refreshNumber as () => Promise<NumberInfo>)();
		const now = clock.now();
		await store.setNumberHealth(healthOf(info, options.phoneNumberId, now));
		if (this.poolMember) {
			const problem = qualityProblem(info);
			if (problem) this.drained = problem;
			return;
		}
		const h = startHalt({ template: options.template, numberInfo: info, qualityBreaker: options.qualityBreaker });
		if (h && !this.halt) {
			this.setHalt(h);
			await store.setCampaignState(options.campaignId, h.state, h.reason, now, h.by);
		}
	}

	private setHalt(h: Halt): void {
		// An account stop outranks a pause (the account, not the campaign, is the problem).
		if (!this.halt || (h.state === 'account_stopped' && this.halt.state !== 'account_stopped')) this.halt = h;
	}

	private anySettled(): Promise<void> {
		if (!this.settled) {
			let resolve = (): void => undefined;
			const promise = new Promise<void>((r) => (resolve = r));
			this.settled = { promise, resolve };
		}
		return this.settled.promise;
	}

	private leaseLeft(row: Recipient): boolean {
		return (row.claimExpiresAt ?? Infinity) - this.clock.now() >= this.mustRemainMs;
	}

	progress(force = false): void {
		const { options, clock } = this;
		if (!options.onProgress) return;
		const now = clock.now();
		if (!force && now - this.lastProgress < (options.progressEveryMs ?? 5000)) return;
		this.lastProgress = now;
		options.onProgress({
			campaignId: options.campaignId,
			...this.counters,
			inFlight: this.inflight.size,
			rateMps: Math.round(this.local.rate(now) * 10) / 10,
			elapsedMs: now - this.started,
		});
	}

	// ───────────── ledger writes ─────────────

	private update(waId: string, u: RecipientUpdate): Promise<boolean> {
		return this.store.updateRecipient(this.options.campaignId, waId, { ...u, now: u.now ?? this.clock.now() });
	}

	/** A claimed row that a gate stops: closed as 'skipped' with the reason. */
	private async skip(row: Recipient, reason: string): Promise<void> {
		this.counters.skipped++;
		this.gates.forget(row.waId);
		await this.update(row.waId, { state: 'skipped', expectClaimedBy: this.workerId, errorCode: null, errorClass: 'gate', errorMessage: `Not sent: ${reason}`.slice(0, 500) });
	}

	private async skipIfBlocked(row: Recipient): Promise<boolean> {
		const reason = this.gates.lateBlock(row.waId);
		if (!reason) return false;
		await this.skip(row, reason);
		return true;
	}

	/** Gives one claimed-but-unsent row back to the queue. */
	private giveBack(row: Recipient): Promise<boolean> {
		const fresh = row.attempts === 0 && row.nextAttemptAt === undefined;
		return this.update(row.waId, fresh ? { state: 'queued', expectClaimedBy: this.workerId } : { state: 'retry', expectClaimedBy: this.workerId });
	}

	/** Gives claimed-but-unsent rows back to the queue (halt, end of run). */
	private async releaseBuffer(): Promise<void> {
		const rows = this.buffer;
		this.buffer = [];
		for (const row of rows) await this.giveBack(row);
	}

	private async releaseSlot(waId: string): Promise<void> {
		if (!this.charged.delete(waId)) return;
		await this.budget.release(waId, this.clock.now()).catch(() => undefined);
	}

	// ───────────── admission: pair rate, window, budget ─────────────

	/** Pre-send admission for one claimed row; true = send it now. */
	private async admit(row: Recipient): Promise<boolean> {
		const now = this.clock.now();
		if (this.window) {
			// issue 17: only inside the recipient's local hours (or the campaign's fixed zone).
			const w = this.window;
			const zone = await recipientZone(w, row.waId);
			const opens = nextOpening(w, zone, now);
			if (opens === undefined || opens > now) {
				if (opens === undefined || (this.endBy !== undefined && opens >= this.endBy)) {
					await this.update(row.waId, { state: 'expired', expectClaimedBy: this.workerId, errorClass: 'expired', errorMessage: `Its send window (${zone}) does not open again before End By` });
					return false;
				}
				this.counters.outsideWindow++;
				await this.update(row.waId, {
					state: 'deferred',
					nextAttemptAt: opens,
					expectClaimedBy: this.workerId,
					errorCode: null,
					errorClass: 'send_window',
					errorMessage: `Outside the send window (${w.from ?? '00:00'}–${w.to ?? '24:00'} ${zone}): sendable from ${new Date(opens).toISOString()}`,
				});
				return false;
			}
		}
		const pairWait = this.pair.waitMs(row.waId, now);
		if (pairWait > 0) {
			// cloud-api.md §5: ≥ 6 s between messages to one recipient.
			await this.update(row.waId, { state: 'retry', nextAttemptAt: now + pairWait, expectClaimedBy: this.workerId });
			return false;
		}
		if (this.budget.limit !== Infinity) {
			// Open-window recipients don't count against the messaging limit (cloud-api.md §5).
			const w = await this.store.getWindow(this.options.phoneNumberId, row.waId);
			const open = isWindowOpen(w?.lastInboundAt, now);
			const decision = await this.budget.reserve(row.waId, now, open);
			if (!decision.ok) {
				this.counters.deferred++;
				await this.update(row.waId, {
					state: 'deferred',
					nextAttemptAt: decision.availableAt,
					expectClaimedBy: this.workerId,
					errorCode: null,
					errorClass: 'budget',
					errorMessage: `Messaging limit reached (${this.budget.limit} unique recipients per rolling 24 h): sendable from ${new Date(decision.availableAt).toISOString()}`,
				});
				return false;
			}
			if (decision.counted) this.charged.add(row.waId);
		}
		return true;
	}

	// ───────────── one send ─────────────

	private async sendOne(row: Recipient, ticket: number): Promise<void> {
		const { options, clock, pacer } = this;
		let body;
		try {
			body = campaignMessageBody(options.template, options.campaignId, row.waId, (row.payload as { values?: SendValues }).values);
		} catch (error) {
			pacer.noteUnsent(ticket); // no request: its slot will never be answered
			this.counters.failed++;
			await this.releaseSlot(row.waId);
			await this.update(row.waId, {
				state: 'failed',
				expectClaimedBy: this.workerId,
				errorClass: 'campaign_fatal',
				errorCode: null,
				errorMessage: `Invalid values: ${(error as Error).message}`.slice(0, 500),
			});
			return;
		}
		// The request is about to be written: a crash from here on leaves 'unknown', not a re-queue.
		if (!(await this.marks.mark(row.waId))) {
			pacer.noteUnsent(ticket); // our claim was taken over: not ours to send
			await this.releaseSlot(row.waId);
			return;
		}
		const sentAt = clock.now();
		pacer.noteLeft(ticket, sentAt); // the mark took a moment: the pace counts from the real send
		try {
			const res = await this.route.send(options.client, options.phoneNumberId, body, options.requestTimeoutMs);
			const now = clock.now();
			pacer.noteResponse(ticket, sentAt, now);
			this.concurrency.observe(now - sentAt);
			this.pair.record(row.waId, now);
			this.counters.accepted++;
			this.sentThisRun?.add(row.waId);
			this.charged.delete(row.waId);
			const done: RecipientUpdate = {
				state: 'accepted',
				messageId: res.messageId,
				attemptsIncrement: 1,
				nextAttemptAt: null,
				errorCode: null,
				errorClass: null,
				errorMessage: null,
			};
			const ok = await this.update(row.waId, { ...done, expectClaimedBy: this.workerId });
			if (!ok) {
				// Our claim was taken over (e.g. expired into 'unknown'): still record the message id.
				const current = await this.store.getRecipient(options.campaignId, row.waId);
				if (current && (current.state === 'unknown' || current.state === 'sending')) await this.update(row.waId, done);
			}
			// Meta's answer names the WhatsApp ID it resolved the number to: learn it (issue 14), after the
			// ledger has the outcome.
			if (res.waId && res.waId !== row.waId) await this.store.linkIdentity(row.waId, res.waId, 'wa_id', 'send_response', now).catch(() => undefined);
		} catch (error) {
			const e =
				error instanceof GraphApiError
					? error
					: new GraphApiError(`Unexpected error while sending: ${(error as Error)?.message ?? error}`, { errorClass: 'unknown_outcome', requestSent: true });
			if (e.httpStatus !== undefined) pacer.noteResponse(ticket, sentAt, clock.now());
			this.concurrency.observe(clock.now() - sentAt);
			await this.onError(row, e);
		}
	}

	/** Applies the pure policy's decision (policy.ts) to the ledger, the pacer and the campaign. */
	private async onError(row: Recipient, error: GraphApiError): Promise<void> {
		const { store, options } = this;
		const now = this.clock.now();
		const d = decideOnError(error, { attempt: row.attempts + 1, deferDays: row.deferDays ?? 0, now, pairDelayMs: () => this.pair.onPairRateError(row.waId, now) }, this.limits);
		if (d.throttle) this.counters.throttleErrors++;
		if (d.cutRate) this.local.onThrottle(now);
		if (d.mayHaveReachedMeta) {
			this.charged.delete(row.waId); // the message may have gone out: the slot stays taken
			this.pair.record(row.waId, now);
		} else await this.releaseSlot(row.waId);
		if (d.outcome !== 'halted') this.counters[d.outcome]++;
		await this.update(row.waId, { ...d.update, expectClaimedBy: this.workerId });
		if (d.optOutSource) await store.setOptOut(row.waId, true, d.optOutSource, now).catch(() => undefined);
		if (d.halt && this.poolMember && error.code === CODE_RULES.spamRateLimit) {
			// 131048 is this number's spam rate limit: drain the number, not the whole pool campaign.
			this.drained = `131048 spam rate limit`;
		} else if (d.halt) {
			this.setHalt({ ...d.halt, at: now });
			if (d.halt.state === 'account_stopped' && !this.stopError) this.stopError = { message: error.message, code: error.code, errorClass: error.errorClass };
			const current = await store.getCampaign(options.campaignId);
			if (current?.state !== 'account_stopped') await store.setCampaignState(options.campaignId, d.halt.state, d.halt.reason, now, d.halt.by);
		}
	}
}

/** The latest lease among the campaign's 'sending' rows (any run's), or undefined when none. */
async function latestClaimExpiry(store: Store, campaignId: string): Promise<number | undefined> {
	let latest: number | undefined;
	let cursor: string | undefined;
	do {
		const page = await store.listRecipients(campaignId, { states: ['sending'] }, { limit: 1000, cursor });
		for (const r of page.items) latest = Math.max(latest ?? -Infinity, r.claimExpiresAt ?? -Infinity);
		cursor = page.next;
	} while (cursor);
	return latest === -Infinity ? undefined : latest;
}

/** Moves every row in `state` back to 'retry' (due now), e.g. resendUnknown. */
async function requeue(store: Store, campaignId: string, state: 'unknown', now: number): Promise<number> {
	const waIds: string[] = [];
	let cursor: string | undefined;
	do {
		const page = await store.listRecipients(campaignId, { states: [state] }, { limit: 1000, cursor });
		for (const r of page.items) waIds.push(r.waId);
		cursor = page.next;
	} while (cursor);
	for (const waId of waIds) await store.updateRecipient(campaignId, waId, { state: 'retry', nextAttemptAt: now, now });
	return waIds.length;
}

/** Every ledger row of a campaign, paged (per-recipient output, reports). */
export async function* campaignRecipients(store: Store, campaignId: string, pageSize = 1000): AsyncGenerator<RecipientResult> {
	let cursor: string | undefined;
	do {
		const page = await store.listRecipients(campaignId, {}, { limit: pageSize, cursor });
		for (const r of page.items) {
			yield {
				waId: r.waId,
				state: r.state,
				itemIndex: r.itemIndex,
				messageId: r.messageId,
				attempts: r.attempts,
				errorCode: r.errorCode,
				errorClass: r.errorClass,
				errorMessage: r.errorMessage,
				nextAttemptAt: r.nextAttemptAt,
			};
		}
		cursor = page.next;
	} while (cursor);
}
