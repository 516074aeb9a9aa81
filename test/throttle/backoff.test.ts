import { backoffDelay, seededRng } from '../../core/throttle/backoff';

describe('backoffDelay', () => {
	it('grows exponentially and is bounded', () => {
		const none = () => 1; // jitter factor at its top → the raw delay
		expect(backoffDelay(1, { baseMs: 1000, factor: 4, jitter: 0 }, none)).toBe(1000);
		expect(backoffDelay(2, { baseMs: 1000, factor: 4, jitter: 0 }, none)).toBe(4000);
		expect(backoffDelay(3, { baseMs: 1000, factor: 4, jitter: 0 }, none)).toBe(16_000);
		expect(backoffDelay(10, { baseMs: 1000, factor: 4, maxMs: 60_000, jitter: 0 }, none)).toBe(60_000);
	});

	it('jitters within [delay × (1 − jitter), delay]', () => {
		const rng = seededRng(42);
		const seen = new Set<number>();
		for (let i = 0; i < 200; i++) {
			const d = backoffDelay(2, { baseMs: 1000, factor: 4, jitter: 0.5 }, rng);
			expect(d).toBeGreaterThanOrEqual(2000);
			expect(d).toBeLessThanOrEqual(4000);
			seen.add(d);
		}
		expect(seen.size).toBeGreaterThan(50);
	});

	it('a seeded RNG is reproducible', () => {
		const a = seededRng(7);
		const b = seededRng(7);
		for (let i = 0; i < 10; i++) expect(a()).toBe(b());
		const c = seededRng(8);
		expect([1, 2, 3].map(() => c())).not.toEqual([1, 2, 3].map(() => a()));
	});
});
