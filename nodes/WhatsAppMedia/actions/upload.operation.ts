/**
 * Upload: an item's binary property → media ID (`POST /{PHONE_NUMBER_ID}/media` in core/media/api.ts),
 * after Meta's MIME type / size rules (core/messages/media.ts). In n8n's filesystem binary mode the
 * size is checked from the metadata before the file is read.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { MEDIA_TYPES, type MediaType } from '../../../core/messages/limits';
import { mediaKindOfMime } from '../../../core/messages/media';
import { uploadItemBinary } from '../../shared/binaryUpload';
import { getGraphClient } from '../../shared/credentials';
import { binaryPropertyField } from '../../shared/fields';
import type { ItemRun } from '../../shared/router';
import { inputError, phoneNumberIdField, phoneNumberIdOf } from './shared';

export const description: INodeProperties[] = [
	phoneNumberIdField,
	binaryPropertyField({ name: 'binaryProperty', required: true, description: 'The binary property of the item holding the file to upload', show: { operation: ['upload'] } }),
	{
		displayName: 'Media Type',
		name: 'mediaType',
		type: 'options',
		options: [
			{ name: 'Audio', value: 'audio' },
			{ name: 'Document', value: 'document' },
			{ name: 'From the MIME Type', value: 'auto' },
			{ name: 'Image', value: 'image' },
			{ name: 'Sticker', value: 'sticker' },
			{ name: 'Video', value: 'video' },
		],
		default: 'auto',
		description: "The message type the file is for: its MIME type and size are checked against Meta's limits for it before uploading (image 5 MB JPEG/PNG, video and audio 16 MB, document 100 MB, sticker WebP 100 KB static / 500 KB animated)",
		displayOptions: { show: { operation: ['upload'] } },
	},
];

export async function execute({ fn, i }: ItemRun): Promise<IDataObject> {
	const { client, credentials } = await getGraphClient(fn, i);
	const phoneNumberId = phoneNumberIdOf(fn, i, credentials.phoneNumberId) as string;
	const property = String(fn.getNodeParameter('binaryProperty', i, 'data') ?? '').trim();
	if (!property) throw inputError('Input Binary Field is empty', 'binaryProperty');
	const chosen = fn.getNodeParameter('mediaType', i, 'auto') as string;
	if (chosen !== 'auto' && !(MEDIA_TYPES as readonly string[]).includes(chosen)) throw inputError(`Unknown media type "${chosen}"`, 'mediaType');
	const uploaded = await uploadItemBinary(fn, client, phoneNumberId, i, property, { mediaType: chosen === 'auto' ? mediaKindOfMime : (chosen as MediaType) });
	const binary = uploaded.binary;
	return { id: uploaded.id, mediaType: uploaded.type, mimeType: binary.mimeType, fileName: binary.fileName ?? null, fileSize: uploaded.size, phoneNumberId };
}
