/**
 * The campaign's error policy, pure: one failed send (a GraphApiError with its retry class, the
 * attempt number and the campaign's limits) → what happens to the recipient, how long it waits,
 * and whether the whole campaign halts. No I/O: the engine applies the decision.
 *
 * Classes come from core/graph/errors.ts (cloud-api.md §3, peers.md §2 "Recommended synthesis"):
 *
 * | class               | recipient                                   | campaign                         |
 * |---------------------|---------------------------------------------|----------------------------------|
 * | throttle            | retry after back-off (131056: that pair only, 4^X s) | local rate cut (not 131056) |
 * | transient           | retry, bounded exponential back-off          | —                                |
 * | defer_day (131049)  | deferred to the next day, up to maxDeferDays | —                                |
 * | recipient_permanent | failed (131050 also opts the contact out)    | —                                |
 * | window (131047)     | failed                                       | —                                |
 * | campaign_fatal      | back to the queue, untouched                 | paused, with Meta's reason       |
 * | account_stop        | back to the queue, untouched                 | account_stopped (190, 131048, 368…) |
 * | unknown_outcome     | unknown (never resent blindly)               | —                                |
 *
 * A 131049 reported later by a status webhook follows the same day rule in the store
 * (core/store/rules.ts deferralForStatus).
 */
import type { ErrorClass, GraphApiError } from '../graph/errors';
import { MARKETING_CAP_ERROR_CODE, marketingCapDeferral } from '../store/rules';
import type { CampaignState, RecipientUpdate } from '../store/types';
import { backoffDelay, type BackoffOptions, type Rng } from '../throttle/backoff';

/** Meta codes with a rule of their own (cloud-api.md §3). */
export const CODE_RULES = {
	/** Pair rate (same recipient too often): only that recipient waits; the number's rate is fine. */
	pairRate: 131056,
	/** Per-user marketing cap: not before tomorrow (the day rule: core/store/rules.ts marketingCapDeferral). */
	marketingCap: MARKETING_CAP_ERROR_CODE,
	/** The user stopped marketing messages: also opts the contact out. */
	marketingStopped: 131050,
	/** The number's spam rate limit (account_stop): in a sender pool it drains that number only (engine.ts). */
	spamRateLimit: 131048,
} as const;

export interface PolicyLimits {
	/** Transient errors: attempts in total before the recipient fails (default 5). */
	maxAttempts: number;
	/** Throttle errors: attempts in total before the recipient fails (default 12). */
	maxThrottleAttempts: number;
	/** 131049: next-day deferrals before the recipient fails (default 3). */
	maxDeferDays: number;
	backoff?: BackoffOptions;
}

export const DEFAULT_POLICY_LIMITS: PolicyLimits = { maxAttempts: 5, maxThrottleAttempts: 12, maxDeferDays: 3 };

export interface ErrorContext {
	/** This attempt's number (1 = first send). */
	attempt: number;
	/** How many times 131049 already deferred this recipient. */
	deferDays: number;
	now: number;
	/** For 131056: how long this pair must wait (core/throttle/pairRate.ts). */
	pairDelayMs?: () => number;
	rng?: Rng;
}

export type Outcome = 'retried' | 'deferred' | 'failed' | 'unknown' | 'halted';

export interface ErrorDecision {
	/** The ledger update (state and error fields); the engine adds the claim guard. */
	update: RecipientUpdate;
	/** Which run counter it counts as. */
	outcome: Outcome;
	/** A throttle error other than pair rate: cut the number's local rate. */
	cutRate?: boolean;
	/** Counts as a throttle error (130429, 80007, 4, 131057, 131056). */
	throttle?: boolean;
	/** The request may have reached Meta: keep its budget slot and pair-rate mark. */
	mayHaveReachedMeta?: boolean;
	/** Opt the contact out of marketing with this source (131050). */
	optOutSource?: string;
	/** Halt the whole campaign. */
	halt?: { state: Extract<CampaignState, 'paused' | 'account_stopped'>; reason: string; by: string };
}

function errorFields(error: GraphApiError): Pick<RecipientUpdate, 'errorCode' | 'errorClass' | 'errorMessage'> {
	return { errorCode: error.code ?? null, errorClass: error.errorClass, errorMessage: error.message.slice(0, 500) };
}

function failed(error: GraphApiError, extra: Partial<RecipientUpdate> = {}): RecipientUpdate {
	return { state: 'failed', attemptsIncrement: 1, nextAttemptAt: null, ...errorFields(error), ...extra };
}

/** The reason text of a halt: class, Meta's code and message. */
export function haltReason(cls: ErrorClass, error: GraphApiError): string {
	return `${cls}: ${error.code ? `#${error.code} ` : ''}${error.message}`.slice(0, 500);
}

/** What one failed send means (see the table above). */
export function decideOnError(error: GraphApiError, ctx: ErrorContext, limits: PolicyLimits = DEFAULT_POLICY_LIMITS): ErrorDecision {
	const cls = error.errorClass;
	const { attempt, now } = ctx;
	const rng = ctx.rng ?? Math.random;
	switch (cls) {
		case 'throttle': {
			if (attempt >= limits.maxThrottleAttempts) return { update: failed(error), outcome: 'failed', throttle: true };
			const pair = error.code === CODE_RULES.pairRate;
			const delay = pair && ctx.pairDelayMs ? ctx.pairDelayMs() : backoffDelay(attempt, { baseMs: 500, factor: 2, maxMs: 30_000, ...limits.backoff }, rng);
			return {
				update: { state: 'retry', nextAttemptAt: now + delay, attemptsIncrement: 1, ...errorFields(error) },
				outcome: 'retried',
				throttle: true,
				cutRate: !pair,
			};
		}
		case 'transient': {
			if (attempt >= limits.maxAttempts) return { update: failed(error), outcome: 'failed' };
			return {
				update: { state: 'retry', nextAttemptAt: now + backoffDelay(attempt, limits.backoff, rng), attemptsIncrement: 1, ...errorFields(error) },
				outcome: 'retried',
			};
		}
		case 'defer_day': {
			// The same day rule as a 131049 reported by a status webhook (core/store/rules.ts).
			const d = marketingCapDeferral(ctx.deferDays, limits.maxDeferDays, now, error.message);
			if (d.state === 'failed') return { update: failed(error, { errorMessage: d.errorMessage }), outcome: 'failed' };
			return {
				update: { state: 'deferred', nextAttemptAt: d.nextAttemptAt, attemptsIncrement: 1, deferDays: d.deferDays, ...errorFields(error), errorMessage: d.errorMessage },
				outcome: 'deferred',
			};
		}
		case 'recipient_permanent':
		case 'window':
			return {
				update: failed(error),
				outcome: 'failed',
				optOutSource: error.code === CODE_RULES.marketingStopped ? `whatsapp:${CODE_RULES.marketingStopped}` : undefined,
			};
		case 'campaign_fatal':
		case 'account_stop':
			// The request (template, params) or the account is the problem, not the recipient: the
			// row goes back untouched and the campaign halts with Meta's reason.
			return {
				update: { state: 'retry', nextAttemptAt: now, attemptsIncrement: 0, ...errorFields(error) },
				outcome: 'halted',
				halt: {
					state: cls === 'account_stop' ? 'account_stopped' : 'paused',
					reason: haltReason(cls, error),
					by: `meta:${error.code ?? error.httpStatus ?? cls}`,
				},
			};
		case 'unknown_outcome':
		default:
			return { update: { state: 'unknown', attemptsIncrement: 1, ...errorFields(error) }, outcome: 'unknown', mayHaveReachedMeta: true };
	}
}
