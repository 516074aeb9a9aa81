/** Fields several WhatsApp Campaign operations show (each lists the operations it belongs to). */
import type { INodeProperties } from 'n8n-workflow';
import { templateLocatorProperty } from '../../shared/templatePicker';

export const op = (...operation: string[]) => ({ show: { operation } });

export const campaignIdField: INodeProperties = {
	displayName: 'Campaign ID',
	name: 'campaignId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. spring-sale-2026',
	description: 'Your ID for this campaign. Running Send Campaign again with the same ID resumes it: nobody is messaged twice.',
	displayOptions: op('sendCampaign', 'report', 'pause', 'resume', 'stop'),
};

/** The sending business number: picked from the WABA's numbers (methods.ts) or typed; empty = the credential's. */
export const phoneNumberLocator: INodeProperties = {
	displayName: 'Business Number',
	name: 'phoneNumber',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	description: 'The WhatsApp business number that sends (empty: the phone number ID of the credential)',
	displayOptions: op('sendCampaign', 'sendMessage', 'markAsRead', 'sendAndWait'),
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a number…',
			typeOptions: { searchListMethod: 'searchPhoneNumbers', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 106540352242922',
			validation: [{ type: 'regex', properties: { regex: '^[0-9]+$', errorMessage: 'A phone number ID is numeric' } }],
		},
	],
};

/**
 * "When the Window Is Closed" and its recontact template (Send Message, Send and Wait): session
 * messages need the 24 h customer-service window (cloud-api.md §6; core/messages/api.ts sendMessage).
 */
export function windowClosedFields(operation: string, recontactHint?: string): INodeProperties[] {
	const recontact = (extra: Record<string, string[]>) => ({ show: { operation: [operation], ...extra } });
	return [
		{
			displayName: 'When the Window Is Closed',
			name: 'windowClosed',
			type: 'options',
			default: 'fail',
			description: 'Free-form messages only go through within 24 h of the customer’s last message (131047 otherwise)',
			displayOptions: op(operation),
			options: [
				{ name: 'Fail With a Clear Error', value: 'fail' },
				{ name: 'Send a Recontact Template', value: 'recontact', ...(recontactHint ? { description: recontactHint } : {}) },
				{ name: 'Send Anyway (No Check)', value: 'ignore', description: 'Skip the store check and let Meta decide' },
			],
		},
		templateLocatorProperty({
			name: 'recontactTemplate',
			displayName: 'Recontact Template',
			approvedOnly: true,
			description: 'Approved template sent instead when the window is closed',
			displayOptions: recontact({ windowClosed: ['recontact'] }),
		}),
		{
			displayName: 'Recontact Variables (JSON)',
			name: 'recontactVariables',
			type: 'json',
			default: '{}',
			description: 'Values keyed like body.1, body.first_name, header.media, button.0',
			displayOptions: recontact({ windowClosed: ['recontact'] }),
		},
	];
}
