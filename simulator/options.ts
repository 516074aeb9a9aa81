/** Simulator options and their defaults (documented in simulator/README.md). */
import type { RecipientFaultScripts } from './faults';
import { DEFAULT_REVIEW_RULES, type ReviewRule, type TemplateSeed } from './templates';
// Meta's rules have one home in core/; the simulator enforces the same figures by default.
import { MESSAGING_LIMIT_TIERS } from '../core/throttle/budget';
import { PAIR_INTERVAL_MS } from '../core/throttle/pairRate';
import { THROUGHPUT_MPS } from '../core/throttle/throughput';
import { WINDOW_MS } from '../core/window/window';

export interface PhoneNumberSeed {
	id: string;
	display_phone_number: string;
	verified_name: string;
	quality_rating?: 'GREEN' | 'YELLOW' | 'RED' | 'NA' | 'UNKNOWN';
	/** Per-number throughput cap; defaults to options.mps. */
	mps?: number;
	/** Per-number messaging-limit tier; the portfolio uses the highest (cloud-api.md §5). */
	tier?: number;
	/**
	 * Also used in the WhatsApp Business app (coexistence): GET shows `is_on_biz_app: true` and the
	 * number's cap is a fixed 20 mps unless `mps` says otherwise (cloud-api.md §5).
	 */
	coexistence?: boolean;
	/** Onboarded to the Marketing Messages API (default true); false: /marketing_messages answers 131055. */
	marketingMessages?: boolean;
}

export interface FaultOptions {
	/** Probability of a 5xx answer to a Graph request (code 131000 / HTTP `errorStatus`). */
	errorRate: number;
	errorStatus: number;
	/** Probability that a message send is accepted and then answered late or never. */
	timeoutRate: number;
	/** 'never' keeps the socket open without answering; 'late' answers after `timeoutAfterMs`. */
	timeoutMode: 'never' | 'late';
	timeoutAfterMs: number;
	/** Probability of a slow answer (adds `slowMs` real ms). */
	slowRate: number;
	slowMs: number;
	/** The next N message sends fail with 130429 regardless of the throughput window. */
	force130429: number;
}

export interface SimulatorOptions {
	port: number;
	host: string;
	/** Bearer token the Graph surface expects (never logged or echoed). */
	token: string;
	/** App secret used to sign webhooks (X-Hub-Signature-256). */
	appSecret: string;
	appId: string;
	/** Default callback for every WABA without an override_callback_uri subscription. */
	webhookUrl?: string;
	wabaId: string;
	phoneNumbers: PhoneNumberSeed[];
	/** Throughput cap per number (messages per sliding 1 s). 0 / Infinity = no cap. cloud-api.md §5: 80. */
	mps: number;
	/** Messaging limit: unique business-initiated recipients per rolling 24 h, portfolio-wide. */
	tier: number;
	/** What happens over the messaging limit: async failed status (default) or sync error. */
	messagingLimit: { mode: 'async' | 'sync'; code: number };
	/** Minimum gap between two messages to one recipient from one number (§5: 6 s). 0 disables. */
	pairRateMs: number;
	/** HTTP status per error code (cloud-api.md §3 marks these [U]); e.g. {130429: 429}. */
	errorStatus: Record<number, number>;
	/** Customer-service window length (§6: 24 h). */
	windowMs: number;
	/** 131047 for free-form messages outside the window: async failed status (Meta today) or sync error. */
	windowMode: 'async' | 'sync';
	/**
	 * WhatsApp accounts registered under another form of their number (core/phone/variants.ts: Brazil
	 * without the 9th digit, Mexico with the mobile 1): number as sent → the account's wa_id, which
	 * send answers (`contacts[].wa_id`), statuses and the account's inbound messages carry.
	 */
	waIdAliases: Record<string, string>;
	/** Recipients that are not on WhatsApp: accepted, then failed 131026. Default: ending in 0000. */
	unreachable: RegExp;
	/** Inbound text that opts the sender out of marketing (only when `optOutOnStop`). */
	stopKeywords: string[];
	optOutOnStop: boolean;
	/** Probability of the per-user marketing cap (async failed 131049) on marketing templates. */
	marketingCapRate: number;
	/** Simulated delays (ms after acceptance) of the status webhooks. */
	statusDelays: { sent: number; delivered: number; read: number };
	deliveredRate: number;
	readRate: number;
	/** Probability that `read` is posted before `delivered`. */
	outOfOrderRate: number;
	duplicateRate: number;
	webhookRetry: { maxAttempts: number; baseMs: number; factor: number };
	/** Real-time timeout of one webhook POST (Meta's is a few seconds; a slow receiver gets redeliveries). */
	webhookTimeoutMs: number;
	/** Webhook POSTs in flight at once (keep-alive sockets to the receiver); more wait in line. */
	webhookMaxInFlight: number;
	/**
	 * The HTTP server closes a keep-alive connection after it has been idle this long (real ms).
	 * Node's servers default to 5,000; Meta's edge keeps connections much longer. Default 65,000.
	 */
	keepAliveMs: number;
	/**
	 * Announce it as `Keep-Alive: timeout=N` (Node's server behaviour, default true). false: the
	 * connection is destroyed without notice once idle (nginx and most proxies send no hint).
	 */
	keepAliveHint: boolean;
	/** Real-time latency added to every Graph answer: fixed + uniform jitter. */
	latencyMs: number;
	jitterMs: number;
	faults: FaultOptions;
	/**
	 * Scripted answers per recipient (simulator/faults.ts), one per send, in order; then normal
	 * service. Default `{}`. Keys are the number as sent (digits; `+`, spaces and dashes ignored) or
	 * a business-scoped user ID. Also `POST /_sim/faults/recipients` at run time. Examples:
	 *
	 * ```ts
	 * recipientFaults: {
	 *   '16505551234': [131049, 131049],                 // the next two sends: sync 131049, then accepted
	 *   '16505551235': [{ code: 131000, status: 503, delayMs: 200 }], // a late 503
	 *   '16505551236': ['hang'],                         // lost before Meta: no answer, nothing sent
	 *   '16505551237': [{ drop: 'reset', accept: true }], // Meta has it, the connection dies
	 *   '16505551238': [{ delayMs: 2000 }],              // accepted, answered 2 s late
	 *   '5511987654321': [{ waId: '551187654321' }],     // answered with another wa_id
	 * }
	 * ```
	 */
	recipientFaults: RecipientFaultScripts;
	/** Keep each accepted send's request body on its message-log entry (`GET /_sim/messages` → `body`). Default false. */
	logRequestBodies: boolean;
	seed: number;
	/** Fake clock: frozen = only /_sim/clock/advance moves time; start = initial epoch ms. */
	clock: { frozen?: boolean; start?: number };
	reviewDelayMs: number;
	reviewRules: ReviewRule[];
	templateLimit: number;
	deletedNameReuseMs: number;
	editLimits: { perDay: number; perMonth: number };
	preloadTemplates: boolean;
	/**
	 * More templates preloaded as APPROVED beside the built-in ones, e.g. a test's own MARKETING
	 * template: `[{ name: 'spring_sale', language: 'en_US', category: 'MARKETING', components: [...] }]`.
	 * Default `[]`.
	 */
	extraTemplates: TemplateSeed[];
	/** Entries kept in the message and webhook logs. */
	maxLog: number;
}

export const DEFAULT_WABA_ID = '102290129340398';
export const DEFAULT_PHONE_NUMBERS: PhoneNumberSeed[] = [
	{ id: '106540352242922', display_phone_number: '15550783881', verified_name: 'Sim Store', quality_rating: 'GREEN' },
	{ id: '106540352242923', display_phone_number: '15550783882', verified_name: 'Sim Store Support', quality_rating: 'GREEN' },
];

export function defaultFaults(): FaultOptions {
	return { errorRate: 0, errorStatus: 500, timeoutRate: 0, timeoutMode: 'never', timeoutAfterMs: 30_000, slowRate: 0, slowMs: 0, force130429: 0 };
}

export function resolveOptions(o: Partial<SimulatorOptions> = {}): SimulatorOptions {
	return {
		port: 0,
		host: '127.0.0.1',
		token: 'sim-token',
		appSecret: 'sim-app-secret',
		appId: '1000000000000001',
		wabaId: DEFAULT_WABA_ID,
		phoneNumbers: DEFAULT_PHONE_NUMBERS,
		mps: THROUGHPUT_MPS.STANDARD,
		tier: MESSAGING_LIMIT_TIERS.TIER_2K,
		messagingLimit: { mode: 'async', code: 131049 },
		pairRateMs: PAIR_INTERVAL_MS,
		errorStatus: {},
		windowMs: WINDOW_MS,
		windowMode: 'async',
		unreachable: /0000$/,
		waIdAliases: {},
		stopKeywords: ['STOP', 'UNSUBSCRIBE'],
		optOutOnStop: false,
		marketingCapRate: 0,
		statusDelays: { sent: 50, delivered: 200, read: 1000 },
		deliveredRate: 1,
		readRate: 0.8,
		outOfOrderRate: 0,
		duplicateRate: 0,
		webhookRetry: { maxAttempts: 5, baseMs: 1000, factor: 2 },
		webhookTimeoutMs: 10_000,
		webhookMaxInFlight: 32,
		keepAliveMs: 65_000,
		keepAliveHint: true,
		latencyMs: 0,
		jitterMs: 0,
		seed: 1,
		clock: {},
		reviewDelayMs: 2000,
		reviewRules: DEFAULT_REVIEW_RULES,
		templateLimit: 250,
		deletedNameReuseMs: 30 * 24 * 3600 * 1000,
		editLimits: { perDay: 1, perMonth: 10 },
		preloadTemplates: true,
		extraTemplates: [],
		maxLog: 200_000,
		recipientFaults: {},
		logRequestBodies: false,
		...o,
		faults: { ...defaultFaults(), ...(o.faults ?? {}) },
	};
}
