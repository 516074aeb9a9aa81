/**
 * What Meta takes for an uploaded media file (`POST /{PHONE_NUMBER_ID}/media`), the one place for
 * Meta's media rules: the nodes check a file before the upload (a wrong file fails with a clear
 * error instead of Meta's 131053 "Media upload error"), and the simulator refuses the same files.
 * Pure (no n8n imports).
 *
 * Sources:
 * - cloud-api.md §2 "Media upload" [S]: image 5 MB (image/jpeg, image/png), video and audio 16 MB,
 *   document 100 MB, sticker image/webp 100 KB static / 500 KB animated.
 * - Meta's "Supported media types" page, not in cloud-api.md [U]: the video MIME types
 *   (video/mp4, video/3gpp) and the audio MIME types (audio/aac, audio/amr, audio/mpeg, audio/mp4,
 *   audio/ogg). Documents: any MIME type is passed on [U] (Meta lists office files, PDF and text;
 *   the size cap holds).
 * - WebP container spec (Google), not Meta: an animated WebP carries the VP8X animation flag.
 * [U] rules are configurable: every check takes an optional `rules` table (default MEDIA_RULES).
 */
import type { MediaType } from './limits';

const MB = 1024 * 1024;
const KB = 1024;

export interface MediaRule {
	/** MIME types accepted (lower case, without parameters); undefined = any. */
	mimeTypes?: readonly string[];
	/** Size cap in bytes (for stickers: the animated cap). */
	maxBytes: number;
	/** Stickers only: the cap for a static (not animated) WebP. */
	staticMaxBytes?: number;
}

export type MediaRules = Readonly<Record<MediaType, MediaRule>>;

export const MEDIA_RULES: MediaRules = {
	// cloud-api.md §2 [S]: 5 MB, jpeg/png.
	image: { mimeTypes: ['image/jpeg', 'image/png'], maxBytes: 5 * MB },
	// Size: cloud-api.md §2 [S]; MIME types: Meta's "Supported media types" [U].
	video: { mimeTypes: ['video/mp4', 'video/3gpp'], maxBytes: 16 * MB },
	audio: { mimeTypes: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'], maxBytes: 16 * MB },
	// Size: cloud-api.md §2 [S]; any MIME type [U].
	document: { maxBytes: 100 * MB },
	// cloud-api.md §2 [S]: webp, static ≤ 100 KB, animated ≤ 500 KB. Without the file's first bytes
	// the animated cap applies; with them a static sticker gets the static cap (mediaSizeCap).
	sticker: { mimeTypes: ['image/webp'], maxBytes: 500 * KB, staticMaxBytes: 100 * KB },
};

/** `Image/JPEG; charset=x` → `image/jpeg`. */
export function baseMimeType(mimeType: string | undefined): string {
	return String(mimeType ?? '')
		.split(';')[0]
		.trim()
		.toLowerCase();
}

/** An animated WebP has a VP8X chunk at byte 12 with the animation flag (0x02) in byte 20 (WebP container spec). */
export function isAnimatedWebp(head: Uint8Array): boolean {
	if (head.length < 21) return false;
	const tag = (at: number) => String.fromCharCode(head[at], head[at + 1], head[at + 2], head[at + 3]);
	return tag(0) === 'RIFF' && tag(8) === 'WEBP' && tag(12) === 'VP8X' && (head[20] & 0x02) !== 0;
}

/**
 * The size cap for a media kind and what it applies to ("image files", "static stickers").
 * `head` (the file's first bytes, ≥ 21) lets the static sticker cap apply; without it a sticker
 * gets the animated cap.
 */
export function mediaSizeCap(type: MediaType, head?: Uint8Array, rules: MediaRules = MEDIA_RULES): { maxBytes: number; what: string } {
	const rule = rules[type];
	if (rule.staticMaxBytes !== undefined && head && !isAnimatedWebp(head)) return { maxBytes: rule.staticMaxBytes, what: `static ${type}s` };
	return { maxBytes: rule.maxBytes, what: `${type} files` };
}

/**
 * The media kind whose rules apply to an upload of this MIME type, for a receiver that sees only the
 * file (the simulator's `POST /media`): the kind that lists the MIME type, else by family
 * (image/*, video/*, audio/*), else document (documents take any MIME type [U]).
 */
export function mediaKindOfMime(mimeType: string | undefined, rules: MediaRules = MEDIA_RULES): MediaType {
	const mime = baseMimeType(mimeType);
	const kinds = Object.keys(rules) as MediaType[];
	const listed = kinds.find((k) => rules[k].mimeTypes?.includes(mime));
	if (listed) return listed;
	const family = mime.split('/')[0];
	if (family === 'image' || family === 'video' || family === 'audio') return family;
	return 'document';
}

function sizeText(bytes: number): string {
	if (bytes >= MB) return `${Math.round((bytes / MB) * 10) / 10} MB`;
	if (bytes >= KB) return `${Math.round((bytes / KB) * 10) / 10} KB`;
	return `${bytes} bytes`;
}

/**
 * Why Meta would refuse this file for this message type, or undefined when it is fine.
 * `head` (the first bytes) lets the static sticker cap apply.
 */
export function mediaProblem(type: MediaType, mimeType: string | undefined, bytes: number, head?: Uint8Array, rules: MediaRules = MEDIA_RULES): string | undefined {
	const rule = rules[type];
	const mime = baseMimeType(mimeType);
	if (!mime) return `has no MIME type; ${type} messages take ${rule.mimeTypes?.join(', ') ?? 'a file with a MIME type'}`;
	if (rule.mimeTypes && !rule.mimeTypes.includes(mime)) return `is ${mime}, which WhatsApp does not take for ${type} messages (allowed: ${rule.mimeTypes.join(', ')})`;
	if (bytes <= 0) return 'is empty';
	const { maxBytes, what } = mediaSizeCap(type, head, rules);
	if (bytes > maxBytes) return `is ${bytes} bytes (${sizeText(bytes)}); WhatsApp takes at most ${maxBytes} bytes (${sizeText(maxBytes)}) for ${what}`;
	return undefined;
}
