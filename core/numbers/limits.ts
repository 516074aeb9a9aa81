/**
 * A business number's sending limits as the user chose them (cloud-api.md §5 "Reading limits and
 * quality"): the throughput cap (messages per second) and the messaging limit (unique
 * business-initiated recipients per rolling 24 h), each read from Graph (`readNumberInfo`), fixed by
 * hand, or — throughput only — the coexistence cap of 20 mps (core/throttle/throughput.ts). Also the
 * sender pool of a campaign: the other numbers it sends from, each with its own cap. Pure core.
 */
import type { GraphLike } from '../graph/like';
import { THROUGHPUT_MPS, throughputFromLevel } from '../throttle/throughput';
import { readNumberInfo, type NumberInfo } from './info';

/** A number's limits could not be used as asked (the message names the setting to change). */
export class NumberLimitError extends Error {
	constructor(
		message: string,
		/** The setting it is about: `messagingLimitMode` or `senderPool`. */
		readonly setting: string,
	) {
		super(message);
		this.name = 'NumberLimitError';
	}
}

/** How the limits are chosen (what Send Campaign stores with a campaign as part of its run settings). */
export interface LimitChoice {
	/**
	 * `graph` (default in the node): Graph's throughput.level / is_on_biz_app → 80, 1,000 or 20 mps;
	 * `coexistence`: 20 mps; `manual`: `mps`.
	 */
	throughputMode: string;
	/** The cap for `throughputMode: 'manual'`. Default 80 (Meta's standard throughput). */
	mps?: number;
	/**
	 * `graph`: whatsapp_business_manager_messaging_limit (TIER_250 … UNLIMITED; unreadable → an error);
	 * `manual`: `messagingLimit`; anything else (e.g. `unlimited`, `none`): no limit.
	 */
	messagingLimitMode: string;
	/** The limit for `messagingLimitMode: 'manual'`. Default 250 (Meta's lowest tier). */
	messagingLimit?: number;
}

export interface NumberLimits {
	/** Throughput cap, messages per second. */
	mps: number;
	/** Unique recipients per rolling 24 h; Infinity = no limit. */
	messagingLimit: number;
	/** Graph's number info (quality rating, tier): undefined only when both limits are set by hand and Graph failed. */
	info?: NumberInfo;
	/** The messaging limit comes from Graph (so a running campaign re-reads it about once a minute). */
	limitFromGraph: boolean;
}

/**
 * The number's throughput and messaging limit, as chosen. Graph's number info is read in every
 * mode (best effort when neither limit comes from Graph): its quality rating and tier feed the
 * start-of-run checks. Example: `readLimits(client, '1065…', { throughputMode: 'coexistence',
 * messagingLimitMode: 'manual', messagingLimit: 1000 })` → `{ mps: 20, messagingLimit: 1000, … }`.
 */
export async function readLimits(client: GraphLike, phoneNumberId: string, choice: LimitChoice): Promise<NumberLimits> {
	const needed = choice.throughputMode === 'graph' || choice.messagingLimitMode === 'graph';
	const info = needed ? await readNumberInfo(client, phoneNumberId) : await readNumberInfo(client, phoneNumberId).catch(() => undefined);
	let mps: number;
	if (choice.throughputMode === 'manual') mps = choice.mps ?? THROUGHPUT_MPS.STANDARD;
	else if (choice.throughputMode === 'coexistence') mps = throughputFromLevel(undefined, true);
	else mps = info?.mps ?? throughputFromLevel(undefined);
	let messagingLimit = Infinity;
	if (choice.messagingLimitMode === 'manual') messagingLimit = choice.messagingLimit ?? 250;
	else if (choice.messagingLimitMode === 'graph') {
		if (info?.messagingLimit === undefined) {
			throw new NumberLimitError(
				`Could not read the messaging limit of number ${phoneNumberId} (whatsapp_business_manager_messaging_limit = ${JSON.stringify(info?.tier ?? null)}): set it by hand`,
				'messagingLimitMode',
			);
		}
		messagingLimit = info.messagingLimit;
	}
	return { mps, messagingLimit, info, limitFromGraph: choice.messagingLimitMode === 'graph' };
}

/** One number of a sender pool, as the campaign engine takes it (RunCampaignOptions.pool). */
export interface PoolNumber {
	phoneNumberId: string;
	mps: number;
	numberInfo?: NumberInfo;
	/** Re-reads the number's quality and limits while the campaign runs. */
	refreshNumber: () => Promise<NumberInfo>;
}

/**
 * A sender pool (issue 17): `phoneNumberId` first (with the limits already read for it), then the
 * `others` — phone number IDs separated by commas, spaces or semicolons, e.g. `"1065…23, 1065…24"` —
 * each with its own throughput read as chosen (the messaging limit is the portfolio's, read once
 * for the first number). Undefined when no other number is named.
 */
export async function readSenderPool(client: GraphLike, phoneNumberId: string, others: string, choice: LimitChoice, first: Omit<NumberLimits, 'messagingLimit'>): Promise<PoolNumber[] | undefined> {
	const ids = [...new Set(others.split(/[\s,;]+/).map((x) => x.trim()).filter((x) => x && x !== phoneNumberId))];
	if (ids.length === 0) return undefined;
	for (const id of ids) if (!/^[0-9]+$/.test(id)) throw new NumberLimitError(`Sender Pool: ${JSON.stringify(id)} is not a phone number ID (digits)`, 'senderPool');
	const pool: PoolNumber[] = [{ phoneNumberId, mps: first.mps, numberInfo: first.info, refreshNumber: () => readNumberInfo(client, phoneNumberId) }];
	for (const id of ids) {
		const l = await readLimits(client, id, { ...choice, messagingLimitMode: choice.messagingLimitMode === 'graph' ? 'none' : choice.messagingLimitMode });
		pool.push({ phoneNumberId: id, mps: l.mps, numberInfo: l.info, refreshNumber: () => readNumberInfo(client, id) });
	}
	return pool;
}
