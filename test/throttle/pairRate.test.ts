import { PairRateGuard, PAIR_INTERVAL_MS } from '../../core/throttle/pairRate';

describe('PairRateGuard (cloud-api.md §5: 1 message / 6 s per recipient; 131056 → 4^X s)', () => {
	it('holds a recipient for 6 s after a send, others are unaffected', () => {
		const g = new PairRateGuard();
		expect(g.waitMs('491', 0)).toBe(0);
		g.record('491', 1000);
		expect(g.waitMs('491', 1000)).toBe(PAIR_INTERVAL_MS);
		expect(g.waitMs('491', 4000)).toBe(3000);
		expect(g.waitMs('491', 7000)).toBe(0);
		expect(g.waitMs('492', 1000)).toBe(0);
	});

	it('131056 backs that recipient off 4^X s (never under 6 s)', () => {
		const g = new PairRateGuard();
		expect(g.onPairRateError('491', 0)).toBe(6000); // 4^0 s = 1 s, floored to the 6 s pair interval
		expect(g.onPairRateError('491', 0)).toBe(6000); // 4 s → 6 s
		expect(g.onPairRateError('491', 0)).toBe(16_000);
		expect(g.onPairRateError('491', 0)).toBe(64_000);
		expect(g.waitMs('491', 0)).toBe(64_000);
		expect(g.waitMs('492', 0)).toBe(0);
	});

	it('forgets recipients whose wait is over (bounded memory)', () => {
		const g = new PairRateGuard();
		for (let i = 0; i < 5000; i++) g.record(String(1e9 + i), i);
		g.record('x', 100_000);
		expect(g.size).toBeLessThan(100);
	});
});
