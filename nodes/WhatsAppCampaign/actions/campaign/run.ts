/**
 * What Send Campaign and Continue Due Campaigns share (node side): the number's limits and sender
 * pool (read in core/numbers/limits.ts), the progress reporting, the run summary item and the
 * sentence a halted campaign answers with. The rules themselves live in core/campaign.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import type { CampaignRunResult, RunCampaignOptions } from '../../../../core/campaign/types';
import type { GraphClient } from '../../../../core/graph/client';
import { readNumberInfo } from '../../../../core/numbers/info';
import { readLimits, readSenderPool, type LimitChoice } from '../../../../core/numbers/limits';
import type { Store } from '../../../../core/store/types';
import { progressReporter } from '../../progress';

/** How often a running campaign reports its progress (n8n's log, level info, and the editor: progress.ts). */
export const PROGRESS_LOG_EVERY_MS = 5_000;

/**
 * The engine options about the sending numbers: limits, number info (re-read every minute when the
 * messaging limit comes from Graph, so a downgrade reaches the run without webhooks) and the pool.
 */
export async function numberOptions(client: GraphClient, phoneNumberId: string, choice: LimitChoice, senderPool: string) {
	const { mps, messagingLimit, info, limitFromGraph } = await readLimits(client, phoneNumberId, choice);
	const pool = await readSenderPool(client, phoneNumberId, senderPool, choice, { mps, info, limitFromGraph });
	const refreshNumber = limitFromGraph ? () => readNumberInfo(client, phoneNumberId) : undefined;
	return { mps, messagingLimit, numberInfo: info, refreshNumber, pool };
}

/** n8n's cancel signal (Stop Execution), and the progress callback (issues #7, 17: every 5 s and at the end). */
export function runHooks(fn: IExecuteFunctions, store: Store, campaignId: string): Pick<RunCampaignOptions, 'signal' | 'onProgress' | 'progressEveryMs'> {
	const signal = (fn as unknown as { getExecutionCancelSignal?: () => AbortSignal | undefined }).getExecutionCancelSignal?.();
	return { signal, onProgress: progressReporter(fn, store, campaignId), progressEveryMs: PROGRESS_LOG_EVERY_MS };
}

/** Why a campaign sent nothing this run (sticky pause / stop), as one sentence. */
export function haltMessage(campaignId: string, result: CampaignRunResult): string {
	const h = result.haltedAtStart;
	if (!h) return '';
	const since = h.at ? ` since ${new Date(h.at).toISOString()}` : '';
	const by = h.by ? ` by ${h.by}` : '';
	const state = h.state === 'account_stopped' ? 'stopped at account level' : h.state;
	return `Campaign ${campaignId} is ${state}${by}${since}${h.reason ? ` (${h.reason})` : ''}: nothing was sent. Fix the cause, then run the Resume Campaign operation.`;
}

/** The run summary item (every Send Campaign / Continue Due Campaigns run outputs one). */
export function runSummary(campaignId: string, result: CampaignRunResult, mps: number, messagingLimit: number): IDataObject {
	return {
		campaignId,
		campaignState: result.state,
		reason: result.reason ?? null,
		stateBy: result.stateBy ?? null,
		stateAt: result.stateAt ? new Date(result.stateAt).toISOString() : null,
		added: result.added as unknown as IDataObject,
		thisRun: {
			sent: result.accepted,
			/** The same count under its earlier name (workflows written before `sent`). */
			accepted: result.accepted,
			skipped: result.skipped,
			deferred: result.deferred,
			outsideWindow: result.outsideWindow,
			expired: result.expired,
			failed: result.failed,
			unknown: result.unknown,
			retried: result.retried,
			throttleErrors: result.throttleErrors,
			requeuedAfterCrash: result.requeuedAfterCrash,
			unknownResent: result.unknownResent,
		},
		byState: result.report.byState as IDataObject,
		byErrorCode: result.report.byErrorCode,
		deferredByDay: result.report.deferredByDay,
		total: result.report.total,
		scheduledFor: result.scheduledFor ? new Date(result.scheduledFor).toISOString() : null,
		...(result.perNumber ? { senderPool: result.perNumber as unknown as IDataObject[] } : {}),
		nextDueAt: result.nextDueAt ? new Date(result.nextDueAt).toISOString() : null,
		mps,
		messagingLimit: messagingLimit === Infinity ? null : messagingLimit,
		achievedMps: result.achievedMps,
		elapsedSeconds: Math.round(result.elapsedMs / 100) / 10,
		...(result.haltedAtStart ? { error: haltMessage(campaignId, result) } : result.stopError ? { error: result.stopError.message } : {}),
	};
}
