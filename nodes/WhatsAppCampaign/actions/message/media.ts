/**
 * An item's binary property → a media ID (Send Message's "Binary Data (Upload)", Send Campaign's
 * "Header Media From Binary"), through core/media/api.ts uploadMedia (`POST /{PHONE_NUMBER_ID}/media`,
 * cloud-api.md §2). The file's MIME type and size are checked against Meta's limits
 * (core/messages/media.ts) so a wrong file fails with an error naming the item and the property
 * instead of Meta's 131053; in n8n's filesystem binary mode an oversized file is refused from its
 * metadata before it is read.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import type { GraphClient } from '../../../../core/graph/client';
import { MediaError, uploadMedia } from '../../../../core/media/api';
import { mediaProblem, type MediaType } from '../../../../core/messages';
import { inputError } from '../shared';

export interface UploadedMedia {
	id: string;
	/** The binary's file name (a document message shows it). */
	fileName?: string;
}

export async function uploadBinary(fn: IExecuteFunctions, client: GraphClient, phoneNumberId: string, i: number, property: string, mediaType?: MediaType, field = 'binaryProperty'): Promise<UploadedMedia> {
	const name = String(property ?? '').trim();
	if (!name) throw inputError(`Item ${i}: the binary property name is empty`, field);
	const binaries = fn.getInputData()[i]?.binary ?? {};
	const binary = binaries[name];
	if (!binary) {
		const present = Object.keys(binaries);
		throw inputError(`Item ${i}: no binary property "${name}" (${present.length ? `the item has ${present.map((p) => `"${p}"`).join(', ')}` : 'the item has no binary data'})`, field);
	}
	const label = `Item ${i}, binary property "${name}"${binary.fileName ? ` (${binary.fileName})` : ''}`;
	if (mediaType && binary.id) {
		// Filesystem / S3 mode: the size is known without reading the file. Without the first bytes a
		// sticker gets the animated cap here; uploadMedia checks the static cap.
		const bytes = (await fn.helpers.getBinaryMetadata(binary.id)).fileSize;
		const problem = bytes === undefined ? undefined : mediaProblem(mediaType, binary.mimeType, bytes);
		if (problem) throw inputError(`${label} ${problem}`, field);
	}
	const data = await fn.helpers.getBinaryDataBuffer(i, name);
	const fileName = binary.fileName ?? name;
	try {
		const uploaded = await uploadMedia(client, phoneNumberId, { data, mimeType: binary.mimeType, fileName }, mediaType);
		return { id: uploaded.id, fileName: binary.fileName };
	} catch (error) {
		if (!(error instanceof MediaError)) throw error;
		// uploadMedia names "the file"; here the item and its property are named instead.
		const named = `The file "${fileName}" `;
		throw inputError(error.message.startsWith(named) ? `${label} ${error.message.slice(named.length)}` : `${label}: ${error.message.replace(/^The /, 'the ')}`, field);
	}
}
