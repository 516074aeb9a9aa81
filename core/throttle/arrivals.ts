/**
 * The latest possible arrival time at Meta of each recent send, for the sliding-window guard of
 * the token bucket (cloud-api.md §5: the cap counts a sliding 1 s window at the server).
 *
 * Each send starts at its send time (a lower bound of its arrival) and may be raised later, when its
 * answer shows it arrived later (a client queue, an event-loop stall, a server stall). What a new
 * send must respect is the count: ≤ cap − 1 earlier sends may arrive within 1 s (+ guard) before it,
 * i.e. it waits for the cap-th latest arrival + 1 s. A late arrival thus only takes the place of
 * the send it now sits next to; it costs pace only when arrivals really bunch.
 *
 * Kept as a sorted array of values (O(1) to add a newest send, a short move to raise a recent one)
 * plus each ticket's current value; values older than every possible constraint are dropped.
 */
export class ArrivalWindow {
	private sorted: Float64Array;
	private len = 0;
	private readonly byTicket: Float64Array;
	private seq = 0;
	/** Values up to this were dropped (every value above it is present). */
	private threshold = -Infinity;

	/** `horizon`: how many recent tickets can still be raised (older raises are ignored). */
	constructor(horizon: number) {
		this.sorted = new Float64Array(Math.max(64, horizon));
		this.byTicket = new Float64Array(Math.max(64, horizon)).fill(-Infinity);
	}

	get size(): number {
		return this.len;
	}

	/** The oldest ticket whose value can still be raised. */
	get oldestTicket(): number {
		return Math.max(0, this.seq - this.byTicket.length);
	}

	/** The k-th latest value (k ≥ 1), or -Infinity when fewer than k are kept. */
	kthLatest(k: number): number {
		return k >= 1 && this.len >= k ? this.sorted[this.len - k] : -Infinity;
	}

	/** Adds a send at `at`; returns its ticket. */
	add(at: number): number {
		const ticket = this.seq++;
		this.byTicket[ticket % this.byTicket.length] = at;
		if (at > this.threshold) this.insert(at);
		return ticket;
	}

	/** Raises ticket's value to `at` (never lowers it). Tickets too old to matter are ignored. */
	raise(ticket: number, at: number): void {
		if (!(ticket >= 0 && ticket < this.seq && ticket >= this.seq - this.byTicket.length)) return;
		const i = ticket % this.byTicket.length;
		const old = this.byTicket[i];
		if (!(at > old)) return;
		this.byTicket[i] = at;
		if (old > this.threshold) this.remove(old);
		if (at > this.threshold) this.insert(at);
	}

	/** Drops every value below `before`, keeping at least `keep` values. */
	prune(before: number, keep: number): void {
		let drop = 0;
		while (drop < this.len - keep && this.sorted[drop] < before) drop++;
		if (drop === 0) return;
		this.threshold = Math.max(this.threshold, this.sorted[drop - 1]);
		this.sorted.copyWithin(0, drop, this.len);
		this.len -= drop;
	}

	private insert(v: number): void {
		if (this.len === this.sorted.length) {
			const next = new Float64Array(this.sorted.length * 2);
			next.set(this.sorted.subarray(0, this.len));
			this.sorted = next;
		}
		// Newest sends are (almost always) the latest values: search from the end.
		let i = this.len;
		while (i > 0 && this.sorted[i - 1] > v) i--;
		if (i < this.len) this.sorted.copyWithin(i + 1, i, this.len);
		this.sorted[i] = v;
		this.len++;
	}

	private remove(v: number): void {
		let i = this.len - 1;
		while (i >= 0 && this.sorted[i] !== v) i--;
		if (i < 0) return;
		this.sorted.copyWithin(i, i + 1, this.len);
		this.len--;
	}
}
