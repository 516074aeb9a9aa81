/**
 * Messaging limit (cloud-api.md §5 "Messaging limits"): unique users reached *outside* a
 * customer-service window per rolling 24 h, per business portfolio (shared by all its numbers
 * since 2025-10-07). Tiers 250 / 2,000 / 10,000 / 100,000 / unlimited, read from
 * `whatsapp_business_manager_messaging_limit` (`messaging_limit_tier` is deprecated). Meta has no
 * dedicated error code for it, so we keep our own ledger (Store.reserveBudget) and defer the
 * overflow to when a slot frees up.
 */
import type { Store } from '../store/types';

/** The messaging limit counts unique recipients over a rolling 24 h (cloud-api.md §5). */
export const ROLLING_WINDOW_MS = 24 * 3600_000;

export const MESSAGING_LIMIT_TIERS: Readonly<Record<string, number>> = {
	TIER_50: 50,
	TIER_250: 250,
	TIER_1K: 1000,
	TIER_2K: 2000,
	TIER_10K: 10_000,
	TIER_100K: 100_000,
	TIER_UNLIMITED: Infinity,
	UNLIMITED: Infinity,
};

/** `TIER_2K` → 2000; unknown → undefined (the caller asks the user to set it by hand). */
export function messagingLimitFromTier(tier: string | undefined | null): number | undefined {
	if (!tier) return undefined;
	return MESSAGING_LIMIT_TIERS[String(tier).trim().toUpperCase()];
}

export type BudgetDecision =
	| { ok: true; counted: boolean; used?: number }
	| { ok: false; availableAt: number; used: number };

export interface BudgetGateOptions {
	store: Pick<Store, 'reserveBudget' | 'releaseBudget'>;
	portfolioId: string;
	/** Unique recipients per rolling 24 h; Infinity = unlimited (nothing is recorded). */
	limit: number;
}

export class BudgetGate {
	constructor(private readonly options: BudgetGateOptions) {
		if (!(options.limit > 0)) throw new Error(`Messaging limit must be a positive number of recipients per 24 h (got ${options.limit})`);
	}

	get limit(): number {
		return this.options.limit;
	}

	/** A new messaging limit (a tier change seen while the campaign runs); Infinity = unlimited. */
	setLimit(limit: number): void {
		if (!(limit > 0)) throw new Error(`Messaging limit must be a positive number of recipients per 24 h (got ${limit})`);
		this.options.limit = limit;
	}

	/**
	 * Decides whether `waId` may get a business-initiated message now. Recipients whose service
	 * window is open do not count (§5); the store counts a recipient once per rolling 24 h.
	 */
	async reserve(waId: string, now: number, windowOpen: boolean): Promise<BudgetDecision> {
		if (windowOpen || this.options.limit === Infinity) return { ok: true, counted: false };
		const r = await this.options.store.reserveBudget(this.options.portfolioId, waId, this.options.limit, now);
		if (r.ok) return { ok: true, counted: r.charged ?? true, used: r.used };
		return { ok: false, availableAt: r.availableAt ?? now + ROLLING_WINDOW_MS, used: r.used };
	}

	/** Gives the slot back when the send did not reach Meta. */
	async release(waId: string, now: number): Promise<void> {
		if (this.options.limit === Infinity) return;
		await this.options.store.releaseBudget(this.options.portfolioId, waId, now);
	}
}
