import { TokenBucket, throughputFromLevel, SharedTokenBucket } from '../../core/throttle/tokenBucket';
import { FakeClock } from '../../core/throttle/clock';

/** Drives the bucket with a fake clock: each send waits for its slot, returns the send times. */
function drive(bucket: TokenBucket, clock: FakeClock, n: number): number[] {
	const times: number[] = [];
	for (let i = 0; i < n; i++) {
		const wait = bucket.reserve(clock.now());
		clock.advance(wait);
		times.push(clock.now());
	}
	return times;
}

function maxInWindow(times: number[], windowMs: number): number {
	let max = 0;
	let lo = 0;
	for (let hi = 0; hi < times.length; hi++) {
		while (times[hi] - times[lo] >= windowMs) lo++;
		max = Math.max(max, hi - lo + 1);
	}
	return max;
}

describe('throughput from Graph', () => {
	it('maps throughput.level and coexistence to the caps of cloud-api.md §5', () => {
		expect(throughputFromLevel('STANDARD')).toBe(80);
		expect(throughputFromLevel('HIGH')).toBe(1000);
		expect(throughputFromLevel(undefined)).toBe(80);
		expect(throughputFromLevel('HIGH', true)).toBe(20);
	});
});

describe('TokenBucket', () => {
	it('spaces sends evenly: no 1 s window ever exceeds the cap', () => {
		const clock = new FakeClock(1_000_000);
		const bucket = new TokenBucket({ capMps: 80, warmupMs: 0, toleranceMs: 5 });
		const times = drive(bucket, clock, 800);
		expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(80);
		const gaps = times.slice(1).map((t, i) => t - times[i]);
		// Evenly spaced: every gap is one interval at 99 % of the cap, except where the hard window
		// guard (≤ 80 sends per 1 s + 15 ms) stretches one gap a little.
		const interval = 1000 / (80 * 0.99);
		const even = gaps.filter((g) => Math.abs(g - interval) < 1e-6).length;
		expect(even / gaps.length).toBeGreaterThan(0.95);
		for (const g of gaps.slice(1)) expect(g).toBeGreaterThanOrEqual(interval - 1e-6);
		for (const g of gaps) expect(g).toBeLessThan(interval + 20);
	});

	it('uses ≥ 98 % of the cap over a long run', () => {
		const clock = new FakeClock(0);
		const bucket = new TokenBucket({ capMps: 1000, warmupMs: 0 });
		const times = drive(bucket, clock, 5000);
		const rate = (times.length - 1) / ((times[times.length - 1] - times[0]) / 1000);
		expect(rate).toBeGreaterThanOrEqual(980);
		expect(rate).toBeLessThanOrEqual(1000);
	});

	it('does not burst after an idle period beyond the small catch-up tolerance', () => {
		const clock = new FakeClock(0);
		const bucket = new TokenBucket({ capMps: 80 });
		drive(bucket, clock, 10);
		clock.advance(60_000); // idle for a minute
		const times = drive(bucket, clock, 200);
		expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(80);
		expect(times.filter((t) => t === times[0]).length).toBeLessThanOrEqual(2);
	});

	it('hard window guard: even after stalls and catch-ups, never more than cap sends in any 1 s + guard', () => {
		const clock = new FakeClock(0);
		const bucket = new TokenBucket({ capMps: 50, safetyFactor: 1, toleranceMs: 200, warmupMs: 0, windowGuardMs: 10 });
		const times: number[] = [];
		for (let i = 0; i < 500; i++) {
			// Stalls every 37 sends: a generous catch-up tolerance would otherwise burst.
			if (i % 37 === 0) clock.advance(150);
			clock.advance(bucket.reserve(clock.now()));
			times.push(clock.now());
		}
		for (let i = 50; i < times.length; i++) expect(times[i] - times[i - 50]).toBeGreaterThanOrEqual(1010);
		expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(50);
	});

	it('the window guard counts from the actual send time when a timer fires late', () => {
		const clock = new FakeClock(0);
		const bucket = new TokenBucket({ capMps: 10, safetyFactor: 1, warmupMs: 0, windowGuardMs: 0, toleranceMs: 100 });
		const times: number[] = [];
		for (let i = 0; i < 40; i++) {
			clock.advance(bucket.reserve(clock.now()));
			if (i === 3) clock.advance(150); // the timer fired 150 ms late
			bucket.noteSent(clock.now());
			times.push(clock.now());
		}
		for (let i = 10; i < times.length; i++) expect(times[i] - times[i - 10]).toBeGreaterThanOrEqual(1000);
	});

	it('each 130429 widens the window guard', () => {
		const clock = new FakeClock(0);
		const bucket = new TokenBucket({ capMps: 20, safetyFactor: 1, warmupMs: 0, windowGuardMs: 0, recoverPerS: 1000 });
		for (let i = 0; i < 3; i++) bucket.onThrottle(i * 2000);
		clock.set(10_000);
		const times: number[] = [];
		for (let i = 0; i < 100; i++) {
			clock.advance(bucket.reserve(clock.now()));
			times.push(clock.now());
		}
		for (let i = 20; i < times.length; i++) expect(times[i] - times[i - 20]).toBeGreaterThanOrEqual(1030);
	});

	it('AIMD: halves the rate on 130429 and recovers additively up to the cap', () => {
		const clock = new FakeClock(0);
		const bucket = new TokenBucket({ capMps: 80, safetyFactor: 1, recoverPerS: 4, warmupMs: 0, decreaseFactor: 0.5 });
		expect(bucket.rate(0)).toBe(80);
		bucket.onThrottle(0);
		expect(bucket.rate(0)).toBe(40);
		expect(bucket.rate(5000)).toBeCloseTo(60, 6);
		expect(bucket.rate(10_000)).toBe(80);
		expect(bucket.rate(60_000)).toBe(80);
		// Throttle errors from requests already in flight don't cut again within the cool-down.
		bucket.onThrottle(100);
		expect(bucket.rate(100)).toBeCloseTo(40.4, 6);
		bucket.onThrottle(2000);
		expect(bucket.rate(2000)).toBeCloseTo(24, 6); // (40 + 4 × 2 s) × 0.5
		expect(bucket.throttleEvents).toBe(3);
		clock.set(2000);
	});

	it('paces at the cut rate after a 130429', () => {
		const clock = new FakeClock(0);
		const bucket = new TokenBucket({ capMps: 100, safetyFactor: 1, recoverPerS: 0.0001, warmupMs: 0, decreaseFactor: 0.5 });
		drive(bucket, clock, 10);
		bucket.onThrottle(clock.now());
		const times = drive(bucket, clock, 51);
		const rate = 50 / ((times[50] - times[0]) / 1000);
		expect(rate).toBeLessThan(51);
		expect(rate).toBeGreaterThan(49);
	});

	it('slow start: ramps from half the rate to the full rate over the warm-up', () => {
		const clock = new FakeClock(5000);
		const bucket = new TokenBucket({ capMps: 100, safetyFactor: 1, warmupMs: 1000 });
		expect(bucket.rate(5000)).toBe(100); // not started yet
		const times = drive(bucket, clock, 300);
		expect(bucket.rate(5000)).toBeCloseTo(50, 6);
		expect(bucket.rate(5500)).toBeCloseTo(75, 6);
		expect(bucket.rate(6000)).toBe(100);
		// The first second carries fewer sends than a full-rate second.
		const firstSecond = times.filter((t) => t < 6000).length;
		const laterSecond = times.filter((t) => t >= 6500 && t < 7500).length;
		expect(firstSecond).toBeLessThan(laterSecond);
		expect(laterSecond).toBeLessThanOrEqual(100);
	});

	it('never drops below the minimum rate', () => {
		const bucket = new TokenBucket({ capMps: 20, minMps: 2, cutCooldownMs: 0 });
		for (let i = 0; i < 20; i++) bucket.onThrottle(i);
		expect(bucket.rate(20)).toBeGreaterThanOrEqual(2);
	});

	it('rejects a non-positive cap with a clear error', () => {
		expect(() => new TokenBucket({ capMps: 0 })).toThrow(/Throughput cap/);
	});
});

describe('SharedTokenBucket', () => {
	it('leases tokens in small batches from the store and waits when none are left', async () => {
		const calls: number[] = [];
		let available = 3;
		const store = {
			takeTokens: async (_k: string, _r: number, _b: number, requested: number) => {
				calls.push(requested);
				const granted = Math.min(available, requested);
				available -= granted;
				return { granted, waitMs: granted ? 0 : 50 };
			},
		};
		const shared = new SharedTokenBucket(store, 'mps:1', new TokenBucket({ capMps: 80, safetyFactor: 1, warmupMs: 0 }), 100);
		const waits: number[] = [];
		for (let i = 0; i < 3; i++) waits.push(await shared.reserve(0));
		expect(calls).toEqual([8]); // one lease of ≈100 ms of tokens (80 mps) served three sends
		available = 8;
		const w = await shared.reserve(0);
		expect(calls).toEqual([8, 8]);
		expect(w).toBeGreaterThan(0);
		available = 0;
		for (let i = 0; i < 7; i++) await shared.reserve(0);
		const before = calls.length;
		available = 1;
		// No token left in the store for the first call: waits 50 ms, then gets one.
		const pending = shared.reserve(1000);
		available = 0;
		expect(await pending).toBeGreaterThanOrEqual(0);
		expect(calls.length).toBeGreaterThan(before);
	});
});
