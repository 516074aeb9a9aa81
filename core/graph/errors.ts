/**
 * Meta Graph API errors → one typed error with a retry class.
 *
 * Classes (peers.md §2 "Recommended synthesis", codes from cloud-api.md §3):
 *  - throttle            back off with jitter, then requeue (throughput, pair rate, call-rate limits)
 *  - transient           bounded exponential retries (Meta-side hiccups, 5xx, pre-send network errors)
 *  - defer_day           retry after ≥ 24 h, up to N days (per-user marketing cap 131049)
 *  - window              outside the 24 h customer-service window: send a template instead
 *  - recipient_permanent this recipient can't get it (undeliverable, stopped marketing, not allowed)
 *  - campaign_fatal      the request itself is wrong (template missing/paused/params): pause the campaign
 *  - account_stop        the account/token can't send at all: stop everything and alert
 *  - unknown_outcome     the request may have reached Meta (timeout after write): never resend blindly
 */

export type ErrorClass =
	| 'throttle'
	| 'transient'
	| 'defer_day'
	| 'window'
	| 'recipient_permanent'
	| 'campaign_fatal'
	| 'account_stop'
	| 'unknown_outcome';

export const ERROR_CLASSES: readonly ErrorClass[] = [
	'throttle',
	'transient',
	'defer_day',
	'window',
	'recipient_permanent',
	'campaign_fatal',
	'account_stop',
	'unknown_outcome',
];

/** Every code of cloud-api.md §3 with its class. Codes not listed fall back on the HTTP status. */
export const ERROR_CODE_CLASSES: Readonly<Record<number, ErrorClass>> = {
	0: 'account_stop', // AuthException: token invalid/expired
	1: 'transient', // API Unknown: maybe once with backoff
	2: 'transient', // API Service: downtime/overload
	3: 'account_stop', // API Method: capability/permission
	4: 'throttle', // App API call rate limit
	10: 'account_stop', // Permission denied
	100: 'campaign_fatal', // Invalid parameter
	190: 'account_stop', // Access token expired/invalid
	368: 'account_stop', // Temporarily blocked for policy violations
	80007: 'throttle', // WABA rate limit (BUC)
	130429: 'throttle', // Throughput (mps) exceeded
	130472: 'recipient_permanent', // User in marketing experiment
	130497: 'account_stop', // Country restricted for WABA
	131000: 'transient', // Something went wrong
	131005: 'account_stop', // Access denied
	131008: 'campaign_fatal', // Required parameter missing
	131009: 'campaign_fatal', // Parameter value invalid
	131016: 'transient', // Service unavailable
	131021: 'recipient_permanent', // Recipient cannot be sender
	131026: 'recipient_permanent', // Message undeliverable
	131030: 'recipient_permanent', // Recipient not in allowed list (test numbers)
	131031: 'account_stop', // Account locked
	131042: 'account_stop', // Business eligibility / payment issue
	131045: 'account_stop', // Incorrect certificate (unregistered number)
	131047: 'window', // Re-engagement: more than 24 h since the user's last message
	131048: 'account_stop', // Spam rate limit: slow down / stop — never retry blindly
	131049: 'defer_day', // Per-user marketing cap ("healthy ecosystem engagement")
	131050: 'recipient_permanent', // User stopped marketing messages
	131051: 'campaign_fatal', // Unsupported message type
	131052: 'transient', // Media download error (inbound)
	131053: 'campaign_fatal', // Media upload error: fix the file
	131056: 'throttle', // Pair rate limit (same recipient): retry that recipient only
	131057: 'throttle', // Account in maintenance (throughput upgrade, ≤ 1 min)
	131062: 'recipient_permanent', // Authentication template to a business-scoped user ID (send to the number)
	132000: 'campaign_fatal', // Template param count mismatch
	132001: 'campaign_fatal', // Template doesn't exist or not approved
	132005: 'campaign_fatal', // Hydrated text too long
	132007: 'campaign_fatal', // Format character policy violated
	132012: 'campaign_fatal', // Parameter format mismatch
	132015: 'campaign_fatal', // Template paused
	132016: 'campaign_fatal', // Template disabled
	132068: 'campaign_fatal', // Flow blocked
	132069: 'throttle', // Flow throttled
	133004: 'transient', // Server temporarily unavailable
	133010: 'account_stop', // Phone number not registered
};

/**
 * The retry class of a Graph error code (with the HTTP status as a fallback for codes we do not
 * know). 200–299 are API permission errors.
 */
export function classifyError(code: number | undefined, httpStatus?: number): ErrorClass {
	if (code !== undefined && code !== null) {
		const known = ERROR_CODE_CLASSES[code];
		if (known) return known;
		if (code >= 200 && code <= 299) return 'account_stop';
	}
	if (httpStatus === undefined) return 'transient';
	if (httpStatus === 429) return 'throttle';
	if (httpStatus === 401 || httpStatus === 403) return 'account_stop';
	if (httpStatus >= 500) return 'transient';
	if (httpStatus >= 400) return 'campaign_fatal';
	return 'transient';
}

export interface GraphErrorFields {
	httpStatus?: number;
	code?: number;
	subcode?: number;
	type?: string;
	title?: string;
	details?: string;
	userTitle?: string;
	userMessage?: string;
	fbtraceId?: string;
	isTransient?: boolean;
	errorClass?: ErrorClass;
	/** The request was (or may have been) written to the wire before it failed. */
	requestSent?: boolean;
}

/** One error type for everything the Graph client can throw. Never carries the access token. */
export class GraphApiError extends Error {
	readonly httpStatus?: number;
	readonly code?: number;
	readonly subcode?: number;
	readonly type?: string;
	readonly title?: string;
	readonly details?: string;
	readonly userTitle?: string;
	readonly userMessage?: string;
	readonly fbtraceId?: string;
	readonly isTransient?: boolean;
	readonly errorClass: ErrorClass;
	readonly requestSent: boolean;

	constructor(message: string, fields: GraphErrorFields = {}) {
		super(message);
		this.name = 'GraphApiError';
		this.httpStatus = fields.httpStatus;
		this.code = fields.code;
		this.subcode = fields.subcode;
		this.type = fields.type;
		this.title = fields.title;
		this.details = fields.details;
		this.userTitle = fields.userTitle;
		this.userMessage = fields.userMessage;
		this.fbtraceId = fields.fbtraceId;
		this.isTransient = fields.isTransient;
		this.requestSent = fields.requestSent ?? true;
		this.errorClass = fields.errorClass ?? classifyError(fields.code, fields.httpStatus);
	}

	/** A plain object for node outputs and logs (no secrets: the client never puts the token here). */
	toJSON(): Record<string, unknown> {
		return {
			message: this.message,
			httpStatus: this.httpStatus,
			code: this.code,
			subcode: this.subcode,
			errorClass: this.errorClass,
			details: this.details,
			userTitle: this.userTitle,
			userMessage: this.userMessage,
			fbtraceId: this.fbtraceId,
		};
	}
}

/** Meta's error JSON: `{"error":{"message","type","code","error_subcode","error_data":{"details"},"fbtrace_id",…}}`. */
export interface MetaErrorBody {
	error?: {
		message?: string;
		type?: string;
		code?: number;
		error_subcode?: number;
		error_user_title?: string;
		error_user_msg?: string;
		is_transient?: boolean;
		fbtrace_id?: string;
		error_data?: { details?: string; messaging_product?: string } | string;
	};
}

/** Builds the typed error from an HTTP status and Meta's error body (or whatever the server sent). */
export function graphErrorFromResponse(httpStatus: number, body: unknown): GraphApiError {
	const err = (body as MetaErrorBody | undefined)?.error;
	if (!err || typeof err !== 'object') {
		const text = typeof body === 'string' ? body.slice(0, 200) : '';
		return new GraphApiError(`Graph API request failed with HTTP ${httpStatus}${text ? `: ${text}` : ''}`, {
			httpStatus,
		});
	}
	const details = typeof err.error_data === 'string' ? err.error_data : err.error_data?.details;
	const title = err.message?.replace(/^\(#\d+\)\s*/, '');
	const parts = [err.message ?? `HTTP ${httpStatus}`];
	if (details && !parts[0].includes(details)) parts.push(details);
	if (err.error_user_msg && !parts.includes(err.error_user_msg)) parts.push(err.error_user_msg);
	return new GraphApiError(parts.join(' — '), {
		httpStatus,
		code: err.code,
		subcode: err.error_subcode,
		type: err.type,
		title,
		details,
		userTitle: err.error_user_title,
		userMessage: err.error_user_msg,
		fbtraceId: err.fbtrace_id,
		isTransient: err.is_transient,
	});
}
