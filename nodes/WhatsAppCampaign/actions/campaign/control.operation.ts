/**
 * Pause / Resume / Stop Campaign: the campaign's sticky state (core/campaign/control.ts). A running
 * campaign stops sending within a second of a pause or stop; Resume lets it send again (run Send
 * Campaign or Continue Due Campaigns to carry on).
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { setCampaignControl } from '../../../../core/campaign/control';
import { item } from '../../../shared/items';
import { op } from '../fields';
import { param, type CampaignContext } from '../shared';

export const description: INodeProperties[] = [
	{
		displayName: 'Reason',
		name: 'reason',
		type: 'string',
		default: '',
		displayOptions: op('pause', 'stop'),
	},
];

/** One execute for the three operations: the operation is the new state. */
export async function execute(fn: IExecuteFunctions, i: number, ctx: CampaignContext): Promise<INodeExecutionData[]> {
	const operation = fn.getNodeParameter('operation', 0) as 'pause' | 'resume' | 'stop';
	const campaignId = String(param<string>(fn, 'campaignId', i, '')).trim();
	const reason = operation === 'resume' ? undefined : param<string>(fn, 'reason', i, '') || undefined;
	const c = await setCampaignControl(await ctx.store(), campaignId, operation, reason);
	return [item({ campaignId: c.id, state: c.state, reason: c.reason ?? null }, i)];
}
