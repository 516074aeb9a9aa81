/**
 * Media (cloud-api.md §2 "Media upload"): POST /{phone-id}/media (multipart) → {id};
 * GET /{media-id} → {url,mime_type,sha256,file_size,id,messaging_product}; DELETE → {success:true}.
 * Resumable Upload API for template header examples: POST /{app-id}/uploads → {id:"upload:…"},
 * POST /upload:… (file_offset header + bytes) → {h:"4::…"}, GET /upload:… → {id,file_offset}.
 */
import { createHash } from 'node:crypto';
import { mediaKindOfMime, mediaSizeCap } from '../core/messages/media';
import { GraphError, invalidParam } from './errors';

export interface MediaItem {
	id: string;
	phoneId: string;
	mime: string;
	/** The bytes (empty for a synthetic file, generated on the fly: large-file tests). */
	data: Buffer;
	/** A synthetic file of `size` bytes (syntheticByte pattern), generated while it is served. */
	synthetic?: boolean;
	size: number;
	sha256: string;
	/** The sender's file name (inbound documents). */
	filename?: string;
}

/** Meta's media URLs are short-lived (about 5 minutes); the simulator's expire on its clock. */
export const MEDIA_URL_TTL_MS = 5 * 60_000;

/** Byte `i` of a synthetic file: a fixed pattern, so a test can recompute it. */
function syntheticByte(i: number): number {
	return (i * 31 + (i >>> 11)) & 0xff;
}

/** Bytes [start, end) of a synthetic file. */
export function syntheticChunk(start: number, end: number): Buffer {
	const b = Buffer.allocUnsafe(end - start);
	for (let i = start; i < end; i++) b[i - start] = syntheticByte(i);
	return b;
}

export const SYNTHETIC_CHUNK = 256 * 1024;

interface Upload {
	id: string;
	length: number;
	type: string;
	name: string;
	chunks: Buffer[];
	offset: number;
	handle?: string;
}

export class MediaStore {
	readonly items = new Map<string, MediaItem>();
	readonly uploads = new Map<string, Upload>();
	readonly handles = new Set<string>();

	constructor(private readonly ctx: { ids: { numeric(): string; token(n?: number): string }; baseUrl: string; clock: { now(): number } }) {}

	/** Stores a file (an inbound customer's media) and returns its media ID. */
	add(phoneId: string, mime: string, data: Buffer, filename?: string): MediaItem {
		const id = this.ctx.ids.numeric();
		const item: MediaItem = { id, phoneId, mime, data, size: data.length, sha256: createHash('sha256').update(data).digest('hex'), filename };
		this.items.set(id, item);
		return item;
	}

	/** A synthetic file of `size` bytes (syntheticByte pattern), served streamed: nothing is held in memory. */
	addSynthetic(phoneId: string, mime: string, size: number, filename?: string): MediaItem {
		const hash = createHash('sha256');
		for (let at = 0; at < size; at += SYNTHETIC_CHUNK) hash.update(syntheticChunk(at, Math.min(size, at + SYNTHETIC_CHUNK)));
		const id = this.ctx.ids.numeric();
		const item: MediaItem = { id, phoneId, mime, data: Buffer.alloc(0), synthetic: true, size, sha256: hash.digest('hex'), filename };
		this.items.set(id, item);
		return item;
	}

	clear(): void {
		this.items.clear();
		this.uploads.clear();
		this.handles.clear();
	}

	async upload(phoneId: string, headers: Record<string, string | string[] | undefined>, body: Buffer, url: string): Promise<Record<string, unknown>> {
		const ct = String(headers['content-type'] ?? '');
		if (!ct.startsWith('multipart/form-data')) throw invalidParam('Media upload must be multipart/form-data with a file field.');
		let form: FormData;
		try {
			form = await new Request(url, { method: 'POST', headers: { 'content-type': ct }, body }).formData();
		} catch {
			throw new GraphError(131053, 'Could not parse the multipart body.');
		}
		if (form.get('messaging_product') !== 'whatsapp') throw new GraphError(131008, 'The parameter messaging_product is required.');
		const file = form.get('file');
		if (!file || typeof file === 'string') throw new GraphError(131008, 'The parameter file is required.');
		const type = String(form.get('type') ?? (file as Blob).type ?? '');
		if (!type) throw new GraphError(131008, 'The parameter type is required.');
		const data = Buffer.from(await (file as Blob).arrayBuffer());
		// Size caps from core/messages/media.ts (cloud-api.md §2 [S]), the rules the nodes check before
		// uploading: the upload carries no message type, so the kind comes from the MIME type; a static
		// WebP gets the 100 KB sticker cap, an animated one 500 KB.
		const { maxBytes: cap } = mediaSizeCap(mediaKindOfMime(type), data.subarray(0, 32));
		if (data.length === 0 || data.length > cap) throw new GraphError(131053, `File size ${data.length} is outside the limit for ${type} (${cap} bytes).`);
		return { id: this.add(phoneId, type, data).id };
	}

	info(id: string): Record<string, unknown> {
		const m = this.items.get(id)!;
		// OAS types file_size as a string. The URL expires MEDIA_URL_TTL_MS later (simulator clock).
		const expires = this.ctx.clock.now() + MEDIA_URL_TTL_MS;
		return { url: `${this.ctx.baseUrl}/_media/${id}?expires=${expires}`, mime_type: m.mime, sha256: m.sha256, file_size: String(m.size), id: m.id, messaging_product: 'whatsapp' };
	}

	startUpload(q: URLSearchParams): Record<string, unknown> {
		const length = Number(q.get('file_length'));
		const type = q.get('file_type') ?? '';
		if (!Number.isInteger(length) || length <= 0) throw invalidParam('The parameter file_length is required and must be a positive integer.');
		if (!/^(image\/(jpeg|png)|video\/mp4|application\/pdf)$/.test(type)) throw invalidParam('The parameter file_type must be image/jpeg, image/png, video/mp4 or application/pdf.');
		const id = `upload:${Buffer.from(`${this.ctx.ids.numeric()}?sig=${this.ctx.ids.token(8)}`).toString('base64url')}`;
		this.uploads.set(id, { id, length, type, name: q.get('file_name') ?? 'file', chunks: [], offset: 0 });
		return { id };
	}

	continueUpload(id: string, headers: Record<string, string | string[] | undefined>, body: Buffer): Record<string, unknown> {
		const u = this.uploads.get(id)!;
		const offset = Number(headers['file_offset'] ?? headers['file-offset'] ?? 0);
		if (offset !== u.offset) throw invalidParam(`file_offset ${offset} does not match the upload offset ${u.offset}.`);
		u.chunks.push(body);
		u.offset += body.length;
		if (u.offset > u.length) throw invalidParam(`Uploaded ${u.offset} bytes but file_length is ${u.length}.`);
		if (u.offset < u.length) return { id: u.id, file_offset: u.offset };
		u.handle ??= `4::${Buffer.from(u.type).toString('base64')}:${Buffer.from(u.id).toString('base64url')}`;
		this.handles.add(u.handle);
		return { h: u.handle };
	}

	uploadStatus(id: string): Record<string, unknown> {
		const u = this.uploads.get(id)!;
		return { id: u.id, file_offset: u.offset };
	}
}
