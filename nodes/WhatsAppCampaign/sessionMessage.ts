/** Send Message parameters → a session message body (core/messages checks Meta's limits). */
import type { IExecuteFunctions } from 'n8n-workflow';
import type { GraphClient } from '../../core/graph/client';
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
} from '../../core/messages';
import { InputError } from '../shared/errors';

function param<T>(fn: IExecuteFunctions, name: string, i: number, fallback: T): T {
	return fn.getNodeParameter(name, i, fallback) as T;
}

function json<T>(fn: IExecuteFunctions, name: string, i: number, label: string): T {
	const raw = fn.getNodeParameter(name, i) as unknown;
	if (typeof raw !== 'string') return raw as T;
	try {
		return JSON.parse(raw) as T;
	} catch (error) {
		throw new InputError(`${label} is not valid JSON: ${(error as Error).message}`, name);
	}
}

/** Uploads binary data to `POST /{PHONE_NUMBER_ID}/media` (cloud-api.md §2 "Media upload") → media id. */
export async function uploadBinary(fn: IExecuteFunctions, client: GraphClient, phoneNumberId: string, i: number, property: string): Promise<string> {
	const binary = fn.helpers.assertBinaryData(i, property);
	const buffer = await fn.helpers.getBinaryDataBuffer(i, property);
	const form = new FormData();
	form.append('messaging_product', 'whatsapp');
	form.append('type', binary.mimeType);
	form.append('file', new Blob([new Uint8Array(buffer)], { type: binary.mimeType }), binary.fileName ?? 'file');
	const res = await client.request<{ id?: string }>({ method: 'POST', path: `/${phoneNumberId}/media`, data: form });
	if (!res?.id) throw new InputError(`Media upload of binary property "${property}" returned no media ID`, property);
	return res.id;
}

export async function sessionMessageBody(fn: IExecuteFunctions, i: number, client: GraphClient, phoneNumberId: string, to: string): Promise<SendBodyBase> {
	const type = param<string>(fn, 'messageType', i, 'text');
	const replyTo = param<string>(fn, 'replyTo', i, '');
	const common: CommonOptions = replyTo ? { replyTo } : {};
	switch (type) {
		case 'text':
			return textMessage(to, param<string>(fn, 'text', i, ''), { ...common, previewUrl: param(fn, 'previewUrl', i, false) });
		case 'image':
		case 'video':
		case 'audio':
		case 'document':
		case 'sticker': {
			const source = param<string>(fn, 'mediaSource', i, 'link');
			let media: { id?: string; link?: string };
			if (source === 'binary') media = { id: await uploadBinary(fn, client, phoneNumberId, i, param<string>(fn, 'binaryProperty', i, 'data')) };
			else if (source === 'id') media = { id: param<string>(fn, 'media', i, '') };
			else media = { link: param<string>(fn, 'media', i, '') };
			const caption = ['image', 'video', 'document'].includes(type) ? param<string>(fn, 'caption', i, '') : '';
			const filename = type === 'document' ? param<string>(fn, 'filename', i, '') : '';
			return mediaMessage(to, type as MediaType, { ...media, caption: caption || undefined, filename: filename || undefined }, common);
		}
		case 'buttons': {
			const buttons = (param(fn, 'replyButtons', i, {}) as { button?: { id: string; title: string }[] }).button ?? [];
			const header = param<string>(fn, 'interactiveHeader', i, '');
			return replyButtonsMessage(
				to,
				{ body: param<string>(fn, 'interactiveBody', i, ''), footer: param<string>(fn, 'interactiveFooter', i, '') || undefined, header: header ? { type: 'text', text: header } : undefined, buttons },
				common,
			);
		}
		case 'list': {
			const header = param<string>(fn, 'interactiveHeader', i, '');
			const sections = json<ListSection[]>(fn, 'listSections', i, 'Sections (JSON)');
			return listMessage(
				to,
				{
					body: param<string>(fn, 'interactiveBody', i, ''),
					footer: param<string>(fn, 'interactiveFooter', i, '') || undefined,
					header: header ? { type: 'text', text: header } : undefined,
					button: param<string>(fn, 'listButton', i, ''),
					sections: (sections ?? []).map((s) => ({ ...s, rows: (s.rows ?? []).map((r) => ({ ...r, description: r.description || undefined })) })),
				},
				common,
			);
		}
		case 'location':
			return locationMessage(
				to,
				{
					latitude: param(fn, 'latitude', i, 0),
					longitude: param(fn, 'longitude', i, 0),
					name: param<string>(fn, 'locationName', i, '') || undefined,
					address: param<string>(fn, 'locationAddress', i, '') || undefined,
				},
				common,
			);
		case 'contacts':
			return contactsMessage(to, json<ContactCard[]>(fn, 'contactsJson', i, 'Contacts (JSON)'), common);
		case 'reaction':
			return reactionMessage(to, param<string>(fn, 'reactionMessageId', i, ''), param<string>(fn, 'emoji', i, ''), common);
		default:
			throw new InputError(`Unknown message type "${type}"`, 'messageType');
	}
}
