/**
 * One webhook request, end to end (cloud-api.md §4) — the sequence the WhatsApp Cloud Trigger, the
 * webhook receiver (core/receiver/server.ts), the demo and bench/trigger.bench.ts all run:
 *
 *  1. GET → the subscription handshake (verify.ts `verifyChallenge`): 200 + `hub.challenge` as text,
 *     else 403. Other methods than GET / POST → 405.
 *  2. POST → the signature over the raw bytes: `X-Hub-Signature-256` with the app secret (verify.ts),
 *     or, with `acceptForwarded`, the webhook receiver's batch signature with the receiver secret
 *     (core/receiver/protocol.ts). Missing / wrong → 401. Secrets that fail are asked for once more
 *     (`refreshSecrets`): a secret edited in n8n's credential works at once.
 *  3. Size, depth, JSON and shape (parse.ts `WEBHOOK_LIMITS`) → 413 / 400 with the reason, never a
 *     5xx: Meta would redeliver the same bytes for days. Events with unusable ids are skipped, not fatal.
 *  4. Store side effects and de-duplication in one transaction (handle.ts). Only a store failure →
 *     500, so Meta redelivers (nothing was marked processed). A forwarded batch's side effects were
 *     applied by the receiver: here it is only de-duplicated.
 *  5. The kind / status / phone-number filters, on the events and on the skipped events alike.
 * No n8n import; nothing here logs or returns a secret.
 */
import { ForwardedBatchError, parseForwardedBatch, RECEIVER_SIGNATURE_HEADER, verifyForward } from '../receiver/protocol';
import type { Store } from '../store/types';
import { handleWebhookEvents, passesFilter, type HandleOptions, type HandleResult } from './handle';
import { parseWebhookRequest, WebhookParseError } from './parse';
import type { SkippedEvent, WebhookEvent } from './types';
import { verifyChallenge, verifySignature } from './verify';

/** The request as it arrived. */
export interface WebhookRequest {
	/** 'GET' (handshake) or 'POST' (events). */
	method: string;
	/** Query parameters: flat (`hub.mode`) or nested (`hub: { mode }`). Example: `{ 'hub.mode': 'subscribe', … }`. */
	query?: Record<string, unknown>;
	/** Headers, names in lower case (`x-hub-signature-256`). */
	headers?: Record<string, string | string[] | undefined>;
	/** The body's bytes exactly as received: the signature covers them. */
	body?: Buffer;
}

export interface WebhookSecrets {
	/** The Meta app secret: signs POSTs (X-Hub-Signature-256). */
	appSecret: string;
	/** The token the Meta app dashboard sends with the GET handshake. */
	verifyToken: string;
	/** Shared with the webhook receiver: signs its forwarded batches (only with `acceptForwarded`). */
	receiverSecret?: string;
}

export interface ReceiveOptions extends HandleOptions {
	secrets: WebhookSecrets;
	/** Fresh secrets, asked for once when the kept ones fail (n8n's trigger keeps them a minute). Default: none. */
	refreshSecrets?: () => Promise<WebhookSecrets>;
	/** The store, or how to open it (only called when the request's events need it). Default: none (no side effects, no dedup). */
	store?: Store | (() => Promise<Store>);
	/** Accept the webhook receiver's signed batches (`x-whatsapp-receiver-signature`). Default false. */
	acceptForwarded?: boolean;
	/**
	 * Replaces step 4 (the receiver's group commit: several requests share one transaction). receive()
	 * then emits nothing itself (`events` is empty): the caller's store outbox carries the events on.
	 */
	apply?: (events: WebhookEvent[]) => Promise<void>;
}

/** What happened, for counters and logs: `accepted` is the only 200 to a POST. */
export type ReceiveOutcome = 'challenge' | 'forbidden' | 'not_allowed' | 'unsigned' | 'invalid' | 'store_failed' | 'accepted';

export interface ReceiveResult {
	/** The HTTP answer (text/plain). */
	status: number;
	body: string;
	outcome: ReceiveOutcome;
	/** A batch from the webhook receiver (its signature header was present). */
	forwarded: boolean;
	/** Events the request carried (before de-duplication and filters). */
	received: number;
	/** Events to emit, in request order: fresh (de-duplicated) and passing the filters. */
	events: WebhookEvent[];
	/** eventId → what was done with it (opt-out intent / applied), merged into its output item. */
	annotations: HandleResult['annotations'];
	/** Redeliveries dropped by de-duplication. */
	duplicates: number;
	/** Events that could not be applied (unusable ids), with the reason. */
	skipped: SkippedEvent[];
	/** The skipped events that pass the filters: reported as `kind: "skipped"` items. */
	reported: SkippedEvent[];
	/** For logs: the parse error that is not a WebhookParseError, or the store failure. */
	error?: Error;
}

const answer = (status: number, body: string, outcome: ReceiveOutcome, extra: Partial<ReceiveResult> = {}): ReceiveResult => ({
	status,
	body,
	outcome,
	forwarded: false,
	received: 0,
	events: [],
	annotations: new Map(),
	duplicates: 0,
	skipped: [],
	reported: [],
	...extra,
});

const firstValue = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** Handshake, signature, bounds, parse, store side effects, filters: the HTTP answer and what to emit. */
export async function receive(req: WebhookRequest, options: ReceiveOptions): Promise<ReceiveResult> {
	let secrets = options.secrets;
	const retry = async (ok: (s: WebhookSecrets) => boolean) =>
		ok(secrets) || (options.refreshSecrets !== undefined && ok((secrets = await options.refreshSecrets())));

	if (req.method === 'GET') {
		let challenge: string | undefined;
		const passes = await retry((s) => {
			const r = verifyChallenge(req.query, s.verifyToken);
			if (r.ok) challenge = r.challenge;
			return r.ok;
		});
		return passes ? answer(200, challenge!, 'challenge') : answer(403, 'Forbidden', 'forbidden');
	}
	if (req.method !== 'POST') return answer(405, 'Method not allowed', 'not_allowed');

	const raw = req.body;
	const headers = req.headers ?? {};
	const forwardHeader = options.acceptForwarded ? headers[RECEIVER_SIGNATURE_HEADER] : undefined;
	const forwarded = forwardHeader !== undefined;
	const signature = firstValue(forwarded ? forwardHeader : headers['x-hub-signature-256']);
	const signed = (s: WebhookSecrets) =>
		raw !== undefined && (forwarded ? verifyForward(raw, signature, s.receiverSecret ?? '') : verifySignature(raw, signature, s.appSecret));
	if (!(await retry(signed))) return answer(401, 'Invalid signature', 'unsigned', { forwarded });

	let events: WebhookEvent[];
	let skipped: SkippedEvent[] = [];
	try {
		if (forwarded) events = parseForwardedBatch(raw!);
		else ({ events, skipped } = parseWebhookRequest(raw!));
	} catch (error) {
		if (error instanceof WebhookParseError) return answer(error.status, error.message, 'invalid', { forwarded });
		if (error instanceof ForwardedBatchError) return answer(400, error.message, 'invalid', { forwarded });
		// Not an outage: the same bytes would fail the same way on every redelivery.
		return answer(400, 'The webhook body could not be read', 'invalid', { forwarded, error: error as Error });
	}

	const handleOptions: HandleOptions = { ...options, sideEffects: options.sideEffects !== false && !forwarded };
	let handled: HandleResult | undefined;
	try {
		if (options.apply) {
			if (events.length) await options.apply(events);
		} else {
			const needsStore = handleOptions.dedup !== false || handleOptions.sideEffects;
			const store = needsStore && events.length ? await openStore(options.store) : undefined;
			handled = await handleWebhookEvents(store, events, handleOptions);
		}
	} catch (error) {
		return answer(500, 'Store update failed', 'store_failed', { forwarded, received: events.length, skipped, error: error as Error });
	}
	// Skipped events are reported under the same filters as the kind they would have had.
	const reported = skipped.filter((s) => passesFilter(asFilterable(s), options));
	return answer(200, 'EVENT_RECEIVED', 'accepted', {
		forwarded,
		received: events.length,
		events: handled?.events ?? [],
		annotations: handled?.annotations ?? new Map(),
		duplicates: handled?.duplicates ?? 0,
		skipped,
		reported,
	});
}

async function openStore(store: ReceiveOptions['store']): Promise<Store | undefined> {
	return typeof store === 'function' ? store() : store;
}

function asFilterable(s: SkippedEvent): WebhookEvent {
	return { kind: s.skippedKind, status: s.status ?? '', phoneNumberId: s.phoneNumberId } as unknown as WebhookEvent;
}

/** The log line for a request's skipped events (the first five reasons; no secret, no body). */
export function describeSkipped(result: Pick<ReceiveResult, 'skipped' | 'received'>): string {
	const reasons = result.skipped.slice(0, 5).map((s) => `${s.path}: ${s.reason}`);
	if (result.skipped.length > 5) reasons.push(`… and ${result.skipped.length - 5} more`);
	return `skipped ${result.skipped.length} event(s) of a signed request; its other ${result.received} event(s) are applied. ${reasons.join('; ')}`;
}

