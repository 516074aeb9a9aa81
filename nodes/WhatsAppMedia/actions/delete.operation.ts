/** Delete: media ID → `{ deleted: true }` (`DELETE /{MEDIA_ID}` in core/media/api.ts). */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { deleteMedia } from '../../../core/media/api';
import { getGraphClient } from '../../shared/credentials';
import { item } from '../../shared/items';
import { inputError } from './shared';

/** Delete has no fields of its own (Business Phone Number ID and Media ID are shared). */
export const description: INodeProperties[] = [];

export async function execute(fn: IExecuteFunctions, i: number): Promise<INodeExecutionData> {
	const { client, credentials } = await getGraphClient(fn, i);
	const mediaId = String(fn.getNodeParameter('mediaId', i, '') ?? '').trim();
	const typed = String(fn.getNodeParameter('phoneNumberId', i, '') ?? '').trim();
	const phoneNumberId = typed || credentials.phoneNumberId || undefined;
	if (phoneNumberId && !/^[0-9]{1,40}$/.test(phoneNumberId)) throw inputError(`Business Phone Number ID "${phoneNumberId}" is not a phone number ID (digits)`, 'phoneNumberId');
	const res = await deleteMedia(client, mediaId, phoneNumberId);
	return item({ mediaId, deleted: res.success }, i);
}
