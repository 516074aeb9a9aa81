import { TokenBucket } from '../../core/throttle/tokenBucket';
import { SharedTokenBucket } from '../../core/throttle/sharedPacer';
import { throughputFromLevel } from '../../core/throttle/throughput';
import { ArrivalWindow } from '../../core/throttle/arrivals';
import { FakeClock } from '../../core/throttle/clock';
import { openStore } from '../../core/store';
import type { ArrivalBooking } from '../../core/store/types';
import { maxInWindow } from '../helpers/rate';

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

	it('catches up after a stall (missed slots sent at once, within the window): the pace is kept', () => {
		const clock = new FakeClock(0);
		const bucket = new TokenBucket({ capMps: 80, warmupMs: 0 });
		const times: number[] = [];
		for (let i = 0; i < 1600; i++) {
			if (i % 200 === 100) clock.advance(180); // the event loop stalled 180 ms before this send
			clock.advance(bucket.reserve(clock.now()));
			bucket.noteSent(clock.now());
			times.push(clock.now());
		}
		expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(80);
		const rate = (times.length - 1) / ((times[times.length - 1] - times[0]) / 1000);
		expect(rate).toBeGreaterThan(80 * 0.98);
		// Without catch-up each stall would cost its 180 ms: the rate would be below 0.98 × cap.
		const strict = new TokenBucket({ capMps: 80, warmupMs: 0, maxCatchUpMs: 0, toleranceMs: 0 });
		const clock2 = new FakeClock(0);
		const t2: number[] = [];
		for (let i = 0; i < 1600; i++) {
			if (i % 200 === 100) clock2.advance(180);
			clock2.advance(strict.reserve(clock2.now()));
			t2.push(clock2.now());
		}
		expect((t2.length - 1) / ((t2[t2.length - 1] - t2[0]) / 1000)).toBeLessThan(80 * 0.98);
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

describe('TokenBucket arrival feedback', () => {
	/** Drives sends through the bucket with a server that counts arrivals (delay per send). */
	function run(bucket: TokenBucket, clock: FakeClock, n: number, delayOf: (i: number) => number, rttMs = 200) {
		const sent: number[] = [];
		const arrived: number[] = [];
		const pending: Array<{ ticket: number; sentAt: number; answerAt: number }> = [];
		for (let i = 0; i < n; i++) {
			clock.advance(bucket.reserve(clock.now()));
			const ticket = bucket.noteSent(clock.now());
			const sentAt = clock.now();
			const arrival = sentAt + delayOf(i);
			sent.push(sentAt);
			arrived.push(arrival);
			pending.push({ ticket, sentAt, answerAt: arrival + rttMs });
			// Answers that came back by now are seen before the next reservation.
			for (let j = pending.length - 1; j >= 0; j--) {
				if (pending[j].answerAt <= clock.now()) {
					bucket.noteResponse(pending[j].ticket, pending[j].sentAt, pending[j].answerAt);
					pending.splice(j, 1);
				}
			}
		}
		return { sent, arrived };
	}

	/** 1,500 sends at 80 mps; every 300th send the server stalls 120 ms, so the next ~10 arrivals are counted together. */
	function stalledArrivals(options: { arrivalFeedback?: boolean } = {}): number[] {
		const clock = new FakeClock(0);
		const bucket = new TokenBucket({ capMps: 80, warmupMs: 0, ...options });
		const stallAt = (i: number) => Math.floor(i / 300) * 300 + 150;
		const { arrived } = run(bucket, clock, 1500, (i) => {
			const s = stallAt(i);
			return i >= s && i < s + 10 ? 120 - (i - s) * 12 : 0;
		});
		return [...arrived].sort((x, y) => x - y);
	}

	it('a server stall that bunches arrivals delays the sends a second later: ≤ cap arrivals in any 1 s', () => {
		expect(maxInWindow(stalledArrivals(), 1000)).toBeLessThanOrEqual(80);
	});

	it('without the feedback the same stalls overshoot the window (the test can fail)', () => {
		expect(maxInWindow(stalledArrivals({ arrivalFeedback: false }), 1000)).toBeGreaterThan(80);
	});

	it('a single late arrival only takes another send\'s place: the pace is kept', () => {
		const clock = new FakeClock(0);
		const bucket = new TokenBucket({ capMps: 80, warmupMs: 0 });
		// One send in 40 arrives 80 ms late (no bunching: it lands between later sends).
		const { sent, arrived } = run(bucket, clock, 4000, (i) => (i % 40 === 7 ? 80 : 0));
		expect(maxInWindow([...arrived].sort((x, y) => x - y), 1000)).toBeLessThanOrEqual(80);
		const rate = (sent.length - 1) / ((sent[sent.length - 1] - sent[0]) / 1000);
		expect(rate).toBeGreaterThan(80 * 0.97);
	});

	it('learns the fastest round trip: a steady latency is not mistaken for lateness', () => {
		const bucket = new TokenBucket({ capMps: 10, warmupMs: 0 });
		bucket.reserve(0);
		expect(bucket.noteResponse(bucket.noteSent(0), 0, 200)).toBe(0);
		bucket.reserve(100);
		expect(bucket.noteResponse(bucket.noteSent(100), 100, 300)).toBe(0);
		bucket.reserve(200);
		expect(bucket.noteResponse(bucket.noteSent(200), 200, 450)).toBe(50);
		// The skew counted never exceeds maxArrivalSkewMs.
		const capped = new TokenBucket({ capMps: 10, warmupMs: 0, maxArrivalSkewMs: 30 });
		capped.reserve(0);
		capped.noteResponse(capped.noteSent(0), 0, 200);
		capped.reserve(100);
		expect(capped.noteResponse(capped.noteSent(100), 100, 500)).toBe(30);
	});
});

describe('ArrivalWindow', () => {
	it('keeps the k-th latest arrival while sends are raised and old ones dropped', () => {
		const w = new ArrivalWindow(16);
		const tickets = [10, 20, 30, 40].map((t) => w.add(t));
		expect(w.kthLatest(1)).toBe(40);
		expect(w.kthLatest(4)).toBe(10);
		expect(w.kthLatest(5)).toBe(-Infinity);
		w.raise(tickets[0], 35); // 20 30 35 40
		expect(w.kthLatest(4)).toBe(20);
		expect(w.kthLatest(2)).toBe(35);
		w.raise(tickets[0], 5); // never lowered
		expect(w.kthLatest(2)).toBe(35);
		w.prune(25, 0); // drops 20
		expect(w.size).toBe(3);
		expect(w.kthLatest(3)).toBe(30);
		w.raise(tickets[1], 50); // 20 was dropped: raising it brings it back as 50
		expect(w.kthLatest(1)).toBe(50);
		expect(w.size).toBe(4);
	});
});

/** The store's shared pace (the real SQLite store in memory), recording each booking's raises. */
async function sharedPaceStore() {
	const store = await openStore({ backend: 'sqlite', path: ':memory:' });
	const calls: Array<{ at: number; seq: number; raises: Array<{ seq: number; at: number }> }> = [];
	return {
		calls,
		close: () => store.close(),
		bookArrival: async (key: string, booking: ArrivalBooking) => {
			const grant = await store.bookArrival(key, booking);
			calls.push({ at: grant.at, seq: grant.seq, raises: booking.raises ?? [] });
			return grant;
		},
	};
}

describe('SharedTokenBucket', () => {
	it('two workers on one shared pace: one even schedule, ≤ cap sends in any 1 s, ≥ 97 % of the cap', async () => {
		const clock = new FakeClock(1_000_000);
		const store = await sharedPaceStore();
		const mk = () => new SharedTokenBucket(store, 'mps:1', new TokenBucket({ capMps: 80, warmupMs: 0 }), { clock });
		const workers = [mk(), mk()];
		const times: number[] = [];
		for (let i = 0; i < 2000; i++) {
			// Alternate unevenly between the workers (3:1), as two processes would.
			const w = workers[i % 4 === 0 ? 1 : 0];
			expect(await w.reserve(clock.now())).toBe(0);
			times.push(clock.now());
		}
		expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(80);
		const rate = (times.length - 1) / ((times[times.length - 1] - times[0]) / 1000);
		expect(rate).toBeGreaterThan(80 * 0.97);
		// One booking per send: nothing left unused.
		expect(store.calls.filter((c) => c.seq > 0)).toHaveLength(2000);
		await store.close();
	});

	it("a late arrival one worker learns of reaches the shared window with its next booking, and holds back the other worker", async () => {
		const clock = new FakeClock(0);
		const store = await sharedPaceStore();
		const mk = () => new SharedTokenBucket(store, 'mps:1', new TokenBucket({ capMps: 10, warmupMs: 0, safetyFactor: 1, windowGuardMs: 0 }), { clock, toleranceMs: 0, leadMs: 0 });
		const a = mk();
		const b = mk();
		const sent: Array<{ ticket: number; at: number }> = [];
		for (let i = 0; i < 10; i++) sent.push({ ticket: await a.take(clock), at: clock.now() });
		expect(sent.map((s) => s.at)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
		// Answers: 200 ms round trips, except sends 0..2, whose answers show they arrived at ≈ 950.
		for (let i = 0; i < 10; i++) a.noteResponse(sent[i].ticket, sent[i].at, sent[i].at + 200 + (i < 3 ? 950 - sent[i].at : 0));
		clock.set(950);
		// A's next booking carries the three raises (booking ids 1..3).
		await a.take(clock);
		const carried = store.calls[store.calls.length - 1].raises;
		expect(carried.map((r) => r.seq).sort()).toEqual([1, 2, 3]);
		expect(carried.every((r) => r.at === 950)).toBe(true);
		// Arrivals now: 300..900 (7), 950 (3), A's 11th: B's own guard knows none of them, but the
		// shared window does: its slot is ≥ the 10th latest (400) + 1 s, not the schedule's.
		const aSlot = clock.now();
		expect(aSlot).toBe(1300);
		await b.take(clock);
		expect(clock.now()).toBe(1400);
		await store.close();
	});

	it('a send still unanswered 1 s later counts as arriving now in the shared window', async () => {
		const clock = new FakeClock(0);
		const store = await sharedPaceStore();
		const a = new SharedTokenBucket(store, 'mps:1', new TokenBucket({ capMps: 10, warmupMs: 0, safetyFactor: 1, windowGuardMs: 0 }), { clock, toleranceMs: 0, leadMs: 0 });
		const sent: Array<{ ticket: number; at: number }> = [];
		for (let i = 0; i < 5; i++) sent.push({ ticket: await a.take(clock), at: clock.now() });
		// All answered but send 1 (booking id 2).
		for (const i of [0, 2, 3, 4]) a.noteResponse(sent[i].ticket, sent[i].at, sent[i].at + 50);
		clock.set(1200);
		await a.take(clock);
		expect(store.calls[store.calls.length - 1].raises).toEqual([{ seq: 2, at: 1200 }]);
		await store.close();
	});
});

describe('TokenBucket unanswered sends', () => {
	it('a send still unanswered a second later counts as arriving now: the next sends wait for its answer', () => {
		const bucket = new TokenBucket({ capMps: 10, warmupMs: 0, safetyFactor: 1, windowGuardMs: 0 });
		let now = 0;
		const tickets: number[] = [];
		for (let i = 0; i < 10; i++) {
			now += bucket.reserve(now);
			tickets.push(bucket.noteSent(now));
			if (i > 0) bucket.noteResponse(tickets[i], now, now + 50); // answered at once, except send 0
		}
		// Send 0 (at t=0) is unanswered at t=1000: it may still arrive, so it holds a place in the window.
		expect(bucket.reserve(1000)).toBeGreaterThan(0);
		// Its answer comes: arrived long ago.
		const b2 = new TokenBucket({ capMps: 10, warmupMs: 0, safetyFactor: 1, windowGuardMs: 0 });
		now = 0;
		const t2: number[] = [];
		for (let i = 0; i < 10; i++) {
			now += b2.reserve(now);
			t2.push(b2.noteSent(now));
			b2.noteResponse(t2[i], now, now + 50);
		}
		expect(b2.reserve(1000)).toBe(0);
		// A send that never went out (noteUnsent) does not hold a place.
		const b3 = new TokenBucket({ capMps: 10, warmupMs: 0, safetyFactor: 1, windowGuardMs: 0 });
		now = 0;
		for (let i = 0; i < 10; i++) {
			now += b3.reserve(now);
			const t = b3.noteSent(now);
			if (i === 0) b3.noteUnsent(t);
			else b3.noteResponse(t, now, now + 50);
		}
		expect(b3.reserve(1000)).toBe(0);
	});
});

describe('TokenBucket fastest round trip', () => {
	it('a faster round trip than the first ones re-estimates the sends already answered', () => {
		const mk = () => new TokenBucket({ capMps: 10, warmupMs: 0, safetyFactor: 1, windowGuardMs: 0 });
		const drive = (bucket: TokenBucket, fastLast: boolean) => {
			let now = 0;
			for (let i = 0; i < 10; i++) {
				now += bucket.reserve(now);
				const t = bucket.noteSent(now);
				// The first nine answers take 300 ms (say, connection set-up delayed the requests).
				bucket.noteResponse(t, now, now + (fastLast && i === 9 ? 200 : 300));
			}
			return bucket.waitMs(1000);
		};
		// All answers equally slow: nothing is known to be late, send 11 may go at 1 s.
		expect(drive(mk(), false)).toBe(0);
		// The last answer shows the round trip can be 200 ms: the first nine arrived up to 100 ms
		// later than sent, so the window is full until ≈ 1.1 s.
		expect(drive(mk(), true)).toBeGreaterThanOrEqual(99);
	});
});
