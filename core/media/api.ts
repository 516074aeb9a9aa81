/**
 * Media on the Graph API (cloud-api.md §2 "Media upload"; Meta's "Media" reference). Pure core: no
 * n8n imports — the WhatsApp Media node and the trigger's Download Media option are thin adapters.
 *
 *  - Upload: `POST /{PHONE_NUMBER_ID}/media`, multipart `file`, `type`, `messaging_product=whatsapp`
 *    → `{ id }`. The file's MIME type and size are checked first against Meta's table in
 *    core/messages/media.ts (image 5 MB, video / audio 16 MB, document 100 MB, sticker 100 / 500 KB),
 *    so a wrong file fails with a clear error instead of Meta's 131053.
 *  - Download, two steps: `GET /{MEDIA_ID}` → `{ url, mime_type, sha256, file_size, id }`; the `url`
 *    is short-lived (Meta: about 5 minutes) and answers only with the same `Authorization: Bearer`
 *    token. The bytes are streamed (never held in memory), capped (the metadata's `file_size`, then
 *    `Content-Length`, then a running count) and checked against Meta's sha256 at the end.
 *  - Delete: `DELETE /{MEDIA_ID}` (optionally `?phone_number_id=`) → `{ success: true }`.
 * Media IDs of inbound messages stay valid for 30 days (Meta), uploaded ones until deleted / 30 days.
 * The token is sent only in the Authorization header and never appears in an error.
 */
import { createHash } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import type { GraphLike } from '../graph/like';
import type { MediaType } from '../messages/limits';
import { baseMimeType, mediaKindOfMime, mediaProblem } from '../messages/media';

const MB = 1024 * 1024;

/** Meta's largest media file (a 100 MB document, cloud-api.md §2): the default download cap. */
export const DEFAULT_DOWNLOAD_MAX_BYTES = 100 * MB;
/** No bytes for this long while downloading → the download fails (the URL answers, then stalls). */
export const DEFAULT_DOWNLOAD_IDLE_MS = 60_000;

/** A media error that names what was wrong; `code` lets callers (and tests) tell them apart. */
export class MediaError extends Error {
	constructor(
		message: string,
		readonly code: 'invalid_id' | 'invalid_file' | 'too_large' | 'http' | 'integrity' | 'timeout' | 'network',
		readonly httpStatus?: number,
	) {
		super(message);
		this.name = 'MediaError';
	}
}

/** What `GET /{MEDIA_ID}` answers (OAS: file_size is a string there; we give a number). */
export interface MediaInfo {
	id: string;
	url: string;
	mimeType: string;
	sha256?: string;
	fileSize?: number;
}

/** Graph object IDs (media IDs, phone_number_id) are numeric strings: a path or a URL never reaches a request path. */
export function isGraphId(id: string): boolean {
	return /^[0-9]{1,40}$/.test(id);
}

/** Meta's media IDs are numeric strings; anything else (a path, a URL) is refused before a request. */
export function checkMediaId(value: unknown): string {
	const id = String(value ?? '').trim();
	if (!id) throw new MediaError('The media ID is empty', 'invalid_id');
	if (!isGraphId(id)) throw new MediaError(`"${id.slice(0, 60)}" is not a WhatsApp media ID (Meta's media IDs are digits only)`, 'invalid_id');
	return id;
}

export async function getMediaInfo(client: GraphLike, mediaId: string, phoneNumberId?: string): Promise<MediaInfo> {
	const id = checkMediaId(mediaId);
	const res = await client.request<{ id?: string; url?: string; mime_type?: string; sha256?: string; file_size?: string | number }>({
		method: 'GET',
		path: `/${id}`,
		query: phoneNumberId ? { phone_number_id: phoneNumberId } : undefined,
	});
	if (!res?.url) throw new MediaError(`Meta returned no download URL for media ${id}`, 'http');
	const size = res.file_size === undefined ? undefined : Number(res.file_size);
	return {
		id: String(res.id ?? id),
		url: res.url,
		mimeType: baseMimeType(res.mime_type) || 'application/octet-stream',
		sha256: res.sha256 || undefined,
		fileSize: size !== undefined && Number.isFinite(size) ? size : undefined,
	};
}

export async function deleteMedia(client: GraphLike, mediaId: string, phoneNumberId?: string): Promise<{ success: boolean }> {
	const id = checkMediaId(mediaId);
	const res = await client.request<{ success?: boolean }>({
		method: 'DELETE',
		path: `/${id}`,
		query: phoneNumberId ? { phone_number_id: phoneNumberId } : undefined,
	});
	return { success: res?.success === true };
}

export interface UploadFile {
	data: Buffer;
	mimeType: string;
	fileName?: string;
	/** How errors name the file (default `The file "<fileName>"`), e.g. the n8n binary property it came from. */
	label?: string;
}

/**
 * Checks a file against Meta's rules for `type` (or, without one, for the kind its MIME type
 * belongs to — what Meta applies to an upload) and uploads it. Returns the media ID.
 */
export async function uploadMedia(client: GraphLike, phoneNumberId: string, file: UploadFile, type?: MediaType): Promise<{ id: string; type: MediaType }> {
	if (!phoneNumberId) throw new MediaError('No business phone number ID for the upload', 'invalid_file');
	const mimeType = baseMimeType(file.mimeType);
	const kind = type ?? mediaKindOfMime(mimeType);
	const problem = mediaProblem(kind, mimeType, file.data.length, file.data.subarray(0, 32));
	const label = file.label ?? `The file${file.fileName ? ` "${file.fileName}"` : ''}`;
	if (problem) throw new MediaError(`${label} ${problem}`, problem.includes('at most') ? 'too_large' : 'invalid_file');
	const form = new FormData();
	form.append('messaging_product', 'whatsapp');
	form.append('type', mimeType);
	form.append('file', new Blob([new Uint8Array(file.data.buffer, file.data.byteOffset, file.data.length)], { type: mimeType }), file.fileName || 'file');
	const res = await client.request<{ id?: string }>({ method: 'POST', path: `/${phoneNumberId}/media`, data: form });
	if (!res?.id) throw new MediaError('The media upload returned no media ID', 'http');
	return { id: String(res.id), type: kind };
}

/** File extensions of the MIME types Meta lists (core/messages/media.ts), for a download's file name. */
const EXTENSIONS: Record<string, string> = {
	'image/jpeg': 'jpg',
	'image/png': 'png',
	'image/webp': 'webp',
	'video/mp4': 'mp4',
	'video/3gpp': '3gp',
	'audio/aac': 'aac',
	'audio/amr': 'amr',
	'audio/mpeg': 'mp3',
	'audio/mp4': 'm4a',
	'audio/ogg': 'ogg',
	'application/pdf': 'pdf',
	'text/plain': 'txt',
	'application/msword': 'doc',
	'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
	'application/vnd.ms-excel': 'xls',
	'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
	'application/vnd.ms-powerpoint': 'ppt',
	'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
};

/**
 * The file name for a download: the sender's name (inbound documents carry one), else
 * `<media id>.<extension of the MIME type>`. Path separators and control characters are removed.
 */
export function mediaFileName(mediaId: string, mimeType: string, given?: string): string {
	 
	const clean = String(given ?? '').replace(/[\\/\u0000-\u001f]/g, '_').trim();
	if (clean && clean !== '.' && clean !== '..') return clean.slice(0, 255);
	const ext = EXTENSIONS[baseMimeType(mimeType)];
	return ext ? `${mediaId}.${ext}` : mediaId;
}

export interface DownloadOptions {
	/** Refuse files larger than this (default 100 MB, Meta's largest). */
	maxBytes?: number;
	/** Time to the response headers (default 30 s). */
	timeoutMs?: number;
	/** Longest pause between chunks of the body (default 60 s). */
	idleMs?: number;
	/** The sha256 Meta gave (hex); checked when the stream ends. */
	sha256?: string;
	/** Extra request headers (tests). */
	userAgent?: string;
}

export interface MediaStream {
	stream: Readable;
	mimeType: string;
	contentLength?: number;
}

function sizeText(bytes: number): string {
	return bytes >= MB ? `${Math.round((bytes / MB) * 10) / 10} MB` : `${bytes} bytes`;
}

/** Counts bytes (cap), hashes them (sha256 check at the end) and fails a stalled body. */
class GuardedBody extends Transform {
	private bytes = 0;
	private readonly hash = createHash('sha256');
	private idle?: NodeJS.Timeout;

	constructor(
		private readonly label: string,
		private readonly maxBytes: number,
		private readonly expectedSha256: string | undefined,
		private readonly idleMs: number,
		private readonly onIdle: () => void,
	) {
		super();
		this.arm();
	}

	private arm(): void {
		clearTimeout(this.idle);
		this.idle = setTimeout(() => {
			this.onIdle();
			this.destroy(new MediaError(`${this.label}: no data for ${Math.round(this.idleMs / 1000)} s, the download was stopped`, 'timeout'));
		}, this.idleMs);
		this.idle.unref?.();
	}

	override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
		this.bytes += chunk.length;
		if (this.bytes > this.maxBytes) {
			clearTimeout(this.idle);
			return done(new MediaError(`${this.label} is larger than the ${sizeText(this.maxBytes)} limit; the download was stopped`, 'too_large'));
		}
		this.hash.update(chunk);
		this.arm();
		done(null, chunk);
	}

	override _flush(done: TransformCallback): void {
		clearTimeout(this.idle);
		if (this.expectedSha256) {
			const got = this.hash.digest('hex');
			if (got.toLowerCase() !== this.expectedSha256.toLowerCase()) {
				return done(new MediaError(`${this.label}: the downloaded bytes do not match Meta's sha256 (incomplete or altered download)`, 'integrity'));
			}
		}
		done();
	}

	override _destroy(error: Error | null, done: (error: Error | null) => void): void {
		clearTimeout(this.idle);
		done(error);
	}
}

/**
 * Opens Meta's short-lived media URL with the bearer token and returns the body as a capped,
 * hash-checked Node stream. Fails before reading when the status is not 200 or Content-Length is
 * over the cap. The caller must consume or destroy the stream.
 */
export async function openMediaUrl(url: string, accessToken: string, options: DownloadOptions = {}, label = 'The media file'): Promise<MediaStream> {
	const maxBytes = options.maxBytes ?? DEFAULT_DOWNLOAD_MAX_BYTES;
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw new MediaError(`${label}: Meta's download URL is not a URL`, 'http');
	}
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new MediaError(`${label}: Meta's download URL is not http(s)`, 'http');
	const controller = new AbortController();
	const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 30_000);
	let res: Response;
	try {
		// Meta's media URL answers only with the token (and a User-Agent). fetch drops the
		// Authorization header if a redirect leaves the origin.
		res = await fetch(parsed, {
			headers: { authorization: `Bearer ${accessToken}`, 'user-agent': options.userAgent ?? 'n8n-nodes-whatsapp-cloud' },
			signal: controller.signal,
			redirect: 'follow',
		});
	} catch (error) {
		clearTimeout(timer);
		const aborted = controller.signal.aborted;
		throw new MediaError(
			aborted ? `${label}: the download URL did not answer within ${Math.round((options.timeoutMs ?? 30_000) / 1000)} s` : `${label}: the download failed (${(error as Error).message})`,
			aborted ? 'timeout' : 'network',
		);
	}
	clearTimeout(timer);
	if (res.status !== 200 || !res.body) {
		await res.body?.cancel().catch(() => undefined);
		const why =
			res.status === 401 || res.status === 403
				? 'the URL refused the token (a wrong token, or the short-lived URL expired: ask for the media ID again)'
				: res.status === 404
					? 'the URL is unknown or expired (media IDs of inbound messages stay valid for 30 days)'
					: `HTTP ${res.status}`;
		throw new MediaError(`${label}: the download failed: ${why}`, 'http', res.status);
	}
	const lengthHeader = res.headers.get('content-length');
	const contentLength = lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
	if (contentLength !== undefined && contentLength > maxBytes) {
		await res.body.cancel().catch(() => undefined);
		throw new MediaError(`${label} is ${sizeText(contentLength)}, over the ${sizeText(maxBytes)} limit; it was not downloaded`, 'too_large');
	}
	const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
	const guard = new GuardedBody(label, maxBytes, options.sha256, options.idleMs ?? DEFAULT_DOWNLOAD_IDLE_MS, () => body.destroy());
	body.on('error', (error) => guard.destroy(error instanceof MediaError ? error : new MediaError(`${label}: the download broke off (${error.message})`, 'network')));
	body.pipe(guard);
	return { stream: guard, mimeType: baseMimeType(res.headers.get('content-type') ?? '') || 'application/octet-stream', contentLength };
}

export interface Download extends MediaStream {
	info: MediaInfo;
	fileName: string;
}

/**
 * Media ID → its bytes as a stream: `GET /{MEDIA_ID}` (size checked against the cap before any
 * byte is fetched), then the URL with the token. The MIME type is Meta's (the metadata's), the file
 * name the given one or `<id>.<ext>`.
 */
export async function downloadMedia(
	client: GraphLike,
	accessToken: string,
	mediaId: string,
	options: DownloadOptions & { fileName?: string; phoneNumberId?: string } = {},
): Promise<Download> {
	const info = await getMediaInfo(client, mediaId, options.phoneNumberId);
	const maxBytes = options.maxBytes ?? DEFAULT_DOWNLOAD_MAX_BYTES;
	const label = `Media ${info.id}`;
	if (info.fileSize !== undefined && info.fileSize > maxBytes) {
		throw new MediaError(`${label} is ${sizeText(info.fileSize)}, over the ${sizeText(maxBytes)} limit; it was not downloaded`, 'too_large');
	}
	const opened = await openMediaUrl(info.url, accessToken, { ...options, maxBytes, sha256: options.sha256 ?? info.sha256 }, label);
	return { ...opened, mimeType: info.mimeType || opened.mimeType, info, fileName: mediaFileName(info.id, info.mimeType, options.fileName) };
}
