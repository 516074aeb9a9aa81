/** Shapes shared by the campaign engine, dry run and the node. */
import type { ErrorClass } from '../graph/errors';
import type { SendValues } from '../templates/build';
import type { TemplateComponent } from '../templates/types';
import type { Store, CampaignReport, CampaignState, RecipientState } from '../store/types';
import type { NumberInfo } from '../numbers/info';
import type { Halt } from './gates';
import type { SendWindow } from './schedule';
import type { Clock } from '../throttle/clock';
import type { BackoffOptions, Rng } from '../throttle/backoff';

/** The part of GraphClient the engine uses (tests may pass a stub). */
export type { GraphLike } from '../graph/like';
import type { GraphLike } from '../graph/like';

/** An approved template as the Graph API returns it (name + language + components). */
export interface CampaignTemplate {
	name: string;
	language: string;
	category?: string;
	parameter_format?: string;
	components: TemplateComponent[];
}

/** One audience member: a phone (any common format) and the template values for them. */
export interface RecipientSpec {
	phone: string;
	/** Input item position (pairedItem). */
	itemIndex?: number;
	values?: SendValues;
	/** Known opt-out (store audiences); otherwise the store's contact is checked for MARKETING. */
	optedOut?: boolean;
}

export interface CampaignLimits {
	/** The number's throughput cap (mps): 80 default, 1000 upgraded, 20 coexistence. */
	mps: number;
	/** Unique business-initiated recipients per rolling 24 h for the portfolio (Infinity = unlimited). */
	messagingLimit?: number;
	/** Fraction of the mps cap used (default 0.99). */
	safetyFactor?: number;
	/** Share the number's pace with other processes through Store.bookArrival. */
	sharedThroughput?: boolean;
	/** Upper bound of requests in flight (default 512). */
	maxConcurrency?: number;
}

export interface RetryOptions {
	/** Transient errors: attempts in total before the recipient fails (default 5). */
	maxAttempts?: number;
	/** Throttle errors (130429, 80007, 4, 131057, 131056): attempts before failing (default 12). */
	maxThrottleAttempts?: number;
	/** 131049: how many next-day deferrals before failing (default 3). */
	maxDeferDays?: number;
	backoff?: BackoffOptions;
}

export interface CampaignProgress {
	campaignId: string;
	accepted: number;
	skipped: number;
	failed: number;
	retried: number;
	deferred: number;
	unknown: number;
	inFlight: number;
	rateMps: number;
	throttleErrors: number;
	elapsedMs: number;
}

export interface RunCampaignOptions {
	client: GraphLike;
	store: Store;
	campaignId: string;
	/** The business number sending the campaign. */
	phoneNumberId: string;
	/** The business portfolio (for the shared messaging-limit budget); defaults to phoneNumberId. */
	portfolioId?: string;
	template: CampaignTemplate;
	/** New audience members (added insert-or-ignore; omit to just resume). */
	recipients?: Iterable<RecipientSpec> | AsyncIterable<RecipientSpec>;
	/** ISO country for numbers without a country code (e.g. "DE"). */
	defaultCountry?: string;
	limits: CampaignLimits;
	retry?: RetryOptions;
	/** Move 'unknown' rows back to the queue and send them again (only when the user asks). */
	resendUnknown?: boolean;
	/**
	 * Documented resolution of 'unknown' rows (README "Honest outcomes"): resend those whose quiet
	 * time (ms since their request) has passed while a later recipient's delivery was confirmed by a
	 * status webhook — Meta's 'sent' status would have resolved them if Meta had accepted them.
	 * Undefined = never (only resendUnknown).
	 */
	resolveUnknownAfterMs?: number;
	/**
	 * Whose opt-outs stop a send: 'marketing' (default: Meta's scope — only MARKETING templates
	 * honour opt-outs) or 'all' (every category). The block list always applies.
	 */
	respectOptOutsFor?: 'marketing' | 'all';
	/** Pause this campaign when its number is flagged / RED (marketing campaigns; default true). */
	qualityBreaker?: boolean;
	/** Meta's template id (template webhooks name it) and the WABA (account webhooks name it). */
	templateId?: string;
	wabaId?: string;
	/** Health read from Graph when the run started (quality, tier, display number). */
	numberInfo?: NumberInfo;
	/** The template's quality score (GREEN / YELLOW / RED) as Graph reported it when the run started. */
	templateQuality?: string;
	/** Re-reads the number's limits and quality from Graph while the run goes on (every refreshMs). */
	refreshNumber?: () => Promise<NumberInfo>;
	/** How often refreshNumber is called (ms, default 60 s). */
	refreshMs?: number;
	/** Filled with itemIndex → ledger key (the person's contact key, or duplicate#/invalid# keys) while the audience is added. */
	audienceKeys?: Map<number, string>;
	/**
	 * When the campaign may send (issue 17; core/campaign/schedule.ts): Start At, End By, Send Window.
	 * Stored with the campaign, so a later due run (Continue Due Campaigns) keeps them; null clears one.
	 */
	schedule?: { startAt?: number | null; endBy?: number | null; window?: SendWindow | null };
	/** What a due run needs to continue this campaign (limits, options), stored with it. */
	runConfig?: Record<string, unknown>;
	/**
	 * Sender pool (issue 17): business numbers of the portfolio the campaign sends from, each at its
	 * own throughput (the first is `phoneNumberId`). Each recipient sticks to one number (the one
	 * that last talked to them, else a hash); the portfolio budget is shared; a number that turns
	 * RED / FLAGGED or hits the spam rate limit (131048) is drained — its recipients move to the
	 * others — without stopping the campaign.
	 */
	pool?: Array<{ phoneNumberId: string; mps: number; numberInfo?: NumberInfo; refreshNumber?: () => Promise<NumberInfo> }>;
	/** Stop claiming new recipients at this time (epoch ms): bounds one execution (n8n's timeouts). */
	runUntil?: number;
	/** Collect the waIds accepted in this run (result.sentThisRun; for per-recipient output). */
	collectSent?: boolean;
	/** Wait in-process for retries due within this many ms (default 2 min); later ones wait for a later run. */
	maxWaitMs?: number;
	/** Claim lease (ms). Default: the request timeout + 15 s (45 s with the Graph client's 30 s); an expired lease means the run that claimed the row is gone. */
	leaseMs?: number;
	/** How often the send-time gates are polled (ms, default 200): opt-outs, blocks, Pause/Stop, breakers. */
	pollIntervalMs?: number;
	/** Per-request timeout (ms). Default: the client's. */
	requestTimeoutMs?: number;
	/**
	 * Campaign option "Marketing Messages API" (default true): MARKETING templates are posted to
	 * /{phone-number-id}/marketing_messages, falling back to /messages per number when Meta says the
	 * number is not onboarded (core/messages/marketing.ts). false: everything goes to /messages.
	 */
	marketingMessagesApi?: boolean;
	clock?: Clock;
	signal?: AbortSignal;
	onProgress?: (progress: CampaignProgress) => void;
	progressEveryMs?: number;
	rng?: Rng;
	workerId?: string;
}

export interface SkippedInput {
	itemIndex?: number;
	phone: string;
	reason: string;
}

export interface CampaignRunResult {
	campaignId: string;
	state: CampaignState;
	reason?: string;
	/** Who or what set the state ('user', 'webhook:template_status', 'meta:131048'…) and when. */
	stateBy?: string;
	stateAt?: number;
	/** The campaign was paused / stopped before this run: nothing was sent (sticky pause). */
	haltedAtStart?: Halt;
	/** Rows skipped at send time by a gate (opted out or blocked since they were queued). */
	skipped: number;
	/** Rows that wait for their send window (recipient's local hours) to open. */
	outsideWindow: number;
	/** Rows left when End By passed ('expired'). */
	expired: number;
	/** Start At has not come: nothing was sent; the campaign is due then. */
	scheduledFor?: number;
	/** waIds accepted in this run (collectSent). */
	sentThisRun?: Set<string>;
	/** Rows a crashed run had claimed but never dispatched, re-queued at the start of this run. */
	requeuedAfterCrash: number;
	/** 'unknown' rows resolved for resending (resolveUnknownAfterMs). */
	unknownResent: number;
	/** Sender pools: this run per number, and the numbers drained (with why). */
	perNumber?: Array<{ phoneNumberId: string; accepted: number; failed: number; deferred: number; drained?: string }>;
	/** account_stop: everything stopped; the node fails with this. */
	stopError?: { message: string; code?: number; errorClass: ErrorClass };
	added: { inserted: number; duplicates: number; invalid: number; optedOut: number };
	/** This run's outcomes. */
	accepted: number;
	failed: number;
	retried: number;
	deferred: number;
	unknown: number;
	throttleErrors: number;
	/** When the earliest waiting recipient becomes due (a later run sends it). */
	nextDueAt?: number;
	report: CampaignReport;
	elapsedMs: number;
	achievedMps: number;
}

export interface RecipientResult {
	waId: string;
	state: RecipientState;
	itemIndex?: number;
	messageId?: string;
	attempts: number;
	errorCode?: number;
	errorClass?: string;
	errorMessage?: string;
	nextAttemptAt?: number;
}
