/**
 * Pair rate limit (cloud-api.md §5 "Pair rate limit"): about one message per 6 s from one business
 * number to one user. Exceeding it returns 131056; retry *that recipient only* after 4^X s
 * (X = 0, 1, 2, …) — other recipients are unaffected.
 */

export const PAIR_INTERVAL_MS = 6000;

export class PairRateGuard {
	private readonly nextAt = new Map<string, number>();
	private readonly strikes = new Map<string, number>();
	private sweepAt = 0;

	constructor(private readonly intervalMs = PAIR_INTERVAL_MS) {}

	/** How long (ms) to wait before `waId` may be messaged again (0 = now). */
	waitMs(waId: string, now: number): number {
		const at = this.nextAt.get(waId);
		return at === undefined ? 0 : Math.max(0, at - now);
	}

	/** A message to `waId` went out at `now`. */
	record(waId: string, now: number): void {
		this.nextAt.set(waId, Math.max(this.nextAt.get(waId) ?? 0, now + this.intervalMs));
		this.sweep(now);
	}

	/**
	 * Meta answered 131056 for `waId`: the next try waits 4^X s, X counting this recipient's
	 * strikes from 0. Returns that delay (ms).
	 */
	onPairRateError(waId: string, now: number): number {
		const x = this.strikes.get(waId) ?? 0;
		this.strikes.set(waId, x + 1);
		const delay = Math.max(this.intervalMs, Math.pow(4, x) * 1000);
		this.nextAt.set(waId, now + delay);
		return delay;
	}

	get size(): number {
		return this.nextAt.size;
	}

	/** Forgets recipients whose wait is over (keeps memory flat on 100K-recipient campaigns). */
	private sweep(now: number): void {
		if (now < this.sweepAt || this.nextAt.size < 1024) return;
		this.sweepAt = now + this.intervalMs;
		for (const [k, at] of this.nextAt) {
			if (at <= now) {
				this.nextAt.delete(k);
				this.strikes.delete(k);
			}
		}
	}
}
