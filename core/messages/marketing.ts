/**
 * Marketing Messages API routing (issue 17).
 *
 * Meta asks that MARKETING templates go through `POST /{phone-number-id}/marketing_messages`
 * (the Marketing Messages API for WhatsApp, formerly "MM Lite"): the same body as `/messages`,
 * the same answer, the same status webhooks. Everything else (utility, authentication, service
 * messages) stays on `/messages` — the marketing endpoint refuses it.
 *
 *  - sendEndpoint(): the pure rule. MARKETING template + option on (default) + the number not
 *    known to be refused → 'marketing_messages'; otherwise 'messages'.
 *  - isMarketingEndpointRefusal(): Meta's refusal of the marketing endpoint. Meta documents no code
 *    of its own for "not onboarded": the Marketing Messages API answers (#131055) "Method not
 *    allowed" (HTTP 400) both when the business has not accepted the Marketing Messages API terms
 *    (its message then says "You must accept the Marketing Messages … API terms to use the API" —
 *    360dialog's published sample of Meta's answer) and when the template is not a marketing one
 *    (Meta's MM API support page: "send again using a marketing template message"). Either way the
 *    request was refused before anything was sent, so sending the same body to /messages is safe:
 *    it can never make a second message.
 *  - isNotOnboarded(): the refusal names the terms / onboarding → the whole number is not
 *    onboarded; MarketingRoute remembers it for the rest of the run (one refused request per number
 *    per run, not one per recipient).
 *  - MarketingRoute: the per-run state the campaign engine keeps (the numbers found not onboarded,
 *    the template's current category) and the send with its fallback. The first marketing send of a
 *    run from a number is a probe: the engine waits for its answer (ready()) before pacing the next
 *    sends of that number, so a number that is not onboarded costs one refused request per run (plus
 *    the few sends paced while the probe's dispatch mark was being written) — not one per request in
 *    flight — and no burst of fallbacks can push a second over the throughput cap. A probe that ends
 *    without a verdict (timeout, throttle) lets the next send probe again.
 */
import { GraphApiError } from '../graph/errors';
import type { GraphLike } from '../graph/like';
import { postMessage, type SendEndpoint, type SendResult } from './api';

export type { SendEndpoint } from './api';

/** Meta's "Method not allowed": the Marketing Messages API refuses this number or this message. */
export const MARKETING_ENDPOINT_REFUSED_CODE = 131055;

/** The refusal names the Marketing Messages API terms / onboarding: the number (its business) is not onboarded. */
const NOT_ONBOARDED_TEXT = /terms|onboard|not eligible|ineligible/i;

export interface EndpointInput {
	/** The template's category (MARKETING / UTILITY / AUTHENTICATION); undefined = not a template. */
	category?: string;
	/** Campaign option "Marketing Messages API" (default true). */
	marketingMessagesApi?: boolean;
	/** The number is known not to be onboarded (refused earlier in this run). */
	notOnboarded?: boolean;
}

/** Which endpoint a send goes to (pure). */
export function sendEndpoint(input: EndpointInput): SendEndpoint {
	if (input.marketingMessagesApi === false || input.notOnboarded) return 'messages';
	return String(input.category ?? '').toUpperCase() === 'MARKETING' ? 'marketing_messages' : 'messages';
}

/** Meta refused the marketing endpoint for this request (nothing was sent): resend to /messages. */
export function isMarketingEndpointRefusal(error: unknown): error is GraphApiError {
	return error instanceof GraphApiError && error.code === MARKETING_ENDPOINT_REFUSED_CODE && error.httpStatus !== undefined && error.httpStatus < 500;
}

/** The refusal says the business has not accepted the Marketing Messages API terms (not onboarded). */
export function isNotOnboarded(error: GraphApiError): boolean {
	return NOT_ONBOARDED_TEXT.test(`${error.message} ${error.details ?? ''} ${error.title ?? ''}`);
}

export interface MarketingRouteOptions {
	/** Campaign option "Marketing Messages API" (default true). */
	marketingMessagesApi?: boolean;
	/** The template's category when the run started. */
	category?: string;
	/**
	 * Re-reads the template's current category (template_category_update webhooks keep it current in
	 * the store's campaign row); called at most every `categoryRefreshMs`, never waited for.
	 */
	readCategory?: () => Promise<string | undefined>;
	categoryRefreshMs?: number;
	now?: () => number;
}

export interface RouteStats {
	/** Sends Meta accepted through /marketing_messages. */
	marketing: number;
	/** Sends Meta accepted through /messages. */
	messages: number;
	/** Requests the marketing endpoint refused (each resent to /messages). */
	refused: number;
	/** Numbers found not onboarded in this run. */
	notOnboarded: string[];
}

/** The per-run routing state: numbers refused, the template's current category, counts. */
export class MarketingRoute {
	private readonly refusedNumbers = new Set<string>();
	/** Numbers whose marketing endpoint answered a send in this run. */
	private readonly confirmed = new Set<string>();
	/** A number's first marketing send, in flight: later sends of the number wait for its answer. */
	private readonly probes = new Map<string, Promise<void>>();
	private category: string | undefined;
	/** Meta refused this template on the marketing endpoint although we took it for MARKETING. */
	private categoryRefused = false;
	private lastCategoryRead: number;
	private reading = false;
	/** What readCategory answered last: only a change from it (a webhook since) replaces the run's category. */
	private storedCategory: string | undefined;
	private baselineRead = false;
	readonly stats: RouteStats = { marketing: 0, messages: 0, refused: 0, notOnboarded: [] };

	constructor(private readonly options: MarketingRouteOptions = {}) {
		this.category = options.category;
		this.lastCategoryRead = this.now();
		this.readStoredCategory(); // the baseline: changes from it come from template_category_update webhooks
	}

	private now(): number {
		return this.options.now ? this.options.now() : Date.now();
	}

	/** The endpoint the next send from this number goes to. */
	endpointFor(phoneNumberId: string): SendEndpoint {
		this.refreshCategory();
		return sendEndpoint({
			category: this.categoryRefused ? undefined : this.category,
			marketingMessagesApi: this.options.marketingMessagesApi,
			notOnboarded: this.refusedNumbers.has(phoneNumberId),
		});
	}

	/**
	 * Resolves when the next send from this number may be paced: at once (undefined) unless the
	 * number's first marketing send (the probe) is still waiting for Meta's answer.
	 */
	ready(phoneNumberId: string): Promise<void> | undefined {
		return this.probes.get(phoneNumberId);
	}

	/** Numbers found not onboarded (tests, the run summary). */
	isRefused(phoneNumberId: string): boolean {
		return this.refusedNumbers.has(phoneNumberId);
	}

	/**
	 * Sends one body: to /marketing_messages when the rule says so, and — when Meta refuses that
	 * endpoint (131055, nothing sent) — the same body to /messages. Any other error is thrown as is
	 * (the caller's error policy classifies it); so is the /messages attempt's error.
	 */
	async send(client: GraphLike, phoneNumberId: string, body: unknown, timeoutMs?: number): Promise<SendResult & { endpoint: SendEndpoint }> {
		const endpoint = this.endpointFor(phoneNumberId);
		if (endpoint === 'marketing_messages') {
			let settle: (() => void) | undefined;
			if (!this.confirmed.has(phoneNumberId) && !this.probes.has(phoneNumberId)) {
				this.probes.set(phoneNumberId, new Promise<void>((resolve) => (settle = resolve)));
			}
			const done = () => {
				if (!settle) return;
				this.probes.delete(phoneNumberId);
				settle();
			};
			try {
				const res = await postMessage(client, phoneNumberId, body, timeoutMs, 'marketing_messages');
				this.stats.marketing++;
				this.confirmed.add(phoneNumberId);
				done();
				return { ...res, endpoint };
			} catch (error) {
				if (!isMarketingEndpointRefusal(error)) {
					done(); // no verdict (timeout, throttle…): the next send probes again
					throw error;
				}
				this.stats.refused++;
				if (isNotOnboarded(error)) {
					if (!this.refusedNumbers.has(phoneNumberId)) this.stats.notOnboarded.push(phoneNumberId);
					this.refusedNumbers.add(phoneNumberId);
				} else this.categoryRefused = true; // Meta does not take it for a marketing template
				done();
			}
		}
		const res = await postMessage(client, phoneNumberId, body, timeoutMs, 'messages');
		this.stats.messages++;
		return { ...res, endpoint: 'messages' };
	}

	private refreshCategory(): void {
		const read = this.options.readCategory;
		if (!read || this.reading) return;
		const now = this.now();
		if (now - this.lastCategoryRead < (this.options.categoryRefreshMs ?? 30_000)) return;
		this.lastCategoryRead = now;
		this.readStoredCategory();
	}

	private readStoredCategory(): void {
		const read = this.options.readCategory;
		if (!read) return;
		this.reading = true;
		read()
			.then((c) => {
				const stored = c ? c.toUpperCase() : undefined;
				if (this.baselineRead && stored && stored !== this.storedCategory) {
					this.category = stored;
					this.categoryRefused = false;
				}
				this.storedCategory = stored;
				this.baselineRead = true;
			})
			.catch(() => undefined)
			.finally(() => (this.reading = false));
	}
}
