/**
 * What Send Campaign and Continue Due Campaigns share (node side): the number's limits as the user
 * chose them, the engine options from the campaign options, the run summary item, and the sentence
 * a halted campaign answers with. The rules themselves live in core/campaign.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { GraphClient } from '../../core/graph/client';
import { runCampaign } from '../../core/campaign/engine';
import type { CampaignRunResult, CampaignTemplate, RunCampaignOptions } from '../../core/campaign/types';
import { readNumberInfo, type NumberInfo } from '../../core/numbers/info';
import { throughputFromLevel } from '../../core/throttle/throughput';
import type { Store } from '../../core/store/types';
import type { CloudApiCredentials } from '../shared/credentials';
import { InputError } from '../shared/errors';
import { item } from '../shared/items';
import { progressReporter } from './progress';
import type { RunConfig } from './schedule';

/** How often a running campaign reports its progress (n8n's log, level info, and the editor: progress.ts). */
export const PROGRESS_LOG_EVERY_MS = 5_000;

/**
 * The number's throughput and messaging limit, as the user chose: from Graph (default), coexistence
 * (20 mps) or by hand. Graph's number info is read in every mode (best effort when both limits are
 * manual): its quality rating and tier feed the start-of-run checks.
 */
export async function readLimits(
	client: GraphClient,
	phoneNumberId: string,
	rc: Pick<RunConfig, 'throughputMode' | 'mps' | 'messagingLimitMode' | 'messagingLimit'>,
): Promise<{ mps: number; messagingLimit: number; info?: NumberInfo; limitFromGraph: boolean }> {
	const needed = rc.throughputMode === 'graph' || rc.messagingLimitMode === 'graph';
	const info = needed ? await readNumberInfo(client, phoneNumberId) : await readNumberInfo(client, phoneNumberId).catch(() => undefined);
	let mps: number;
	if (rc.throughputMode === 'manual') mps = rc.mps ?? 80;
	else if (rc.throughputMode === 'coexistence') mps = throughputFromLevel(undefined, true);
	else mps = info?.mps ?? throughputFromLevel(undefined);
	let messagingLimit = Infinity;
	if (rc.messagingLimitMode === 'manual') messagingLimit = rc.messagingLimit ?? 250;
	else if (rc.messagingLimitMode === 'graph') {
		if (info?.messagingLimit === undefined) {
			throw new InputError(
				`Could not read the messaging limit of number ${phoneNumberId} (whatsapp_business_manager_messaging_limit = ${JSON.stringify(info?.tier ?? null)}): set it by hand`,
				'messagingLimitMode',
			);
		}
		messagingLimit = info.messagingLimit;
	}
	return { mps, messagingLimit, info, limitFromGraph: rc.messagingLimitMode === 'graph' };
}

/**
 * The Sender Pool option → the engine's pool (issue 17): this number first, then the others, each
 * with its own throughput read as the user chose (Graph, coexistence or by hand) and its quality.
 * Undefined when no other number is named.
 */
export async function senderPool(
	client: GraphClient,
	phoneNumberId: string,
	others: string,
	rc: Pick<RunConfig, 'throughputMode' | 'mps' | 'messagingLimitMode' | 'messagingLimit'>,
	first: { mps: number; info?: NumberInfo; limitFromGraph: boolean },
): Promise<RunCampaignOptions['pool']> {
	const ids = [...new Set(others.split(/[\s,;]+/).map((x) => x.trim()).filter((x) => x && x !== phoneNumberId))];
	if (ids.length === 0) return undefined;
	for (const id of ids) if (!/^[0-9]+$/.test(id)) throw new InputError(`Sender Pool: ${JSON.stringify(id)} is not a phone number ID (digits)`, 'campaignOptions');
	const pool: NonNullable<RunCampaignOptions['pool']> = [{ phoneNumberId, mps: first.mps, numberInfo: first.info, refreshNumber: () => readNumberInfo(client, phoneNumberId) }];
	for (const id of ids) {
		const l = await readLimits(client, id, { ...rc, messagingLimitMode: rc.messagingLimitMode === 'graph' ? 'none' : rc.messagingLimitMode });
		pool.push({ phoneNumberId: id, mps: l.mps, numberInfo: l.info, refreshNumber: () => readNumberInfo(client, id) });
	}
	return pool;
}

/** The engine options that come from Send Campaign's Options collection. */
export function engineOptions(options: IDataObject): Pick<
	RunCampaignOptions,
	'defaultCountry' | 'retry' | 'resendUnknown' | 'resolveUnknownAfterMs' | 'respectOptOutsFor' | 'qualityBreaker' | 'maxWaitMs' | 'marketingMessagesApi'
> {
	const resolveMinutes = Number(options.resolveUnknownAfterMinutes ?? 0);
	return {
		defaultCountry: options.defaultCountry ? String(options.defaultCountry) : undefined,
		retry: { maxAttempts: Number(options.maxAttempts ?? 5), maxDeferDays: Number(options.maxDeferDays ?? 3) },
		resendUnknown: Boolean(options.resendUnknown),
		resolveUnknownAfterMs: resolveMinutes > 0 ? resolveMinutes * 60_000 : undefined,
		respectOptOutsFor: options.respectOptOutsFor === 'all' ? 'all' : 'marketing',
		qualityBreaker: options.qualityBreaker !== false,
		maxWaitMs: Number(options.maxWaitSeconds ?? 120) * 1000,
		// MARKETING templates through /marketing_messages unless the option is off (core/messages/marketing.ts).
		marketingMessagesApi: options.marketingMessagesApi !== false,
	};
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

/**
 * Continue Due Campaigns (issue 17): sends what is due for every running campaign of this WABA that
 * has due work (Store.dueCampaigns: started, retries or deferrals whose time has come, windows that
 * opened, End By passed), or for one campaign, with the settings each was started with. Bounded per
 * execution (Max Seconds) so n8n's execution timeout is respected; the rest is due next time. Two
 * such executions at once never double-send: the ledger's claims make each recipient one worker's.
 */
export async function continueDueCampaigns(fn: IExecuteFunctions, client: GraphClient, credentials: CloudApiCredentials, store: Store): Promise<INodeExecutionData[]> {
	const only = String(fn.getNodeParameter('dueCampaignId', 0, '') ?? '').trim();
	const maxSeconds = Number(fn.getNodeParameter('maxSeconds', 0, 240));
	if (!(maxSeconds > 0)) throw new InputError('Max Seconds must be more than 0', 'maxSeconds');
	const runUntil = Date.now() + maxSeconds * 1000;
	const signal = (fn as unknown as { getExecutionCancelSignal?: () => AbortSignal | undefined }).getExecutionCancelSignal?.();
	const due = await store.dueCampaigns(Date.now(), { wabaId: credentials.businessAccountId || undefined, campaignId: only || undefined });
	const out: INodeExecutionData[] = [];
	for (const { campaign } of due) {
		if (Date.now() >= runUntil || signal?.aborted) break;
		const template = (campaign.config as { template?: CampaignTemplate }).template;
		if (!template) continue; // not started by Send Campaign (no template snapshot): nothing to continue with
		const rc = (campaign.runConfig as RunConfig | undefined) ?? { throughputMode: 'graph', messagingLimitMode: 'graph', options: {} };
		const options = rc.options ?? {};
		const { mps, messagingLimit, info, limitFromGraph } = await readLimits(client, campaign.phoneNumberId, rc);
		const others = (campaign.senderPool ?? []).filter((id) => id !== campaign.phoneNumberId).join(',');
		const pool = others ? await senderPool(client, campaign.phoneNumberId, others, rc, { mps, info, limitFromGraph }) : undefined;
		const result = await runCampaign({
			client,
			store,
			campaignId: campaign.id,
			phoneNumberId: campaign.phoneNumberId,
			portfolioId: String(options.portfolioId || campaign.wabaId || credentials.businessAccountId || campaign.phoneNumberId),
			template,
			templateId: campaign.templateId,
			wabaId: campaign.wabaId,
			numberInfo: info,
			refreshNumber: limitFromGraph ? () => readNumberInfo(client, campaign.phoneNumberId) : undefined,
			limits: { mps, messagingLimit, sharedThroughput: Boolean(options.sharedThroughput) },
			...engineOptions(options),
			maxWaitMs: 0,
			runUntil,
			pool,
			signal,
			onProgress: progressReporter(fn, store, campaign.id),
			progressEveryMs: PROGRESS_LOG_EVERY_MS,
		});
		out.push(item(runSummary(campaign.id, result, mps, messagingLimit), 0));
	}
	if (out.length === 0) out.push(item({ dueCampaigns: 0, message: only ? `Campaign ${only} has nothing due now` : 'No campaign has work due now' }, 0));
	return out;
}
