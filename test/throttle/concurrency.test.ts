import { ConcurrencyLimiter } from '../../core/throttle/concurrency';

describe('ConcurrencyLimiter (in flight ≈ rate × latency)', () => {
	it('sizes in-flight requests from the measured latency', () => {
		const c = new ConcurrencyLimiter({ initialLatencyMs: 200, headroom: 1 });
		expect(c.limit(80)).toBe(16 + 2);
		for (let i = 0; i < 200; i++) c.observe(50);
		expect(c.averageLatencyMs).toBeCloseTo(50, 0);
		expect(c.limit(1000)).toBeGreaterThanOrEqual(52);
		expect(c.limit(1000)).toBeLessThanOrEqual(53);
	});

	it('is bounded by min and max', () => {
		const c = new ConcurrencyLimiter({ min: 4, max: 100, initialLatencyMs: 5000 });
		expect(c.limit(1000)).toBe(100);
		expect(c.limit(0.1)).toBe(4);
		c.observe(Number.NaN);
		c.observe(-5);
		expect(c.averageLatencyMs).toBe(5000);
	});
});
