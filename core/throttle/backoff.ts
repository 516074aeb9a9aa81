/**
 * Bounded exponential back-off with jitter (peers.md §2: botpress 1/4/16/64 s + jitter; transient
 * errors get bounded retries). The RNG is injectable so tests are deterministic.
 */

import { seededRng, type Rng } from '../shared/random';

export { seededRng, type Rng };

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
