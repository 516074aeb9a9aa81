/**
 * What the webhook receiver (core/receiver/server.ts) sends to the WhatsApp Cloud Trigger, and how the
 * trigger checks it (issue 19).
 *
 *  POST <the trigger's production webhook URL>
 *  content-type: application/json
 *  x-whatsapp-receiver-signature: sha256=<hex HMAC-SHA256(raw body, receiver secret)>
 *  { "whatsAppCloudReceiver": 1, "items": [ { …one trigger output item's json… }, … ] }
 *
 * Each item is what the trigger itself would emit for the event (core/webhook/parse.ts's event plus the
 * opt-out annotations), so a workflow sees the same items either way. The receiver has already applied
 * the store side effects (ledger, windows, replies, opt-outs, circuit breakers, identity) and verified
 * Meta's signature; the trigger only checks this signature, de-duplicates by eventId (a retried batch
 * starts nothing twice) and applies its filters. The secret is shared by the receiver and the
 * trigger's WhatsApp Cloud Webhook credential (Receiver Secret); it never travels.
 */
import type { WebhookEvent } from '../webhook/types';
import { signBody, verifySignature } from '../webhook/verify';

export const RECEIVER_SIGNATURE_HEADER = 'x-whatsapp-receiver-signature';
export const RECEIVER_PROTOCOL_VERSION = 1;

/** One forwarded item: an event plus what the receiver did with it (opt-out intent / applied). */
export type ForwardedItem = WebhookEvent & { optIntent?: string; optApplied?: boolean };

export interface ForwardedBatch {
	whatsAppCloudReceiver: number;
	items: ForwardedItem[];
}

/** The same HMAC-SHA256 over the raw bytes as Meta's X-Hub-Signature-256 (core/webhook/verify.ts), keyed by the Receiver Secret. */
export function signForward(body: Buffer | string, secret: string): string {
	return signBody(body, secret);
}

/** True when `header` is `sha256=<hex>` of the body under `secret` (constant time); false for an empty secret. */
export function verifyForward(body: Buffer | string, header: string | undefined, secret: string): boolean {
	return verifySignature(body, header, secret);
}

export class ForwardedBatchError extends Error {}

/**
 * The items of a verified forwarded body. Throws ForwardedBatchError naming what is wrong (not JSON,
 * wrong protocol version, an item without kind / eventId).
 */
export function parseForwardedBatch(raw: Buffer | string): ForwardedItem[] {
	let body: unknown;
	try {
		body = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
	} catch {
		throw new ForwardedBatchError('The receiver batch is not valid JSON');
	}
	const b = body as Partial<ForwardedBatch> | null;
	if (!b || typeof b !== 'object' || b.whatsAppCloudReceiver !== RECEIVER_PROTOCOL_VERSION) {
		throw new ForwardedBatchError(`Not a receiver batch of protocol version ${RECEIVER_PROTOCOL_VERSION} (whatsAppCloudReceiver)`);
	}
	if (!Array.isArray(b.items)) throw new ForwardedBatchError('The receiver batch has no items array');
	b.items.forEach((item, i) => {
		if (!item || typeof item !== 'object' || typeof item.kind !== 'string' || typeof item.eventId !== 'string' || !item.eventId) {
			throw new ForwardedBatchError(`Receiver batch item #${i} has no kind / eventId`);
		}
	});
	return b.items;
}
