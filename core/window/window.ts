/**
 * The 24-hour customer-service window (cloud-api.md §6).
 *
 *  - Every inbound user message opens or refreshes a 24 h window. Inside it any message may be
 *    sent; outside it only templates (free-form fails with 131047). Open iff
 *    `now - lastInbound < 24 h`: at exactly 24 h the window is closed.
 *  - Free entry point (FEP): when the user came from a click-to-WhatsApp ad or a Page CTA, all
 *    messages including templates are free for 72 h. Free-form messages still need the 24 h
 *    window of the LAST user message; after it, only templates (free until 72 h). Meta counts the
 *    72 h from the business's reply; we count from the referral inbound, which is never later —
 *    so `freeEntryPointExpiresAt` is a safe (early) bound.
 *  - Safety margin: a window closing within N minutes is treated as closed (a send queued now
 *    may reach Meta after it closes).
 *  - Unknown contact (no inbound ever) → closed.
 *  - Clock skew: an inbound timestamp in the future is treated as `now` and flagged.
 */

export const WINDOW_MS = 24 * 60 * 60 * 1000;
export const FREE_ENTRY_POINT_MS = 72 * 60 * 60 * 1000;

export type TimeInput = number | string | Date | null | undefined;

/**
 * Whether the 24 h customer-service window of a contact whose last message reached us at
 * `lastInboundAt` (epoch ms; undefined: never) is open at `now` — the hot-path form of
 * conversationWindow() for the campaign engine and the dry run.
 * @example isWindowOpen(Date.parse('2026-12-05T10:00Z'), Date.parse('2026-12-06T09:59Z')) // true
 */
export function isWindowOpen(lastInboundAt: number | undefined, now: number): boolean {
	return lastInboundAt !== undefined && now - lastInboundAt < WINDOW_MS;
}

export interface WindowOptions {
	/** Minutes before the real close at which the window is already treated as closed. Default 0. */
	safetyMarginMinutes?: number;
	/** When the last free-entry-point (ad/CTA referral) conversation started. */
	freeEntryPointAt?: TimeInput;
	/** The last inbound itself carried a referral (FEP starts at lastInboundAt). */
	referral?: boolean;
}

export interface WindowState {
	windowOpen: boolean;
	/** ISO time of the last inbound used (clamped to now when it was in the future), or null. */
	lastInboundAt: string | null;
	/** ISO time the 24 h window closes (without the safety margin), or null for unknown contacts. */
	expiresAt: string | null;
	/** Seconds until the window is treated as closed (margin applied), 0 when closed. */
	secondsLeft: number;
	/** Inside a 72 h free entry point: templates are free. */
	freeEntryPoint: boolean;
	freeEntryPointExpiresAt?: string;
	/** Free-form (non-template) messages can be sent now. */
	canSendFreeForm: boolean;
	recommendedAction: 'session_message' | 'template';
	/** The stored inbound time was in the future (clock skew); it was treated as now. */
	clockSkew: boolean;
}

/** Epoch ms from a number (ms, or seconds when < 1e11), an ISO string or a Date; undefined when absent. */
export function toEpochMs(value: TimeInput, what = 'time'): number | undefined {
	if (value === null || value === undefined || value === '') return undefined;
	let ms: number;
	if (value instanceof Date) ms = value.getTime();
	else if (typeof value === 'number') ms = value < 1e11 ? value * 1000 : value;
	else if (typeof value === 'string') {
		const t = value.trim();
		if (/^\d+(\.\d+)?$/.test(t)) {
			const n = Number(t);
			ms = n < 1e11 ? n * 1000 : n;
		} else ms = Date.parse(t);
	} else ms = NaN;
	if (!Number.isFinite(ms)) throw new Error(`${what} is not a valid time: ${JSON.stringify(value)}`);
	return ms;
}

export function conversationWindow(lastInboundAt: TimeInput, now: TimeInput = Date.now(), options: WindowOptions = {}): WindowState {
	const nowMs = toEpochMs(now, 'now') ?? Date.now();
	const margin = options.safetyMarginMinutes ?? 0;
	if (!Number.isFinite(margin) || margin < 0) throw new Error(`safetyMarginMinutes must be a number ≥ 0, got ${JSON.stringify(options.safetyMarginMinutes)}`);
	const marginMs = margin * 60_000;
	const reported = toEpochMs(lastInboundAt, 'lastInboundAt');

	let fepStart = toEpochMs(options.freeEntryPointAt, 'freeEntryPointAt');
	if (fepStart === undefined && options.referral && reported !== undefined) fepStart = reported;
	if (fepStart !== undefined && fepStart > nowMs) fepStart = nowMs;
	const fepEnd = fepStart !== undefined ? fepStart + FREE_ENTRY_POINT_MS : undefined;
	const freeEntryPoint = fepEnd !== undefined && nowMs < fepEnd;

	if (reported === undefined) {
		return {
			windowOpen: false,
			lastInboundAt: null,
			expiresAt: null,
			secondsLeft: 0,
			freeEntryPoint,
			...(freeEntryPoint ? { freeEntryPointExpiresAt: new Date(fepEnd as number).toISOString() } : {}),
			canSendFreeForm: false,
			recommendedAction: 'template',
			clockSkew: false,
		};
	}
	const clockSkew = reported > nowMs;
	const last = clockSkew ? nowMs : reported;
	const expires = last + WINDOW_MS;
	const effectiveClose = expires - marginMs;
	// Open iff now - last < 24 h (strict), and not within the safety margin of closing.
	const windowOpen = nowMs < effectiveClose;
	const secondsLeft = windowOpen ? Math.floor((effectiveClose - nowMs) / 1000) : 0;
	return {
		windowOpen,
		lastInboundAt: new Date(last).toISOString(),
		expiresAt: new Date(expires).toISOString(),
		secondsLeft,
		freeEntryPoint,
		...(freeEntryPoint ? { freeEntryPointExpiresAt: new Date(fepEnd as number).toISOString() } : {}),
		canSendFreeForm: windowOpen,
		recommendedAction: windowOpen ? 'session_message' : 'template',
		clockSkew,
	};
}
