/**
 * WhatsApp Campaign: tier-throttled, exactly-once template campaigns, session messages, mark as
 * read, campaign report and pause/resume/stop (issue #7). A router over one file per operation:
 *  - actions/campaign/: sendCampaign, continueDue, report, control (pause / resume / stop);
 *  - actions/message/: sendMessage, markAsRead, sendAndWait (+ its resume webhook).
 * Each operation file holds its fields and its execute; throttling, the ledger, retries, message
 * building and every Graph call live in core/ (campaign, throttle, messages, numbers, media).
 */
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import type { Store } from '../../core/store/types';
import { CLOUD_API_CREDENTIAL, STORE_CREDENTIAL, getGraphClient } from '../shared/credentials';
import { failedItem } from '../shared/items';
import { routeItems } from '../shared/router';
import { getStore } from '../shared/store';
import * as continueDue from './actions/campaign/continueDue.operation';
import * as control from './actions/campaign/control.operation';
import * as report from './actions/campaign/report.operation';
import * as sendCampaign from './actions/campaign/sendCampaign.operation';
import { campaignIdField, phoneNumberLocator } from './actions/fields';
import * as markAsRead from './actions/message/markAsRead.operation';
import * as sendAndWait from './actions/message/sendAndWait.operation';
import { sendAndWaitWebhook, sendAndWaitWebhooks } from './actions/message/sendAndWait.webhook';
import * as sendMessage from './actions/message/sendMessage.operation';
import { inputError, type CampaignContext, type ItemOperation, type RunOperation } from './actions/shared';
import { methods } from './methods';

export { PROGRESS_LOG_EVERY_MS } from './actions/campaign/run';

/** Operations run once per execution (first item's parameters) and operations run per item. */
const runOperations: Record<string, RunOperation> = { sendCampaign, continueDue, [sendAndWait.SEND_AND_WAIT]: sendAndWait };
const itemOperations: Record<string, ItemOperation> = { sendMessage, markAsRead, report, pause: control, resume: control, stop: control };

/** The node's outputs: one for most operations; Send Campaign adds "Run Summary". */
const SEND_CAMPAIGN_OUTPUTS = [[{ type: 'main' }], [{ type: 'main', displayName: 'Recipients' }, { type: 'main', displayName: 'Run Summary' }]];

export class WhatsAppCampaign implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Campaign',
		name: 'whatsAppCampaign',
		icon: 'file:whatsAppCampaign.svg',
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description: 'Send throttled, exactly-once WhatsApp template campaigns and session messages through the Cloud API',
		defaults: { name: 'WhatsApp Campaign' },
		usableAsTool: true,
		inputs: ['main'],
		// Send Campaign has a second output with the run summary (sent, skipped, deferred, failed,
		// unknown, achieved mps, state, reason, next due time); other operations have one.
		outputs: `={{ ${JSON.stringify(SEND_CAMPAIGN_OUTPUTS)}[$parameter["operation"] === "sendCampaign" ? 1 : 0] }}`,
		credentials: [
			{ name: CLOUD_API_CREDENTIAL, required: true },
			{ name: STORE_CREDENTIAL, required: false },
		],
		// Send and Wait for Response: n8n resumes the waiting execution through these.
		webhooks: sendAndWaitWebhooks,
		// The editor's order (saved workflows rely on the names and values, not the order).
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'sendCampaign',
				options: [
					{ name: 'Campaign Report', value: 'report', action: 'Get a campaign report', description: 'Counts per state and error code, rates, and per-recipient rows' },
					{
						name: 'Continue Due Campaigns',
						value: 'continueDue',
						action: 'Continue due campaigns',
						description: 'Send what is due now for every running campaign (or one): scheduled starts, deferrals whose day came, retries, opened send windows',
					},
					{ name: 'Mark as Read', value: 'markAsRead', action: 'Mark a message as read', description: 'Blue ticks for a received message, optionally with a typing indicator' },
					{ name: 'Pause Campaign', value: 'pause', action: 'Pause a campaign', description: 'A running campaign stops sending within a second' },
					{ name: 'Resume Campaign', value: 'resume', action: 'Resume a campaign', description: 'Allow a paused or stopped campaign to send again (run Send Campaign to continue)' },
					{
						name: 'Send and Wait for Response',
						value: 'sendAndWait',
						action: 'Send a message and wait for the answer',
						description: 'Send a text or reply buttons to one contact and pause the workflow until they answer (through the WhatsApp Cloud Trigger) or the time limit passes',
					},
					{ name: 'Send Campaign', value: 'sendCampaign', action: 'Send a campaign', description: 'Send an approved template to many recipients, throttled and exactly once' },
					{ name: 'Send Message', value: 'sendMessage', action: 'Send a session message', description: 'Send a free-form message inside the 24 h customer-service window' },
					{ name: 'Stop Campaign', value: 'stop', action: 'Stop a campaign', description: 'Stop a campaign for good (until resumed)' },
				],
			},
			campaignIdField,
			phoneNumberLocator,
			...sendCampaign.description,
			...continueDue.description,
			...sendCampaign.optionsDescription,
			...sendMessage.description,
			...markAsRead.description,
			...report.description,
			...control.description,
			...report.htmlDescription,
			...sendAndWait.description,
		],
	};

	webhook = sendAndWaitWebhook;

	methods = methods;

	/** The router: one Graph client and (on first use) one store for the execution; failures handled once here. */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as string;
		const { client, credentials } = await getGraphClient(this, 0);
		let opened: Store | undefined;
		const ctx: CampaignContext = { client, credentials, store: async () => (opened ??= await getStore(this)) };
		const run = Object.hasOwn(runOperations, operation) ? runOperations[operation] : undefined;
		if (run) {
			try {
				return await run.executeOnce(this, ctx);
			} catch (error) {
				// With Continue On Fail the error is the first output's item (Send Campaign's Run Summary stays empty).
				return [[failedItem(this, error, 0)], ...Array.from({ length: (run.outputs ?? 1) - 1 }, () => [])];
			}
		}
		// Per-item operations go through the shared router (nodes/shared/router.ts): pairing and Continue On Fail per item.
		const op = Object.hasOwn(itemOperations, operation) ? itemOperations[operation] : undefined;
		return routeItems(this, async ({ i, emitItem }) => {
			if (!op) throw inputError(`Unknown operation "${operation}"`, 'operation');
			for (const data of await op.execute(this, i, ctx)) emitItem(data);
		});
	}
}
