/**
 * Throughput limit per business number (cloud-api.md §5 "Throughput"): 80 messages/s by default,
 * 1,000 after the automatic upgrade, 20 for coexistence numbers (shared with the WhatsApp Business
 * app). Exceeding it returns 130429.
 *
 * Pacing is GCRA-style ("virtual scheduling"): every send gets its own slot `1/rate` after the
 * previous one, so sends are spaced evenly — Meta (and the simulator) count a sliding 1 s window,
 * and releasing a second's tokens at once would overshoot it. `toleranceMs` lets a late timer catch
 * up; a hard sliding-window guard (≤ cap sends in any 1 s + guard, counted from actual send times)
 * keeps catch-ups and stalls from ever exceeding the cap, and widens on each 130429.
 *
 * AIMD (peers.md §2 "Recommended synthesis" 1): on 130429 the rate is multiplied by
 * `decreaseFactor` (default 0.7; peers.md suggests halving — set 0.5 for that), then recovers
 * additively (`recoverPerS`, default 20 % of the cap per second) up to the cap.
 */
import type { Store } from '../store/types';

export const THROUGHPUT_MPS = {
	/** Default for every registered number. */
	STANDARD: 80,
	/** After the automatic upgrade (throughput.level HIGH). */
	HIGH: 1000,
	/** Coexistence numbers (also used in the WhatsApp Business app): fixed. */
	COEXISTENCE: 20,
} as const;

/** `GET /{PHONE_NUMBER_ID}?fields=throughput` → `{throughput:{level}}` (levels are [U], so unknown → 80). */
export function throughputFromLevel(level: string | undefined, coexistence = false): number {
	if (coexistence) return THROUGHPUT_MPS.COEXISTENCE;
	return String(level ?? '').toUpperCase() === 'HIGH' ? THROUGHPUT_MPS.HIGH : THROUGHPUT_MPS.STANDARD;
}

export interface TokenBucketOptions {
	/** The number's cap in messages per second. */
	capMps: number;
	/** Fraction of the cap used for even pacing (default 0.99; the window guard below is the hard limit). */
	safetyFactor?: number;
	/** Multiplicative decrease on 130429 (default 0.7: the cap is known, a 130429 mostly means jitter). */
	decreaseFactor?: number;
	/** Additive increase in mps per second after a cut (default 20 % of the cap per second). */
	recoverPerS?: number;
	/** Never go below this rate (default 1 mps). */
	minMps?: number;
	/**
	 * How far behind schedule a slot may start (catch-up after a late timer on a busy machine), ms.
	 * Default 25 ms. The window guard below keeps the catch-up from ever exceeding the cap.
	 */
	toleranceMs?: number;
	/** Ignore further 130429 for this long after a cut (responses to requests already in flight). */
	cutCooldownMs?: number;
	/**
	 * Slow start: the rate ramps linearly from 50 % to 100 % over this long after the first send
	 * (default 500 ms). Fresh connections arrive bunched (TCP/TLS setup); ramping keeps the first
	 * 1 s window under the cap.
	 */
	warmupMs?: number;
	/**
	 * Hard sliding-window guard: never more than `capMps` sends in any (1 s + guardMs) — i.e. send
	 * i and send i − cap are ≥ 1 s + guardMs apart, whatever the catch-up or a stall did. The
	 * guard absorbs network/scheduling jitter between us and Meta's counter (default 15 ms).
	 */
	windowGuardMs?: number;
	/** Each 130429 widens the guard by 10 ms (the jitter was larger than assumed), up to this. Default 60. */
	maxWindowGuardMs?: number;
}

export class TokenBucket {
	readonly capMps: number;
	private readonly target: number;
	private readonly decreaseFactor: number;
	private readonly recoverPerS: number;
	private readonly minMps: number;
	private readonly toleranceMs: number;
	private readonly cutCooldownMs: number;
	private cutRate: number;
	private readonly warmupMs: number;
	private windowGuardMs: number;
	private readonly maxWindowGuardMs: number;
	/** The last floor(capMps) slots (ring buffer) for the sliding-window guard. */
	private readonly ring: Float64Array;
	private ringPos = 0;
	private lastPos = -1;
	private startedAt?: number;
	private cutAt = -Infinity;
	private nextSlot = -Infinity;
	throttleEvents = 0;

	constructor(options: TokenBucketOptions) {
		if (!(options.capMps > 0)) throw new Error(`Throughput cap must be a positive number of messages per second (got ${options.capMps})`);
		this.capMps = options.capMps;
		const safety = Math.min(1, Math.max(0.5, options.safetyFactor ?? 0.99));
		this.target = options.capMps * safety;
		this.decreaseFactor = options.decreaseFactor ?? 0.7;
		this.recoverPerS = options.recoverPerS ?? Math.max(0.5, options.capMps * 0.2);
		this.minMps = Math.min(options.minMps ?? 1, this.target);
		this.toleranceMs = Math.max(0, options.toleranceMs ?? 25);
		this.cutCooldownMs = options.cutCooldownMs ?? 1000;
		this.cutRate = this.target;
		this.warmupMs = Math.max(0, options.warmupMs ?? 500);
		this.windowGuardMs = Math.max(0, options.windowGuardMs ?? 15);
		this.maxWindowGuardMs = Math.max(this.windowGuardMs, options.maxWindowGuardMs ?? 60);
		this.ring = new Float64Array(Math.max(1, Math.floor(options.capMps))).fill(-Infinity);
	}

	/** Current allowed rate (mps) at `now`: the cut rate plus the additive recovery since the cut. */
	rate(now: number): number {
		let rate = this.target;
		if (this.cutRate < this.target) rate = Math.min(rate, this.cutRate + (this.recoverPerS * Math.max(0, now - this.cutAt)) / 1000);
		if (this.warmupMs > 0 && this.startedAt !== undefined && now - this.startedAt < this.warmupMs) {
			rate = Math.min(rate, this.target * (0.5 + (0.5 * Math.max(0, now - this.startedAt)) / this.warmupMs));
		}
		return Math.max(this.minMps, rate);
	}

	/**
	 * Takes the next send slot: returns how long to wait (ms) before sending. The slot is reserved
	 * whether or not the caller waits, so concurrent callers are spaced one interval apart.
	 */
	reserve(now: number): number {
		if (this.startedAt === undefined) this.startedAt = now;
		const interval = 1000 / this.rate(now);
		// The slot `cap` sends ago bounds this one: ≤ cap sends in any 1 s (+ guard).
		const slot = Math.max(this.nextSlot, now - this.toleranceMs, this.ring[this.ringPos] + 1000 + this.windowGuardMs);
		// A slot in the past (catch-up) is used now: the ring keeps the actual send time.
		this.ring[this.ringPos] = Math.max(slot, now);
		this.lastPos = this.ringPos;
		this.ringPos = (this.ringPos + 1) % this.ring.length;
		this.nextSlot = slot + interval;
		return Math.max(0, slot - now);
	}

	/**
	 * The send of the last reserved slot actually left at `at` (a timer may fire late): the window
	 * guard then counts from the real time, so a late send never lets the next ones bunch.
	 */
	noteSent(at: number): void {
		if (this.lastPos >= 0 && at > this.ring[this.lastPos]) this.ring[this.lastPos] = at;
	}

	/**
	 * 130429 (or 80007/4): cut the rate, push the schedule back by one interval of the new rate, and
	 * widen the window guard (the network/scheduling jitter is larger than the guard assumed).
	 */
	onThrottle(now: number): void {
		this.throttleEvents++;
		this.windowGuardMs = Math.min(this.maxWindowGuardMs, this.windowGuardMs + 10);
		if (now - this.cutAt < this.cutCooldownMs) return;
		this.cutRate = Math.max(this.minMps, this.rate(now) * this.decreaseFactor);
		this.cutAt = now;
		this.nextSlot = Math.max(this.nextSlot, now + 1000 / this.cutRate);
	}
}

/**
 * A TokenBucket whose tokens also come from the store's shared bucket (Store.takeTokens), so
 * several processes/workers on one number stay under its cap together. Tokens are leased in small
 * batches (≈ 100 ms of sending) to keep store round-trips low; local pacing stays smooth.
 */
export class SharedTokenBucket {
	private leased = 0;

	constructor(
		private readonly store: Pick<Store, 'takeTokens'>,
		private readonly key: string,
		readonly local: TokenBucket,
		private readonly leaseMs = 100,
	) {}

	/** Waits (via the returned ms) for both a shared token and the local slot. */
	async reserve(now: number): Promise<number> {
		let wait = 0;
		while (this.leased <= 0) {
			const rate = this.local.rate(now + wait);
			const want = Math.max(1, Math.ceil((rate * this.leaseMs) / 1000));
			const grant = await this.store.takeTokens(this.key, rate, want, want, now + wait);
			if (grant.granted > 0) this.leased += grant.granted;
			else wait += Math.max(1, grant.waitMs);
		}
		this.leased--;
		return wait + this.local.reserve(now + wait);
	}

	onThrottle(now: number): void {
		this.local.onThrottle(now);
	}

	rate(now: number): number {
		return this.local.rate(now);
	}
}
