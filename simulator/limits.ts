/**
 * Rate behaviours (cloud-api.md §5), all O(1) amortised per message and driven by the fake clock.
 *  - Throughput: `mps` accepted messages per phone number in any sliding 1 s window → 130429.
 *  - Pair rate: ≥ `pairRateMs` (default 6 s) between messages to one recipient from one number → 131056.
 *  - Messaging limit: unique business-initiated recipients per rolling 24 h, portfolio-wide → configurable.
 */
import { MESSAGING_LIMIT_TIERS, ROLLING_WINDOW_MS } from '../core/throttle/budget';

/** Timestamps of accepted events in the last `windowMs`, as a growable ring (deque). */
export class SlidingWindow {
	private buf: Float64Array;
	private head = 0;
	private size = 0;
	/** Highest number of events ever seen inside one window. */
	maxObserved = 0;

	constructor(private readonly windowMs = 1000) {
		this.buf = new Float64Array(64);
	}

	private evict(now: number): void {
		const cut = now - this.windowMs;
		while (this.size > 0 && this.buf[this.head] <= cut) {
			this.head = (this.head + 1) % this.buf.length;
			this.size--;
		}
	}

	/** Events inside the window ending at `now`. */
	count(now: number): number {
		this.evict(now);
		return this.size;
	}

	/** Would one more event exceed `limit`? (limit ≤ 0 or Infinity = no cap) */
	full(now: number, limit: number): boolean {
		if (!(limit > 0) || limit === Infinity) return false;
		return this.count(now) >= limit;
	}

	add(now: number): void {
		this.evict(now);
		if (this.size === this.buf.length) {
			const next = new Float64Array(this.buf.length * 2);
			for (let i = 0; i < this.size; i++) next[i] = this.buf[(this.head + i) % this.buf.length];
			this.buf = next;
			this.head = 0;
		}
		this.buf[(this.head + this.size) % this.buf.length] = now;
		this.size++;
		if (this.size > this.maxObserved) this.maxObserved = this.size;
	}
}

/** Last accepted send per (phone number, recipient). */
export class PairRate {
	private last = new Map<string, number>();
	/** true when a send at `now` would break the pair rate. */
	blocked(key: string, now: number, minGapMs: number): boolean {
		if (!(minGapMs > 0)) return false;
		const t = this.last.get(key);
		return t !== undefined && now - t < minGapMs;
	}
	record(key: string, now: number): void {
		this.last.set(key, now);
	}
	clear(): void {
		this.last.clear();
	}
}

/**
 * Unique business-initiated recipients in a rolling window (24 h), shared by every number of the
 * portfolio (cloud-api.md §5: per business portfolio since 2025-10-07).
 */
export class RollingUniqueRecipients {
	private firstSeen = new Map<string, number>();
	private log: { to: string; at: number }[] = [];
	private head = 0;

	constructor(private readonly windowMs = ROLLING_WINDOW_MS) {}

	private evict(now: number): void {
		const cut = now - this.windowMs;
		while (this.head < this.log.length && this.log[this.head].at <= cut) {
			const e = this.log[this.head++];
			if (this.firstSeen.get(e.to) === e.at) this.firstSeen.delete(e.to);
		}
		if (this.head > 1024 && this.head * 2 > this.log.length) {
			this.log = this.log.slice(this.head);
			this.head = 0;
		}
	}

	has(to: string, now: number): boolean {
		this.evict(now);
		return this.firstSeen.has(to);
	}

	count(now: number): number {
		this.evict(now);
		return this.firstSeen.size;
	}

	add(to: string, now: number): void {
		this.evict(now);
		if (this.firstSeen.has(to)) return;
		this.firstSeen.set(to, now);
		this.log.push({ to, at: now });
	}

	clear(): void {
		this.firstSeen.clear();
		this.log = [];
		this.head = 0;
	}
}

/** Meta's limit label for a tier size: 250 → TIER_250, 2000 → TIER_2K, ∞ → TIER_UNLIMITED. */
export function tierLabel(tier: number): string {
	if (!Number.isFinite(tier) || tier < 0) return 'TIER_UNLIMITED';
	// Meta's labels (core/throttle/budget.ts); a size between them (a test's 5 → TIER_5) gets the same shape.
	const known = Object.entries(MESSAGING_LIMIT_TIERS).find(([, size]) => size === tier);
	if (known) return known[0];
	if (tier >= 1000 && tier % 1000 === 0) return `TIER_${tier / 1000}K`;
	return `TIER_${tier}`;
}
