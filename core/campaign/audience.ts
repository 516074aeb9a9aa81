/**
 * Audience → ledger rows (insert-or-ignore, so re-running a campaign never adds anyone twice).
 * Invalid phones are recorded as skipped under a synthetic key (`invalid#<itemIndex>`) so every
 * input is accounted for; opted-out contacts are skipped when the consent scope applies (MARKETING
 * templates by default — peers.md §2: 131050 "marketing only" — or every category), blocked
 * contacts always. The same check runs again right before each send (gates.ts).
 */
import type { ConsentScope, RecipientInput, Store } from '../store/types';
import { recipientWaId } from './phone';
import type { RecipientSpec } from './types';

export const INVALID_KEY_PREFIX = 'invalid#';

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
	options: { scope: ConsentScope | undefined; defaultCountry?: string; now: number; batchSize?: number },
): Promise<AddAudienceResult> {
	const result: AddAudienceResult = { inserted: 0, duplicates: 0, invalid: 0, optedOut: 0 };
	const batchSize = options.batchSize ?? 500;
	let batch: RecipientInput[] = [];
	let ordinal = 0;
	const flush = async () => {
		if (!batch.length) return;
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
		} else if (options.scope && spec.optedOut) {
			// Known opt-out (store audiences carry it).
			result.optedOut++;
			batch.push({ waId: phone.waId, itemIndex: spec.itemIndex, skipReason: 'opted out of marketing messages' });
		} else {
			batch.push({ waId: phone.waId, itemIndex: spec.itemIndex, payload: spec.values ? { values: spec.values } : {} });
		}
		if (batch.length >= batchSize) await flush();
	}
	await flush();
	return result;
}
