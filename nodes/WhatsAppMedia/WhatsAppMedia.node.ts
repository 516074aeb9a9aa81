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
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { CLOUD_API_CREDENTIAL } from '../shared/credentials';
import { operationProperties, routeItems } from '../shared/router';
import * as remove from './actions/delete.operation';
import * as download from './actions/download.operation';
import { labelled } from './actions/shared';
import * as upload from './actions/upload.operation';

/** One module per operation (actions/<op>.operation.ts: its fields and its execute). */
const operations = { upload, download, delete: remove };

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
		properties: operationProperties(
			{
				options: [
					{ name: 'Upload', value: 'upload', description: 'Upload a binary file and get its media ID', action: 'Upload media' },
					{ name: 'Download', value: 'download', description: 'Download a media ID (e.g. an inbound image) as binary data', action: 'Download media' },
					{ name: 'Delete', value: 'delete', description: 'Delete an uploaded media ID', action: 'Delete media' },
				],
				default: 'upload',
			},
			operations,
		),
	};

	/** The router (nodes/shared/router.ts); media and input errors name the item. */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return routeItems(this, operations, { mapError: labelled });
	}
}
