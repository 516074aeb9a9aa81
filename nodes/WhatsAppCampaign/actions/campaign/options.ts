/** Send Campaign's Options collection and the engine options it gives (core/campaign/types.ts RunCampaignOptions). */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import type { RunCampaignOptions } from '../../../../core/campaign/types';
import { DEFAULT_MAX_DEFER_DAYS } from '../../../../core/store/rules';
import { op } from '../fields';

export const campaignOptionsField: INodeProperties = {
	displayName: 'Options',
	name: 'campaignOptions',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	displayOptions: op('sendCampaign'),
	options: [
		{ displayName: 'Default Country', name: 'defaultCountry', type: 'string', default: '', placeholder: 'e.g. DE', description: 'ISO country for numbers written without a country code' },
		{ displayName: 'Dry Run', name: 'dryRun', type: 'boolean', default: false, description: 'Whether to only validate every payload and report skips, deferrals, budget, ETA and estimated cost (sends nothing)' },
		{
			displayName: 'Marketing Messages API',
			name: 'marketingMessagesApi',
			type: 'boolean',
			default: true,
			description:
				"Whether to send MARKETING templates through Meta's Marketing Messages API (POST /{phone-number-ID}/marketing_messages), as Meta asks. A number that is not onboarded falls back to /messages for the rest of the run. Off: every send goes to /messages.",
		},
		{ displayName: 'Max Attempts (Transient Errors)', name: 'maxAttempts', type: 'number', typeOptions: { minValue: 1, maxValue: 20 }, default: 5 },
		{ displayName: 'Max Days Deferred (131049)', name: 'maxDeferDays', type: 'number', typeOptions: { minValue: 0, maxValue: 30 }, default: 3 },
		{ displayName: 'Max Wait for Retries (Seconds)', name: 'maxWaitSeconds', type: 'number', typeOptions: { minValue: 0 }, default: 120, description: 'Retries due later than this are left for a later run of the same campaign' },
		{
			displayName: 'Pause On Number Quality Drop',
			name: 'qualityBreaker',
			type: 'boolean',
			default: true,
			description: "Whether to pause this campaign (marketing templates) when its number's quality turns RED or it is flagged, by webhook or when the run starts",
		},
		{ displayName: 'Portfolio ID', name: 'portfolioId', type: 'string', default: '', description: 'Business portfolio sharing the messaging limit (default: the WhatsApp Business Account ID)' },
		{ displayName: 'Resend Unknown', name: 'resendUnknown', type: 'boolean', default: false, description: 'Whether to send again to recipients whose earlier send timed out after reaching Meta (may duplicate)' },
		{
			displayName: 'Resend Unresolved Unknown After (Minutes)',
			name: 'resolveUnknownAfterMinutes',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
			description:
				"Resend 'unknown' recipients whose request is at least this old once a later recipient's delivery was confirmed by a status webhook (Meta's 'sent' status would have resolved them). 0 = never.",
		},
		{
			displayName: 'Respect Opt-Outs For',
			name: 'respectOptOutsFor',
			type: 'options',
			default: 'marketing',
			options: [
				{ name: 'Marketing Templates (Meta Scope)', value: 'marketing', description: 'Opt-outs (STOP, user_preferences, 131050) stop marketing messages only' },
				{ name: 'Every Category', value: 'all', description: 'Treat an opt-out as a stop for utility and authentication templates too' },
			],
			description: 'Which templates an opt-out stops. Checked when a recipient is added and again right before each send; the block list always applies.',
		},
		{
			displayName: 'Sender Pool (More Phone Number IDs)',
			name: 'senderPool',
			type: 'string',
			default: '',
			placeholder: 'e.g. 106540352242923, 106540352242924',
			description:
				'Other business numbers of the portfolio to send from as well, each at its own throughput: every recipient sticks to one number (the one that last talked to them, else a hash), the messaging limit is shared, and a number that turns RED / FLAGGED is drained without stopping the campaign',
		},
		{ displayName: 'Share Throughput Across Workers', name: 'sharedThroughput', type: 'boolean', default: false, description: 'Whether to take send tokens from the store so several executions on one number stay under its cap' },
	],
};

/** The engine options that come from Send Campaign's Options collection. */
export function engineOptions(options: IDataObject): Pick<
	RunCampaignOptions,
	'defaultCountry' | 'retry' | 'resendUnknown' | 'resolveUnknownAfterMs' | 'respectOptOutsFor' | 'qualityBreaker' | 'maxWaitMs' | 'marketingMessagesApi'
> {
	const resolveMinutes = Number(options.resolveUnknownAfterMinutes ?? 0);
	return {
		defaultCountry: options.defaultCountry ? String(options.defaultCountry) : undefined,
		retry: { maxAttempts: Number(options.maxAttempts ?? 5), maxDeferDays: Number(options.maxDeferDays ?? DEFAULT_MAX_DEFER_DAYS) },
		resendUnknown: Boolean(options.resendUnknown),
		resolveUnknownAfterMs: resolveMinutes > 0 ? resolveMinutes * 60_000 : undefined,
		respectOptOutsFor: options.respectOptOutsFor === 'all' ? 'all' : 'marketing',
		qualityBreaker: options.qualityBreaker !== false,
		maxWaitMs: Number(options.maxWaitSeconds ?? 120) * 1000,
		// MARKETING templates through /marketing_messages unless the option is off (core/messages/marketing.ts).
		marketingMessagesApi: options.marketingMessagesApi !== false,
	};
}
