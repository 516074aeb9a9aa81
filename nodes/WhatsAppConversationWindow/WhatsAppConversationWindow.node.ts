/**
 * WhatsApp Conversation Window: is the 24 h customer-service window with this contact open?
 * (cloud-api.md §6: free-form messages only within 24 h of the user's last message, templates
 * otherwise; a click-to-WhatsApp ad opens a 72 h free entry point for templates.)
 *
 * Routes each item to **Open** or **Closed**, extended with the window fields. The last inbound
 * time comes from the store (recorded by the WhatsApp Cloud Trigger) or from a field of the item.
 * A thin adapter: the rule lives in core/window, phone normalisation in core/phone.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { CLOUD_API_CREDENTIAL, STORE_CREDENTIAL } from '../shared/credentials';
import { routeItems } from '../shared/router';
import * as check from './actions/check.operation';

export class WhatsAppConversationWindow implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Conversation Window',
		name: 'whatsAppConversationWindow',
		icon: 'file:whatsAppConversationWindow.svg',
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["source"] === "field" ? "From item field" : "From store"}}',
		description: 'Checks whether the 24 h customer-service window with a contact is open (free-form allowed) or closed (template needed)',
		defaults: { name: 'WhatsApp Conversation Window' },
		usableAsTool: true,
		inputs: ['main'],
		// Two outputs: Open and Closed (like n8n's If node).
		// eslint-disable-next-line n8n-nodes-base/node-class-description-outputs-wrong
		outputs: ['main', 'main'],
		outputNames: ['Open', 'Closed'],
		credentials: [
			{ name: CLOUD_API_CREDENTIAL, required: false },
			{ name: STORE_CREDENTIAL, required: false },
		],
		properties: check.description,
	};

	/** Each item to Open or Closed, extended with the window fields; a failing item goes to Closed (Continue On Fail). */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const ctx: check.CheckContext = { now: Date.now() };
		return routeItems(this, (run) => check.execute(run, ctx), { outputs: 2, errorOutput: 1, keepInputOnError: true });
	}
}
