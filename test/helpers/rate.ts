/**
 * Rate checks for pacing tests (tokenBucket.test.ts, the queue-mode suite test/queue/run.ts): Meta
 * counts throughput in a sliding 1 s window (core/throttle/arrivals.ts), so a test counts the same way.
 */

/** The most timestamps (sorted ascending, ms) inside any window [t, t + windowMs). */
export function maxInWindow(times: number[], windowMs = 1000): number {
	let max = 0;
	let lo = 0;
	for (let hi = 0; hi < times.length; hi++) {
		while (times[hi] - times[lo] >= windowMs) lo++;
		max = Math.max(max, hi - lo + 1);
	}
	return max;
}
