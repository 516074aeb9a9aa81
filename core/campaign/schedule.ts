/**
 * When a campaign may send (issue 17): Start At, End By, and a Send Window of days and hours in the
 * recipient's local time (or one fixed zone). Pure: times are epoch ms, zones IANA names, local
 * clock arithmetic through Intl (daylight-saving changes included).
 *
 * Example: `{ days: ['mon','tue','wed','thu','fri','sat'], from: '09:00', to: '20:00', zone: 'recipient' }`
 * sends to a Mumbai number 09:00–20:00 IST and to a São Paulo number 09:00–20:00 BRT.
 */
import { phoneTimeZone } from '../phone/timezone';

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface SendWindow {
	/** Days the window is open (default every day). */
	days?: Weekday[];
	/** Local opening time "HH:MM" (default 00:00). */
	from?: string;
	/** Local closing time "HH:MM", exclusive (default 24:00). A window may cross midnight (22:00–06:00). */
	to?: string;
	/** 'recipient': each recipient's own zone (from their number); 'fixed': `fixedZone` for everyone. */
	zone?: 'recipient' | 'fixed';
	/** IANA zone for 'fixed' (e.g. Europe/Berlin). */
	fixedZone?: string;
	/** IANA zone when a number's zone is unknown (default UTC). */
	defaultZone?: string;
}

export interface CampaignSchedule {
	/** No sends before (epoch ms). */
	startAt?: number;
	/** After it, what is left is 'expired' (epoch ms). */
	endBy?: number;
	window?: SendWindow;
}

const MINUTES_PER_DAY = 24 * 60;

/** "HH:MM" → minutes after midnight; throws naming the field for anything else. */
export function parseClock(value: string | undefined, field: string, fallback: number): number {
	if (value === undefined || value === '') return fallback;
	const m = /^(\d{1,2}):(\d{2})$/.exec(String(value).trim());
	if (!m || Number(m[1]) > 24 || Number(m[2]) > 59 || (Number(m[1]) === 24 && Number(m[2]) > 0)) {
		throw new Error(`${field} must be a time like 09:00 (24 h clock), got ${JSON.stringify(value)}`);
	}
	return Number(m[1]) * 60 + Number(m[2]);
}

/** Checks a window's fields (days, times, zones) and returns it normalised; errors name the field. */
export function checkSendWindow(w: SendWindow): Required<Pick<SendWindow, 'days' | 'zone' | 'defaultZone'>> & SendWindow & { fromMin: number; toMin: number } {
	const days = (w.days && w.days.length ? w.days : [...WEEKDAYS]).map((d) => String(d).toLowerCase().slice(0, 3) as Weekday);
	for (const d of days) if (!WEEKDAYS.includes(d)) throw new Error(`Send Window: unknown day ${JSON.stringify(d)} (use mon, tue, … sun)`);
	const fromMin = parseClock(w.from, 'Send Window: From', 0);
	const toMin = parseClock(w.to, 'Send Window: To', MINUTES_PER_DAY);
	if (fromMin === toMin) throw new Error('Send Window: From and To are the same time (the window would never open)');
	const zone = w.zone ?? 'recipient';
	if (zone === 'fixed' && !w.fixedZone) throw new Error('Send Window: Fixed Time Zone is required when the window is in one fixed zone');
	for (const z of [w.fixedZone, w.defaultZone]) if (z && !isZone(z)) throw new Error(`Send Window: unknown time zone ${JSON.stringify(z)} (use an IANA name such as Asia/Kolkata)`);
	return { ...w, days, zone, defaultZone: w.defaultZone || 'UTC', fromMin, toMin };
}

export function isZone(zone: string): boolean {
	try {
		new Intl.DateTimeFormat('en-US', { timeZone: zone });
		return true;
	} catch {
		return false;
	}
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
	let f = formatters.get(zone);
	if (!f) {
		f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
		formatters.set(zone, f);
	}
	return f;
}

/** The local wall clock of `at` in `zone`: weekday, minutes after midnight, and the zone's offset (ms). */
export function localTime(at: number, zone: string): { weekday: Weekday; minutes: number; offsetMs: number } {
	const parts: Record<string, string> = {};
	for (const p of formatter(zone).formatToParts(new Date(at))) parts[p.type] = p.value;
	const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
	const offsetMs = asUtc - Math.floor(at / 1000) * 1000;
	return { weekday: parts.weekday.toLowerCase().slice(0, 3) as Weekday, minutes: Number(parts.hour) * 60 + Number(parts.minute), offsetMs };
}

/**
 * The zone a recipient's window is read in: the campaign's fixed zone, else the recipient's own
 * (from their number, core/phone/timezone.ts), else the window's default zone.
 */
export async function recipientZone(window: ReturnType<typeof checkSendWindow>, waId: string): Promise<string> {
	return window.zone === 'fixed' ? (window.fixedZone as string) : ((await phoneTimeZone(waId)) ?? window.defaultZone);
}

/** True when `at` is inside the window in `zone`. */
export function isOpen(window: ReturnType<typeof checkSendWindow>, zone: string, at: number): boolean {
	const { weekday, minutes } = localTime(at, zone);
	const { fromMin, toMin, days } = window;
	if (fromMin < toMin) return days.includes(weekday) && minutes >= fromMin && minutes < toMin;
	// Crosses midnight: the part after midnight belongs to the previous day's window.
	if (minutes >= fromMin) return days.includes(weekday);
	const yesterday = WEEKDAYS[(WEEKDAYS.indexOf(weekday) + 6) % 7];
	return minutes < toMin && days.includes(yesterday);
}

/**
 * The next moment ≥ `at` the window is open in `zone` (`at` itself when open now), or undefined when
 * it never opens. Walks local days (at most 8) and converts each local opening back to UTC with the
 * zone's offset at that moment (re-checked once, for days that change to or from daylight saving).
 */
export function nextOpening(window: ReturnType<typeof checkSendWindow>, zone: string, at: number): number | undefined {
	if (isOpen(window, zone, at)) return at;
	const { offsetMs } = localTime(at, zone);
	const localNow = at + offsetMs;
	const localMidnight = Math.floor(localNow / 86_400_000) * 86_400_000;
	for (let day = 0; day <= 8; day++) {
		const localOpen = localMidnight + day * 86_400_000 + window.fromMin * 60_000;
		let utc = localOpen - offsetMs;
		utc = localOpen - localTime(utc, zone).offsetMs;
		if (utc > at && isOpen(window, zone, utc)) return utc;
	}
	return undefined;
}

export interface ForecastInput {
	/** Recipients to send per time zone (the window's zone for each). */
	byZone: Map<string, number>;
	window?: ReturnType<typeof checkSendWindow>;
	/** Sends per second the number allows (the pace is taken at 99 %). */
	mps: number;
	/** Unique recipients per rolling 24 h (Infinity = unlimited), and how many are already counted now. */
	limit: number;
	usedNow?: number;
	/** First possible send (Start At or now). */
	start: number;
	endBy?: number;
	/** Give up after this many days of simulated time (default 60). */
	maxDays?: number;
}

export interface Forecast {
	/** Sends per hour (ISO hour → count), in time order. */
	perHour: Array<{ hour: string; sends: number }>;
	/** When the last recipient is sent (undefined: not within maxDays / before End By). */
	finishAt?: number;
	/** Recipients left unsent at End By (or after maxDays). */
	unsent: number;
}

/**
 * Forecasts a campaign under its send window, the rolling-24 h budget and the throughput, minute by
 * minute: each minute every zone whose window is open may send, within the number's pace and what
 * the budget has left (sends older than 24 h free their slots). Pure, O(days × 1,440 × zones).
 */
export function forecastCampaign(input: ForecastInput): Forecast {
	const perMinute = Math.max(1, Math.floor(input.mps * 0.99 * 60));
	const left = new Map([...input.byZone].filter(([, n]) => n > 0));
	const sentAt: number[] = []; // per minute index: sends made then (for the rolling 24 h budget)
	let used = input.usedNow ?? 0;
	const hours = new Map<string, number>();
	const startMinute = Math.ceil(input.start / 60_000) * 60_000;
	const maxMinutes = (input.maxDays ?? 60) * 1440;
	let finishAt: number | undefined;
	let remaining = [...left.values()].reduce((a, b) => a + b, 0);
	for (let m = 0; m < maxMinutes && remaining > 0; m++) {
		const t = startMinute + m * 60_000;
		if (input.endBy !== undefined && t >= input.endBy) break;
		// Sends older than 24 h leave the budget (the ones counted before the forecast are taken as fresh).
		if (m >= 1440) used -= sentAt[m - 1440] ?? 0;
		let capacity = Math.min(perMinute, input.limit === Infinity ? Infinity : Math.max(0, input.limit - used));
		let sent = 0;
		for (const [zone, n] of left) {
			if (capacity <= 0) break;
			if (n <= 0 || (input.window && !isOpen(input.window, zone, t))) continue;
			const k = Math.min(n, capacity);
			left.set(zone, n - k);
			capacity -= k;
			sent += k;
		}
		sentAt[m] = sent;
		if (sent > 0) {
			used += sent;
			remaining -= sent;
			const hour = new Date(Math.floor(t / 3_600_000) * 3_600_000).toISOString();
			hours.set(hour, (hours.get(hour) ?? 0) + sent);
			if (remaining === 0) finishAt = t + Math.ceil((sent / perMinute) * 60_000);
		}
	}
	return { perHour: [...hours].map(([hour, sends]) => ({ hour, sends })), finishAt, unsent: remaining };
}
