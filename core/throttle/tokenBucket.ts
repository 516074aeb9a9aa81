/**
 * One process's pacer for one business number's throughput cap (the cap itself: throughput.ts;
 * several processes sharing one number: sharedPacer.ts). Exceeding the cap returns 130429.
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
import { ArrivalWindow } from './arrivals';
import type { Clock } from './clock';

// The throughput table has its own module; re-exported for existing imports.
export { THROUGHPUT_MPS, throughputFromLevel } from './throughput';

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
	/** Called whenever a send's arrival bound is raised (SharedTokenBucket shares it with the other workers). */
	onRaise?: (ticket: number, at: number) => void;

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
			this.onRaise?.(this.lastTicket, at);
		}
		return this.lastTicket;
	}

	/**
	 * Send `ticket` actually left at `at` — later than its slot, e.g. after the ledger's dispatch mark
	 * (core/campaign/dispatch.ts): the window guard counts its arrival from then, so the sends
	 * reserved after it see where it really sits.
	 */
	noteLeft(ticket: number, at: number): void {
		if (!(ticket >= 0 && ticket >= this.arrivals.oldestTicket && ticket <= this.lastTicket)) return;
		this.arrivals.raise(ticket, at);
		const i = ticket % this.sentAt.length;
		if (at > this.sentAt[i]) this.sentAt[i] = at;
		this.onRaise?.(ticket, at);
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
	 * Tickets of the sends made before `now − 1 s − guard` that are still unanswered (once answers
	 * are reported): each may still arrive, i.e. counts as arriving now (see plan()).
	 */
	overdueTickets(now: number): number[] {
		const before = now - 1000 - this.windowGuardMs;
		if (this.unansweredBefore(before) === 0) return [];
		const out: number[] = [];
		for (let t = this.settled, seq = this.lastTicket + 1; t < seq; t++) {
			const i = t % this.sentAt.length;
			if (this.sentAt[i] > before) break;
			if (!this.answered[i]) out.push(t);
		}
		return out;
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
		this.onRaise?.(ticket, sentAt + skew);
		return skew;
	}

	/** Raises the arrival bound of every recent answered send for a new fastest round trip. */
	private reestimate(fastest: number): void {
		const seq = this.lastTicket + 1;
		for (let t = Math.max(0, seq - this.sentAt.length, this.arrivals.oldestTicket); t < seq; t++) {
			const i = t % this.sentAt.length;
			if (!this.answered[i] || !(this.receivedAt[i] > 0)) continue;
			const skew = Math.min(this.maxArrivalSkewMs, this.receivedAt[i] - this.sentAt[i] - fastest);
			if (skew > 0) {
				this.arrivals.raise(t, this.sentAt[i] + skew);
				this.onRaise?.(t, this.sentAt[i] + skew);
			}
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
