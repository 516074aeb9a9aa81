/**
 * Check: is the 24 h customer-service window with this contact open? (cloud-api.md §6; the rule is
 * core/window/window.ts, phone numbers core/phone.) The last inbound time comes from the store
 * (recorded by the WhatsApp Cloud Trigger) or from a field of the item.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { contactKey } from '../../../core/phone';
import type { Store } from '../../../core/store/types';
import { conversationWindow, type TimeInput, type WindowState } from '../../../core/window/window';
import { CLOUD_API_CREDENTIAL, getOptionalCredentials } from '../../shared/credentials';
import { businessNumberField } from '../../shared/fields';
import type { ItemRun } from '../../shared/router';
import { getStore } from '../../shared/store';

export const description: INodeProperties[] = [
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
	businessNumberField({ source: ['store'] }, 'The business number (phone_number_id) the window is with. Empty: the one in the WhatsApp Cloud API credential.'),
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
];

/** What one execution shares between its items: the clock reading, the store, the credential's number. */
export interface CheckContext {
	now: number;
	store?: Store;
	credentialPhoneNumberId?: string | null;
}

/** Routes the item to Open (output 0) or Closed (output 1), extended with the window fields. */
export async function execute(run: ItemRun, ctx: CheckContext): Promise<void> {
	const state = await windowOf(run, ctx);
	run.emit({ ...run.fn.getInputData()[run.i].json, ...(state as unknown as IDataObject) }, state.windowOpen ? 0 : 1);
}

/** One item's window. The contact is a phone number in any format (→ wa_id) or a BSUID (core/phone contactKey). */
async function windowOf({ fn, i }: ItemRun, ctx: CheckContext): Promise<WindowState> {
	const contact = String(fn.getNodeParameter('contact', i, '') ?? '').trim();
	if (!contact) throw new NodeOperationError(fn.getNode(), `Item ${i}: Contact is empty`, { itemIndex: i });
	const key = contactKey(contact, String(fn.getNodeParameter('defaultCountry', i, '') ?? ''));
	if (!key.ok) throw new NodeOperationError(fn.getNode(), `Item ${i}: Contact ${JSON.stringify(contact)} is not a valid phone number: ${key.reason}`, { itemIndex: i });
	const waId = key.waId;
	const margin = Number(fn.getNodeParameter('safetyMarginMinutes', i, 0));
	const source = fn.getNodeParameter('source', i, 'store') as string;
	let lastInboundAt: TimeInput;
	let freeEntryPointAt: TimeInput;
	let referral = false;
	let phoneNumberId: string | undefined;
	if (source === 'field') {
		lastInboundAt = fn.getNodeParameter('lastInboundAt', i, '') as TimeInput;
		referral = fn.getNodeParameter('referral', i, false) as boolean;
	} else {
		phoneNumberId = String(fn.getNodeParameter('phoneNumberId', i, '') ?? '').trim();
		if (!phoneNumberId) {
			if (ctx.credentialPhoneNumberId === undefined) {
				const c = await getOptionalCredentials(fn, CLOUD_API_CREDENTIAL, i);
				ctx.credentialPhoneNumberId = c?.phoneNumberId ? String(c.phoneNumberId).trim() : null;
			}
			phoneNumberId = ctx.credentialPhoneNumberId ?? '';
		}
		if (!phoneNumberId) {
			throw new NodeOperationError(fn.getNode(), `Item ${i}: Business Phone Number ID is empty (set it on the node or in the WhatsApp Cloud API credential)`, { itemIndex: i });
		}
		ctx.store ??= await getStore(fn);
		const store = ctx.store;
		// The person, not the digit string: a BSUID, Meta's wa_id or a national variant all find the contact (issue 14).
		const key = (await store.resolveContacts([waId])).get(waId) ?? waId;
		const record = await store.getWindow(phoneNumberId, key);
		lastInboundAt = record?.lastInboundAt;
		freeEntryPointAt = record?.freeEntryPointAt;
	}
	let state;
	try {
		state = conversationWindow(lastInboundAt, ctx.now, { safetyMarginMinutes: margin, freeEntryPointAt, referral });
	} catch (error) {
		throw new NodeOperationError(fn.getNode(), `Item ${i}: ${(error as Error).message}`, { itemIndex: i });
	}
	return state;
}
