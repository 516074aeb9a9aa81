/**
 * In-flight limit (issue #7 "concurrency sized to rate × latency over keep-alive connections"):
 * Little's law — to sustain `rate` messages/s when each request takes `latency` s, about
 * rate × latency requests must be in flight. Latency is measured (EWMA) and the result bounded.
 */

export interface ConcurrencyOptions {
	min?: number;
	max?: number;
	/** Headroom multiplier over rate × latency. Default 1.5. */
	headroom?: number;
	/** EWMA weight of a new sample (0..1). Default 0.2. */
	alpha?: number;
	/** Latency assumed before the first measurement (ms). Default 250. */
	initialLatencyMs?: number;
}

export class ConcurrencyLimiter {
	private latencyMs: number;
	private readonly min: number;
	private readonly max: number;
	private readonly headroom: number;
	private readonly alpha: number;

	constructor(options: ConcurrencyOptions = {}) {
		this.min = Math.max(1, options.min ?? 4);
		this.max = Math.max(this.min, options.max ?? 512);
		this.headroom = options.headroom ?? 1.5;
		this.alpha = options.alpha ?? 0.2;
		this.latencyMs = options.initialLatencyMs ?? 250;
	}

	/** Records one request's latency (ms). */
	observe(latencyMs: number): void {
		if (!Number.isFinite(latencyMs) || latencyMs < 0) return;
		this.latencyMs = this.latencyMs + this.alpha * (latencyMs - this.latencyMs);
	}

	get averageLatencyMs(): number {
		return this.latencyMs;
	}

	/** How many requests may be in flight at `rateMps`. */
	limit(rateMps: number): number {
		const need = Math.ceil((rateMps * this.latencyMs * this.headroom) / 1000) + 2;
		return Math.min(this.max, Math.max(this.min, need));
	}
}
