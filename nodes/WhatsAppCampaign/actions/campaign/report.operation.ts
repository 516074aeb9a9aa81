/**
 * Campaign Report: counts per state and error code, rates, eta, nextDueAt, the funnel, sends per
 * hour of the last 24 h, per-number rows and failures with Meta's titles
 * (core/campaign/progressReport.ts); optionally the recipients (paged) and — option "HTML Report" —
 * a one-page HTML report as binary data on the summary item (core/campaign/htmlReport.ts).
 */
import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { HOPPER } from '../../../../core/campaign/control';
import { renderCampaignReportHtml } from '../../../../core/campaign/htmlReport';
import { campaignProgressReport } from '../../../../core/campaign/progressReport';
import type { RecipientState } from '../../../../core/store/types';
import { cursorField, limitField } from '../../../shared/fields';
import { item } from '../../../shared/items';
import { op } from '../fields';
import { inputError, param, rowJson, type CampaignContext } from '../shared';

export const description: INodeProperties[] = [
	{
		displayName: 'Include Recipients',
		name: 'includeRows',
		type: 'boolean',
		default: false,
		description: 'Whether to output one item per recipient (paged) after the summary',
		displayOptions: op('report'),
	},
	{
		displayName: 'Hopper',
		name: 'hopper',
		type: 'multiOptions',
		default: [],
		description: 'Only recipients in these groups (empty: all)',
		displayOptions: { show: { operation: ['report'], includeRows: [true] } },
		options: [
			{ name: 'Closed (Delivered, Read, Replied, Failed, Skipped)', value: 'closed' },
			{ name: 'Fresh (Queued)', value: 'fresh' },
			{ name: 'Pending (Sending, Accepted, Unknown)', value: 'pending' },
			{ name: 'Retry (Retry, Deferred)', value: 'retry' },
		],
	},
	limitField({ operation: ['report'], includeRows: [true] }),
	cursorField({ operation: ['report'], includeRows: [true] }),
];

/** The HTML report fields (after Pause / Stop's Reason in the node's property list). */
export const htmlDescription: INodeProperties[] = [
	{
		displayName: 'HTML Report',
		name: 'htmlReport',
		type: 'boolean',
		default: false,
		description:
			'Whether to attach a one-page HTML report (funnel, errors by code with Meta’s titles, sends per hour, per-number table) as binary data to the summary item, e.g. to e-mail it or post it to Slack',
		displayOptions: { show: { operation: ['report'] } },
	},
	{
		displayName: 'Put Report in Field',
		name: 'htmlBinaryProperty',
		type: 'string',
		default: 'report',
		required: true,
		description: 'The binary field of the summary item that holds the HTML report',
		displayOptions: { show: { operation: ['report'], htmlReport: [true] } },
	},
];

/** Binary field names n8n accepts (letters, digits, _ and -; not starting with a digit or -). */
const BINARY_FIELD = /^[A-Za-z_][\w-]{0,63}$/;

/** The HTML page as binary data, when asked. */
async function htmlBinary(fn: IExecuteFunctions, i: number, campaignId: string, summary: Parameters<typeof renderCampaignReportHtml>[0]): Promise<Record<string, IBinaryData> | undefined> {
	if (!fn.getNodeParameter('htmlReport', i, false)) return undefined;
	const field = String(fn.getNodeParameter('htmlBinaryProperty', i, 'report')).trim();
	if (!BINARY_FIELD.test(field)) throw inputError(`Put Report in Field: "${field}" is not a valid binary field name (letters, digits, _ or -)`, 'htmlBinaryProperty');
	const html = renderCampaignReportHtml(summary);
	const fileName = `campaign-${campaignId.replace(/[^\w.-]+/g, '_').slice(0, 80)}-report.html`;
	return { [field]: await fn.helpers.prepareBinaryData(Buffer.from(html, 'utf8'), fileName, 'text/html') };
}

export async function execute(fn: IExecuteFunctions, i: number, ctx: CampaignContext): Promise<INodeExecutionData[]> {
	const store = await ctx.store();
	const campaignId = String(param<string>(fn, 'campaignId', i, '')).trim();
	const summary = await campaignProgressReport(store, campaignId);
	const binary = await htmlBinary(fn, i, campaignId, summary);
	const summaryItem = (json: IDataObject): INodeExecutionData => ({ json, ...(binary ? { binary } : {}), pairedItem: { item: i } });
	if (!param(fn, 'includeRows', i, false)) return [summaryItem(summary as unknown as IDataObject)];
	const groups = param(fn, 'hopper', i, []) as (keyof typeof HOPPER)[];
	const states: RecipientState[] = groups.flatMap((g) => HOPPER[g] ?? []);
	const page = await store.listRecipients(campaignId, states.length ? { states } : {}, { limit: param(fn, 'limit', i, 50), cursor: param<string>(fn, 'cursor', i, '') || undefined });
	const out = [summaryItem({ ...(summary as unknown as IDataObject), nextCursor: page.next ?? null, rows: page.items.length })];
	for (const r of page.items) out.push(item(rowJson(campaignId, summary.state, { ...r }, { itemIndex: r.itemIndex ?? null }), i));
	return out;
}
