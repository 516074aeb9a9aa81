/**
 * The Campaign Report an n8n user reads (issue 17, "Progress an n8n user sees"): the summary of
 * control.ts plus
 *  - funnel      sent → delivered → read → replied (each stage counts the later ones: a read
 *                message was delivered), and failed;
 *  - eta         when what is left should be sent, at the campaign's recent pace (estimateEta);
 *  - nextDueAt   when the earliest waiting recipient (retry / deferred) becomes sendable;
 *  - sendsPerHour the last 24 clock hours (Store.sendsPerHour, from recipients' dispatched_at),
 *                oldest first, hours without sends included as 0;
 *  - perNumber   one row per business number (Store.reportByNumber: per row of the ledger once it
 *                names a number per recipient — sender pools —, else the campaign's one number);
 *  - failures    per error code with Meta's title (core/graph/errorTitles.ts).
 * core/campaign/htmlReport.ts renders it as one HTML page.
 */
import { metaErrorTitle } from '../graph/errorTitles';
import type { HourlySends, NumberReport, RecipientState, Store } from '../store/types';
import { campaignSummary, type CampaignSummary } from './control';

export const HOUR_MS = 3_600_000;

export interface Funnel {
	sent: number;
	delivered: number;
	read: number;
	replied: number;
	failed: number;
}

export interface NumberRow extends Funnel {
	phoneNumberId: string;
	total: number;
	/** queued + retry + deferred + sending. */
	remaining: number;
	sendsLast24h: number;
}

export interface FailureRow {
	code: string;
	/** Meta's title for the code ('' when the code is not one of Meta's documented ones). */
	title: string;
	count: number;
}

export interface ProgressReport extends CampaignSummary {
	generatedAt: string;
	phoneNumberId: string;
	funnel: Funnel;
	/** Recipients still to send: queued + retry + deferred + sending. */
	remaining: number;
	/** ISO time the remaining recipients should all be sent by, at the recent pace; null when unknown or nothing is left. */
	eta: string | null;
	/** How eta was worked out (or why there is none). */
	etaBasis: string;
	/** ISO time the earliest waiting (retry / deferred) recipient becomes due; null when none waits. */
	nextDueAt: string | null;
	/** The last 24 clock hours, oldest first (the current hour last). */
	sendsPerHour: { hour: string; sends: number }[];
	perNumber: NumberRow[];
	failures: FailureRow[];
}

const WAITING: RecipientState[] = ['queued', 'retry', 'deferred', 'sending'];

/** Funnel counts from ledger states: each stage includes the later ones. */
export function funnelOf(byState: Partial<Record<RecipientState, number>>): Funnel {
	const n = (s: RecipientState) => byState[s] ?? 0;
	const replied = n('replied');
	const read = n('read') + replied;
	const delivered = n('delivered') + read;
	return { sent: n('accepted') + delivered, delivered, read, replied, failed: n('failed') };
}

export function remainingOf(byState: Partial<Record<RecipientState, number>>): number {
	return WAITING.reduce((a, s) => a + (byState[s] ?? 0), 0);
}

/** The 24 clock hours ending with the current one, oldest first, 0 where nothing was sent. */
export function hourlySeries(rows: readonly HourlySends[], now: number, hours = 24): { hour: string; sends: number }[] {
	const current = Math.floor(now / HOUR_MS) * HOUR_MS;
	const first = current - (hours - 1) * HOUR_MS;
	const sums = new Map<number, number>();
	for (const r of rows) if (r.hourStart >= first && r.hourStart <= current) sums.set(r.hourStart, (sums.get(r.hourStart) ?? 0) + r.sends);
	return Array.from({ length: hours }, (_, i) => {
		const h = first + i * HOUR_MS;
		return { hour: new Date(h).toISOString(), sends: sums.get(h) ?? 0 };
	});
}

export interface EtaInput {
	now: number;
	state: string;
	/** queued + retry + sending (sendable as soon as the pace allows). */
	ready: number;
	/** deferred (waiting for the messaging limit or the next day). */
	deferred: number;
	/** Per-hour sends (Store.sendsPerHour rows). */
	hourly: readonly HourlySends[];
	/** When the campaign's sending began (its creation): the rate is never measured over time before it. */
	startedAt?: number;
	/** The earliest due time of a waiting recipient. */
	nextDueAt?: number;
	/** The pace to assume when nothing was sent recently (e.g. the number's mps), messages per second. */
	fallbackMps?: number;
}

/**
 * ETA: now + remaining ÷ the recent pace, where the pace is the sends of the current and the
 * previous clock hour over the time they cover (never before the campaign started); with nothing
 * sent in those two hours, the last 24 h; with nothing at all, `fallbackMps` if given. When only
 * deferred recipients are left, they cannot go before nextDueAt: the ETA is not earlier than that.
 * A campaign that is paused / stopped has no ETA (it sends nothing until resumed).
 */
export function estimateEta(input: EtaInput): { eta: number | null; basis: string } {
	const remaining = input.ready + input.deferred;
	if (remaining === 0) return { eta: null, basis: 'nothing left to send' };
	if (input.state !== 'running' && input.state !== 'completed') return { eta: null, basis: `campaign is ${input.state}: resume it to continue` };
	const { now } = input;
	const current = Math.floor(now / HOUR_MS) * HOUR_MS;
	const rateOver = (fromHour: number, label: string): { perMs: number; basis: string } | undefined => {
		const sends = input.hourly.filter((r) => r.hourStart >= fromHour && r.hourStart <= current).reduce((a, r) => a + r.sends, 0);
		const from = Math.max(fromHour, input.startedAt ?? -Infinity);
		const span = Math.max(now - from, 60_000);
		return sends > 0 ? { perMs: sends / span, basis: `${sends} sends ${label}` } : undefined;
	};
	const rate =
		rateOver(current - HOUR_MS, 'in the last 2 clock hours') ??
		rateOver(current - 23 * HOUR_MS, 'in the last 24 h') ??
		(input.fallbackMps && input.fallbackMps > 0 ? { perMs: input.fallbackMps / 1000, basis: `assumed ${input.fallbackMps} mps (no sends in the last 24 h)` } : undefined);
	if (!rate) return { eta: null, basis: 'no sends in the last 24 h to measure a pace' };
	let eta = now + Math.ceil(remaining / rate.perMs);
	let basis = `${remaining} left at ${Math.round(rate.perMs * HOUR_MS)}/h (${rate.basis})`;
	if (input.ready === 0 && input.nextDueAt !== undefined && input.nextDueAt > eta) {
		eta = input.nextDueAt + Math.ceil(input.deferred / rate.perMs);
		basis += `; deferred recipients wait until ${new Date(input.nextDueAt).toISOString()}`;
	}
	return { eta, basis };
}

export interface ProgressReportOptions {
	now?: number;
	/** The pace to assume for the ETA when nothing was sent in the last 24 h (mps). */
	fallbackMps?: number;
}

/** The Campaign Report (see the top of this file). Throws when the campaign does not exist. */
export async function campaignProgressReport(store: Store, campaignId: string, options: ProgressReportOptions = {}): Promise<ProgressReport> {
	const now = options.now ?? Date.now();
	const summary = await campaignSummary(store, campaignId);
	const campaign = await store.getCampaign(campaignId);
	const phoneNumberId = campaign?.phoneNumberId ?? '';
	const since = Math.floor(now / HOUR_MS) * HOUR_MS - 23 * HOUR_MS;
	const [hourly, numbers, due] = await Promise.all([store.sendsPerHour(campaignId, since), store.reportByNumber(campaignId), store.nextDueAt(campaignId)]);
	const n = (s: RecipientState) => summary.byState[s] ?? 0;
	const ready = n('queued') + n('retry') + n('sending');
	const { eta, basis } = estimateEta({
		now,
		state: summary.state,
		ready,
		deferred: n('deferred'),
		hourly,
		startedAt: campaign?.createdAt,
		nextDueAt: due,
		fallbackMps: options.fallbackMps,
	});
	return {
		...summary,
		generatedAt: new Date(now).toISOString(),
		phoneNumberId,
		funnel: funnelOf(summary.byState),
		remaining: remainingOf(summary.byState),
		eta: eta === null ? null : new Date(eta).toISOString(),
		etaBasis: basis,
		nextDueAt: due === undefined ? null : new Date(due).toISOString(),
		sendsPerHour: hourlySeries(hourly, now),
		perNumber: perNumberRows(numbers, hourly, phoneNumberId, since),
		failures: failureRows(summary.byErrorCode),
	};
}

/** Per-number rows; ledger rows without a number belong to the campaign's own number. */
export function perNumberRows(numbers: readonly NumberReport[], hourly: readonly HourlySends[], campaignNumber: string, since: number): NumberRow[] {
	const merged = new Map<string, NumberReport>();
	for (const r of numbers.length ? numbers : [{ total: 0, byState: {} } as NumberReport]) {
		const id = r.phoneNumberId ?? campaignNumber;
		const m = merged.get(id) ?? { phoneNumberId: id, total: 0, byState: {} };
		m.total += r.total;
		for (const [state, n] of Object.entries(r.byState) as Array<[keyof NumberReport['byState'], number]>) m.byState[state] = (m.byState[state] ?? 0) + n;
		merged.set(id, m);
	}
	return [...merged.entries()].map(([id, r]) => {
		const sendsLast24h = hourly.filter((h) => h.hourStart >= since && (h.phoneNumberId ?? campaignNumber) === id).reduce((a, h) => a + h.sends, 0);
		return { phoneNumberId: id, total: r.total, ...funnelOf(r.byState), remaining: remainingOf(r.byState), sendsLast24h };
	});
}

/** Failures per error code, most frequent first, with Meta's titles. */
export function failureRows(byErrorCode: Record<string, number>): FailureRow[] {
	return Object.entries(byErrorCode)
		.map(([code, count]) => ({ code, title: metaErrorTitle(code) ?? '', count }))
		.sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}
