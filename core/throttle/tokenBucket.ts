/**
 * Throughput limit per business number (cloud-api.md §5 "Throughput"): 80 messages/s by default,
 * 1,000 after the automatic upgrade, 20 for coexistence numbers (shared with the WhatsApp Business
 * app). Exceeding it returns 130429.
 *
 * Pacing is GCRA-style ("virtual scheduling"): every send gets its own slot `1/rate` after the
 * previous one, so sends are spaced evenly — Meta (and the simulator) count a sliding 1 s window,
 * and releasing a second's tokens at once would overshoot it. A sender that fell behind (a stall)
 * catches up (`maxCatchUpMs`); a hard sliding-window guard (≤ cap sends in any 1 s + guard) keeps
 * catch-ups and stalls from ever exceeding the cap, and widens on each 130429.
 *
 * What Meta counts is when a request *arrives*, not when we decided to send it. Between the two
 * lie the HTTP client's own queue, event-loop stalls on a busy worker, and the server's own stalls —
 * tens of ms on a loaded machine, more than any fixed guard that still leaves ≥ 98 % of the cap.
 * So the window guard keeps, per send, the latest time it can have arrived: first the send time,
 * then, when the answer comes back, `answer time − fastest recent round trip` (the server answers
 * after it counted the request, so the arrival cannot be later than that). A new send waits until
 * 1 s + guard after the cap-th latest of those arrivals (arrivals.ts): ≤ cap arrivals in any 1 s at
 * the server. A late arrival merely takes another send's place; only real bunching costs pace.
 *
 * AIMD (peers.md §2 "Recommended synthesis" 1): on 130429 the rate is multiplied by
 * `decreaseFactor` (default 0.7; peers.md suggests halving — set 0.5 for that), then recovers
 * additively (`recoverPerS`, default 20 % of the cap per second) up to the cap.
 */
import type { Store } from '../store/types';
import { ArrivalWindow } from './arrivals';
import { systemClock, type Clock } from './clock';

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
	 * After idle time (behind schedule by more than `maxCatchUpMs`) the schedule restarts this far
	 * back (ms, default 25): at most a couple of sends at once.
	 */
	toleranceMs?: number;
	/**
	 * When the sender fell behind its schedule by at most this (ms, default 250: a stalled event
	 * loop, a slow store write, a late timer), the schedule is kept and the missed slots are sent
	 * at once — the window guard keeps that catch-up within the cap. Further behind counts as idle
	 * time: the schedule restarts `toleranceMs` back.
	 */
	maxCatchUpMs?: number;
	/** Ignore further 130429 for this long after a cut (responses to requests already in flight). */
	cutCooldownMs?: number;
	/**
	 * Slow start: the rate ramps linearly from 50 % to 100 % over this long after the first send
	 * (default 500 ms). Fresh connections arrive bunched (TCP/TLS setup); ramping keeps the first
	 * 1 s window under the cap.
	 */
	warmupMs?: number;
	/**
	 * Hard sliding-window guard: never more than `capMps` sends in any (1 s + guardMs), counted
	 * from each send's latest possible arrival (see `noteResponse`). Default 5 ms: rounding of
	 * millisecond clocks and the part of the jitter the answers cannot reveal.
	 */
	windowGuardMs?: number;
	/** Each 130429 widens the guard by 10 ms (the jitter was larger than assumed), up to this. Default 60. */
	maxWindowGuardMs?: number;
	/**
	 * Use each answer to bound its request's arrival time (default true). Off: the guard counts from
	 * send times only, and must then be wide enough for every stall between us and Meta.
	 */
	arrivalFeedback?: boolean;
	/**
	 * An answer never moves its request's arrival estimate more than this past the send time (ms,
	 * default 1000): a longer delay is mostly the answer's own way back.
	 */
	maxArrivalSkewMs?: number;
}

/** An owed unused slot is booked within this long (ms) before its deadline (see SharedTokenBucket). */
const BURN_MARGIN_MS = 100;

/** How long one "recent minimum" round-trip window lasts (ms; two windows are kept). */
const RTT_WINDOW_MS = 5000;

export class TokenBucket {
	readonly capMps: number;
	private readonly target: number;
	private readonly decreaseFactor: number;
	private readonly recoverPerS: number;
	private readonly minMps: number;
	private readonly toleranceMs: number;
	private readonly maxCatchUpMs: number;
	private readonly cutCooldownMs: number;
	private cutRate: number;
	private readonly warmupMs: number;
	private windowGuardMs: number;
	private readonly maxWindowGuardMs: number;
	private readonly arrivalFeedback: boolean;
	private readonly maxArrivalSkewMs: number;
	/** Latest possible arrival of each recent send, for the sliding-window guard. */
	private readonly arrivals: ArrivalWindow;
	/** How many arrivals one 1 s window may hold (floor of the cap). */
	private readonly windowCount: number;
	private lastTicket = -1;
	private startedAt?: number;
	private cutAt = -Infinity;
	private nextSlot = -Infinity;
	/** Fastest round trip in the current and the previous RTT_WINDOW_MS of answers. */
	private rttMin = Infinity;
	private rttPrevMin = Infinity;
	private rttWindowStart = -Infinity;
	/** Answers seen (the unanswered-send rule below applies once answers are reported at all). */
	private answers = 0;
	/** Per recent ticket: send time, and whether its answer (or its cancellation) came. */
	private readonly sentAt: Float64Array;
	private readonly receivedAt: Float64Array;
	private readonly answered: Uint8Array;
	/** Tickets below this are settled (answered, or too old to matter). */
	private settled = 0;
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
		this.maxCatchUpMs = Math.max(this.toleranceMs, options.maxCatchUpMs ?? 250);
		this.cutCooldownMs = options.cutCooldownMs ?? 1000;
		this.cutRate = this.target;
		this.warmupMs = Math.max(0, options.warmupMs ?? 500);
		this.windowGuardMs = Math.max(0, options.windowGuardMs ?? 5);
		this.maxWindowGuardMs = Math.max(this.windowGuardMs, options.maxWindowGuardMs ?? 60);
		this.arrivalFeedback = options.arrivalFeedback ?? true;
		this.maxArrivalSkewMs = Math.max(0, options.maxArrivalSkewMs ?? 1000);
		this.windowCount = Math.max(1, Math.floor(options.capMps));
		const horizon = Math.ceil(this.windowCount * (2 + this.maxArrivalSkewMs / 1000)) + 64;
		this.arrivals = new ArrivalWindow(horizon);
		this.sentAt = new Float64Array(horizon);
		this.receivedAt = new Float64Array(horizon);
		this.answered = new Uint8Array(horizon);
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

	/** The current sliding-window guard (ms beyond 1 s). */
	get guardMs(): number {
		return this.windowGuardMs;
	}

	/**
	 * Takes the next send slot: returns how long to wait (ms) before sending. The slot is reserved
	 * whether or not the caller waits, so concurrent callers are spaced one interval apart.
	 */
	reserve(now: number): number {
		if (this.startedAt === undefined) this.startedAt = now;
		const interval = 1000 / this.rate(now);
		const { scheduled, slot } = this.plan(now);
		// A slot in the past (catch-up) is used now: the window keeps the actual send time.
		this.lastTicket = this.arrivals.add(Math.max(slot, now));
		const i = this.lastTicket % this.sentAt.length;
		this.sentAt[i] = Math.max(slot, now);
		this.receivedAt[i] = 0;
		this.answered[i] = 0;
		// Arrivals that can no longer bound any slot (even raised by a late answer) are dropped.
		this.arrivals.prune(now - 1000 - this.maxWindowGuardMs - this.maxArrivalSkewMs - 1, 0);
		// The schedule itself is not moved by the window guard: slots it held back are made up as
		// soon as the window has room (within maxCatchUpMs), so a stall costs no pace.
		this.nextSlot = scheduled + interval;
		return Math.max(0, slot - now);
	}

	/** The next send's slot if it were reserved at `now` (nothing is reserved). */
	private plan(now: number): { scheduled: number; slot: number } {
		// ≤ cap − 1 earlier arrivals within 1 s (+ guard) before this one: ≤ cap in any 1 s window.
		// A send still unanswered after that long may yet arrive (a stalled client, or answers not
		// read yet): it counts as arriving now.
		const pending = this.unansweredBefore(now - 1000 - this.windowGuardMs);
		const bound =
			pending >= this.windowCount ? now + 1000 + this.windowGuardMs : this.arrivals.kthLatest(this.windowCount - pending) + 1000 + this.windowGuardMs;
		// Behind by ≤ maxCatchUpMs (a stall): keep the schedule; further (idle): restart near now.
		const behind = now - this.nextSlot;
		const scheduled = behind <= this.maxCatchUpMs ? this.nextSlot : now - this.toleranceMs;
		return { scheduled, slot: Math.max(scheduled, bound) };
	}

	/** How long (ms) the next send would have to wait at `now` (nothing is reserved). */
	waitMs(now: number): number {
		return Math.max(0, this.plan(now).slot - now);
	}

	/**
	 * Waits until the next send may go, then reserves it and returns its ticket. The wait is
	 * re-checked after each sleep: answers that came in meanwhile may have moved the window guard.
	 */
	async take(clock: Clock, signal?: AbortSignal): Promise<number> {
		for (let wait = this.waitMs(clock.now()); wait >= 1 && !signal?.aborted; wait = this.waitMs(clock.now())) await clock.sleep(wait, signal);
		this.reserve(clock.now());
		return this.noteSent(clock.now());
	}

	/** The ticket of the last reserved slot (-1 before the first). */
	get ticket(): number {
		return this.lastTicket;
	}

	/**
	 * The send of the last reserved slot actually left at `at` (a timer may fire late): the window
	 * guard then counts from the real time. Returns the send's ticket for `noteResponse`.
	 */
	noteSent(at: number): number {
		if (this.lastTicket >= 0) {
			this.arrivals.raise(this.lastTicket, at);
			const i = this.lastTicket % this.sentAt.length;
			if (at > this.sentAt[i]) this.sentAt[i] = at;
		}
		return this.lastTicket;
	}

	/** Send `ticket` was not made after all (no request went out): no answer will come. */
	noteUnsent(ticket: number): void {
		if (ticket >= 0 && ticket >= this.arrivals.oldestTicket) this.answered[ticket % this.answered.length] = 1;
	}

	/**
	 * How many sends made before `before` are still unanswered (once answers are reported). A send
	 * unanswered past the longest arrival skew is given up on (its request failed or hangs).
	 */
	private unansweredBefore(before: number): number {
		if (!this.arrivalFeedback || this.answers === 0) return 0;
		const seq = this.lastTicket + 1;
		const oldest = Math.max(this.settled, seq - this.sentAt.length);
		const giveUp = before - this.maxArrivalSkewMs;
		let t = oldest;
		while (t < seq) {
			const i = t % this.sentAt.length;
			if (this.answered[i] || this.sentAt[i] < giveUp) t++;
			else break;
		}
		this.settled = t;
		let n = 0;
		for (; t < seq; t++) {
			const i = t % this.sentAt.length;
			if (this.sentAt[i] > before) break;
			if (!this.answered[i]) n++;
		}
		return n;
	}

	/**
	 * The answer to send `ticket` (sent at `sentAt`) came back at `receivedAt`. The server counted
	 * the request before answering, so it arrived no later than `receivedAt − fastest round trip`:
	 * a request that sat in a client queue or behind a server stall is counted from that bound.
	 * Returns how much later than `sentAt` the request may have arrived (ms, ≥ 0).
	 */
	noteResponse(ticket: number, sentAt: number, receivedAt: number): number {
		const rtt = receivedAt - sentAt;
		if (!this.arrivalFeedback || !Number.isFinite(rtt) || rtt < 0) return 0;
		this.answers++;
		if (ticket >= 0 && ticket >= this.arrivals.oldestTicket) this.answered[ticket % this.answered.length] = 1;
		// The fastest round trip of the last 5–10 s: a busy stretch inflates every round trip, so a
		// short window would take its inflated minimum for the normal one.
		if (receivedAt - this.rttWindowStart >= RTT_WINDOW_MS) {
			this.rttPrevMin = receivedAt - this.rttWindowStart < 2 * RTT_WINDOW_MS ? this.rttMin : Infinity;
			this.rttMin = Infinity;
			this.rttWindowStart = receivedAt;
		}
		const before = Math.min(this.rttMin, this.rttPrevMin);
		if (rtt < this.rttMin) this.rttMin = rtt;
		const fastest = Math.min(this.rttMin, this.rttPrevMin);
		if (ticket >= 0 && ticket >= this.arrivals.oldestTicket) this.receivedAt[ticket % this.receivedAt.length] = receivedAt;
		// A faster round trip than any so far (e.g. the first answers, slowed by connection set-up,
		// set a high floor): the sends already answered may have arrived later than estimated.
		if (fastest < before - 1 && before !== Infinity) this.reestimate(fastest);
		const skew = Math.min(this.maxArrivalSkewMs, rtt - fastest);
		if (!(skew > 0)) return 0;
		this.arrivals.raise(ticket, sentAt + skew);
		return skew;
	}

	/** Raises the arrival bound of every recent answered send for a new fastest round trip. */
	private reestimate(fastest: number): void {
		const seq = this.lastTicket + 1;
		for (let t = Math.max(0, seq - this.sentAt.length, this.arrivals.oldestTicket); t < seq; t++) {
			const i = t % this.sentAt.length;
			if (!this.answered[i] || !(this.receivedAt[i] > 0)) continue;
			const skew = Math.min(this.maxArrivalSkewMs, this.receivedAt[i] - this.sentAt[i] - fastest);
			if (skew > 0) this.arrivals.raise(t, this.sentAt[i] + skew);
		}
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

export interface SharedTokenBucketOptions {
	clock?: Clock;
	signal?: AbortSignal;
	/**
	 * Burst of the shared bucket, as ms of tokens beyond one (default 1 ms): slots left unused that
	 * long can still be taken. Any 1 s holds ≤ rate + burst slots, < cap + 1.
	 */
	toleranceMs?: number;
	/**
	 * Slots are booked this far ahead of the send (default 3 ms, about the store's round trip): the
	 * worker books, then sleeps until the slot. Longer leaves slots unused when demand is tight.
	 */
	leadMs?: number;
	/**
	 * The shared schedule runs at this fraction of the local rate (default 0.995: 98.5 % of the cap).
	 * The 0.5 % buys slack for late arrivals (≈ 13 ms instead of 8 at 99 %), which a worker pays for
	 * with unused slots because it cannot see the other workers' sends; on a busy machine that
	 * costs more than the 0.5 %.
	 */
	paceFactor?: number;
}

/**
 * A number's pace shared by several processes/workers through the store's bucket
 * (Store.takeTokens): one shared GCRA schedule, one slot per send, so the workers together stay
 * under the cap with the same precision as one process.
 *
 * Each send books one token at a time slightly ahead (`takeTokens(…, now = slot)`: the bucket
 * never refills backwards, so a booked slot is taken for everyone) and is sent at that slot. The
 * bucket's burst is 1 + toleranceMs of tokens: any 1 s holds ≤ rate + burst booked slots, < cap + 1. (A lease of many tokens per call would let one worker's batch overlap
 * another's: burst + rate·1 s, over the cap.)
 *
 * A send that left after its slot, or that its answer shows arrived late (beyond the schedule's
 * slack), sits in 1 s windows that also hold the slots up to ≈ cap slots after its own: one slot
 * too many there. This worker then books one slot in that span and leaves it unused
 * (`noteResponse`), which takes that one back — at most one unused slot per late send (late sends
 * whose over-full windows don't overlap share one), not a shift of the whole schedule.
 */
export class SharedTokenBucket {
	private readonly clock: Clock;
	private readonly signal?: AbortSignal;
	private readonly toleranceMs: number;
	private readonly leadMs: number;
	private readonly paceFactor: number;
	/**
	 * Unused slots owed for late sends, in groups that one unused slot can serve: book it in
	 * [lo, hi] (after every late arrival of the group, before the first partner slot); the sends'
	 * over-full windows must not overlap (rEnd: where the last one's ends).
	 */
	private burns: Array<{ lo: number; hi: number; rEnd: number }> = [];
	/** Booked slot of each recent ticket (ticket mod length). */
	private readonly booked = new Float64Array(4096).fill(Number.NaN);
	/** Shared slots taken so far by this process. */
	taken = 0;
	/** Shared slots left unused to absorb late arrivals. */
	burnt = 0;

	constructor(
		private readonly store: Pick<Store, 'takeTokens'>,
		private readonly key: string,
		readonly local: TokenBucket,
		options: SharedTokenBucketOptions = {},
	) {
		this.clock = options.clock ?? systemClock;
		this.signal = options.signal;
		this.toleranceMs = Math.max(0, options.toleranceMs ?? 1);
		this.leadMs = Math.max(0, options.leadMs ?? 3);
		this.paceFactor = Math.min(1, Math.max(0.5, options.paceFactor ?? 0.995));
	}

	private burst(rate: number): number {
		return 1 + (rate * this.toleranceMs) / 1000;
	}

	/**
	 * Waits for this process's own slot (AIMD, warm-up, own window guard), books a shared slot,
	 * sleeps until it and returns the send's ticket: send at once.
	 */
	async take(clock: Clock = this.clock, signal: AbortSignal | undefined = this.signal): Promise<number> {
		for (let wait = this.local.waitMs(clock.now()); wait >= 1 && !signal?.aborted; wait = this.local.waitMs(clock.now())) await clock.sleep(wait, signal);
		await this.reserve(clock.now());
		return this.local.noteSent(clock.now());
	}

	/**
	 * Reserves this process's own slot (AIMD, warm-up, own window guard), books a shared slot and
	 * sleeps until it; returns 0: send at once.
	 */
	async reserve(now: number): Promise<number> {
		const localWait = this.local.reserve(now);
		const ticket = this.local.ticket;
		let at = Math.ceil(now + Math.max(localWait, this.leadMs));
		for (;;) {
			if (this.signal?.aborted) return 0;
			const rate = this.rate(at);
			const grant = await this.store.takeTokens(this.key, rate, this.burst(rate), 1, at);
			if (grant.granted > 0) {
				this.taken++;
				while (this.burns.length && this.burns[0].hi < at) this.burns.shift(); // too late to help
				// Paid as late as safely possible, so that later late sends can share the slot.
				if (this.burns.length && this.burns[0].lo <= at && at >= this.burns[0].hi - BURN_MARGIN_MS) {
					this.burns.shift();
					this.burnt++;
					continue; // left unused: takes back the slot a late send occupies
				}
				break;
			}
			// Booked by someone else: the next free slot is waitMs after `at` (or the clock moved on).
			at = Math.max(at + Math.max(1, grant.waitMs), Math.ceil(this.clock.now()));
		}
		if (ticket >= 0) this.booked[ticket % this.booked.length] = at;
		const wait = at - this.clock.now();
		if (wait > 0) await this.clock.sleep(wait, this.signal);
		return 0;
	}

	/**
	 * The answer to a send came back: the local guard learns the arrival bound; a send that left
	 * after its slot or arrived late, beyond the shared schedule's slack, costs one unused slot,
	 * booked after its arrival and before ≈ cap slots after its own slot.
	 */
	noteResponse(ticket: number, sentAt: number, receivedAt: number): number {
		const skew = this.local.noteResponse(ticket, sentAt, receivedAt);
		const slot = ticket >= 0 ? this.booked[ticket % this.booked.length] : Number.NaN;
		const base = Number.isFinite(slot) && slot <= sentAt ? slot : sentAt;
		const late = sentAt - base + skew;
		if (!(late > 0)) return skew;
		const rate = this.rate(receivedAt);
		// cap + 1 booked slots span ≥ (cap + 1 − burst) / rate: the part beyond 1 s (less 1 ms of
		// clock rounding) is free slack for a late arrival.
		const slack = ((this.local.capMps + 1 - this.burst(rate)) * 1000) / rate - 1000 - 1;
		if (late > Math.max(0, slack)) {
			// It arrived at `arrival`; the windows that then hold one slot too many are those ending
			// in [its partner slot ≈ cap slots later, arrival + 1 s). One unused slot booked between
			// the arrival and that partner slot takes the extra one out of all of them.
			const arrival = base + late;
			const hi = base + ((this.local.capMps + 1 - this.burst(rate)) * 1000) / rate - 1;
			const last = this.burns[this.burns.length - 1];
			if (last && arrival <= last.hi && hi >= last.lo && hi >= last.rEnd) {
				last.lo = Math.max(last.lo, arrival);
				last.hi = Math.min(last.hi, hi);
				last.rEnd = Math.max(last.rEnd, arrival + 1000);
			} else if (hi > receivedAt) this.burns.push({ lo: arrival, hi, rEnd: arrival + 1000 });
		}
		return skew;
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
