/**
 * The trigger's request path after verification and parsing: store side effects, de-duplication
 * and filtering (pure core, used by the WhatsApp Cloud Trigger node and bench/trigger.bench.ts).
 *
 * Store side effects are all idempotent and order-safe, so they run for every event of the
 * request (redeliveries included), and the request's ids are marked processed last (or in the
 * same transaction): if a write fails the request fails (the node answers 500), nothing is
 * marked, and Meta's redelivery finds a clean slate.
 *  - inbound message → conversation window (per business number + contact; cloud-api.md §6),
 *    referral → 72 h free entry point; contact last-active time and profile name.
 *  - status → campaign ledger, monotonic (store rules: a late `sent` never overwrites `delivered`).
 *  - reply (context.id = one of our message ids) → that recipient becomes `replied`.
 *  - opt-out: keyword (optOut.ts), `user_preferences` value `stop`, failed status 131050
 *    ("user has stopped marketing messages", cloud-api.md §3) → contact opted out (source + time);
 *    START / `resume` → opted back in. A change older than the contact's last opt change is
 *    ignored, so late or redelivered webhooks never undo a newer choice.
 * Writes are batched per request (WebhookBatch): the whole request is ONE store transaction
 * (Store.applyWebhookBatch), dedup keys included, so a failure leaves nothing marked processed.
 */
import { breakerActions } from '../campaign/breakers';
import { isBsuid, normalizePhone } from '../phone';
import { parseCallbackData } from '../store/rules';
import type { BreakerEffect, OutboxEntry, StatusKind, StatusUpdate, Store, WebhookBatch } from '../store/types';
import { optIntentOfMessage, type OptIntent, type OptKeywordOptions } from './optOut';
import type { StatusEvent, WebhookEvent, WebhookEventKind } from './types';

/** Meta error: the user stopped marketing messages from this business (cloud-api.md §3). */
export const MARKETING_OPT_OUT_ERROR_CODE = 131050;

const STATUS_KINDS = new Set<StatusKind>(['sent', 'delivered', 'read', 'failed', 'played']);
const DIGITS = /^[0-9]{1,32}$/;

/**
 * One contact key per person (issue 14; core/store identity): the number's canonical digits
 * (core/phone: Brazil's 9th digit and Mexico's mobile 1 folded), or the BSUID of a username user
 * whose number Meta withholds. `contactKeys` (eventId → key, from resolveEventContacts) holds what
 * the store knows; without it the canonical number or the BSUID is used.
 */
function contactKeyOf(e: WebhookEvent, options: Pick<HandleOptions, 'contactKeys'> = {}): string | undefined {
	const known = options.contactKeys?.get(e.eventId);
	if (known) return known;
	const waId = (e as { waId?: string }).waId;
	if (waId && DIGITS.test(waId)) {
		const n = normalizePhone(waId);
		return n.ok ? n.waId : waId;
	}
	const userId = (e as { userId?: string }).userId;
	return isBsuid(userId) ? userId : undefined;
}

/**
 * Learns who the senders of a request are (issue 14), before anything is written for them: the
 * number Meta shows (`wa_id`, folded to today's form), the BSUID (`user_id`) when there is one, and
 * a known contact under a national variant of the number (Argentina's mobile 9) — each linked to one
 * contact, merging rows that turn out to be one person. A status whose `recipient_id` differs from
 * the number we sent to teaches that mapping too. Returns eventId → contact key.
 */
async function resolveEventContacts(store: Store, events: readonly WebhookEvent[], now: number): Promise<Map<string, string>> {
	const keys = new Map<string, string>();
	const people = events.filter((e) => e.kind === 'message' || e.kind === 'user_preference') as Array<WebhookEvent & { waId?: string; userId?: string }>;
	const statuses = events.filter((e): e is StatusEvent => e.kind === 'status');
	// Every identifier the request shows, resolved in one query: a mapping the store already knows
	// costs no write (the status webhooks of a campaign repeat the same recipient_id three times).
	const ids = new Set<string>();
	for (const e of people) for (const id of [contactKeyOf(e), e.waId, e.userId]) if (id) ids.add(id);
	for (const e of statuses) for (const id of [e.waId, e.recipientUserId]) if (id) ids.add(id);
	const known = ids.size ? await store.resolveContacts([...ids]) : new Map<string, string>();
	/** Links `id` to `key` unless the store already resolves it there; returns the surviving key. */
	const link = async (key: string, id: string | undefined, kind: 'variant' | 'wa_id' | 'bsuid', source: string): Promise<string> => {
		if (!id || id === key || known.get(id) === key) return key;
		const r = await store.linkIdentity(key, id, kind, source, now);
		known.set(id, r.key);
		return r.key;
	};
	for (const e of people) {
		let key = contactKeyOf(e);
		if (key && DIGITS.test(key)) {
			// A contact stored under a national variant (e.g. Argentina without the mobile 9) becomes Meta's form.
			const variant = known.get(key);
			if (variant && variant !== key) {
				const merged = (await store.linkIdentity(key, variant, 'variant', 'webhook', now)).key;
				known.set(variant, merged).set(merged, merged);
				key = merged;
			}
			key = await link(key, e.waId, 'wa_id', 'webhook');
			if (isBsuid(e.userId)) key = await link(key, e.userId, 'bsuid', 'webhook');
		} else if (key) {
			key = known.get(key) ?? key;
		}
		// WhatsApp usernames: a user's BSUID can change (system message user_changed_user_id).
		const sys = (e as { system?: { type?: string; newUserId?: string } }).system;
		if (key && sys?.type === 'user_changed_user_id' && isBsuid(sys.newUserId)) key = (await store.linkIdentity(key, sys.newUserId, 'bsuid', 'user_changed_user_id', now)).key;
		if (key) keys.set(e.eventId, key);
	}
	for (const e of statuses) {
		const sent = parseCallbackData(e.bizOpaqueCallbackData)?.waId;
		if (!sent || !(DIGITS.test(sent) || isBsuid(sent))) continue;
		await link(sent, e.waId, 'wa_id', 'status');
		if (isBsuid(e.recipientUserId)) await link(sent, e.recipientUserId, 'bsuid', 'status');
	}
	return keys;
}

export interface EventFilter {
	/** Event kinds to emit; empty/undefined = all. */
	kinds?: readonly WebhookEventKind[];
	/** Status values to emit (for kind `status`); empty/undefined = all. */
	statuses?: readonly string[];
	/** Business phone_number_ids to emit; empty/undefined = all. Events without one (template, account…) always pass. */
	phoneNumberIds?: readonly string[];
}

export interface HandleOptions extends EventFilter {
	/** Time of processing (epoch ms) for dedup records. Default Date.now(). */
	now?: number;
	/** Drop events whose eventId was already processed (store-backed). Default true. */
	dedup?: boolean;
	/** Prefix of the dedup keys (e.g. the trigger node's id), so two triggers don't share them. */
	dedupScope?: string;
	/** Apply store side effects (windows, ledger, replies, opt-outs). Default true. */
	sideEffects?: boolean;
	/** Detect opt-out/opt-in keywords in inbound messages. Default true. */
	optOutKeywords?: boolean;
	keywordOptions?: OptKeywordOptions;
	/** Record contact activity (last active time, profile name). Default true. */
	touchContacts?: boolean;
	/**
	 * A typed message from a campaign recipient within this many ms after our latest campaign message
	 * from that number marks it 'replied' (0 = only replies quoting our message). Default 72 h.
	 */
	replyAttributionMs?: number;
	/** Apply Meta's warnings to campaigns (core/campaign/breakers.ts: template paused, number flagged…). Default true. */
	circuitBreakers?: boolean;
	/** eventId → contact key (resolveEventContacts); filled by handleWebhookEvents. */
	contactKeys?: Map<string, string>;
	/**
	 * The webhook receiver (core/receiver, issue 19): outbox rows for an event (one per n8n trigger
	 * that subscribes to it), written in the request's store transaction and only for fresh events.
	 */
	outbox?: (event: WebhookEvent, dedupKey: string, note: { optIntent?: OptIntent; optApplied?: boolean } | undefined) => OutboxEntry[];
}

/** Default reply attribution window (issue 13): 72 h after the campaign message. */
export const DEFAULT_REPLY_ATTRIBUTION_MS = 72 * 3600_000;

export interface OptChange {
	waId: string;
	optedOut: boolean;
	source: string;
	at: number;
	/** The event that caused it. */
	eventId: string;
}

export interface HandleResult {
	/** Events to emit, in request order (filtered, de-duplicated). */
	events: WebhookEvent[];
	/** Redeliveries dropped by de-duplication. */
	duplicates: number;
	/** Events dropped by the kind / status / phone number filters. */
	filtered: number;
	/** Opt-out / opt-in changes applied to contacts. */
	optChanges: OptChange[];
	/** eventId → what the trigger did with it (opt-out etc.), for the output items. */
	annotations: Map<string, { optIntent?: OptIntent; optApplied?: boolean }>;
	/** Campaigns Meta's warnings paused or stopped in this request. */
	breakers: BreakerEffect[];
	/** Campaign recipients marked 'replied' by this request. */
	replies: number;
}

function epochMs(e: WebhookEvent, fallback: number): number {
	return e.timestampEpoch !== undefined ? e.timestampEpoch * 1000 : fallback;
}

export function passesFilter(e: WebhookEvent, filter: EventFilter): boolean {
	if (filter.kinds && filter.kinds.length > 0 && !filter.kinds.includes(e.kind)) return false;
	if (e.kind === 'status' && filter.statuses && filter.statuses.length > 0 && !filter.statuses.includes(e.status)) return false;
	if (filter.phoneNumberIds && filter.phoneNumberIds.length > 0 && e.phoneNumberId !== undefined && !filter.phoneNumberIds.includes(e.phoneNumberId)) {
		return false;
	}
	return true;
}

/** Opt-out/opt-in candidates carried by the events (keyword, user_preferences, 131050). */
export function optCandidates(events: readonly WebhookEvent[], now: number, options: HandleOptions = {}): Array<OptChange & { intent: OptIntent }> {
	const out: Array<OptChange & { intent: OptIntent }> = [];
	for (const e of events) {
		if (e.kind === 'message' && options.optOutKeywords !== false) {
			const key = contactKeyOf(e, options);
			if (!key) continue;
			const intent = optIntentOfMessage(e, options.keywordOptions);
			if (!intent) continue;
			const what = e.type === 'button' ? `button:${e.button?.payload ?? e.button?.text ?? ''}` : `keyword:${(e.text ?? '').trim()}`;
			out.push({ intent, waId: key, optedOut: intent === 'opt_out', source: what.slice(0, 80), at: epochMs(e, now), eventId: e.eventId });
		} else if (e.kind === 'user_preference') {
			const key = contactKeyOf(e, options);
			if (!key || (e.category && e.category !== 'marketing_messages')) continue;
			const value = (e.value ?? '').toLowerCase();
			if (value !== 'stop' && value !== 'resume') continue;
			out.push({
				intent: value === 'stop' ? 'opt_out' : 'opt_in',
				waId: key,
				optedOut: value === 'stop',
				source: 'user_preferences',
				at: epochMs(e, now),
				eventId: e.eventId,
			});
		} else if (e.kind === 'status' && e.status === 'failed' && e.waId) {
			if (!(e.errors ?? []).some((x) => x.code === MARKETING_OPT_OUT_ERROR_CODE) && e.errorCode !== MARKETING_OPT_OUT_ERROR_CODE) continue;
			out.push({ intent: 'opt_out', waId: e.waId, optedOut: true, source: `status_${MARKETING_OPT_OUT_ERROR_CODE}`, at: epochMs(e, now), eventId: e.eventId });
		}
	}
	return out;
}

export type { WebhookBatch } from '../store/types';

/** The store writes of a request's events (all idempotent and order-safe; see the file comment). */
export function buildWebhookBatch(events: readonly WebhookEvent[], now: number, options: HandleOptions = {}): WebhookBatch {
	const batch: WebhookBatch = { at: now, processedKeys: [], inbound: [], statuses: [], replies: [], touches: [] };
	const touches = new Map<string, { at: number; name?: string }>();
	const sideEffects = options.sideEffects !== false;
	const scope = options.dedupScope ? `${options.dedupScope}:` : '';
	for (const e of events) {
		if (options.dedup !== false) batch.processedKeys.push(scope + e.eventId);
		if (!sideEffects) continue;
		if (e.kind === 'message') {
			if (e.type === 'system') continue; // not a user message: does not open a window
			const at = epochMs(e, now);
			const contactKey = contactKeyOf(e, options);
			if (e.phoneNumberId && contactKey) batch.inbound.push({ phoneNumberId: e.phoneNumberId, waId: contactKey, at, referral: e.hasReferral || undefined });
			if (e.replyToMessageId) batch.replies.push({ messageId: e.replyToMessageId, at });
			if (options.touchContacts !== false && contactKey) {
				const prev = touches.get(contactKey);
				if (!prev || prev.at < at) touches.set(contactKey, { at, name: e.profileName ?? prev?.name });
			}
		} else if (e.kind === 'status') {
			if (!STATUS_KINDS.has(e.status as StatusKind)) continue;
			batch.statuses.push(statusUpdate(e, now));
		}
	}
	for (const [waId, t] of touches) batch.touches.push({ waId, at: t.at, ...(t.name ? { name: t.name } : {}) });
	if (sideEffects) {
		batch.replyAttributionMs = options.replyAttributionMs ?? DEFAULT_REPLY_ATTRIBUTION_MS;
		if (options.circuitBreakers !== false) {
			// Keyed by the event's dedup key: a redelivered old warning never re-pauses a resumed campaign.
			const keyOf = new Map(events.map((e) => [e, options.dedup !== false ? scope + e.eventId : undefined]));
			const actions = events.flatMap((e) => breakerActions([e]).map((a) => ({ ...a, key: keyOf.get(e) })));
			if (actions.length) batch.breakers = actions;
		}
	}
	return batch;
}

/** Writes a request's batch in one store transaction; returns which dedup keys were new, and what it did to campaigns. */
export async function applyWebhookBatch(store: Store, batch: WebhookBatch): Promise<{ fresh: boolean[]; breakers: BreakerEffect[]; replies: number }> {
	return store.applyWebhookBatch(batch);
}

/**
 * Opt-out / opt-in changes (keyword, user_preferences, 131050). Run before the batch, so a failure
 * leaves nothing marked processed; re-running them is harmless (a contact already in the target
 * state, or changed more recently, is left alone).
 */
export async function applyOptChanges(store: Store, events: readonly WebhookEvent[], now: number, options: HandleOptions = {}): Promise<OptChange[]> {
	const applied: OptChange[] = [];
	for (const c of optCandidates(events, now, options)) {
		const contact = await store.getContact(c.waId);
		if (contact) {
			if (contact.optedOut === c.optedOut) continue;
			const lastChange = Math.max(contact.optOutAt ?? -Infinity, contact.optInAt ?? -Infinity);
			if (c.at < lastChange) continue; // an older choice never undoes a newer one
		} else if (!c.optedOut) continue; // opt-in of an unknown number: nothing to undo
		await store.setOptOut(c.waId, c.optedOut, c.source, c.at);
		applied.push({ waId: c.waId, optedOut: c.optedOut, source: c.source, at: c.at, eventId: c.eventId });
	}
	return applied;
}

function statusUpdate(e: StatusEvent, now: number): StatusUpdate {
	const u: StatusUpdate = { messageId: e.messageId, status: e.status as StatusKind, at: epochMs(e, now) };
	if (e.bizOpaqueCallbackData) u.callbackData = e.bizOpaqueCallbackData;
	if (e.waId) u.recipientWaId = e.waId;
	if (e.errorCode !== undefined) u.errorCode = e.errorCode;
	const msg = [e.errorTitle, e.errorDetails ?? e.errorMessage].filter(Boolean).join(': ');
	if (msg) u.errorMessage = msg;
	return u;
}

/** Opt changes, then the request's store batch (side effects + dedup), then filters: what the trigger emits. */
export async function handleWebhookEvents(store: Store | undefined, events: readonly WebhookEvent[], options: HandleOptions = {}): Promise<HandleResult> {
	const now = options.now ?? Date.now();
	const annotations: HandleResult['annotations'] = new Map();
	const sideEffects = Boolean(store) && options.sideEffects !== false;
	let optChanges: OptChange[] = [];
	if (store && sideEffects && events.length) {
		// One contact per person before anything is written for them (windows, opt-outs, activity).
		options = { ...options, contactKeys: await resolveEventContacts(store, events, now) };
		optChanges = await applyOptChanges(store, events, now, options);
	}
	for (const c of optCandidates(events, now, options)) {
		annotations.set(c.eventId, { optIntent: c.intent, optApplied: optChanges.some((a) => a.eventId === c.eventId) });
	}
	let fresh: boolean[] = events.map(() => true);
	let breakers: BreakerEffect[] = [];
	let replies = 0;
	if (store && events.length && (sideEffects || options.dedup !== false)) {
		const batch = buildWebhookBatch(events, now, { ...options, sideEffects });
		if (options.outbox) {
			const scope = options.dedupScope ? `${options.dedupScope}:` : '';
			const rows = events.flatMap((e) => options.outbox!(e, scope + e.eventId, annotations.get(e.eventId)));
			if (rows.length) batch.outbox = rows;
		}
		const applied = await applyWebhookBatch(store, batch);
		breakers = applied.breakers;
		replies = applied.replies;
		// A key repeated inside one request is fresh only the first time (the insert is ignored after).
		if (options.dedup !== false) fresh = applied.fresh;
	}
	const out: WebhookEvent[] = [];
	let duplicates = 0;
	let filtered = 0;
	events.forEach((e, i) => {
		if (!fresh[i]) duplicates++;
		else if (!passesFilter(e, options)) filtered++;
		else out.push(e);
	});
	return { events: out, duplicates, filtered, optChanges, annotations, breakers, replies };
}
