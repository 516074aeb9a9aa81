/**
 * Campaign Report operation, issue 17 part: the summary gains eta, nextDueAt, the funnel, sends per
 * hour of the last 24 h, per-number rows and failures with Meta's titles
 * (core/campaign/progressReport.ts), and — option "HTML Report" — a one-page HTML report as binary
 * data on the summary item (core/campaign/htmlReport.ts), ready for an e-mail or Slack node.
 */
import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { renderCampaignReportHtml } from '../../core/campaign/htmlReport';
import { campaignProgressReport, type ProgressReport } from '../../core/campaign/progressReport';
import type { Store } from '../../core/store/types';
import { InputError } from '../shared/errors';

export const reportProperties: INodeProperties[] = [
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

/** The summary of the Campaign Report operation and, when asked, its HTML page as binary data. */
export async function campaignReportOutput(
	fn: IExecuteFunctions,
	i: number,
	store: Store,
	campaignId: string,
): Promise<{ summary: ProgressReport; binary?: Record<string, IBinaryData> }> {
	const summary = await campaignProgressReport(store, campaignId);
	if (!fn.getNodeParameter('htmlReport', i, false)) return { summary };
	const field = String(fn.getNodeParameter('htmlBinaryProperty', i, 'report')).trim();
	if (!BINARY_FIELD.test(field)) throw new InputError(`Put Report in Field: "${field}" is not a valid binary field name (letters, digits, _ or -)`, 'htmlBinaryProperty');
	const html = renderCampaignReportHtml(summary);
	const fileName = `campaign-${campaignId.replace(/[^\w.-]+/g, '_').slice(0, 80)}-report.html`;
	const data = await fn.helpers.prepareBinaryData(Buffer.from(html, 'utf8'), fileName, 'text/html');
	return { summary, binary: { [field]: data } };
}

/** The summary item, with the HTML report attached when there is one. */
export function reportItem(json: IDataObject, binary: Record<string, IBinaryData> | undefined, i: number): INodeExecutionData {
	return { json, ...(binary ? { binary } : {}), pairedItem: { item: i } };
}
