/**
 * Send Message: a free-form (session) message to one contact inside the 24 h customer-service
 * window; with the window closed, a clear error or a recontact template instead
 * (core/messages/api.ts sendMessage, cloud-api.md §6, Meta error 131047).
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { recipientWaId } from '../../../../core/campaign/phone';
import { sendMessage } from '../../../../core/messages/api';
import { item } from '../../../shared/items';
import { op, windowClosedFields } from '../fields';
import { inputError, param, phoneNumberIdOf, recontactBody, type CampaignContext } from '../shared';
import { contentFields, sessionMessageBody } from './content';

export const description: INodeProperties[] = [
	{ displayName: 'To', name: 'to', type: 'string', required: true, default: '', placeholder: 'e.g. +4915123456789', displayOptions: op('sendMessage') },
	{
		displayName: 'Message Type',
		name: 'messageType',
		type: 'options',
		default: 'text',
		displayOptions: op('sendMessage'),
		options: [
			{ name: 'Audio', value: 'audio' },
			{ name: 'Contacts', value: 'contacts' },
			{ name: 'Document', value: 'document' },
			{ name: 'Image', value: 'image' },
			{ name: 'List', value: 'list' },
			{ name: 'Location', value: 'location' },
			{ name: 'Reaction', value: 'reaction' },
			{ name: 'Reply Buttons', value: 'buttons' },
			{ name: 'Sticker', value: 'sticker' },
			{ name: 'Text', value: 'text' },
			{ name: 'Video', value: 'video' },
		],
	},
	...contentFields,
	{ displayName: 'Reply To Message ID', name: 'replyTo', type: 'string', default: '', description: 'Quote this message (wamid…) in the reply', displayOptions: op('sendMessage') },
	...windowClosedFields('sendMessage'),
];

export async function execute(fn: IExecuteFunctions, i: number, { client, credentials, store }: CampaignContext): Promise<INodeExecutionData[]> {
	const phoneNumberId = phoneNumberIdOf(fn, i, credentials);
	const phone = recipientWaId(param<string>(fn, 'to', i, ''));
	if (!phone.ok) throw inputError(`To: ${phone.reason}`, 'to');
	const waId = phone.waId;
	const sent = await sendMessage(client, {
		phoneNumberId,
		to: waId,
		whenClosed: param<string>(fn, 'windowClosed', i, 'fail'),
		readWindow: async () => (await store()).getWindow(phoneNumberId, waId),
		closedHint: 'Choose "Send a Recontact Template" or use a template.',
		recontact: () => recontactBody(fn, i, client, waId),
		body: () => sessionMessageBody(fn, i, client, phoneNumberId, waId),
	});
	if (sent.recontact) return [item({ messageId: sent.messageId ?? null, to: waId, waId: sent.waId ?? null, type: 'template', recontact: true, template: sent.template ?? null, windowOpen: false }, i)];
	// Meta's answer names the WhatsApp ID it resolved the number to: learn it (issue 14).
	if (sent.waId && sent.waId !== waId) await (await store()).linkIdentity(waId, sent.waId, 'wa_id', 'send_response', Date.now());
	return [item({ messageId: sent.messageId ?? null, to: waId, waId: sent.waId ?? null, type: sent.type, recontact: false }, i)];
}
