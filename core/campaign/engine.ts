/**
 * The campaign engine: one approved template to many recipients, as fast as Meta allows and never
 * faster, exactly once, every recipient accounted for (issue #7).
 *
 * Exactly once — the ledger (Store recipients) is written before and after every request:
 *   claim (state 'sending', leased to this worker) → POST → 'accepted' + message id.
 *   A timeout after the request was written (unknown_outcome) or a crash leaves 'unknown', which
 *   is never resent unless the caller asks (resendUnknown); status webhooks reconcile it through
 *   biz_opaque_callback_data = "<campaignId>|<waId>".
 *
 * Limits (cloud-api.md §5): token bucket per number with AIMD on 130429; ≥ 6 s per recipient
 * (131056 → 4^X s); rolling-24 h unique-recipient budget per portfolio (open-window recipients
 * don't count; over budget → 'deferred' until a slot frees); in-flight ≈ rate × latency.
 *
 * Retries by error class (core/graph/errors.ts, peers.md §2): throttle → requeue with back-off and
 * a rate cut; transient → bounded exponential back-off with jitter; defer_day (131049) → next day,
 * up to N days; recipient_permanent → failed (131050 also opts the contact out); window (131047) →
 * failed; campaign_fatal → the campaign pauses with the reason; account_stop → everything stops.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { GraphApiError, type ErrorClass } from '../graph/errors';
import { buildTemplateMessage, type SendValues } from '../templates/build';
import type { Recipient, RecipientUpdate, Store } from '../store/types';
import { systemClock } from '../throttle/clock';
import { TokenBucket, SharedTokenBucket } from '../throttle/tokenBucket';
import { PairRateGuard } from '../throttle/pairRate';
import { BudgetGate } from '../throttle/budget';
import { ConcurrencyLimiter } from '../throttle/concurrency';
import { backoffDelay } from '../throttle/backoff';
import { addAudience, type AddAudienceResult } from './audience';
import type { CampaignRunResult, CampaignTemplate, RecipientResult, RunCampaignOptions } from './types';

const DAY_MS = 24 * 3600_000;
/** GraphClient's default per-request timeout (core/graph/client.ts: 30 s), when none is given. */
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/**
 * A claim outlives its request by this much: the answer's ledger write, a stalled event loop. A
 * 'sending' row whose lease has run out thus belongs to a run that died (or hung past its own
 * timeout): its request may have reached Meta → 'unknown' (expireClaims).
 */
const CLAIM_MARGIN_MS = 10_000;
/** Claimed rows wait in the buffer (≈ 0.25 s of sends, plus pacing and back-pressure) about this long at most. */
const CLAIM_HOLD_MS = 5_000;
/** cloud-api.md §6: the customer-service window lasts 24 h from the last inbound message. */
const WINDOW_MS = 24 * 3600_000;

export function callbackData(campaignId: string, waId: string): string {
	return `${campaignId}|${waId}`;
}

export function isMarketing(template: { category?: string }): boolean {
	return String(template.category ?? '').toUpperCase() === 'MARKETING';
}

/** The send body of one campaign message. Throws TemplateValueError when a value is missing. */
export function campaignMessageBody(template: CampaignTemplate, campaignId: string, waId: string, values: SendValues | undefined) {
	return {
		messaging_product: 'whatsapp',
		recipient_type: 'individual',
		to: waId,
		type: 'template',
		biz_opaque_callback_data: callbackData(campaignId, waId),
		template: buildTemplateMessage(template, values ?? {}),
	};
}

interface SendResponse {
	messages?: { id?: string; message_status?: string }[];
}

function deferDayOf(message: string | undefined): number {
	const m = /day (\d+) of/.exec(message ?? '');
	return m ? Number(m[1]) : 0;
}

function errorFields(error: GraphApiError): Pick<RecipientUpdate, 'errorCode' | 'errorClass' | 'errorMessage'> {
	return { errorCode: error.code ?? null, errorClass: error.errorClass, errorMessage: error.message.slice(0, 500) };
}

export async function runCampaign(options: RunCampaignOptions): Promise<CampaignRunResult> {
	const { client, store, campaignId, phoneNumberId, template } = options;
	const clock = options.clock ?? systemClock;
	const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
	const retry = options.retry ?? {};
	const maxAttempts = retry.maxAttempts ?? 5;
	const maxThrottleAttempts = retry.maxThrottleAttempts ?? 12;
	const maxDeferDays = retry.maxDeferDays ?? 3;
	const maxWaitMs = options.maxWaitMs ?? 120_000;
	// The lease covers the wait in the buffer, one request incl. its timeout, and the margin; a row
	// is only sent while at least `mustRemainMs` of its lease is left (else it is given back).
	const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
	const leaseMs = options.leaseMs ?? requestTimeoutMs + CLAIM_MARGIN_MS + CLAIM_HOLD_MS;
	if (!(leaseMs > 0)) throw new Error(`Claim lease must be a positive number of ms (got ${leaseMs})`);
	const mustRemainMs = Math.min(requestTimeoutMs + CLAIM_MARGIN_MS, leaseMs / 2);
	const pollMs = options.pollIntervalMs ?? 300;
	const rng = options.rng ?? Math.random;
	const started = clock.now();
	if (!campaignId) throw new Error('Campaign ID is required');
	if (!phoneNumberId) throw new Error('Business number (phone number ID) is required');
	if (!template?.name || !template.language) throw new Error('Template name and language are required');

	// ── campaign row: create, or resume the existing one ──
	const { campaign, created } = await store.createCampaign(
		{
			id: campaignId,
			phoneNumberId,
			templateName: template.name,
			templateLanguage: template.language,
			category: template.category,
			config: { template },
		},
		started,
	);
	if (!created) {
		if (campaign.phoneNumberId !== phoneNumberId) {
			throw new Error(`Campaign "${campaignId}" belongs to business number ${campaign.phoneNumberId}, not ${phoneNumberId}: use another campaign ID`);
		}
		if (campaign.templateName && (campaign.templateName !== template.name || campaign.templateLanguage !== template.language)) {
			throw new Error(
				`Campaign "${campaignId}" sends template ${campaign.templateName} (${campaign.templateLanguage}), not ${template.name} (${template.language}): use another campaign ID`,
			);
		}
		if (campaign.state === 'stopped') {
			throw new Error(`Campaign "${campaignId}" was stopped${campaign.reason ? ` (${campaign.reason})` : ''}: resume it first (operation Resume Campaign)`);
		}
		if (campaign.state !== 'running') await store.setCampaignState(campaignId, 'running', undefined, started);
	}

	// ── recover from a crashed run: rows left 'sending' past their lease may have reached Meta →
	// 'unknown'. Only expired leases: another live run of this campaign (queue mode) keeps its
	// claims; leases still running are re-checked during the run and before it ends. ──
	await expireStaleClaims(store, campaignId, started);
	if (options.resendUnknown) await requeue(store, campaignId, 'unknown', started);

	let added: AddAudienceResult = { inserted: 0, duplicates: 0, invalid: 0, optedOut: 0 };
	if (options.recipients) {
		added = await addAudience(store, campaignId, options.recipients, {
			marketing: isMarketing(template),
			defaultCountry: options.defaultCountry,
			now: started,
		});
	}

	// ── limits ──
	const local = new TokenBucket({ capMps: options.limits.mps, safetyFactor: options.limits.safetyFactor });
	const bucket = options.limits.sharedThroughput ? new SharedTokenBucket(store, `mps:${phoneNumberId}`, local, { clock, signal: options.signal }) : undefined;
	/** Each answer bounds when its request reached Meta (the window guard counts arrivals). */
	const pacer = bucket ?? local;
	const pair = new PairRateGuard();
	const limit = options.limits.messagingLimit ?? Infinity;
	const budget = new BudgetGate({ store, portfolioId: options.portfolioId || phoneNumberId, limit });
	const concurrency = new ConcurrencyLimiter({ max: options.limits.maxConcurrency ?? 512 });

	/** Recipients whose budget slot this run took (only those may be given back). */
	const charged = new Set<string>();
	const releaseSlot = async (waId: string) => {
		if (!charged.delete(waId)) return;
		await budget.release(waId, clock.now()).catch(() => undefined);
	};
	const counters = { accepted: 0, failed: 0, retried: 0, deferred: 0, unknown: 0, throttleErrors: 0 };
	let halt: { state: 'paused' | 'stopped'; reason?: string } | undefined;
	let stopError: CampaignRunResult['stopError'];
	const inflight = new Set<Promise<void>>();
	// "Some send settled" is one shared promise, resolved by whichever send ends first. (Promise.race
	// over the in-flight set attached a reaction to every in-flight send on each wait: O(in-flight)
	// garbage per message, kept alive until those sends settled — 40 % of case d's allocations.)
	let settled: { promise: Promise<void>; resolve: () => void } | undefined;
	const anySettled = (): Promise<void> => {
		if (!settled) {
			let resolve = (): void => undefined;
			const promise = new Promise<void>((r) => (resolve = r));
			settled = { promise, resolve };
		}
		return settled.promise;
	};
	let buffer: Recipient[] = [];

	// ── Pause / Stop from another execution: poll the campaign state; and now and then move other
	// runs' expired claims (a crashed worker's) to 'unknown' ──
	let polling = false;
	const sweepMs = Math.max(pollMs, Math.min(5000, leaseMs / 4));
	let lastSweep = started;
	const poller = setInterval(() => {
		if (polling || halt) return;
		polling = true;
		const now = clock.now();
		const sweep = now - lastSweep >= sweepMs;
		if (sweep) lastSweep = now;
		Promise.all([
			store.getCampaign(campaignId).then((c) => {
				if (c && (c.state === 'paused' || c.state === 'stopped') && !halt) halt = { state: c.state, reason: c.reason };
			}),
			sweep ? expireStaleClaims(store, campaignId, now) : undefined,
		])
			.catch(() => undefined)
			.finally(() => (polling = false));
	}, pollMs);
	poller.unref?.();
	const onAbort = () => {
		if (!halt) halt = { state: 'paused', reason: 'execution cancelled' };
	};
	options.signal?.addEventListener('abort', onAbort, { once: true });

	let lastProgress = started;
	const progress = (force = false) => {
		if (!options.onProgress) return;
		const now = clock.now();
		if (!force && now - lastProgress < (options.progressEveryMs ?? 5000)) return;
		lastProgress = now;
		options.onProgress({
			campaignId,
			...counters,
			inFlight: inflight.size,
			rateMps: Math.round(local.rate(now) * 10) / 10,
			elapsedMs: now - started,
		});
	};

	const update = (waId: string, u: RecipientUpdate) => store.updateRecipient(campaignId, waId, { ...u, now: u.now ?? clock.now() });
	const requeueLater = (row: Recipient, state: 'retry' | 'deferred', at: number, extra: Partial<RecipientUpdate> = {}) =>
		update(row.waId, { state, nextAttemptAt: at, expectClaimedBy: workerId, ...extra });

	const handleError = async (row: Recipient, error: GraphApiError, attempt: number) => {
		const now = clock.now();
		const cls: ErrorClass = error.errorClass;
		if (cls !== 'unknown_outcome') await releaseSlot(row.waId);
		switch (cls) {
			case 'throttle': {
				counters.throttleErrors++;
				if (attempt >= maxThrottleAttempts) {
					counters.failed++;
					return void (await update(row.waId, { state: 'failed', attemptsIncrement: 1, expectClaimedBy: workerId, ...errorFields(error) }));
				}
				let delay: number;
				if (error.code === 131056) delay = pair.onPairRateError(row.waId, now); // that recipient only
				else {
					local.onThrottle(now);
					delay = backoffDelay(attempt, { baseMs: 500, factor: 2, maxMs: 30_000, ...retry.backoff }, rng);
				}
				counters.retried++;
				return void (await requeueLater(row, 'retry', now + delay, { attemptsIncrement: 1, ...errorFields(error) }));
			}
			case 'transient': {
				if (attempt >= maxAttempts) {
					counters.failed++;
					return void (await update(row.waId, { state: 'failed', attemptsIncrement: 1, expectClaimedBy: workerId, ...errorFields(error) }));
				}
				counters.retried++;
				const delay = backoffDelay(attempt, retry.backoff, rng);
				return void (await requeueLater(row, 'retry', now + delay, { attemptsIncrement: 1, ...errorFields(error) }));
			}
			case 'defer_day': {
				// 131049 per-user marketing cap: not before tomorrow, up to N days (peers.md §2 DEFER_DAY).
				const day = deferDayOf(row.errorMessage) + 1;
				if (day > maxDeferDays) {
					counters.failed++;
					return void (await update(row.waId, {
						state: 'failed',
						attemptsIncrement: 1,
						expectClaimedBy: workerId,
						...errorFields(error),
						errorMessage: `${error.code}: still capped after ${maxDeferDays} day(s) of deferral — ${error.message}`.slice(0, 500),
					}));
				}
				counters.deferred++;
				return void (await requeueLater(row, 'deferred', now + DAY_MS, {
					attemptsIncrement: 1,
					...errorFields(error),
					errorMessage: `${error.code}: deferred to the next day (day ${day} of ${maxDeferDays})`,
				}));
			}
			case 'recipient_permanent':
			case 'window': {
				counters.failed++;
				await update(row.waId, { state: 'failed', attemptsIncrement: 1, expectClaimedBy: workerId, ...errorFields(error) });
				if (error.code === 131050) await store.setOptOut(row.waId, true, 'whatsapp:131050', now).catch(() => undefined);
				return;
			}
			case 'campaign_fatal':
			case 'account_stop': {
				// The request itself (template, params) or the account is the problem, not the
				// recipient: put the row back and pause the campaign with the reason.
				await requeueLater(row, 'retry', now, { attemptsIncrement: 0, ...errorFields(error) });
				const reason = `${cls}: ${error.code ? `#${error.code} ` : ''}${error.message}`.slice(0, 500);
				if (!halt || halt.state !== 'paused' || !halt.reason?.startsWith('account_stop')) halt = { state: 'paused', reason };
				if (cls === 'account_stop' && !stopError) stopError = { message: error.message, code: error.code, errorClass: cls };
				await store.setCampaignState(campaignId, 'paused', reason, now);
				return;
			}
			case 'unknown_outcome':
			default: {
				counters.unknown++;
				charged.delete(row.waId); // the message may have gone out: the slot stays taken
				pair.record(row.waId, now);
				await update(row.waId, { state: 'unknown', attemptsIncrement: 1, expectClaimedBy: workerId, ...errorFields(error) });
				return;
			}
		}
	};

	const sendOne = async (row: Recipient, ticket: number) => {
		const attempt = row.attempts + 1;
		const sentAt = clock.now();
		let body;
		try {
			body = campaignMessageBody(template, campaignId, row.waId, (row.payload as { values?: SendValues }).values);
		} catch (error) {
			pacer.noteUnsent(ticket); // no request: its slot will never be answered
			counters.failed++;
			await releaseSlot(row.waId);
			await update(row.waId, {
				state: 'failed',
				expectClaimedBy: workerId,
				errorClass: 'campaign_fatal',
				errorCode: null,
				errorMessage: `Invalid values: ${(error as Error).message}`.slice(0, 500),
			});
			return;
		}
		try {
			const res = await client.request<SendResponse>({
				method: 'POST',
				path: `/${phoneNumberId}/messages`,
				body,
				timeoutMs: options.requestTimeoutMs,
			});
			const now = clock.now();
			pacer.noteResponse(ticket, sentAt, now);
			concurrency.observe(now - sentAt);
			pair.record(row.waId, now);
			const messageId = res?.messages?.[0]?.id;
			counters.accepted++;
			charged.delete(row.waId);
			const done: RecipientUpdate = {
				state: 'accepted',
				messageId,
				attemptsIncrement: 1,
				nextAttemptAt: null,
				errorCode: null,
				errorClass: null,
				errorMessage: null,
			};
			const ok = await update(row.waId, { ...done, expectClaimedBy: workerId });
			if (!ok) {
				// Our claim was taken over (e.g. expired into 'unknown'): still record the message id.
				const current = await store.getRecipient(campaignId, row.waId);
				if (current && (current.state === 'unknown' || current.state === 'sending')) await update(row.waId, done);
			}
		} catch (error) {
			const e =
				error instanceof GraphApiError
					? error
					: new GraphApiError(`Unexpected error while sending: ${(error as Error)?.message ?? error}`, { errorClass: 'unknown_outcome', requestSent: true });
			if (e.httpStatus !== undefined) pacer.noteResponse(ticket, sentAt, clock.now());
			concurrency.observe(clock.now() - sentAt);
			await handleError(row, e, attempt);
		}
	};

	/** Gives one claimed-but-unsent row back to the queue. */
	const giveBack = (row: Recipient) => {
		const fresh = row.attempts === 0 && row.nextAttemptAt === undefined;
		return update(row.waId, fresh ? { state: 'queued', expectClaimedBy: workerId } : { state: 'retry', expectClaimedBy: workerId });
	};

	/** Gives claimed-but-unsent rows back to the queue (pause/stop/fatal). */
	const releaseBuffer = async () => {
		const rows = buffer;
		buffer = [];
		for (const row of rows) await giveBack(row);
	};

	/** Pre-send gates for one claimed row; true = send it now. */
	const admit = async (row: Recipient): Promise<boolean> => {
		const now = clock.now();
		const pairWait = pair.waitMs(row.waId, now);
		if (pairWait > 0) {
			// cloud-api.md §5: ≥ 6 s between messages to one recipient.
			await requeueLater(row, 'retry', now + pairWait);
			return false;
		}
		if (budget.limit !== Infinity) {
			const w = await store.getWindow(phoneNumberId, row.waId);
			const open = w !== undefined && now - w.lastInboundAt < WINDOW_MS;
			const decision = await budget.reserve(row.waId, now, open);
			if (!decision.ok) {
				counters.deferred++;
				await requeueLater(row, 'deferred', decision.availableAt, {
					errorCode: null,
					errorClass: 'budget',
					errorMessage: `Messaging limit reached (${budget.limit} unique recipients per rolling 24 h): sendable from ${new Date(decision.availableAt).toISOString()}`,
				});
				return false;
			}
			if (decision.counted) charged.add(row.waId);
		}
		return true;
	};

	try {
		for (;;) {
			if (halt) break;
			progress();
			if (buffer.length === 0) {
				const now = clock.now();
				const rate = local.rate(now);
				const want = Math.max(4, Math.min(500, Math.ceil(rate * 0.25)));
				buffer = await store.claimRecipients({ campaignId, workerId, limit: want, now, leaseMs });
				if (buffer.length === 0) {
					if (inflight.size > 0) {
						await anySettled();
						continue;
					}
					// Nothing to claim: wait for retries due soon, and for other runs' claims —
					// a live run's sends settle (or come back as retries), a dead run's leases
					// expire into 'unknown' — as long as they end within maxWaitMs.
					const idleAt = clock.now();
					await expireStaleClaims(store, campaignId, idleAt);
					const due = await store.nextDueAt(campaignId);
					const leasedUntil = await latestClaimExpiry(store, campaignId);
					const dueSoon = due !== undefined && due - idleAt <= maxWaitMs;
					const leasesSoon = leasedUntil !== undefined && leasedUntil - idleAt <= maxWaitMs;
					if (!dueSoon && !leasesSoon) break;
					const wake = Math.min(dueSoon ? (due as number) : Infinity, leasesSoon ? (leasedUntil as number) : Infinity);
					await clock.sleep(Math.min(Math.max(wake - clock.now(), 1), pollMs), options.signal);
					continue;
				}
			}
			const row = buffer.shift() as Recipient;
			// Held in the buffer too long: its lease might run out during the request. Give it back
			// (it is claimed again with a fresh lease), so an expired lease always means a dead run.
			if ((row.claimExpiresAt ?? Infinity) - clock.now() < mustRemainMs) {
				await giveBack(row);
				continue;
			}
			if (!(await admit(row))) continue;
			// In flight ≈ rate × latency (Little's law), then wait for this send's slot.
			while (inflight.size >= concurrency.limit(local.rate(clock.now()))) await anySettled();
			// Waits for the slot (re-checked as answers come in), then the send goes at once.
			const ticket = await pacer.take(clock, options.signal);
			if (halt) {
				pacer.noteUnsent(ticket);
				await releaseSlot(row.waId);
				buffer.unshift(row);
				break;
			}
			if ((row.claimExpiresAt ?? Infinity) - clock.now() < mustRemainMs) {
				// The pacer or back-pressure held it long (a cut rate): same as above.
				pacer.noteUnsent(ticket);
				await releaseSlot(row.waId);
				await giveBack(row);
				continue;
			}
			const p: Promise<void> = sendOne(row, ticket)
				.catch(() => undefined)
				.finally(() => {
					inflight.delete(p);
					const s = settled;
					settled = undefined;
					s?.resolve();
				});
			inflight.add(p);
		}
		await releaseBuffer();
		await Promise.all([...inflight]);
	} finally {
		clearInterval(poller);
		options.signal?.removeEventListener('abort', onAbort);
		await releaseBuffer().catch(() => undefined);
	}

	// ── final state: other runs' claims whose lease ran out meanwhile → 'unknown'; claims still
	// leased (a live run's sends, or a long lease) stay 'sending' and count as in flight ──
	const end = clock.now();
	await expireStaleClaims(store, campaignId, end).catch(() => undefined);
	const report = await store.campaignReport(campaignId);
	const pending = (report.byState.queued ?? 0) + (report.byState.retry ?? 0) + (report.byState.deferred ?? 0) + (report.byState.sending ?? 0);
	const current = await store.getCampaign(campaignId);
	let state = current?.state ?? 'running';
	if (!halt && pending === 0 && state === 'running') {
		await store.setCampaignState(campaignId, 'completed', undefined, end);
		state = 'completed';
	}
	const nextDueAt = pending > 0 ? await store.nextDueAt(campaignId) : undefined;
	progress(true);
	const elapsedMs = Math.max(1, end - started);
	return {
		campaignId,
		state,
		reason: halt?.reason ?? current?.reason,
		stopError,
		added,
		...counters,
		nextDueAt,
		report,
		elapsedMs,
		achievedMps: Math.round((counters.accepted / (elapsedMs / 1000)) * 100) / 100,
	};
}

/**
 * Rows left 'sending' whose lease has run out (claimExpiresAt ≤ now: the run that claimed them died
 * or hung past its request timeout) → 'unknown' (the request may have reached Meta). A live run's
 * claims are never touched.
 */
async function expireStaleClaims(store: Store, campaignId: string, now: number): Promise<number> {
	return store.expireClaims(campaignId, now);
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
