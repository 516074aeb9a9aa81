/**
 * WhatsApp Conversation Window: is the 24 h customer-service window with this contact open?
 * (cloud-api.md §6: free-form messages only within 24 h of the user's last message, templates
 * otherwise; a click-to-WhatsApp ad opens a 72 h free entry point for templates.)
 *
 * Routes each item to **Open** or **Closed**, extended with the window fields. The last inbound
 * time comes from the store (recorded by the WhatsApp Cloud Trigger) or from a field of the item.
 * A thin adapter: the rule lives in core/window, phone normalisation in core/phone.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { isBsuid, normalizePhone } from '../../core/phone';
import type { Store } from '../../core/store/types';
import { conversationWindow, type TimeInput } from '../../core/window/window';
import { CLOUD_API_CREDENTIAL, getOptionalCredentials, STORE_CREDENTIAL } from '../shared/credentials';
import { failedItem } from '../shared/items';
import { getStore } from '../shared/store';

/** Business-scoped user ids (BSUID, e.g. `BR.1502576394655843`) are used as they are. */

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
		properties: [
			{
				displayName: 'Contact',
				name: 'contact',
				type: 'string',
				default: '',
				required: true,
				placeholder: 'e.g. +91 98765 43210 or 919876543210',
				description: 'The contact\'s phone number in any format, or WhatsApp ID (wa_id)',
			},
			{
				displayName: 'Default Country',
				name: 'defaultCountry',
				type: 'string',
				default: '',
				placeholder: 'e.g. IN',
				description: 'Two-letter country for numbers written without a country code',
			},
			{
				displayName: 'Last Inbound From',
				name: 'source',
				type: 'options',
				options: [
					{ name: 'Store', value: 'store', description: 'The last message the WhatsApp Cloud Trigger recorded for this contact and business number' },
					{ name: 'Item Field', value: 'field', description: 'A timestamp on the item (ISO, epoch seconds or epoch ms)' },
				],
				default: 'store',
			},
			{
				displayName: 'Business Phone Number ID',
				name: 'phoneNumberId',
				type: 'string',
				default: '',
				placeholder: 'e.g. 106540352242922',
				description: 'The business number (phone_number_id) the window is with. Empty: the one in the WhatsApp Cloud API credential.',
				displayOptions: { show: { source: ['store'] } },
			},
			{
				displayName: 'Last Inbound At',
				name: 'lastInboundAt',
				type: 'string',
				default: '',
				placeholder: 'e.g. {{ $json.lastInboundAt }}',
				description: 'When the contact last wrote to the business. Empty: no message (the window is closed).',
				displayOptions: { show: { source: ['field'] } },
			},
			{
				displayName: 'Came From an Ad',
				name: 'referral',
				type: 'boolean',
				default: false,
				description: 'Whether that message came from a click-to-WhatsApp ad or Page button (72 h free entry point for templates)',
				displayOptions: { show: { source: ['field'] } },
			},
			{
				displayName: 'Safety Margin (Minutes)',
				name: 'safetyMarginMinutes',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description: 'A window closing within this many minutes is treated as closed',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const open: INodeExecutionData[] = [];
		const closed: INodeExecutionData[] = [];
		const now = Date.now();
		let store: Store | undefined;
		let credentialPhoneNumberId: string | null | undefined;

		for (let i = 0; i < items.length; i++) {
			try {
				const contact = String(this.getNodeParameter('contact', i, '') ?? '').trim();
				if (!contact) throw new NodeOperationError(this.getNode(), `Item ${i}: Contact is empty`, { itemIndex: i });
				let waId: string;
				if (isBsuid(contact)) waId = contact;
				else {
					const phone = normalizePhone(contact, String(this.getNodeParameter('defaultCountry', i, '') ?? ''));
					if (!phone.ok) throw new NodeOperationError(this.getNode(), `Item ${i}: Contact ${JSON.stringify(contact)} is not a valid phone number: ${phone.reason}`, { itemIndex: i });
					waId = phone.waId;
				}
				const margin = Number(this.getNodeParameter('safetyMarginMinutes', i, 0));
				const source = this.getNodeParameter('source', i, 'store') as string;
				let lastInboundAt: TimeInput;
				let freeEntryPointAt: TimeInput;
				let referral = false;
				let phoneNumberId: string | undefined;
				if (source === 'field') {
					lastInboundAt = this.getNodeParameter('lastInboundAt', i, '') as TimeInput;
					referral = this.getNodeParameter('referral', i, false) as boolean;
				} else {
					phoneNumberId = String(this.getNodeParameter('phoneNumberId', i, '') ?? '').trim();
					if (!phoneNumberId) {
						if (credentialPhoneNumberId === undefined) {
							const c = await getOptionalCredentials(this, CLOUD_API_CREDENTIAL, i);
							credentialPhoneNumberId = c?.phoneNumberId ? String(c.phoneNumberId).trim() : null;
						}
						phoneNumberId = credentialPhoneNumberId ?? '';
					}
					if (!phoneNumberId) {
						throw new NodeOperationError(this.getNode(), `Item ${i}: Business Phone Number ID is empty (set it on the node or in the WhatsApp Cloud API credential)`, { itemIndex: i });
					}
					store ??= await getStore(this);
					// The person, not the digit string: a BSUID, Meta's wa_id or a national variant all find the contact (issue 14).
					const key = (await store.resolveContacts([waId])).get(waId) ?? waId;
					const record = await store.getWindow(phoneNumberId, key);
					lastInboundAt = record?.lastInboundAt;
					freeEntryPointAt = record?.freeEntryPointAt;
				}
				let state;
				try {
					state = conversationWindow(lastInboundAt, now, { safetyMarginMinutes: margin, freeEntryPointAt, referral });
				} catch (error) {
					throw new NodeOperationError(this.getNode(), `Item ${i}: ${(error as Error).message}`, { itemIndex: i });
				}
				const json: IDataObject = { ...items[i].json, ...(state as unknown as IDataObject) };
				(state.windowOpen ? open : closed).push({ json, pairedItem: { item: i } });
			} catch (error) {
				closed.push(failedItem(this, error, i, items[i].json));
			}
		}
		return [open, closed];
	}
}
