/**
 * Fake clock shared by every time-based behaviour of the simulator: throughput windows, pair rate,
 * the rolling 24 h messaging limit, the 24 h customer-service window, template review delays and
 * status-webhook delays. Real time keeps flowing unless the clock is frozen; `advance(ms)` jumps ahead
 * and fires every timer that became due, in order.
 */

interface Timer {
	at: number;
	seq: number;
	fn: () => void;
	cancelled: boolean;
}

export interface TimerHandle {
	cancel(): void;
}

export class FakeClock {
	private offset = 0;
	private frozenAt: number | undefined;
	private heap: Timer[] = [];
	private seq = 0;
	private real: NodeJS.Timeout | undefined;
	private realAt = Infinity;
	private stopped = false;
	/** While a timer runs during a jump, "now" is that timer's due time (timers it schedules land correctly). */
	private current: number | undefined;

	constructor(opts: { frozen?: boolean; start?: number } = {}) {
		if (opts.start !== undefined) this.offset = opts.start - Date.now();
		if (opts.frozen) this.frozenAt = Date.now();
	}

	/** Simulated epoch milliseconds. */
	now(): number {
		if (this.current !== undefined) return this.current;
		return (this.frozenAt ?? Date.now()) + this.offset;
	}

	get frozen(): boolean {
		return this.frozenAt !== undefined;
	}

	freeze(): void {
		if (this.frozenAt === undefined) this.frozenAt = Date.now();
		this.arm();
	}

	unfreeze(): void {
		if (this.frozenAt === undefined) return;
		this.offset += this.frozenAt - Date.now();
		this.frozenAt = undefined;
		this.arm();
	}

	/** Jumps ahead by `ms` and runs every timer due by then (timers scheduled while running are honoured). */
	advance(ms: number): void {
		if (!(ms >= 0)) throw new Error('clock.advance: ms must be a number ≥ 0');
		const target = this.now() + ms;
		this.runDue(target);
		this.offset += ms;
		this.arm();
	}

	/** Runs `fn` when the simulated clock reaches now + ms. */
	setTimeout(fn: () => void, ms: number): TimerHandle {
		const t: Timer = { at: this.now() + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
		this.push(t);
		if (t.at < this.realAt) this.arm();
		return { cancel: () => void (t.cancelled = true) };
	}

	/** Number of pending timers (for tests / stats). */
	get pending(): number {
		return this.heap.filter((t) => !t.cancelled).length;
	}

	/** Drops every pending timer and stops arming real timers. */
	dispose(): void {
		this.stopped = true;
		this.heap = [];
		if (this.real) clearTimeout(this.real);
		this.real = undefined;
		this.realAt = Infinity;
	}

	/** Clears timers but keeps the clock usable (used by reset). */
	clearTimers(): void {
		this.heap = [];
		if (this.real) clearTimeout(this.real);
		this.real = undefined;
		this.realAt = Infinity;
	}

	private runDue(target = this.now()): void {
		let guard = 0;
		while (this.heap.length > 0 && this.heap[0].at <= target) {
			const t = this.pop()!;
			if (t.cancelled) continue;
			this.current = t.at;
			try {
				t.fn();
			} catch {
				// a failing timer must not stop the others
			} finally {
				this.current = undefined;
			}
			if (++guard > 10_000_000) break;
		}
		this.arm();
	}

	private arm(): void {
		if (this.real) clearTimeout(this.real);
		this.real = undefined;
		this.realAt = Infinity;
		if (this.stopped || this.heap.length === 0 || this.frozenAt !== undefined) return;
		const at = this.heap[0].at;
		const delay = Math.max(0, Math.min(at - this.now(), 2_000_000_000));
		this.realAt = at;
		this.real = setTimeout(() => {
			this.real = undefined;
			this.realAt = Infinity;
			this.runDue();
		}, delay);
		this.real.unref();
	}

	private less(a: Timer, b: Timer): boolean {
		return a.at < b.at || (a.at === b.at && a.seq < b.seq);
	}

	private push(t: Timer): void {
		const h = this.heap;
		h.push(t);
		let i = h.length - 1;
		while (i > 0) {
			const p = (i - 1) >> 1;
			if (!this.less(h[i], h[p])) break;
			[h[i], h[p]] = [h[p], h[i]];
			i = p;
		}
	}

	private pop(): Timer | undefined {
		const h = this.heap;
		if (h.length === 0) return undefined;
		const top = h[0];
		const last = h.pop()!;
		if (h.length > 0) {
			h[0] = last;
			let i = 0;
			for (;;) {
				const l = 2 * i + 1;
				const r = l + 1;
				let m = i;
				if (l < h.length && this.less(h[l], h[m])) m = l;
				if (r < h.length && this.less(h[r], h[m])) m = r;
				if (m === i) break;
				[h[i], h[m]] = [h[m], h[i]];
				i = m;
			}
		}
		return top;
	}
}
