/**
 * Backend-neutral store rules (shared by the SQLite and Postgres backends): input validation,
 * contact merging with change detection, and the monotonic delivery lifecycle of the ledger.
 */
import { BSUID, identityCandidates, isBsuid } from '../phone/variants';
import type { ArrivalBooking, BreakerAction, Campaign, DueCampaign, IdentityKind, ConsentScope, ContactFilter, ContactInput, NumberHealth, RecipientState, StatusKind, UpsertOptions, WebhookBatch } from './types';

export const DAY_MS = 24 * 60 * 60 * 1000;
/** Webhook de-duplication keys are kept this long (Meta redelivers for up to 7 days; cloud-api.md). */
export const PROCESSED_RETENTION_MS = 7 * DAY_MS;

const WA_ID = /^[0-9]{1,32}$/;
export { BSUID, isBsuid } from '../phone/variants';

/**
 * A contact's key (its `waId`): the phone number in digits only (E.164 without '+'), or — for a
 * username user whose number is unknown — their BSUID.
 */
export function checkWaId(waId: unknown, where: string): string {
	if (typeof waId !== 'string' || !(WA_ID.test(waId) || BSUID.test(waId))) {
		throw new Error(`${where}: waId must be the phone number in digits only (E.164 without '+') or a business-scoped user ID (e.g. BR.1502576394655843), got ${JSON.stringify(waId)}`);
	}
	return waId;
}

/**
 * The merged fields of two contact rows that turned out to be one person (issue 14): `into` keeps
 * its scalars (the other fills gaps), tags and attributes are unioned, the earliest opt-out wins
 * (an opt-out on either side stays), a block on either side stays, the latest activity wins.
 */
export function mergeContactRows(into: Record<string, unknown>, from: Record<string, unknown>): Record<string, unknown> {
	const pick = (k: string) => (into[k] ?? from[k] ?? null) as unknown;
	const num = (v: unknown) => (v === null || v === undefined ? undefined : Number(v));
	const optedOut = truthy(into.opted_out) || truthy(from.opted_out);
	const outs = [into, from].filter((r) => truthy(r.opted_out)).sort((a, b) => (num(a.opt_out_at) ?? Infinity) - (num(b.opt_out_at) ?? Infinity));
	const first = outs[0];
	const blocked = [into, from].find((r) => r.blocked_at !== null && r.blocked_at !== undefined);
	const attrs = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as Record<string, unknown>) : ((v as Record<string, unknown>) ?? {}));
	const tags = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as string[]) : ((v as string[]) ?? []));
	const maxOf = (a: unknown, b: unknown) => {
		const x = num(a);
		const y = num(b);
		return x === undefined ? (y ?? null) : y === undefined ? x : Math.max(x, y);
	};
	const minOf = (a: unknown, b: unknown) => Math.min(num(a) ?? Infinity, num(b) ?? Infinity);
	return {
		name: pick('name'),
		first_name: pick('first_name'),
		last_name: pick('last_name'),
		country: pick('country'),
		source: pick('source'),
		tags: [...new Set([...tags(into.tags), ...tags(from.tags)])].sort(),
		attributes: { ...attrs(from.attributes), ...attrs(into.attributes) },
		opted_out: optedOut,
		opt_out_at: first ? (num(first.opt_out_at) ?? null) : (num(into.opt_out_at) ?? null),
		opt_out_source: first ? (first.opt_out_source ?? null) : (into.opt_out_source ?? null),
		opt_in_at: maxOf(into.opt_in_at, from.opt_in_at),
		opt_in_source: into.opt_in_source ?? from.opt_in_source ?? null,
		blocked_at: blocked ? num(blocked.blocked_at) : null,
		block_reason: blocked ? (blocked.block_reason ?? null) : null,
		created_at: minOf(into.created_at, from.created_at),
		last_active_at: maxOf(into.last_active_at, from.last_active_at),
	};
}

function truthy(v: unknown): boolean {
	return v === true || v === 1 || v === '1' || v === 't';
}

/** A non-empty string id (campaign ids, ledger waIds, keys). */
export function checkId(value: unknown, what: string): string {
	if (typeof value !== 'string' || value.length === 0) throw new Error(`${what} must be a non-empty string`);
	return value;
}

export function checkTime(value: unknown, what: string): number {
	if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${what} must be a time in epoch milliseconds`);
	return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Trimmed, de-duplicated, sorted tags (empty ones dropped). */
export function normalizeTags(tags: unknown, where: string): string[] {
	if (!Array.isArray(tags)) throw new Error(`${where}: tags must be an array of strings`);
	const set = new Set<string>();
	for (const tag of tags) {
		if (typeof tag !== 'string') throw new Error(`${where}: tags must be an array of strings, got ${JSON.stringify(tag)}`);
		const t = tag.trim();
		if (t) set.add(t);
	}
	return [...set].sort();
}

/** The stored, comparable form of one contact's editable fields. */
export interface ContactFields {
	name: string | null;
	firstName: string | null;
	lastName: string | null;
	country: string | null;
	/** Sorted, unique. */
	tags: string[];
	/** Opt-out state: an upsert only ever sets it (never clears it). */
	optedOut: boolean;
	optOutAt: number | null;
	optOutSource: string | null;
	/** JSON text of the attributes object. */
	attributes: string;
	source: string | null;
}

const SCALARS = ['name', 'firstName', 'lastName', 'country', 'source'] as const;

/** Validates one ContactInput; `index` names the item in errors. */
export function checkContactInput(input: ContactInput, index: number): void {
	if (!isPlainObject(input)) throw new Error(`Contact #${index}: must be an object`);
	const where = `Contact #${index} (waId ${JSON.stringify(input.waId)})`;
	checkWaId(input.waId, `Contact #${index}`);
	for (const field of SCALARS) {
		const v = input[field];
		if (v !== undefined && v !== null && typeof v !== 'string') throw new Error(`${where}: ${field} must be a string`);
	}
	if (input.tags !== undefined) normalizeTags(input.tags, where);
	if (input.attributes !== undefined && !isPlainObject(input.attributes)) {
		throw new Error(`${where}: attributes must be an object`);
	}
	if (input.optOut !== undefined) {
		const o: unknown = input.optOut;
		if (!isPlainObject(o)) throw new Error(`${where}: optOut must be an object { source, at? }`);
		if (typeof o.source !== 'string' || o.source.trim() === '') throw new Error(`${where}: optOut.source must be a non-empty string`);
		if (o.at !== undefined) checkTime(o.at, `${where}: optOut.at`);
	}
}

function given(v: string | null | undefined): v is string {
	return typeof v === 'string' && v !== '';
}

/**
 * Applies an upsert input to the current fields (undefined = new contact). Given scalars replace
 * (empty strings count as absent: an empty CSV cell never erases a value); tags merge or replace;
 * attributes merge key by key; an input's optOut opts a contact out at `optOut.at` or `now` (never
 * in). Returns the new fields and whether anything differs.
 */
export function mergeContact(
	prev: ContactFields | undefined,
	input: ContactInput,
	tagsMode: UpsertOptions['tagsMode'],
	now: number,
): { fields: ContactFields; changed: boolean } {
	const inputTags = input.tags === undefined ? undefined : normalizeTags(input.tags, `Contact ${input.waId}`);
	const optOutAt = input.optOut ? (input.optOut.at ?? now) : null;
	if (!prev) {
		return {
			fields: {
				name: given(input.name) ? input.name : null,
				firstName: given(input.firstName) ? input.firstName : null,
				lastName: given(input.lastName) ? input.lastName : null,
				country: given(input.country) ? input.country : null,
				tags: inputTags ?? [],
				attributes: JSON.stringify(input.attributes ?? {}),
				source: given(input.source) ? input.source : null,
				optedOut: input.optOut !== undefined,
				optOutAt,
				optOutSource: input.optOut ? input.optOut.source : null,
			},
			changed: true,
		};
	}
	const fields: ContactFields = { ...prev };
	let changed = false;
	for (const field of SCALARS) {
		const v = input[field];
		if (given(v) && v !== prev[field]) {
			fields[field] = v;
			changed = true;
		}
	}
	if (inputTags) {
		const tags = tagsMode === 'replace' ? inputTags : [...new Set([...prev.tags, ...inputTags])].sort();
		if (tags.length !== prev.tags.length || tags.some((t, i) => t !== prev.tags[i])) {
			fields.tags = tags;
			changed = true;
		}
	}
	if (input.attributes && Object.keys(input.attributes).length > 0) {
		const merged = JSON.stringify({ ...(JSON.parse(prev.attributes) as Record<string, unknown>), ...input.attributes });
		if (merged !== prev.attributes) {
			fields.attributes = merged;
			changed = true;
		}
	}
	// Only ever opts out: a contact already opted out keeps its time and source.
	if (input.optOut && !prev.optedOut) {
		fields.optedOut = true;
		fields.optOutAt = optOutAt;
		fields.optOutSource = input.optOut.source;
		changed = true;
	}
	return { fields, changed };
}

/** Attribute keys become JSON paths: refuse the characters a quoted path label cannot hold. */
export function checkAttributeKey(key: string): string {
	if (key.length === 0 || /["\\]/.test(key)) {
		throw new Error(`Contact filter: attribute name ${JSON.stringify(key)} must be non-empty without quotes or backslashes`);
	}
	return key;
}

// ───────────────────────────── ledger lifecycle ─────────────────────────────

/** Delivery rank (monotonic): accepted < delivered < read < replied. In-flight rows rank 0. */
const RANK: Partial<Record<RecipientState, number>> = {
	sending: 0,
	unknown: 0,
	accepted: 1,
	delivered: 2,
	read: 3,
	replied: 4,
};

/** Status webhook → ledger state ('played' = voice message played, counts as read). */
export function stateOfStatus(status: StatusKind): RecipientState {
	switch (status) {
		case 'sent':
			return 'accepted';
		case 'delivered':
			return 'delivered';
		case 'read':
		case 'played':
			return 'read';
		case 'failed':
			return 'failed';
	}
}

/**
 * The state after a status webhook, or undefined when it must not change: the lifecycle never goes
 * back, and 'failed' only replaces sending / accepted / unknown (a late failure after 'delivered'
 * is ignored; queued/retry/deferred/skipped/failed rows are never touched by webhooks).
 */
export function nextStateForStatus(current: RecipientState, status: StatusKind): RecipientState | undefined {
	const target = stateOfStatus(status);
	if (target === 'failed') {
		return current === 'sending' || current === 'accepted' || current === 'unknown' ? 'failed' : undefined;
	}
	const from = RANK[current];
	const to = RANK[target] as number;
	return from !== undefined && to > from ? target : undefined;
}

/** Meta error: per-user marketing cap ("healthy ecosystem engagement"): try again tomorrow (cloud-api.md §3). */
export const MARKETING_CAP_ERROR_CODE = 131049;

/**
 * A 131049 'failed' status webhook (how Meta usually reports the per-user marketing cap: the send
 * is accepted, the failure comes later) defers the recipient to the next day exactly as a
 * synchronous 131049 does (core/campaign/policy.ts), up to the campaign's maxDeferDays; then it
 * fails. Undefined when the status is not such a failure or the row is not in flight/accepted.
 */
export function deferralForStatus(
	current: RecipientState,
	deferDays: number,
	maxDeferDays: number,
	update: { status: StatusKind; errorCode?: number; at: number; errorMessage?: string },
): MarketingCapDeferral | undefined {
	if (update.status !== 'failed' || update.errorCode !== MARKETING_CAP_ERROR_CODE) return undefined;
	if (current !== 'sending' && current !== 'accepted' && current !== 'unknown') return undefined;
	return marketingCapDeferral(deferDays, maxDeferDays, update.at, update.errorMessage);
}

export interface MarketingCapDeferral {
	state: 'deferred' | 'failed';
	nextAttemptAt: number | null;
	deferDays: number;
	errorMessage: string;
}

/**
 * The 131049 day rule, one home for both ways Meta reports it (a synchronous answer,
 * core/campaign/policy.ts; a failed status, deferralForStatus): the next day, up to maxDeferDays
 * deferrals, then failed.
 */
export function marketingCapDeferral(deferDays: number, maxDeferDays: number, at: number, detail?: string): MarketingCapDeferral {
	const day = deferDays + 1;
	if (day > maxDeferDays) {
		return {
			state: 'failed',
			nextAttemptAt: null,
			deferDays,
			errorMessage: `${MARKETING_CAP_ERROR_CODE}: still capped after ${maxDeferDays} day(s) of deferral${detail ? ` — ${detail}` : ''}`.slice(0, 500),
		};
	}
	return {
		state: 'deferred',
		nextAttemptAt: at + DAY_MS,
		deferDays: day,
		errorMessage: `${MARKETING_CAP_ERROR_CODE}: deferred to the next day (day ${day} of ${maxDeferDays})`,
	};
}

/** Webhook timestamps are whole seconds: an inbound stamped up to 1 s before our send may still follow it. */
export const WEBHOOK_TIME_RESOLUTION_MS = 1000;

/** States an inbound message may attribute as a reply (after the campaign message was sent). */
export const REPLY_ATTRIBUTABLE: readonly RecipientState[] = ['accepted', 'delivered', 'read'];

/** States a reply (context.id of our message) may lift to 'replied'. */
export function canMarkReplied(current: RecipientState): boolean {
	const from = RANK[current];
	return from !== undefined && from < (RANK.replied as number);
}

export const RECIPIENT_STATES: readonly RecipientState[] = [
	'queued',
	'sending',
	'retry',
	'deferred',
	'accepted',
	'delivered',
	'read',
	'replied',
	'failed',
	'skipped',
	'unknown',
	'expired',
];

/** Parses biz_opaque_callback_data written by the campaign engine: "<campaignId>|<waId>". */
export function parseCallbackData(data: string | undefined): { campaignId: string; waId: string } | undefined {
	if (!data) return undefined;
	const bar = data.lastIndexOf('|');
	if (bar <= 0 || bar === data.length - 1) return undefined;
	return { campaignId: data.slice(0, bar), waId: data.slice(bar + 1) };
}

/** A contact filter checked once, backend-neutral: each backend only turns it into its SQL. */
export interface CheckedContactFilter {
	/** Empty = no tag filter. */
	tagsAny: string[];
	tagsAll: string[];
	attributes: Array<[key: string, value: string]>;
	optedOut?: boolean;
	ranges: Array<{ column: 'created_at' | 'last_active_at'; op: '>=' | '<='; value: number }>;
}

export function checkContactFilter(filter: ContactFilter): CheckedContactFilter {
	const tagList = (tags: unknown, name: string): string[] => {
		if (tags === undefined) return [];
		if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string')) {
			throw new Error(`Contact filter: ${name} must be an array of strings`);
		}
		return [...new Set((tags as string[]).map((t) => t.trim()).filter(Boolean))];
	};
	if (filter.attributes !== undefined && (typeof filter.attributes !== 'object' || filter.attributes === null)) {
		throw new Error('Contact filter: attributes must be an object of name → value');
	}
	const ranges: CheckedContactFilter['ranges'] = [];
	const range = (column: 'created_at' | 'last_active_at', value: number | undefined, op: '>=' | '<=', name: string) => {
		if (value !== undefined) ranges.push({ column, op, value: checkTime(value, `Contact filter: ${name}`) });
	};
	range('created_at', filter.createdFrom, '>=', 'createdFrom');
	range('created_at', filter.createdTo, '<=', 'createdTo');
	range('last_active_at', filter.lastActiveFrom, '>=', 'lastActiveFrom');
	range('last_active_at', filter.lastActiveTo, '<=', 'lastActiveTo');
	return {
		tagsAny: tagList(filter.tagsAny, 'tagsAny'),
		tagsAll: tagList(filter.tagsAll, 'tagsAll'),
		attributes: Object.entries(filter.attributes ?? {}).map(([key, value]) => [checkAttributeKey(key), String(value)]),
		optedOut: filter.optedOut === undefined ? undefined : Boolean(filter.optedOut),
		ranges,
	};
}

/**
 * Checks a bookArrival request (Store.bookArrival); returns the raises de-duplicated by seq (the
 * highest bound per booking), so one statement can apply them.
 */
export function checkArrivalBooking(key: string, b: ArrivalBooking): Array<{ seq: number; at: number }> {
	checkId(key, 'bookArrival: key');
	if (!b || typeof b !== 'object') throw new Error('bookArrival: booking must be an object');
	const positive = (v: unknown, name: string) => {
		if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw new Error(`bookArrival: ${name} must be a number > 0`);
	};
	const nonNegative = (v: unknown, name: string) => {
		if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) throw new Error(`bookArrival: ${name} must be a number ≥ 0`);
	};
	positive(b.ratePerS, 'ratePerS');
	nonNegative(b.toleranceMs, 'toleranceMs');
	if (!Number.isInteger(b.windowCount) || b.windowCount < 1) throw new Error('bookArrival: windowCount must be an integer ≥ 1');
	positive(b.windowMs, 'windowMs');
	checkTime(b.at, 'bookArrival: at');
	nonNegative(b.maxAheadMs, 'maxAheadMs');
	nonNegative(b.keepMs, 'keepMs');
	const bySeq = new Map<number, number>();
	(b.raises ?? []).forEach((r, i) => {
		if (!r || !Number.isSafeInteger(r.seq) || r.seq < 1) throw new Error(`bookArrival: raises[${i}].seq must be a booking id (integer ≥ 1)`);
		checkTime(r.at, `bookArrival: raises[${i}].at`);
		bySeq.set(r.seq, Math.max(bySeq.get(r.seq) ?? -Infinity, r.at));
	});
	return [...bySeq].map(([seq, at]) => ({ seq, at }));
}

// ───────────────────────────── send-time gates (issue 13) ─────────────────────────────

/** maxDeferDays of a campaign: an integer 0–30 (default 3). */
/** Days a campaign defers a row hit by Meta's per-user marketing cap before giving up, unless set (campaigns.max_defer_days DEFAULT 3). */
export const DEFAULT_MAX_DEFER_DAYS = 3;

export function checkMaxDeferDays(value: unknown, campaignId: string): number {
	if (value === undefined || value === null) return DEFAULT_MAX_DEFER_DAYS;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 30) {
		throw new Error(`Campaign "${campaignId}": maxDeferDays must be an integer from 0 to 30, got ${JSON.stringify(value)}`);
	}
	return value;
}

/**
 * Why a contact row must not get a message now, or undefined: the block list applies to every
 * message; an opt-out applies when the scope asks (marketing templates, or every category when the
 * campaign's "Respect Opt-Outs For" is "all"). Row columns: opted_out, opt_out_source, opt_out_at,
 * blocked_at, block_reason.
 */
export function gateReason(row: Record<string, unknown>, scope: ConsentScope | undefined): string | undefined {
	if (row.blocked_at !== null && row.blocked_at !== undefined) {
		return `blocked${row.block_reason ? ` (${String(row.block_reason)})` : ''}`;
	}
	const optedOut = row.opted_out === 1 || row.opted_out === true;
	if (optedOut && scope) {
		const at = row.opt_out_at === null || row.opt_out_at === undefined ? '' : ` at ${new Date(Number(row.opt_out_at)).toISOString()}`;
		return `opted out${row.opt_out_source ? ` (${String(row.opt_out_source)}${at})` : at}`;
	}
	return undefined;
}

export function checkNumberHealth(h: NumberHealth): NumberHealth {
	if (!h || typeof h !== 'object') throw new Error('setNumberHealth: health must be an object');
	checkId(h.phoneNumberId, 'setNumberHealth: phoneNumberId');
	checkTime(h.updatedAt, 'setNumberHealth: updatedAt');
	if (h.messagingLimit !== undefined && h.messagingLimit !== null && !(typeof h.messagingLimit === 'number' && h.messagingLimit >= 0)) {
		throw new Error(`setNumberHealth: messagingLimit must be a number ≥ 0 or null (unlimited), got ${JSON.stringify(h.messagingLimit)}`);
	}
	return h;
}

/**
 * Whether a number-health write changes what the send-time gates see (a number first seen, a new
 * messaging limit, a new quality rating): then the backend bumps the gate version. `prev` is the
 * number's (quality, messaging_limit) row before the write.
 */
export function numberHealthMovesGate(prev: Record<string, unknown> | undefined, h: NumberHealth): boolean {
	if (!prev) return true;
	const prevLimit = prev.messaging_limit === null || prev.messaging_limit === undefined ? null : Number(prev.messaging_limit);
	const limitChanged = h.messagingLimit !== undefined && prevLimit !== (h.messagingLimit ?? null);
	return limitChanged || (h.quality !== undefined && prev.quality !== h.quality);
}

/** A webhook batch's breaker actions whose event is fresh (no key, or a key marked processed just now). */
export function freshBreakers(batch: Pick<WebhookBatch, 'breakers' | 'processedKeys'>, fresh: boolean[]): BreakerAction[] {
	const freshKeys = new Set(batch.processedKeys.filter((_, i) => fresh[i]));
	return (batch.breakers ?? []).filter((b) => b.key === undefined || freshKeys.has(b.key));
}

/** Identity kinds (Store.linkIdentity). */
export const IDENTITY_KINDS: readonly IdentityKind[] = ['wa_id', 'bsuid', 'variant', 'merged'];

export function checkIdentityKind(kind: unknown): IdentityKind {
	if (!IDENTITY_KINDS.includes(kind as IdentityKind)) throw new Error(`linkIdentity: kind must be one of ${IDENTITY_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
	return kind as IdentityKind;
}

/**
 * Which of two contact keys survives a merge: the one with a phone number (digits) over a BSUID-only
 * contact; otherwise the key the caller linked to.
 */
export function mergeSurvivor(key: string, other: string): { into: string; from: string } {
	if (isBsuid(key) && !isBsuid(other)) return { into: other, from: key };
	return { into: key, from: other };
}

/** Every form to look an identifier up by: a BSUID as is; phone digits with their national variants. */
export function lookupCandidates(identifier: string): string[] {
	return isBsuid(identifier) ? [identifier] : identityCandidates(identifier);
}

/** Outbox entries of a webhook batch to insert: those whose key is fresh in this batch (or not a dedup key). */
export function freshOutbox(batch: Pick<WebhookBatch, 'outbox' | 'processedKeys'>, fresh: boolean[]): NonNullable<WebhookBatch['outbox']> {
	if (!batch.outbox?.length) return [];
	const keys = new Set(batch.processedKeys);
	const freshKeys = new Set(batch.processedKeys.filter((_, i) => fresh[i]));
	return batch.outbox.filter((o) => !keys.has(o.key) || freshKeys.has(o.key));
}

/** Delivered outbox rows are kept as long as de-duplication keys (Meta redelivers for up to 7 days). */
export const OUTBOX_RETENTION_MS = PROCESSED_RETENTION_MS;

/**
 * Which running campaigns have work due (Store.dueCampaigns): started (no Start At, or it has
 * come) with sendable rows, or past End By with rows left to expire.
 */
export function dueOf(rows: Array<{ campaign: Campaign; due: number; left: number }>, now: number, limit?: number): DueCampaign[] {
	const out: DueCampaign[] = [];
	for (const { campaign, due, left } of rows) {
		const expire = campaign.endBy !== undefined && campaign.endBy <= now && left > 0;
		const started = campaign.startAt === undefined || campaign.startAt <= now;
		if (expire || (started && due > 0)) out.push({ campaign, due, expire });
		if (limit !== undefined && out.length >= limit) break;
	}
	return out;
}

/**
 * Store.resolveContacts, backend-neutral: each identifier → the first of its lookup forms
 * (lookupCandidates) that is a contact key or a linked identifier. `keys`: the forms that are
 * contacts; `links`: identifier → contact key.
 */
export function resolveFromForms(candidates: Map<string, string[]>, keys: Set<string>, links: Map<string, string>): Map<string, string> {
	const out = new Map<string, string>();
	for (const [id, forms] of candidates) {
		for (const form of forms) {
			const key = keys.has(form) ? form : links.get(form);
			if (key) {
				out.set(id, key);
				break;
			}
		}
	}
	return out;
}

/** Store.resolveContacts' inputs: the distinct identifiers and every lookup form of each. */
export function identityLookups(identifiers: string[]): { candidates: Map<string, string[]>; forms: string[] } {
	const wanted = [...new Set(identifiers.filter((x) => typeof x === 'string' && x.length > 0))];
	const candidates = new Map(wanted.map((id) => [id, lookupCandidates(id)]));
	return { candidates, forms: [...new Set([...candidates.values()].flat())] };
}

/** Store.linkIdentity's arguments, checked once for both backends. */
export function checkLinkIdentity(key: string, identifier: string, kind: IdentityKind, at: number): void {
	checkWaId(key, 'linkIdentity: key');
	checkId(identifier, 'linkIdentity: identifier');
	checkIdentityKind(kind);
	checkTime(at, 'linkIdentity: at');
}
