/** Send Message parameters → a session message body (core/messages checks Meta's limits). */
import type { IExecuteFunctions } from 'n8n-workflow';
import type { GraphClient } from '../../core/graph/client';
import {
	contactsMessage,
	listMessage,
	locationMessage,
	mediaMessage,
	mediaProblem,
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

export interface UploadedMedia {
	id: string;
	/** The binary's file name (a document message shows it). */
	fileName?: string;
}

/**
 * Uploads an item's binary property to `POST /{PHONE_NUMBER_ID}/media` (cloud-api.md §2 "Media
 * upload": multipart `file`, `type`, `messaging_product`) → media id. With a media type, the file's
 * MIME type and size are checked against Meta's limits first (core/messages/media.ts), so a wrong file fails
 * with an error naming the item and the property instead of Meta's 131053.
 */
export async function uploadBinary(
	fn: IExecuteFunctions,
	client: GraphClient,
	phoneNumberId: string,
	i: number,
	property: string,
	mediaType?: MediaType,
	field = 'binaryProperty',
): Promise<UploadedMedia> {
	const name = String(property ?? '').trim();
	if (!name) throw new InputError(`Item ${i}: the binary property name is empty`, field);
	const binaries = fn.getInputData()[i]?.binary ?? {};
	const binary = binaries[name];
	if (!binary) {
		const present = Object.keys(binaries);
		throw new InputError(
			`Item ${i}: no binary property "${name}" (${present.length ? `the item has ${present.map((p) => `"${p}"`).join(', ')}` : 'the item has no binary data'})`,
			field,
		);
	}
	const label = `Item ${i}, binary property "${name}"${binary.fileName ? ` (${binary.fileName})` : ''}`;
	if (mediaType) {
		// Filesystem / S3 mode: the size is known without reading the file.
		const bytes = binary.id ? (await fn.helpers.getBinaryMetadata(binary.id)).fileSize : undefined;
		// Without the first bytes a sticker gets the animated cap here; the static cap is checked below.
		const problem = bytes === undefined ? undefined : mediaProblem(mediaType, binary.mimeType, bytes);
		if (problem) throw new InputError(`${label} ${problem}`, field);
	}
	const buffer = await fn.helpers.getBinaryDataBuffer(i, name);
	if (mediaType) {
		const problem = mediaProblem(mediaType, binary.mimeType, buffer.length, buffer.subarray(0, 32));
		if (problem) throw new InputError(`${label} ${problem}`, field);
	}
	const mimeType = binary.mimeType || 'application/octet-stream';
	const form = new FormData();
	form.append('messaging_product', 'whatsapp');
	form.append('type', mimeType);
	form.append('file', new Blob([new Uint8Array(buffer)], { type: mimeType }), binary.fileName ?? name);
	const res = await client.request<{ id?: string }>({ method: 'POST', path: `/${phoneNumberId}/media`, data: form });
	if (!res?.id) throw new InputError(`${label}: the media upload returned no media ID`, field);
	return { id: res.id, fileName: binary.fileName };
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
			let uploadedName: string | undefined;
			if (source === 'binary') {
				const uploaded = await uploadBinary(fn, client, phoneNumberId, i, param<string>(fn, 'binaryProperty', i, 'data'), type);
				media = { id: uploaded.id };
				uploadedName = uploaded.fileName;
			} else if (source === 'id') media = { id: param<string>(fn, 'media', i, '') };
			else media = { link: param<string>(fn, 'media', i, '') };
			const caption = ['image', 'video', 'document'].includes(type) ? param<string>(fn, 'caption', i, '') : '';
			// A document shows its file name in the chat: default to the uploaded binary's name.
			const filename = type === 'document' ? param<string>(fn, 'filename', i, '') || uploadedName || '' : '';
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
