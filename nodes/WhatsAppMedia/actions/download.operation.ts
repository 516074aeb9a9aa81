/**
 * Download: media ID (e.g. an inbound image's `media.id` from the WhatsApp Cloud Trigger) → binary
 * data with Meta's MIME type, streamed from Meta's short-lived URL (core/media/api.ts) into n8n's
 * binary store, capped by Max File Size.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { DEFAULT_DOWNLOAD_MAX_BYTES, downloadMedia } from '../../../core/media/api';
import { getGraphClient } from '../../shared/credentials';
import { binaryPropertyField } from '../../shared/fields';
import type { ItemRun } from '../../shared/router';
import { inputError, mediaIdField } from './shared';

const MB = 1024 * 1024;

export const description: INodeProperties[] = [
	mediaIdField,
	binaryPropertyField({
		name: 'binaryPropertyOutput',
		displayName: 'Output Binary Field',
		required: true,
		description: 'The binary property the downloaded file is put in',
		show: { operation: ['download'] },
	}),
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
];

export async function execute({ fn, i, emitItem }: ItemRun): Promise<void> {
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
	emitItem({
		json: { ...source.json, mediaId: got.info.id, mimeType: got.mimeType, fileName: got.fileName, fileSize: got.info.fileSize ?? null, sha256: got.info.sha256 ?? null },
		binary: { ...(source.binary ?? {}), [property]: binary },
	});
}
