/**
 * Bounded exponential back-off with jitter (peers.md §2: botpress 1/4/16/64 s + jitter; transient
 * errors get bounded retries). The RNG is injectable so tests are deterministic.
 */

export type Rng = () => number;

/** mulberry32: a tiny seeded RNG returning [0, 1). */
export function seededRng(seed: number): Rng {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export interface BackoffOptions {
	/** Delay of the first retry (ms). Default 1000. */
	baseMs?: number;
	/** Growth per attempt. Default 4 (1 s, 4 s, 16 s, 64 s). */
	factor?: number;
	/** Upper bound of any delay (ms). Default 5 min. */
	maxMs?: number;
	/** Fraction of the delay randomised (0..1): delay × (1 − jitter + jitter × rng()). Default 0.5. */
	jitter?: number;
}

/** Delay before retry number `attempt` (1 = first retry). */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, rng: Rng = Math.random): number {
	const base = options.baseMs ?? 1000;
	const factor = options.factor ?? 4;
	const max = options.maxMs ?? 5 * 60_000;
	const jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5));
	const n = Math.max(1, Math.floor(attempt));
	const raw = Math.min(max, base * Math.pow(factor, n - 1));
	return Math.round(raw * (1 - jitter + jitter * rng()));
}
