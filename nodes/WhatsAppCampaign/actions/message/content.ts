/**
 * Send Message's content fields per Message Type, and those parameters → a session message body
 * (core/messages/build.ts checks Meta's limits: text 4,096, caption 1,024, 1–3 reply buttons, list
 * sections and rows, 1–5 contact cards).
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { GraphClient } from '../../../../core/graph/client';
import {
	contactsMessage,
	listMessage,
	locationMessage,
	mediaMessage,
	reactionMessage,
	replyButtonsMessage,
	textMessage,
	type CommonOptions,
	type ContactCard,
	type ListSection,
	type MediaType,
	type SendBodyBase,
} from '../../../../core/messages';
import { jsonParam } from '../../../shared/params';
import { inputError, param } from '../shared';
import { uploadBinary } from './media';

const MEDIA = ['image', 'video', 'audio', 'document', 'sticker'];
const forTypes = (messageType: string[], more: Record<string, string[]> = {}) => ({ show: { operation: ['sendMessage'], messageType, ...more } });
const upTo = (n: string) => `Up to ${n} characters`;

/** In editor order, after Message Type. */
export const contentFields: INodeProperties[] = [
	{ displayName: 'Text', name: 'text', type: 'string', typeOptions: { rows: 4 }, default: '', description: upTo('4,096'), displayOptions: forTypes(['text']) },
	{ displayName: 'Link Preview', name: 'previewUrl', type: 'boolean', default: false, description: 'Whether to show a preview of the first link', displayOptions: forTypes(['text']) },
	{
		displayName: 'Media Source',
		name: 'mediaSource',
		type: 'options',
		default: 'link',
		displayOptions: forTypes(MEDIA),
		options: [
			{ name: 'Binary Data (Upload)', value: 'binary' },
			{ name: 'Link', value: 'link' },
			{ name: 'Media ID', value: 'id' },
		],
	},
	{ displayName: 'Media', name: 'media', type: 'string', default: '', placeholder: 'https://… or a media ID', displayOptions: forTypes(MEDIA, { mediaSource: ['link', 'id'] }) },
	{ displayName: 'Binary Property', name: 'binaryProperty', type: 'string', default: 'data', displayOptions: forTypes(MEDIA, { mediaSource: ['binary'] }) },
	{ displayName: 'Caption', name: 'caption', type: 'string', default: '', description: upTo('1,024'), displayOptions: forTypes(['image', 'video', 'document']) },
	{ displayName: 'File Name', name: 'filename', type: 'string', default: '', displayOptions: forTypes(['document']) },
	{ displayName: 'Body', name: 'interactiveBody', type: 'string', typeOptions: { rows: 3 }, default: '', description: upTo('1,024'), displayOptions: forTypes(['buttons', 'list']) },
	{ displayName: 'Header Text', name: 'interactiveHeader', type: 'string', default: '', description: upTo('60'), displayOptions: forTypes(['buttons', 'list']) },
	{ displayName: 'Footer', name: 'interactiveFooter', type: 'string', default: '', description: upTo('60'), displayOptions: forTypes(['buttons', 'list']) },
	{
		displayName: 'Buttons',
		name: 'replyButtons',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add Button',
		description: '1 to 3 reply buttons',
		displayOptions: forTypes(['buttons']),
		options: [
			{
				displayName: 'Button',
				name: 'button',
				values: [
					{ displayName: 'ID', name: 'id', type: 'string', default: '', description: 'Up to 256 characters, returned when tapped' },
					{ displayName: 'Title', name: 'title', type: 'string', default: '', description: upTo('20') },
				],
			},
		],
	},
	{ displayName: 'List Button', name: 'listButton', type: 'string', default: 'Options', description: upTo('20'), displayOptions: forTypes(['list']) },
	{
		displayName: 'Sections (JSON)',
		name: 'listSections',
		type: 'json',
		default: '[{"title":"Section","rows":[{"id":"r1","title":"Row 1","description":""}]}]',
		description: 'Up to 10 sections and 10 rows in total; row ID ≤ 200, title ≤ 24, description ≤ 72 characters',
		displayOptions: forTypes(['list']),
	},
	{ displayName: 'Latitude', name: 'latitude', type: 'number', default: 0, displayOptions: forTypes(['location']) },
	{ displayName: 'Longitude', name: 'longitude', type: 'number', default: 0, displayOptions: forTypes(['location']) },
	{ displayName: 'Location Name', name: 'locationName', type: 'string', default: '', displayOptions: forTypes(['location']) },
	{ displayName: 'Address', name: 'locationAddress', type: 'string', default: '', displayOptions: forTypes(['location']) },
	{
		displayName: 'Contacts (JSON)',
		name: 'contactsJson',
		type: 'json',
		default: '[{"name":{"formatted_name":"Ana Lima"},"phones":[{"phone":"+4915123456789","type":"CELL"}]}]',
		description: '1 to 5 contact cards as Meta takes them',
		displayOptions: forTypes(['contacts']),
	},
	{ displayName: 'Message ID', name: 'reactionMessageId', type: 'string', default: '', description: 'The message (wamid…) to react to', displayOptions: forTypes(['reaction']) },
	{ displayName: 'Emoji', name: 'emoji', type: 'string', default: '👍', description: 'Empty removes the reaction', displayOptions: forTypes(['reaction']) },
];

/** Item i's content → the session message body to `to` (media from binary is uploaded first). */
export async function sessionMessageBody(fn: IExecuteFunctions, i: number, client: GraphClient, phoneNumberId: string, to: string): Promise<SendBodyBase> {
	const type = param<string>(fn, 'messageType', i, 'text');
	const text = (name: string) => param<string>(fn, name, i, '');
	const common: CommonOptions = text('replyTo') ? { replyTo: text('replyTo') } : {};
	const interactive = () => ({ body: text('interactiveBody'), footer: text('interactiveFooter') || undefined, header: text('interactiveHeader') ? { type: 'text' as const, text: text('interactiveHeader') } : undefined });
	if (type === 'text') return textMessage(to, text('text'), { ...common, previewUrl: param(fn, 'previewUrl', i, false) });
	if (MEDIA.includes(type)) {
		const source = param<string>(fn, 'mediaSource', i, 'link');
		const uploaded = source === 'binary' ? await uploadBinary(fn, client, phoneNumberId, i, param<string>(fn, 'binaryProperty', i, 'data'), type as MediaType) : undefined;
		const media = uploaded ? { id: uploaded.id } : source === 'id' ? { id: text('media') } : { link: text('media') };
		const caption = ['image', 'video', 'document'].includes(type) ? text('caption') : '';
		// A document shows its file name in the chat: default to the uploaded binary's name.
		const filename = type === 'document' ? text('filename') || uploaded?.fileName || '' : '';
		return mediaMessage(to, type as MediaType, { ...media, caption: caption || undefined, filename: filename || undefined }, common);
	}
	if (type === 'buttons') return replyButtonsMessage(to, { ...interactive(), buttons: (param(fn, 'replyButtons', i, {}) as { button?: { id: string; title: string }[] }).button ?? [] }, common);
	if (type === 'list') {
		const sections = jsonParam<ListSection[]>(fn, 'listSections', i, 'Sections (JSON)');
		const rows = (s: ListSection) => (s.rows ?? []).map((r) => ({ ...r, description: r.description || undefined }));
		return listMessage(to, { ...interactive(), button: text('listButton'), sections: (sections ?? []).map((s) => ({ ...s, rows: rows(s) })) }, common);
	}
	if (type === 'location') {
		return locationMessage(to, { latitude: param(fn, 'latitude', i, 0), longitude: param(fn, 'longitude', i, 0), name: text('locationName') || undefined, address: text('locationAddress') || undefined }, common);
	}
	if (type === 'contacts') return contactsMessage(to, jsonParam<ContactCard[]>(fn, 'contactsJson', i, 'Contacts (JSON)'), common);
	if (type === 'reaction') return reactionMessage(to, text('reactionMessageId'), text('emoji'), common);
	throw inputError(`Unknown message type "${type}"`, 'messageType');
}
