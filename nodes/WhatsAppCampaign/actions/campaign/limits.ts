/**
 * Send Campaign's throughput and messaging-limit settings, and the run settings kept with the
 * campaign (Campaign.runConfig) so Continue Due Campaigns carries it on. The limits themselves are
 * read in core/numbers/limits.ts (readLimits, readSenderPool).
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { LimitChoice } from '../../../../core/numbers/limits';
import { op } from '../fields';

/** The run settings kept with a campaign: what Send Campaign's limits and options were. */
export interface RunConfig extends LimitChoice {
	options: IDataObject;
}

export const limitFields: INodeProperties[] = [
	{
		displayName: 'Throughput',
		name: 'throughputMode',
		type: 'options',
		default: 'graph',
		displayOptions: op('sendCampaign'),
		options: [
			{ name: 'Read From Graph API', value: 'graph', description: 'Uses is_on_biz_app and throughput.level: 80 mps, 1,000 when upgraded, 20 for a number also used in the WhatsApp Business app' },
			{ name: 'Coexistence Number (20 Mps)', value: 'coexistence', description: 'Number also used in the WhatsApp Business app' },
			{ name: 'Set by Hand', value: 'manual' },
		],
	},
	{
		displayName: 'Messages per Second',
		name: 'mps',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 1000 },
		default: 80,
		displayOptions: { show: { operation: ['sendCampaign'], throughputMode: ['manual'] } },
	},
	{
		displayName: 'Messaging Limit',
		name: 'messagingLimitMode',
		type: 'options',
		default: 'graph',
		description: 'Unique business-initiated recipients per rolling 24 h, shared by every number of the business portfolio',
		displayOptions: op('sendCampaign'),
		options: [
			{ name: 'Read From Graph API', value: 'graph', description: 'Uses whatsapp_business_manager_messaging_limit (TIER_250 … UNLIMITED)' },
			{ name: 'Set by Hand', value: 'manual' },
			{ name: 'Unlimited', value: 'unlimited' },
		],
	},
	{
		displayName: 'Unique Recipients per Rolling Day',
		name: 'messagingLimit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 250,
		displayOptions: { show: { operation: ['sendCampaign'], messagingLimitMode: ['manual'] } },
	},
];

/** What Send Campaign was asked, for later due runs. */
export function runConfigOf(fn: IExecuteFunctions): RunConfig {
	return {
		throughputMode: fn.getNodeParameter('throughputMode', 0, 'graph') as string,
		mps: fn.getNodeParameter('mps', 0, 80) as number,
		messagingLimitMode: fn.getNodeParameter('messagingLimitMode', 0, 'graph') as string,
		messagingLimit: fn.getNodeParameter('messagingLimit', 0, 250) as number,
		options: (fn.getNodeParameter('campaignOptions', 0, {}) as IDataObject) ?? {},
	};
}
