/**
 * An item's binary property → a media ID, for every node that uploads (WhatsApp Media → Upload,
 * WhatsApp Campaign → Send Message "Binary Data (Upload)" and Send Campaign's header media), through
 * core/media/api.ts uploadMedia. The file's MIME type and size are checked against Meta's limits for
 * its media type (core/messages/media.ts), so a wrong file fails with an error naming the item and the
 * property instead of Meta's 131053; in n8n's filesystem / S3 binary mode an oversized file is refused
 * from its metadata, before it is read.
 */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';
import type { GraphLike } from '../../core/graph/like';
import { MediaError, uploadMedia } from '../../core/media/api';
import type { MediaType } from '../../core/messages/limits';
import { mediaProblem } from '../../core/messages/media';
import { InputError } from './errors';

export interface ItemBinaryUpload {
	id: string;
	/** The media type the file was checked for (given, or the kind of its MIME type). */
	type: MediaType;
	binary: IBinaryData;
	size: number;
}

export interface ItemBinaryOptions {
	/** The media type to check the file for; a function picks it from the file's MIME type. Default: the kind of its MIME type. */
	mediaType?: MediaType | ((mimeType: string) => MediaType);
	/** The parameter errors name (default `binaryProperty`). */
	field?: string;
	/** Name the item in errors (`Item 2, binary property …`): for nodes whose errors are not labelled per item already. */
	namesItem?: boolean;
}

/** Uploads item `i`'s binary property `property` (non-empty) after Meta's checks; bad files throw an InputError naming them. */
export async function uploadItemBinary(fn: IExecuteFunctions, client: GraphLike, phoneNumberId: string, i: number, property: string, o: ItemBinaryOptions = {}): Promise<ItemBinaryUpload> {
	const field = o.field ?? 'binaryProperty';
	const binaries = fn.getInputData()[i]?.binary ?? {};
	const binary = binaries[property];
	if (!binary) {
		const present = Object.keys(binaries);
		const has = present.length ? `the item has ${present.map((p) => `"${p}"`).join(', ')}` : 'the item has no binary data';
		throw new InputError(`${o.namesItem ? `Item ${i}: ` : ''}no binary property "${property}" (${has})`, field);
	}
	const label = `${o.namesItem ? `Item ${i}, b` : 'b'}inary property "${property}"${binary.fileName ? ` (${binary.fileName})` : ''}`;
	const type = typeof o.mediaType === 'function' ? o.mediaType(binary.mimeType) : o.mediaType;
	if (type && binary.id) {
		// Without the first bytes a sticker gets the animated cap here; uploadMedia checks the static cap.
		const { fileSize } = await fn.helpers.getBinaryMetadata(binary.id);
		const problem = fileSize === undefined ? undefined : mediaProblem(type, binary.mimeType, fileSize);
		if (problem) throw new InputError(`${label} ${problem}`, field);
	}
	const data = await fn.helpers.getBinaryDataBuffer(i, property);
	try {
		const uploaded = await uploadMedia(client, phoneNumberId, { data, mimeType: binary.mimeType, fileName: binary.fileName ?? property, label }, type);
		return { id: uploaded.id, type: uploaded.type, binary, size: data.length };
	} catch (error) {
		// MediaError.code tells a wrong file (the user's to fix) from a Graph failure (an API error).
		if (error instanceof MediaError && (error.code === 'invalid_file' || error.code === 'too_large')) throw new InputError(error.message, field);
		throw error;
	}
}
