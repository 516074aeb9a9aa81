/**
 * Progress a Send Campaign execution shows while it runs (issue 17): every few seconds the counts,
 * the pace, what is left and an ETA —
 *  - in n8n's log (`this.logger.info`, level info; the line of issue #7 with "N left, ETA …"
 *    appended while something is left), and
 *  - in the editor (`this.sendMessageToUI`: n8n shows it in the browser console of a manual run;
 *    n8n ignores it in production runs).
 * "Left" is the campaign's queued + retry + sending recipients, re-read from the store (at most once
 * per report, never awaited by the send loop); the ETA is now + left ÷ the current pace.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import type { CampaignProgress } from '../../core/campaign/types';
import type { Store } from '../../core/store/types';

export interface ProgressLine {
	message: string;
	meta: CampaignProgress & { remaining?: number; eta?: string };
}

/** The progress line (pure): the counts, and "N left, ETA …" when the left count is known and non-zero. */
export function progressLine(campaignId: string, p: CampaignProgress, remaining: number | undefined, now: number): ProgressLine {
	const base = `WhatsApp campaign ${campaignId}: ${p.accepted} accepted, ${p.skipped} skipped, ${p.failed} failed, ${p.deferred} deferred, ${p.retried} retried, ${p.unknown} unknown, ${p.inFlight} in flight, ${p.rateMps} mps, ${p.throttleErrors} throttle errors, ${Math.round(p.elapsedMs / 1000)} s`;
	if (remaining === undefined || remaining <= 0) return { message: base, meta: { ...p, ...(remaining === undefined ? {} : { remaining }) } };
	const achieved = p.elapsedMs > 0 ? p.accepted / (p.elapsedMs / 1000) : 0;
	const pace = p.rateMps > 0 ? p.rateMps : achieved;
	const eta = pace > 0 ? new Date(now + Math.ceil((remaining / pace) * 1000)).toISOString() : undefined;
	return { message: `${base}, ${remaining} left${eta ? `, ETA ${eta}` : ''}`, meta: { ...p, remaining, ...(eta ? { eta } : {}) } };
}

/** Recipients this run closed or moved out of the ready queue (each lowers "left" by one). */
const done = (p: CampaignProgress) => p.accepted + p.failed + p.skipped + p.deferred + p.unknown;

/**
 * The onProgress callback for runCampaign: log line + editor message. "Left" is the store's count
 * (queued + retry + sending) as last read, minus what this run has closed since that read began —
 * so the final line says nothing is left even when the last read is a few seconds old.
 */
export function progressReporter(fn: IExecuteFunctions, store: Store, campaignId: string, now: () => number = Date.now): (p: CampaignProgress) => void {
	let snapshot: { remaining: number; doneAt: number } | undefined;
	let reading = false;
	let latest = 0;
	const refresh = () => {
		if (reading) return;
		reading = true;
		const doneAt = latest;
		store
			.campaignReport(campaignId)
			.then((r) => (snapshot = { remaining: (r.byState.queued ?? 0) + (r.byState.retry ?? 0) + (r.byState.sending ?? 0), doneAt }))
			.catch(() => undefined)
			.finally(() => (reading = false));
	};
	refresh();
	return (p) => {
		latest = done(p);
		const remaining = snapshot ? Math.max(0, snapshot.remaining - (latest - snapshot.doneAt)) : undefined;
		const line = progressLine(campaignId, p, remaining, now());
		fn.logger.info(line.message, { ...line.meta });
		try {
			fn.sendMessageToUI?.(line.message);
		} catch {
			// The editor message is a courtesy: never let it fail the campaign.
		}
		refresh();
	};
}
