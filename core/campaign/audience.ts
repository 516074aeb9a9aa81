/**
 * Audience → ledger rows (insert-or-ignore, so re-running a campaign never adds anyone twice).
 * Invalid phones are recorded as skipped under a synthetic key (`invalid#<itemIndex>`) so every
 * input is accounted for; opted-out contacts are skipped when the consent scope applies (MARKETING
 * templates by default — peers.md §2: 131050 "marketing only" — or every category), blocked
 * contacts always. The same check runs again right before each send (gates.ts).
 */
import { lookupCandidates } from '../store/rules';
import type { Contact, ContactFilter, ConsentScope, RecipientInput, RecipientState, Store } from '../store/types';
import type { SendValues } from '../templates/build';
import { recipientWaId } from './phone';
import type { RecipientSpec } from './types';

export const INVALID_KEY_PREFIX = 'invalid#';
/** AddAudience's keys map: an input that is the same person as an earlier one (no row of its own). */
export const DUPLICATE_KEY_PREFIX = 'duplicate#';

export interface AddAudienceResult {
	inserted: number;
	duplicates: number;
	invalid: number;
	optedOut: number;
}

export async function addAudience(
	store: Store,
	campaignId: string,
	recipients: Iterable<RecipientSpec> | AsyncIterable<RecipientSpec>,
	options: {
		scope: ConsentScope | undefined;
		defaultCountry?: string;
		now: number;
		batchSize?: number;
		/** An AUTHENTICATION template: refused for BSUID-only recipients (Meta answers 131062). */
		authentication?: boolean;
		/** Filled with itemIndex → ledger key (the person's contact key), for per-item output. */
		keys?: Map<number, string>;
		/** Sender pool: each row sticks to one of these numbers (last talked to them, else a hash). */
		pool?: string[];
	},
): Promise<AddAudienceResult> {
	const result: AddAudienceResult = { inserted: 0, duplicates: 0, invalid: 0, optedOut: 0 };
	const batchSize = options.batchSize ?? 500;
	let batch: RecipientInput[] = [];
	let ordinal = 0;
	/** Every form of the variant numbers already in this call's audience (plain numbers: the ledger's insert-or-ignore). */
	const seen = new Map<string, string>();
	const flush = async () => {
		if (!batch.length) return;
		// One person, one row (issue 14): a known contact under another form (Meta's wa_id, a
		// national variant, a BSUID) is the same ledger row; so is a variant already in the audience.
		const known = await store.resolveContacts(batch.filter((r) => !r.skipReason).map((r) => r.waId));
		for (const r of batch) if (!r.skipReason) r.waId = known.get(r.waId) ?? r.waId;
		// Numbers with national variants (BR, MX, AR): is another form already in this campaign?
		const variantForms = batch.filter((r) => !r.skipReason).flatMap((r) => lookupCandidates(r.waId).slice(1));
		const inLedger = variantForms.length ? await store.recipientKeys(campaignId, variantForms) : new Set<string>();
		const rows: RecipientInput[] = [];
		for (const r of batch) {
			if (!r.skipReason) {
				const forms = lookupCandidates(r.waId);
				// The row this person already has: an earlier form in this audience, or another form in the ledger.
				const first = forms.length > 1 ? (forms.map((f) => seen.get(f)).find(Boolean) ?? forms.slice(1).find((f) => inLedger.has(f))) : undefined;
				const dup = first !== undefined;
				if (forms.length > 1 && !dup) for (const f of forms) seen.set(f, r.waId);
				if (r.itemIndex !== undefined && options.keys) options.keys.set(r.itemIndex, dup ? `${DUPLICATE_KEY_PREFIX}${first}` : r.waId);
				if (dup) {
					result.duplicates++;
					continue;
				}
			} else if (r.itemIndex !== undefined && options.keys) options.keys.set(r.itemIndex, r.waId);
			rows.push(r);
		}
		batch = rows;
		// Consent for the whole batch in one query: opted out (when the scope applies) or blocked →
		// recorded as skipped with the reason, so every input is accounted for.
		const blocked = await store.gateBlocks(
			batch.filter((r) => !r.skipReason).map((r) => r.waId),
			options.scope,
		);
		for (const r of batch) {
			const reason = r.skipReason ? undefined : blocked.get(r.waId);
			if (!reason) continue;
			result.optedOut++;
			r.skipReason = reason;
			delete r.payload;
		}
		if (options.pool && options.pool.length > 0) {
			const pool = options.pool;
			const last = await store.lastInboundNumbers(batch.filter((r) => !r.skipReason).map((r) => r.waId), pool);
			for (const r of batch) if (!r.skipReason) r.phoneNumberId = last.get(r.waId) ?? poolNumberFor(r.waId, pool);
		}
		const r = await store.addRecipients(campaignId, batch, options.now);
		result.inserted += r.inserted;
		result.duplicates += r.duplicates;
		batch = [];
	};
	for await (const spec of recipients as AsyncIterable<RecipientSpec>) {
		const index = spec.itemIndex ?? ordinal;
		ordinal++;
		const phone = recipientWaId(spec.phone, options.defaultCountry);
		if (!phone.ok) {
			result.invalid++;
			batch.push({ waId: `${INVALID_KEY_PREFIX}${index}`, itemIndex: spec.itemIndex, skipReason: phone.reason });
		} else if (options.authentication && phone.bsuid) {
			// Meta refuses authentication templates to business-scoped user IDs (131062).
			batch.push({ waId: phone.waId, itemIndex: spec.itemIndex, skipReason: `131062: authentication templates can't be sent to a business-scoped user ID (${phone.waId}); send to the phone number` });
		} else {
			batch.push({ waId: phone.waId, itemIndex: spec.itemIndex, payload: spec.values ? { values: spec.values } : {} });
		}
		if (batch.length >= batchSize) await flush();
	}
	await flush();
	return result;
}

/**
 * A follow-up audience (issue 17): the recipients of another campaign in the chosen ledger states
 * (e.g. 'delivered' = delivered but not read, 'read' = read but not replied, 'expired'), within a
 * tag / attribute filter, with each one's template values built from their contact. Opt-outs since
 * are stopped by the consent gates (addAudience and the send-time gates), not here.
 */
export async function* followUpAudience(
	store: Store,
	sourceCampaignId: string,
	states: RecipientState[],
	filter: ContactFilter,
	valuesOf: (contact: Contact) => SendValues,
): AsyncGenerator<RecipientSpec> {
	const filtered = Boolean(filter.tagsAny?.length || filter.tagsAll?.length || (filter.attributes && Object.keys(filter.attributes).length));
	let cursor: string | undefined;
	do {
		const page = await store.listRecipients(sourceCampaignId, { states }, { limit: 1000, cursor });
		for (const r of page.items) {
			if (r.waId.startsWith(INVALID_KEY_PREFIX)) continue;
			const contact = (await store.getContact(r.waId)) ?? ({ waId: r.waId, tags: [], attributes: {}, optedOut: false, createdAt: 0, updatedAt: 0 } as Contact);
			if (filtered && !matchesFilter(contact, filter)) continue;
			yield { phone: r.waId, optedOut: contact.optedOut, values: valuesOf(contact) };
		}
		cursor = page.next;
	} while (cursor);
}

/** Tag (any / all) and attribute (exact, as text) filters on one contact, as the store applies them. */
function matchesFilter(c: Contact, f: ContactFilter): boolean {
	if (f.tagsAny?.length && !f.tagsAny.some((t) => c.tags.includes(t))) return false;
	if (f.tagsAll?.length && !f.tagsAll.every((t) => c.tags.includes(t))) return false;
	for (const [k, v] of Object.entries(f.attributes ?? {})) if (String(c.attributes[k]) !== String(v)) return false;
	return true;
}

/** A recipient's number in a sender pool when none talked to them: a stable hash (FNV-1a) of the key. */
export function poolNumberFor(waId: string, pool: readonly string[]): string {
	let h = 0x811c9dc5;
	for (let i = 0; i < waId.length; i++) {
		h ^= waId.charCodeAt(i);
		h = Math.imul(h, 0x01000193) >>> 0;
	}
	return pool[h % pool.length];
}

/**
 * Template values that name a contact field: `$contact.firstName`, `$contact.name`,
 * `$contact.attributes.city` → that contact's value (store and follow-up audiences); any other
 * value is kept as written. Example: `{ 'body.1': '$contact.firstName', 'body.2': 'SPRING' }` →
 * `{ 'body.1': 'Ana', 'body.2': 'SPRING' }`. A path the contact lacks gives undefined.
 */
export function contactValues(flat: Record<string, unknown>, contact: Contact): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(flat)) {
		const m = typeof v === 'string' ? /^\s*\$contact\.([\w.]+)\s*$/.exec(v) : null;
		if (!m) {
			out[k] = v;
			continue;
		}
		let cur: unknown = contact;
		for (const part of m[1].split('.')) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[part] : undefined;
		out[k] = cur;
	}
	return out;
}

/** A store audience: the contacts within `filter` (pages of 1,000), each with its template values. */
export async function* storeAudience(store: Store, filter: ContactFilter, valuesOf: (contact: Contact) => SendValues): AsyncGenerator<RecipientSpec> {
	for await (const c of store.iterateContacts(filter, 1000)) yield { phone: c.waId, optedOut: c.optedOut, values: valuesOf(c) };
}

/** A ledger key as a WhatsApp ID: null for the synthetic key of an invalid phone (`invalid#<itemIndex>`). */
export function ledgerWaId(key: string): string | null {
	return key.startsWith(INVALID_KEY_PREFIX) ? null : key;
}

/**
 * Per input item of an items audience: the ledger key of its person (from addAudience's `keys`;
 * an item without one is an invalid phone) and whether it repeats an earlier item — the same
 * person under another form (`duplicate#<key>`) or the same key again. Duplicates have no row of
 * their own: their key is the first item's.
 */
export function itemKeys(count: number, keys: ReadonlyMap<number, string> | undefined): { key: string; duplicate: boolean }[] {
	const seen = new Set<string>();
	const out: { key: string; duplicate: boolean }[] = [];
	for (let i = 0; i < count; i++) {
		let key = keys?.get(i) ?? `${INVALID_KEY_PREFIX}${i}`;
		let duplicate = key.startsWith(DUPLICATE_KEY_PREFIX);
		if (duplicate) key = key.slice(DUPLICATE_KEY_PREFIX.length);
		duplicate ||= !key.startsWith(INVALID_KEY_PREFIX) && seen.has(key);
		seen.add(key);
		out.push({ key, duplicate });
	}
	return out;
}
