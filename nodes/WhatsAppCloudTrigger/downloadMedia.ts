/**
 * The trigger's *Download Media* option: each inbound image / video / audio / document / sticker is
 * attached to its item as binary data (core/media/api.ts: `GET /{media-id}`, then Meta's short-lived
 * URL with the token, streamed into n8n's binary store, size-capped, sha256-checked).
 *
 * Never drops an event: a failure (no Cloud API credential, expired media, over the cap, network)
 * is written on the item as `mediaError` (+ `mediaErrorCode`) and the item goes on without binary.
 * Only called when the option is on and at least one item carries a media ID, so the hot path
 * (statuses, texts) makes no Graph call.
 */
import type { IBinaryData, IDataObject, INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';
import { DEFAULT_DOWNLOAD_MAX_BYTES, downloadMedia, MediaError } from '../../core/media/api';
import { GraphApiError } from '../../core/graph/errors';
import { triggerGraphClient } from './hotPath';

const MB = 1024 * 1024;
/** Default cap: core's download cap, 100 MB, the largest file WhatsApp carries (a document, cloud-api.md §2). */
export const DEFAULT_TRIGGER_MEDIA_MAX_MB = DEFAULT_DOWNLOAD_MAX_BYTES / MB;

export interface DownloadMediaOptions {
	maxBytes: number;
	/** The binary property the file goes in. */
	binaryProperty: string;
}

/** The media ID of an inbound message item, if it has one. */
export function mediaIdOf(json: IDataObject): string | undefined {
	if (json.kind !== 'message') return undefined;
	const media = json.media as { id?: unknown } | undefined;
	return media && typeof media.id === 'string' && media.id ? media.id : undefined;
}

export function downloadMediaOptions(options: IDataObject): DownloadMediaOptions | undefined {
	if (options.downloadMedia !== true) return undefined;
	const mb = options.mediaMaxSizeMb === undefined || options.mediaMaxSizeMb === '' ? DEFAULT_TRIGGER_MEDIA_MAX_MB : Number(options.mediaMaxSizeMb);
	return {
		maxBytes: Math.floor((mb > 0 ? mb : DEFAULT_TRIGGER_MEDIA_MAX_MB) * MB),
		binaryProperty: String(options.mediaBinaryProperty ?? '').trim() || 'data',
	};
}

function describe(error: unknown): { mediaError: string; mediaErrorCode: string } {
	if (error instanceof MediaError) return { mediaError: error.message, mediaErrorCode: error.code };
	if (error instanceof GraphApiError) return { mediaError: error.message, mediaErrorCode: `graph_${error.code ?? error.httpStatus ?? 'error'}` };
	const message = error instanceof Error ? error.message : String(error);
	if (/credential/i.test(message)) return { mediaError: 'Download Media needs a WhatsApp Cloud API credential on the trigger', mediaErrorCode: 'no_credential' };
	return { mediaError: message, mediaErrorCode: 'error' };
}

/** Downloads the media of every message item that has one, one at a time; mutates the items. */
export async function attachMedia(ctx: IWebhookFunctions, items: INodeExecutionData[], options: DownloadMediaOptions): Promise<void> {
	const pending = items.filter((item) => mediaIdOf(item.json) !== undefined);
	if (!pending.length) return;
	let graph: Awaited<ReturnType<typeof triggerGraphClient>>;
	try {
		graph = await triggerGraphClient(ctx);
	} catch (error) {
		for (const item of pending) Object.assign(item.json, describe(error));
		return;
	}
	for (const item of pending) {
		const media = item.json.media as { id: string; filename?: string };
		try {
			const got = await downloadMedia(graph.client, graph.credentials.accessToken, media.id, {
				maxBytes: options.maxBytes,
				fileName: typeof media.filename === 'string' ? media.filename : undefined,
				phoneNumberId: typeof item.json.phoneNumberId === 'string' ? item.json.phoneNumberId : undefined,
			});
			const binary: IBinaryData = await ctx.helpers.prepareBinaryData(got.stream, got.fileName, got.mimeType);
			item.binary = { ...(item.binary ?? {}), [options.binaryProperty]: binary };
		} catch (error) {
			Object.assign(item.json, describe(error));
		}
	}
}
