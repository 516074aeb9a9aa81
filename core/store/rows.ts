/**
 * Database rows → store objects, shared by both backends. They differ only in how values come
 * back (JSON as text in SQLite, parsed JSONB in Postgres; booleans as 0/1 or true/false), which
 * each backend describes with a RowCodec.
 */
import type { Campaign, CampaignState, Contact, NumberHealth, Recipient, RecipientState } from './types';
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

/** The row mappers of one backend. */
export function rowMappers(codec: RowCodec) {
	const object = (value: unknown) => codec.json<Record<string, unknown>>(value, {});
	return {
		toContact(row: Row): Contact {
			return compact<Contact>({
				waId: row.wa_id as string,
				name: opt(row.name),
				firstName: opt(row.first_name),
				lastName: opt(row.last_name),
				country: opt(row.country),
				tags: codec.json<string[]>(row.tags, []),
				attributes: object(row.attributes),
				optedOut: codec.bool(row.opted_out),
				optOutAt: opt(row.opt_out_at),
				optOutSource: opt(row.opt_out_source),
				optInAt: opt(row.opt_in_at),
				optInSource: opt(row.opt_in_source),
				source: opt(row.source),
				createdAt: row.created_at as number,
				updatedAt: row.updated_at as number,
				lastActiveAt: opt(row.last_active_at),
				blocked: row.blocked_at === null || row.blocked_at === undefined ? undefined : true,
				blockedAt: opt(row.blocked_at),
				blockReason: opt(row.block_reason),
			});
		},
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
				optOutAt: row.opt_out_at === null || row.opt_out_at === undefined ? null : Number(row.opt_out_at),
				optOutSource: (row.opt_out_source as string | null) ?? null,
			};
		},
		toCampaign(row: Row): Campaign {
			return compact<Campaign>({
				id: row.id as string,
				phoneNumberId: row.phone_number_id as string,
				templateName: opt(row.template_name),
				templateLanguage: opt(row.template_language),
				category: opt(row.category),
				state: row.state as CampaignState,
				reason: opt(row.reason),
				stateBy: opt(row.state_by),
				stateAt: opt(row.state_at),
				templateId: opt(row.template_id),
				wabaId: opt(row.waba_id),
				qualityBreaker: row.quality_breaker === undefined || row.quality_breaker === null ? true : codec.bool(row.quality_breaker),
				maxDeferDays: row.max_defer_days === undefined || row.max_defer_days === null ? 3 : Number(row.max_defer_days),
				startAt: row.start_at === null || row.start_at === undefined ? undefined : Number(row.start_at),
				endBy: row.end_by === null || row.end_by === undefined ? undefined : Number(row.end_by),
				sendWindow: row.send_window === null || row.send_window === undefined ? undefined : object(row.send_window),
				runConfig: row.run_config === null || row.run_config === undefined ? undefined : object(row.run_config),
				senderPool: row.sender_pool === null || row.sender_pool === undefined ? undefined : codec.json<string[]>(row.sender_pool, []),
				config: object(row.config),
				createdAt: row.created_at as number,
				updatedAt: row.updated_at as number,
			});
		},
		toRecipient(row: Row): Recipient {
			return compact<Recipient>({
				campaignId: row.campaign_id as string,
				waId: row.wa_id as string,
				state: row.state as RecipientState,
				itemIndex: opt(row.item_index),
				payload: object(row.payload),
				messageId: opt(row.message_id),
				attempts: row.attempts as number,
				nextAttemptAt: opt(row.next_attempt_at),
				errorCode: opt(row.error_code),
				errorClass: opt(row.error_class),
				errorMessage: opt(row.error_message),
				claimedBy: opt(row.claimed_by),
				claimExpiresAt: opt(row.claim_expires_at),
				dispatchedAt: opt(row.dispatched_at),
				phoneNumberId: opt(row.phone_number_id),
				deferDays: Number(row.defer_days ?? 0),
				updatedAt: row.updated_at as number,
			});
		},
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
