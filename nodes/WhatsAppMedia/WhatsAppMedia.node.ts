/**
 * WhatsApp Media: Upload / Download / Delete media on the Cloud API (cloud-api.md §2 "Media upload").
 * A thin adapter over core/media/api.ts:
 *  - Upload: an item's binary property → media ID, after Meta's MIME type / size rules
 *    (core/messages/media.ts) — in n8n's filesystem binary mode the size is checked from the
 *    metadata before the file is read.
 *  - Download: media ID (e.g. an inbound image's `media.id` from the WhatsApp Cloud Trigger) →
 *    binary data with Meta's MIME type, streamed from Meta's short-lived URL into n8n's binary
 *    store (prepareBinaryData with a stream), capped by Max File Size.
 *  - Delete: media ID → `{ deleted: true }`.
 * Every item is handled on its own: with Continue On Fail a failing item becomes its error item
 * (paired to it) and the others go on.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { deleteMedia, downloadMedia, DEFAULT_DOWNLOAD_MAX_BYTES, MediaError, uploadMedia } from '../../core/media/api';
import { MEDIA_TYPES, type MediaType } from '../../core/messages/limits';
import { mediaProblem, mediaKindOfMime } from '../../core/messages/media';
import { CLOUD_API_CREDENTIAL, getGraphClient } from '../shared/credentials';
import { InputError } from '../shared/errors';
import { failedItem, item } from '../shared/items';

const MB = 1024 * 1024;

/** Errors naming the user's input (shared/errors.ts turns them into NodeOperationError). */
function inputError(message: string, field?: string): InputError {
	return new InputError(message, field);
}

export class WhatsAppMedia implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Media',
		name: 'whatsAppMedia',
		icon: 'file:whatsAppMedia.svg',
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description: 'Upload, download and delete WhatsApp Cloud API media (images, videos, audio, documents, stickers)',
		defaults: { name: 'WhatsApp Media' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: CLOUD_API_CREDENTIAL, required: true }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Upload', value: 'upload', description: 'Upload a binary file and get its media ID', action: 'Upload media' },
					{ name: 'Download', value: 'download', description: 'Download a media ID (e.g. an inbound image) as binary data', action: 'Download media' },
					{ name: 'Delete', value: 'delete', description: 'Delete an uploaded media ID', action: 'Delete media' },
				],
				default: 'upload',
			},
			{
				displayName: 'Business Phone Number ID',
				name: 'phoneNumberId',
				type: 'string',
				default: '',
				placeholder: 'e.g. 106540352242922',
				description: 'The business number the media belongs to. Empty: the phone number ID of the WhatsApp Cloud API credential.',
				displayOptions: { show: { operation: ['upload', 'delete'] } },
			},
			{
				displayName: 'Input Binary Field',
				name: 'binaryProperty',
				type: 'string',
				default: 'data',
				required: true,
				description: 'The binary property of the item holding the file to upload',
				displayOptions: { show: { operation: ['upload'] } },
			},
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
			{
				displayName: 'Media ID',
				name: 'mediaId',
				type: 'string',
				default: '',
				required: true,
				placeholder: 'e.g. 1037543291543636',
				description: 'The media ID: what Upload returned, or an inbound message\'s media ID from the WhatsApp Cloud Trigger',
				displayOptions: { show: { operation: ['download', 'delete'] } },
			},
			{
				displayName: 'Output Binary Field',
				name: 'binaryPropertyOutput',
				type: 'string',
				default: 'data',
				required: true,
				description: 'The binary property the downloaded file is put in',
				displayOptions: { show: { operation: ['download'] } },
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				displayOptions: { show: { operation: ['download'] } },
				options: [
					{
						displayName: 'File Name',
						name: 'fileName',
						type: 'string',
						default: '',
						placeholder: 'e.g. {{ $json.media.filename }}',
						description: 'The downloaded file\'s name. Empty: the media ID with the extension of its MIME type.',
					},
					{
						displayName: 'Max File Size (MB)',
						name: 'maxSizeMb',
						type: 'number',
						typeOptions: { minValue: 0.001 },
						default: 100,
						description: 'Larger files are refused (before download when Meta reports the size). 100 MB is the largest file WhatsApp carries.',
					},
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const input = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < input.length; i++) {
			const operation = this.getNodeParameter('operation', i) as string;
			try {
				if (operation === 'upload') out.push(await upload(this, i));
				else if (operation === 'download') out.push(await download(this, i));
				else if (operation === 'delete') out.push(await remove(this, i));
				else throw inputError(`Unknown operation "${operation}"`, 'operation');
			} catch (error) {
				out.push(failedItem(this, labelled(error, i), i));
			}
		}
		return [out];
	}
}

/** Media errors name the item, as the other nodes' input errors do. */
function labelled(error: unknown, i: number): unknown {
	if (error instanceof MediaError || error instanceof InputError) {
		const copy = inputError(error.message.startsWith('Item ') ? error.message : `Item ${i}: ${error.message}`);
		return copy;
	}
	return error;
}

async function phoneNumberIdOf(fn: IExecuteFunctions, i: number, fallback: string | undefined): Promise<string> {
	const id = String(fn.getNodeParameter('phoneNumberId', i, '') ?? '').trim() || fallback || '';
	if (!/^[0-9]{1,40}$/.test(id)) {
		throw inputError(id ? `Business Phone Number ID "${id}" is not a phone number ID (digits)` : 'Business Phone Number ID is empty and the credential has no phone number ID', 'phoneNumberId');
	}
	return id;
}

async function upload(fn: IExecuteFunctions, i: number): Promise<INodeExecutionData> {
	const { client, credentials } = await getGraphClient(fn, i);
	const phoneNumberId = await phoneNumberIdOf(fn, i, credentials.phoneNumberId);
	const property = String(fn.getNodeParameter('binaryProperty', i, 'data') ?? '').trim();
	if (!property) throw inputError('Input Binary Field is empty', 'binaryProperty');
	const binaries = fn.getInputData()[i]?.binary ?? {};
	const binary = binaries[property];
	if (!binary) {
		const present = Object.keys(binaries);
		throw inputError(`no binary property "${property}" (${present.length ? `the item has ${present.map((p) => `"${p}"`).join(', ')}` : 'the item has no binary data'})`, 'binaryProperty');
	}
	const chosen = fn.getNodeParameter('mediaType', i, 'auto') as string;
	if (chosen !== 'auto' && !(MEDIA_TYPES as readonly string[]).includes(chosen)) throw inputError(`Unknown media type "${chosen}"`, 'mediaType');
	const type: MediaType = chosen === 'auto' ? mediaKindOfMime(binary.mimeType) : (chosen as MediaType);
	const label = `binary property "${property}"${binary.fileName ? ` (${binary.fileName})` : ''}`;
	// Filesystem / S3 binary mode: the size is known without reading the file, so an oversized file
	// is refused before it is read (the static-sticker cap needs the first bytes: checked in uploadMedia).
	if (binary.id) {
		const { fileSize } = await fn.helpers.getBinaryMetadata(binary.id);
		const problem = fileSize === undefined ? undefined : mediaProblem(type, binary.mimeType, fileSize);
		if (problem) throw inputError(`${label} ${problem}`, 'binaryProperty');
	}
	const data = await fn.helpers.getBinaryDataBuffer(i, property);
	let uploaded;
	try {
		uploaded = await uploadMedia(client, phoneNumberId, { data, mimeType: binary.mimeType, fileName: binary.fileName }, type);
	} catch (error) {
		if (error instanceof MediaError) throw inputError(`${label} ${error.message.replace(/^The file( "[^"]*")? /, '')}`, 'binaryProperty');
		throw error;
	}
	return item({ id: uploaded.id, mediaType: uploaded.type, mimeType: binary.mimeType, fileName: binary.fileName ?? null, fileSize: data.length, phoneNumberId }, i);
}

async function download(fn: IExecuteFunctions, i: number): Promise<INodeExecutionData> {
	const { client, credentials } = await getGraphClient(fn, i);
	const mediaId = String(fn.getNodeParameter('mediaId', i, '') ?? '').trim();
	const property = String(fn.getNodeParameter('binaryPropertyOutput', i, 'data') ?? '').trim();
	if (!property) throw inputError('Output Binary Field is empty', 'binaryPropertyOutput');
	const options = fn.getNodeParameter('options', i, {}) as IDataObject;
	const maxSizeMb = options.maxSizeMb === undefined || options.maxSizeMb === '' ? DEFAULT_DOWNLOAD_MAX_BYTES / MB : Number(options.maxSizeMb);
	if (!(maxSizeMb > 0)) throw inputError(`Max File Size (MB) must be a positive number, got ${JSON.stringify(options.maxSizeMb)}`, 'maxSizeMb');
	const got = await downloadMedia(client, credentials.accessToken, mediaId, { maxBytes: Math.floor(maxSizeMb * MB), fileName: options.fileName ? String(options.fileName) : undefined });
	// A stream: in n8n's filesystem (default) binary mode the file goes straight to disk.
	const binary = await fn.helpers.prepareBinaryData(got.stream, got.fileName, got.mimeType);
	const source = fn.getInputData()[i];
	return {
		json: { ...source.json, mediaId: got.info.id, mimeType: got.mimeType, fileName: got.fileName, fileSize: got.info.fileSize ?? null, sha256: got.info.sha256 ?? null },
		binary: { ...(source.binary ?? {}), [property]: binary },
		pairedItem: { item: i },
	};
}

async function remove(fn: IExecuteFunctions, i: number): Promise<INodeExecutionData> {
	const { client, credentials } = await getGraphClient(fn, i);
	const mediaId = String(fn.getNodeParameter('mediaId', i, '') ?? '').trim();
	const typed = String(fn.getNodeParameter('phoneNumberId', i, '') ?? '').trim();
	const phoneNumberId = typed || credentials.phoneNumberId || undefined;
	if (phoneNumberId && !/^[0-9]{1,40}$/.test(phoneNumberId)) throw inputError(`Business Phone Number ID "${phoneNumberId}" is not a phone number ID (digits)`, 'phoneNumberId');
	const res = await deleteMedia(client, mediaId, phoneNumberId);
	return item({ mediaId, deleted: res.success }, i);
}
