import { BudgetGate, messagingLimitFromTier } from '../../core/throttle/budget';
import type { BudgetReservation } from '../../core/store/types';

const DAY = 24 * 3600_000;

/** A tiny in-memory stand-in for Store.reserveBudget / releaseBudget (rolling 24 h, unique waIds). */
function memoryBudget() {
	const first = new Map<string, number>();
	return {
		first,
		async reserveBudget(_p: string, waId: string, limit: number, now: number): Promise<BudgetReservation> {
			for (const [k, t] of first) if (t <= now - DAY) first.delete(k);
			if (first.has(waId)) return { ok: true, used: first.size, charged: false };
			if (first.size < limit) {
				first.set(waId, now);
				return { ok: true, used: first.size, charged: true };
			}
			return { ok: false, used: first.size, availableAt: Math.min(...first.values()) + DAY, charged: false };
		},
		async releaseBudget(_p: string, waId: string) {
			first.delete(waId);
		},
	};
}

describe('messaging limit tiers (cloud-api.md §5)', () => {
	it('reads whatsapp_business_manager_messaging_limit', () => {
		expect(messagingLimitFromTier('TIER_250')).toBe(250);
		expect(messagingLimitFromTier('TIER_2K')).toBe(2000);
		expect(messagingLimitFromTier('tier_10k')).toBe(10_000);
		expect(messagingLimitFromTier('TIER_100K')).toBe(100_000);
		expect(messagingLimitFromTier('TIER_UNLIMITED')).toBe(Infinity);
		expect(messagingLimitFromTier('TIER_WHAT')).toBeUndefined();
		expect(messagingLimitFromTier(undefined)).toBeUndefined();
	});
});

describe('BudgetGate', () => {
	it('defers recipients over the budget until the oldest slot frees up', async () => {
		const store = memoryBudget();
		const gate = new BudgetGate({ store, portfolioId: 'p1', limit: 2 });
		expect(await gate.reserve('a', 1000, false)).toMatchObject({ ok: true, counted: true });
		expect(await gate.reserve('b', 2000, false)).toMatchObject({ ok: true, counted: true });
		expect(await gate.reserve('c', 3000, false)).toEqual({ ok: false, availableAt: 1000 + DAY, used: 2 });
		// Messaging someone already counted in the last 24 h costs nothing again.
		expect(await gate.reserve('a', 4000, false)).toMatchObject({ ok: true, counted: false });
		// After the rolling window moves past a's first send, c fits.
		expect(await gate.reserve('c', 1000 + DAY + 1, false)).toMatchObject({ ok: true, counted: true });
	});

	it('open-window recipients do not count', async () => {
		const store = memoryBudget();
		const gate = new BudgetGate({ store, portfolioId: 'p1', limit: 1 });
		expect(await gate.reserve('a', 0, false)).toMatchObject({ ok: true });
		expect(await gate.reserve('b', 0, true)).toEqual({ ok: true, counted: false });
		expect(store.first.has('b')).toBe(false);
	});

	it('releases a slot whose send did not happen; unlimited records nothing', async () => {
		const store = memoryBudget();
		const gate = new BudgetGate({ store, portfolioId: 'p1', limit: 1 });
		await gate.reserve('a', 0, false);
		await gate.release('a', 1);
		expect(await gate.reserve('b', 2, false)).toMatchObject({ ok: true });
		const unlimited = new BudgetGate({ store: memoryBudget(), portfolioId: 'p', limit: Infinity });
		expect(await unlimited.reserve('z', 0, false)).toEqual({ ok: true, counted: false });
		expect(() => new BudgetGate({ store, portfolioId: 'p', limit: 0 })).toThrow(/Messaging limit/);
	});
});
