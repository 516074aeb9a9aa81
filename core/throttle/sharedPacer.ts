/**
 * A number's pace shared by several processes / n8n workers through the store (queue mode): the
 * local pacer (tokenBucket.ts) per process, plus one booking per send in Store.bookArrival so all
 * workers together stay under the number's cap (cloud-api.md §5, throughput.ts).
 */
import type { Store } from '../store/types';
import { systemClock, type Clock } from './clock';
import type { TokenBucket } from './tokenBucket';

export interface SharedTokenBucketOptions {
	clock?: Clock;
	signal?: AbortSignal;
	/**
	 * A slot may come this much (ms, default 50) before the shared schedule's next one: a worker
	 * that was late for its slot (a late timer, a slow store) catches up instead of losing the
	 * time for good. The shared window guard keeps any catch-up within the cap.
	 */
	toleranceMs?: number;
	/**
	 * Slots are booked this far ahead of the send (default 3 ms, about the store's round trip): the
	 * worker books, then sleeps until the slot.
	 */
	leadMs?: number;
	/**
	 * The shared schedule runs at this fraction of the local rate (default 1: 99 % of the cap, as
	 * one process paces). The shared window guard is the hard limit, so no extra slack is needed.
	 */
	paceFactor?: number;
}

/** A shared slot up to this many intervals (plus the lead) ahead is booked at once. */
const MAX_AHEAD_SLOTS = 4;

/** Arrival bounds this long (ms) before a new slot are dropped from the shared window (1 s + guard + the longest skew, with room). */
const SHARED_KEEP_MS = 2500;

/**
 * A number's pace shared by several processes/workers through the store (Store.bookArrival): the
 * same even schedule and the same sliding-window guard as one process's TokenBucket, computed over
 * the sends of ALL workers, so together they stay under the cap with one process's precision.
 *
 * Each send books one slot slightly ahead (one store round trip): the store plans it from the
 * shared schedule and from every worker's arrival bounds (≤ cap arrivals in any 1 s + guard,
 * cloud-api.md §5), and the worker sleeps until it. What this worker learns later about its own
 * sends — one left after its slot (a late timer), one arrived late (its answer came back late:
 * `answer time − fastest round trip`), one still unanswered after 1 s (it may arrive any moment) —
 * raises that send's shared arrival bound; the raises ride along with this worker's next booking,
 * so every worker's guard counts them.
 */
export class SharedTokenBucket {
	private readonly clock: Clock;
	private readonly signal?: AbortSignal;
	private readonly toleranceMs: number;
	private readonly leadMs: number;
	private readonly paceFactor: number;
	/** Per recent ticket (ticket mod length): its shared booking id and its arrival bound reported so far. */
	private readonly seqOf = new Float64Array(4096).fill(Number.NaN);
	private readonly boundOf = new Float64Array(4096).fill(Number.NaN);
	/** Raises not yet sent to the store: booking id → arrival bound. */
	private raises = new Map<number, number>();
	/** Slots booked by this process. */
	taken = 0;
	/** Bookings the window guard pushed beyond the lead (the worker slept and booked again). */
	deferred = 0;

	constructor(
		private readonly store: Pick<Store, 'bookArrival'>,
		private readonly key: string,
		readonly local: TokenBucket,
		options: SharedTokenBucketOptions = {},
	) {
		this.clock = options.clock ?? systemClock;
		this.signal = options.signal;
		this.toleranceMs = Math.max(0, options.toleranceMs ?? 50);
		this.leadMs = Math.max(0, options.leadMs ?? 3);
		this.paceFactor = Math.min(1, Math.max(0.5, options.paceFactor ?? 1));
		// Every arrival bound the local guard learns (late timer, late answer, a faster round trip
		// re-estimating earlier answers) goes to the shared window too.
		local.onRaise = (ticket, at) => this.raise(ticket, at);
	}

	/**
	 * Waits for this process's own slot (AIMD, warm-up, own window guard), books a shared slot,
	 * sleeps until it and returns the send's ticket: send at once.
	 */
	async take(clock: Clock = this.clock, signal: AbortSignal | undefined = this.signal): Promise<number> {
		for (let wait = this.local.waitMs(clock.now()); wait >= 1 && !signal?.aborted; wait = this.local.waitMs(clock.now())) await clock.sleep(wait, signal);
		await this.reserve(clock.now());
		// A late timer: the send leaves after its slot (noteSent raises its bound, see onRaise).
		return this.local.noteSent(clock.now());
	}

	/**
	 * Reserves this process's own slot (AIMD, warm-up, own window guard), books a shared slot and
	 * sleeps until it; returns 0: send at once.
	 */
	async reserve(now: number): Promise<number> {
		const localWait = this.local.reserve(now);
		const ticket = this.local.ticket;
		let at = now + Math.max(localWait, this.leadMs);
		let slot = at;
		let seq = -1;
		while (!this.signal?.aborted) {
			const rate = this.rate(at);
			const raises = this.drainRaises(this.clock.now());
			let grant;
			try {
				grant = await this.store.bookArrival(this.key, {
					ratePerS: rate,
					toleranceMs: this.toleranceMs,
					windowCount: Math.max(1, Math.floor(this.local.capMps)),
					windowMs: 1000 + this.local.guardMs,
					at,
					// A slot a few intervals away (other workers booked the next ones) is booked at
					// once; one the window guard pushed further is booked only shortly before it,
					// when the raises that came in meanwhile are known.
					maxAheadMs: this.leadMs + (MAX_AHEAD_SLOTS * 1000) / rate,
					keepMs: SHARED_KEEP_MS,
					raises,
				});
			} catch (error) {
				for (const r of raises) this.raises.set(r.seq, Math.max(this.raises.get(r.seq) ?? -Infinity, r.at));
				throw error;
			}
			if (grant.seq > 0) {
				seq = grant.seq;
				slot = grant.at;
				this.taken++;
				break;
			}
			this.deferred++;
			const wait = grant.at - this.leadMs - this.clock.now();
			if (wait >= 1) await this.clock.sleep(wait, this.signal);
			at = Math.max(grant.at, this.clock.now() + this.leadMs);
		}
		if (ticket >= 0) {
			const i = ticket % this.seqOf.length;
			this.seqOf[i] = seq;
			this.boundOf[i] = slot;
		}
		const wait = slot - this.clock.now();
		if (wait > 0) await this.clock.sleep(wait, this.signal);
		return 0;
	}

	/** Raises, for the next booking: those reported, plus this worker's sends still unanswered after 1 s + guard (arriving now at the latest). */
	private drainRaises(now: number): Array<{ seq: number; at: number }> {
		for (const ticket of this.local.overdueTickets(now)) this.raise(ticket, now, true);
		if (this.raises.size === 0) return [];
		const out = [...this.raises].map(([seq, at]) => ({ seq, at }));
		this.raises.clear();
		return out;
	}

	/** Send `ticket`'s arrival bound is now `at` (queued for the store when it moves the bound). */
	private raise(ticket: number, at: number, repeat = false): void {
		if (ticket < 0) return;
		const i = ticket % this.seqOf.length;
		const seq = this.seqOf[i];
		if (!(seq > 0)) return;
		// ≥ 0.5 ms later than reported: less is clock rounding, already inside the guard.
		if (!(at > this.boundOf[i] + (repeat ? 0 : 0.5))) return;
		this.boundOf[i] = at;
		this.raises.set(seq, Math.max(this.raises.get(seq) ?? -Infinity, at));
	}

	/** The answer to a send came back: the local guard learns the arrival bound, and so does the shared one (onRaise). */
	noteResponse(ticket: number, sentAt: number, receivedAt: number): number {
		return this.local.noteResponse(ticket, sentAt, receivedAt);
	}

	noteLeft(ticket: number, at: number): void {
		this.local.noteLeft(ticket, at);
	}

	noteUnsent(ticket: number): void {
		this.local.noteUnsent(ticket);
	}

	onThrottle(now: number): void {
		this.local.onThrottle(now);
	}

	/** The shared schedule's rate at `now` (mps). */
	rate(now: number): number {
		return this.local.rate(now) * this.paceFactor;
	}
}
