/** Mark as Read: blue ticks for a received message, optionally with a typing indicator (core/messages/api.ts markAsRead). */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { markAsRead, markAsReadBody } from '../../../../core/messages';
import { item } from '../../../shared/items';
import { op } from '../fields';
import { param, phoneNumberIdOf, type CampaignContext } from '../shared';

export const description: INodeProperties[] = [
	{ displayName: 'Message ID', name: 'messageId', type: 'string', required: true, default: '', description: 'The received message (wamid…)', displayOptions: op('markAsRead') },
	{
		displayName: 'Show Typing Indicator',
		name: 'typingIndicator',
		type: 'boolean',
		default: false,
		description: 'Whether to show “typing…” until you reply (or 25 s)',
		displayOptions: op('markAsRead'),
	},
];

export async function execute(fn: IExecuteFunctions, i: number, { client, credentials }: CampaignContext): Promise<INodeExecutionData[]> {
	const phoneNumberId = phoneNumberIdOf(fn, i, credentials);
	const messageId = param<string>(fn, 'messageId', i, '');
	const res = await markAsRead(client, phoneNumberId, markAsReadBody(messageId, param(fn, 'typingIndicator', i, false)));
	return [item({ success: res.success, messageId }, i)];
}
