/**
 * Continue Due Campaigns (issue 17): sends what is due for every running campaign of this WABA that
 * has due work (Store.dueCampaigns: started, retries or deferrals whose time has come, windows that
 * opened, End By passed), or for one campaign, with the settings each was started with. Bounded per
 * execution (Max Seconds) so n8n's execution timeout is respected; the rest is due next time. Two
 * such executions at once never double-send: the ledger's claims make each recipient one worker's.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { runCampaign } from '../../../../core/campaign/engine';
import type { CampaignTemplate } from '../../../../core/campaign/types';
import { item } from '../../../shared/items';
import { op } from '../fields';
import { inputError, type CampaignContext } from '../shared';
import type { RunConfig } from './limits';
import { engineOptions } from './options';
import { numberOptions, runHooks, runSummary } from './run';

export const description: INodeProperties[] = [
	{
		displayName: 'Campaign ID',
		name: 'dueCampaignId',
		type: 'string',
		default: '',
		placeholder: 'empty: every due campaign',
		description: 'Continue one campaign only (empty: every running campaign of this WhatsApp Business Account with due work)',
		displayOptions: op('continueDue'),
	},
	{
		displayName: 'Max Seconds',
		name: 'maxSeconds',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 240,
		description: 'Stop taking new recipients after this long (keep it under your execution timeout); the rest is due next time',
		displayOptions: op('continueDue'),
	},
];

export async function executeOnce(fn: IExecuteFunctions, { client, credentials, store: openStore }: CampaignContext): Promise<INodeExecutionData[][]> {
	const store = await openStore();
	const only = String(fn.getNodeParameter('dueCampaignId', 0, '') ?? '').trim();
	const maxSeconds = Number(fn.getNodeParameter('maxSeconds', 0, 240));
	if (!(maxSeconds > 0)) throw inputError('Max Seconds must be more than 0', 'maxSeconds');
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
		const others = (campaign.senderPool ?? []).filter((id) => id !== campaign.phoneNumberId).join(',');
		const { mps, messagingLimit, numberInfo, refreshNumber, pool } = await numberOptions(client, campaign.phoneNumberId, rc, others);
		const result = await runCampaign({
			client,
			store,
			campaignId: campaign.id,
			phoneNumberId: campaign.phoneNumberId,
			portfolioId: String(options.portfolioId || campaign.wabaId || credentials.businessAccountId || campaign.phoneNumberId),
			template,
			templateId: campaign.templateId,
			wabaId: campaign.wabaId,
			numberInfo,
			refreshNumber,
			limits: { mps, messagingLimit, sharedThroughput: Boolean(options.sharedThroughput) },
			...engineOptions(options),
			maxWaitMs: 0,
			runUntil,
			pool,
			...runHooks(fn, store, campaign.id),
		});
		out.push(item(runSummary(campaign.id, result, mps, messagingLimit), 0));
	}
	if (out.length === 0) out.push(item({ dueCampaigns: 0, message: only ? `Campaign ${only} has nothing due now` : 'No campaign has work due now' }, 0));
	return [out];
}
