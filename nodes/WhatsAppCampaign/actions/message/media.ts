/**
 * An item's binary property → a media ID (Send Message's "Binary Data (Upload)", Send Campaign's
 * "Header Media From Binary"): nodes/shared/binaryUpload.ts with errors naming the item.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import type { GraphClient } from '../../../../core/graph/client';
import type { MediaType } from '../../../../core/messages';
import { uploadItemBinary } from '../../../shared/binaryUpload';
import { inputError } from '../shared';

export interface UploadedMedia {
	id: string;
	/** The binary's file name (a document message shows it). */
	fileName?: string;
}

export async function uploadBinary(fn: IExecuteFunctions, client: GraphClient, phoneNumberId: string, i: number, property: string, mediaType?: MediaType, field = 'binaryProperty'): Promise<UploadedMedia> {
	const name = String(property ?? '').trim();
	if (!name) throw inputError(`Item ${i}: the binary property name is empty`, field);
	const uploaded = await uploadItemBinary(fn, client, phoneNumberId, i, name, { mediaType, field, namesItem: true });
	return { id: uploaded.id, fileName: uploaded.binary.fileName };
}
