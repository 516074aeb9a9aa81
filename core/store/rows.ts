/**
 * Database rows → store objects, shared by both backends. They differ only in how values come
 * back (JSON as text in SQLite, parsed JSONB in Postgres; booleans as 0/1 or true/false), which
 * each backend describes with a RowCodec.
 */
import type { Campaign, CampaignInput, CampaignState, Contact, NumberHealth, Recipient, RecipientState } from './types';
import { RECIPIENT_STATES, type ContactFields } from './rules';

export type Row = Record<string, unknown>;

export interface RowCodec {
	/** A JSON column as a value (fallback when NULL / not of the JSON kind expected). */
	json<T>(value: unknown, fallback: T): T;
	/** A JSON object column as canonical text (mergeContact compares texts to detect a change). */
	jsonText(value: unknown): string;
	bool(value: unknown): boolean;
}

export const CONTACT_COLUMNS =
	'c.wa_id, c.name, c.first_name, c.last_name, c.country, c.tags, c.attributes, c.opted_out, c.opt_out_at, ' +
	'c.opt_out_source, c.opt_in_at, c.opt_in_source, c.source, c.created_at, c.updated_at, c.last_active_at, c.blocked_at, c.block_reason';

export const CAMPAIGN_STATES: readonly CampaignState[] = ['running', 'paused', 'stopped', 'account_stopped', 'completed'];

/** The campaigns columns a new campaign takes from its CampaignInput, in campaignValues' order. */
export const CAMPAIGN_INPUT_COLUMNS = 'id, phone_number_id, template_name, template_language, category, config, template_id, waba_id, quality_breaker, max_defer_days';
export type CampaignValues = Array<string | number | boolean | null>;

/** A new campaign's values for CAMPAIGN_INPUT_COLUMNS (config as JSON text; the quality breaker is on unless false). */
export function campaignValues(input: CampaignInput, maxDeferDays: number): CampaignValues {
	const { templateName, templateLanguage, category, templateId, wabaId } = input;
	return [input.id, input.phoneNumberId, templateName ?? null, templateLanguage ?? null, category ?? null, JSON.stringify(input.config ?? {}), templateId ?? null, wabaId ?? null, input.qualityBreaker !== false, maxDeferDays];
}

export function opt<T>(value: unknown): T | undefined {
	return value === null || value === undefined ? undefined : (value as T);
}

/** Removes undefined properties so objects compare and serialize cleanly. */
export function compact<T extends object>(obj: T): T {
	for (const key of Object.keys(obj) as Array<keyof T>) if (obj[key] === undefined) delete obj[key];
	return obj;
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

export function checkStates(states: unknown, where: string): RecipientState[] {
	if (!Array.isArray(states)) throw new Error(`${where}: states must be an array`);
	for (const s of states) {
		if (!RECIPIENT_STATES.includes(s as RecipientState)) throw new Error(`${where}: unknown recipient state ${JSON.stringify(s)}`);
	}
	return states as RecipientState[];
}

/** A column that may be NULL: `map` of its value, or undefined. */
function ifSet<T>(value: unknown, map: (value: unknown) => T): T | undefined {
	return value === null || value === undefined ? undefined : map(value);
}

/**
 * How each property of T comes from a row: a column name (taken as is) or a function of the row.
 * Properties that come out NULL / undefined are left out of the object.
 */
type RowSpec<T> = { [K in keyof Required<T>]: string | ((row: Row) => T[K] | undefined) };

/** A row → T mapper for a spec (entries resolved once; the ledger maps rows on the campaign's hot path). */
function rowReader<T>(spec: RowSpec<T>): (row: Row) => T {
	const entries = Object.entries(spec) as Array<[string, string | ((row: Row) => unknown)]>;
	return (row) => {
		const out: Record<string, unknown> = {};
		for (const [key, from] of entries) {
			const value = typeof from === 'string' ? row[from] : from(row);
			if (value !== null && value !== undefined) out[key] = value;
		}
		return out as T;
	};
}

/** The row mappers of one backend. */
export function rowMappers(codec: RowCodec) {
	const object = (value: unknown) => codec.json<Record<string, unknown>>(value, {});
	return {
		toContact: rowReader<Contact>({
			waId: 'wa_id', name: 'name', firstName: 'first_name', lastName: 'last_name', country: 'country',
			tags: (r) => codec.json<string[]>(r.tags, []), attributes: (r) => object(r.attributes), optedOut: (r) => codec.bool(r.opted_out),
			optOutAt: 'opt_out_at', optOutSource: 'opt_out_source', optInAt: 'opt_in_at', optInSource: 'opt_in_source', source: 'source',
			createdAt: 'created_at', updatedAt: 'updated_at', lastActiveAt: 'last_active_at',
			blocked: (r) => ifSet(r.blocked_at, () => true as const), blockedAt: 'blocked_at', blockReason: 'block_reason',
		}),
		toFields(row: Row): ContactFields {
			return {
				name: (row.name as string | null) ?? null,
				firstName: (row.first_name as string | null) ?? null,
				lastName: (row.last_name as string | null) ?? null,
				country: (row.country as string | null) ?? null,
				tags: codec.json<string[]>(row.tags, []),
				attributes: codec.jsonText(row.attributes),
				source: (row.source as string | null) ?? null,
				optedOut: codec.bool(row.opted_out),
				optOutAt: ifSet(row.opt_out_at, Number) ?? null,
				optOutSource: (row.opt_out_source as string | null) ?? null,
			};
		},
		toCampaign: rowReader<Campaign>({
			id: 'id', phoneNumberId: 'phone_number_id', templateName: 'template_name', templateLanguage: 'template_language', category: 'category',
			state: 'state', reason: 'reason', stateBy: 'state_by', stateAt: 'state_at', templateId: 'template_id', wabaId: 'waba_id',
			qualityBreaker: (r) => ifSet(r.quality_breaker, codec.bool) ?? true, maxDeferDays: (r) => ifSet(r.max_defer_days, Number) ?? 3,
			startAt: (r) => ifSet(r.start_at, Number), endBy: (r) => ifSet(r.end_by, Number),
			sendWindow: (r) => ifSet(r.send_window, object), runConfig: (r) => ifSet(r.run_config, object),
			senderPool: (r) => ifSet(r.sender_pool, (v) => codec.json<string[]>(v, [])),
			config: (r) => object(r.config), createdAt: 'created_at', updatedAt: 'updated_at',
		}),
		toRecipient: rowReader<Recipient>({
			campaignId: 'campaign_id', waId: 'wa_id', state: 'state', itemIndex: 'item_index', payload: (r) => object(r.payload),
			messageId: 'message_id', attempts: 'attempts', nextAttemptAt: 'next_attempt_at',
			errorCode: 'error_code', errorClass: 'error_class', errorMessage: 'error_message',
			claimedBy: 'claimed_by', claimExpiresAt: 'claim_expires_at', dispatchedAt: 'dispatched_at', phoneNumberId: 'phone_number_id',
			deferDays: (r) => Number(r.defer_days ?? 0), updatedAt: 'updated_at',
		}),
	};
}

/** Streams every item of a keyset-paged listing, one page in memory at a time. */
export async function* iteratePages<T>(list: (page: { limit: number; cursor?: string }) => Promise<{ items: T[]; next?: string }>, batchSize: number): AsyncIterable<T> {
	let cursor: string | undefined;
	do {
		const page = await list({ limit: batchSize, cursor });
		for (const item of page.items) yield item;
		cursor = page.next;
	} while (cursor !== undefined);
}

/** A number_health row (same columns on both backends). */
export function toNumberHealth(row: Row): NumberHealth {
	return compact<NumberHealth>({
		phoneNumberId: row.phone_number_id as string,
		displayDigits: opt(row.display_digits),
		wabaId: opt(row.waba_id),
		quality: opt(row.quality),
		messagingLimit: row.messaging_limit === null || row.messaging_limit === undefined ? null : Number(row.messaging_limit),
		tier: opt(row.tier),
		updatedAt: Number(row.updated_at),
	});
}
