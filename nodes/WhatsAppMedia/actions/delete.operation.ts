/** Delete: media ID → `{ deleted: true }` (core/media/api.ts deleteMedia). */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { deleteMedia } from '../../../core/media/api';
import { getGraphClient } from '../../shared/credentials';
import type { ItemRun } from '../../shared/router';
import { mediaIdField, phoneNumberIdField, phoneNumberIdOf } from './shared';

/** Delete has no fields of its own: Business Phone Number ID (optional) and Media ID are shared. */
export const description: INodeProperties[] = [phoneNumberIdField, mediaIdField];

export async function execute({ fn, i }: ItemRun): Promise<IDataObject> {
	const { client, credentials } = await getGraphClient(fn, i);
	const mediaId = String(fn.getNodeParameter('mediaId', i, '') ?? '').trim();
	const phoneNumberId = phoneNumberIdOf(fn, i, credentials.phoneNumberId, false);
	const res = await deleteMedia(client, mediaId, phoneNumberId);
	return { mediaId, deleted: res.success };
}
