/**
 * Meta's media rules (core/messages/media.ts): MIME types per media kind and size caps
 * (cloud-api.md §2 "Media upload" [S]; video/audio MIME lists from Meta's "Supported media types" [U]),
 * the animated-WebP test that picks the sticker cap, and the MIME → kind lookup the simulator uses.
 */
import { baseMimeType, isAnimatedWebp, MEDIA_RULES, mediaKindOfMime, mediaProblem, mediaSizeCap, MEDIA_TYPES, type MediaRules } from '../../core/messages';

const KB = 1024;
const MB = 1024 * 1024;

/** The first bytes of a WebP with a VP8X chunk; `animated` sets the animation flag (byte 20, 0x02). */
function webpHead(animated: boolean, otherFlags = 0x10): Buffer {
	const b = Buffer.alloc(32, 0);
	b.write('RIFF', 0, 'latin1');
	b.writeUInt32LE(1000, 4);
	b.write('WEBP', 8, 'latin1');
	b.write('VP8X', 12, 'latin1');
	b[20] = otherFlags | (animated ? 0x02 : 0);
	return b;
}

describe('MEDIA_RULES', () => {
	it('has a rule for every media message type', () => {
		expect(Object.keys(MEDIA_RULES).sort()).toEqual([...MEDIA_TYPES].sort());
	});

	it("carries cloud-api.md §2's caps: image 5 MB, video/audio 16 MB, document 100 MB, sticker 100 KB static / 500 KB animated", () => {
		expect(MEDIA_RULES.image).toEqual({ mimeTypes: ['image/jpeg', 'image/png'], maxBytes: 5 * MB });
		expect([MEDIA_RULES.video.maxBytes, MEDIA_RULES.audio.maxBytes]).toEqual([16 * MB, 16 * MB]);
		expect(MEDIA_RULES.document).toEqual({ maxBytes: 100 * MB });
		expect(MEDIA_RULES.sticker).toEqual({ mimeTypes: ['image/webp'], maxBytes: 500 * KB, staticMaxBytes: 100 * KB });
	});
});

describe('baseMimeType', () => {
	it('drops parameters, trims and lower-cases', () => {
		expect(baseMimeType(' Image/JPEG; charset=binary ')).toBe('image/jpeg');
		expect(baseMimeType('audio/ogg; codecs=opus')).toBe('audio/ogg');
		expect(baseMimeType(undefined)).toBe('');
	});
});

describe('isAnimatedWebp', () => {
	it('reads the VP8X animation flag', () => {
		expect(isAnimatedWebp(webpHead(true))).toBe(true);
		expect(isAnimatedWebp(webpHead(false))).toBe(false);
		// Other VP8X flags (alpha, ICC …) alone do not make it animated.
		expect(isAnimatedWebp(webpHead(false, 0xff & ~0x02))).toBe(false);
	});

	it('is false for a simple (VP8/VP8L) WebP, a non-WebP and a head too short to tell', () => {
		const lossy = webpHead(true);
		lossy.write('VP8 ', 12, 'latin1');
		expect(isAnimatedWebp(lossy)).toBe(false);
		const riffAvi = webpHead(true);
		riffAvi.write('AVI ', 8, 'latin1');
		expect(isAnimatedWebp(riffAvi)).toBe(false);
		expect(isAnimatedWebp(webpHead(true).subarray(0, 20))).toBe(false);
	});
});

describe('mediaSizeCap', () => {
	it('gives a sticker the static cap only when its first bytes show a static WebP', () => {
		expect(mediaSizeCap('sticker')).toEqual({ maxBytes: 500 * KB, what: 'sticker files' });
		expect(mediaSizeCap('sticker', webpHead(true))).toEqual({ maxBytes: 500 * KB, what: 'sticker files' });
		expect(mediaSizeCap('sticker', webpHead(false))).toEqual({ maxBytes: 100 * KB, what: 'static stickers' });
	});

	it('ignores the first bytes for kinds without a static cap', () => {
		expect(mediaSizeCap('image', webpHead(false))).toEqual({ maxBytes: 5 * MB, what: 'image files' });
	});
});

describe('mediaProblem', () => {
	it('accepts files within the rules (MIME parameters and case do not matter)', () => {
		expect(mediaProblem('image', 'IMAGE/PNG', 5 * MB)).toBeUndefined();
		expect(mediaProblem('video', 'video/3gpp', 16 * MB)).toBeUndefined();
		expect(mediaProblem('audio', 'audio/ogg; codecs=opus', 1)).toBeUndefined();
		expect(mediaProblem('sticker', 'image/webp', 500 * KB, webpHead(true))).toBeUndefined();
		expect(mediaProblem('sticker', 'image/webp', 100 * KB, webpHead(false))).toBeUndefined();
	});

	it('documents take any MIME type up to 100 MB [U]', () => {
		expect(mediaProblem('document', 'application/x-custom', 100 * MB)).toBeUndefined();
		expect(mediaProblem('document', 'application/pdf', 100 * MB + 1)).toBe(
			`is ${100 * MB + 1} bytes (100 MB); WhatsApp takes at most ${100 * MB} bytes (100 MB) for document files`,
		);
	});

	it('names a MIME type the kind does not take, and the allowed ones', () => {
		expect(mediaProblem('image', 'image/gif', 10)).toBe('is image/gif, which WhatsApp does not take for image messages (allowed: image/jpeg, image/png)');
		expect(mediaProblem('sticker', 'image/png', 10)).toBe('is image/png, which WhatsApp does not take for sticker messages (allowed: image/webp)');
		expect(mediaProblem('audio', 'audio/wav', 10)).toMatch(/^is audio\/wav, which WhatsApp does not take for audio messages \(allowed: audio\/aac, /);
	});

	it('refuses a missing MIME type and an empty file', () => {
		expect(mediaProblem('image', '', 10)).toBe('has no MIME type; image messages take image/jpeg, image/png');
		expect(mediaProblem('document', undefined, 10)).toBe('has no MIME type; document messages take a file with a MIME type');
		expect(mediaProblem('image', 'image/png', 0)).toBe('is empty');
	});

	it('states the size and the cap, one byte over each cap', () => {
		expect(mediaProblem('image', 'image/jpeg', 5 * MB + 1)).toBe('is 5242881 bytes (5 MB); WhatsApp takes at most 5242880 bytes (5 MB) for image files');
		expect(mediaProblem('video', 'video/mp4', 16 * MB + 1)).toMatch(/at most 16777216 bytes \(16 MB\) for video files$/);
		expect(mediaProblem('sticker', 'image/webp', 100 * KB + 1, webpHead(false))).toBe('is 102401 bytes (100 KB); WhatsApp takes at most 102400 bytes (100 KB) for static stickers');
		expect(mediaProblem('sticker', 'image/webp', 500 * KB + 1, webpHead(true))).toBe('is 512001 bytes (500 KB); WhatsApp takes at most 512000 bytes (500 KB) for sticker files');
		// Without the first bytes only the animated cap can be checked.
		expect(mediaProblem('sticker', 'image/webp', 150 * KB)).toBeUndefined();
		expect(mediaProblem('audio', 'audio/mpeg', 900)).toBeUndefined();
	});

	it('takes another rule table ([U] rules are configurable)', () => {
		const rules: MediaRules = { ...MEDIA_RULES, video: { mimeTypes: [...(MEDIA_RULES.video.mimeTypes ?? []), 'video/3gp'], maxBytes: 8 * MB } };
		expect(mediaProblem('video', 'video/3gp', 10)).toMatch(/does not take/);
		expect(mediaProblem('video', 'video/3gp', 10, undefined, rules)).toBeUndefined();
		expect(mediaProblem('video', 'video/mp4', 8 * MB + 1, undefined, rules)).toMatch(/at most 8388608 bytes \(8 MB\) for video files$/);
	});
});

describe('mediaKindOfMime (an upload carries only its MIME type)', () => {
	it('picks the kind that lists the MIME type', () => {
		expect(['image/jpeg', 'image/webp', 'video/3gpp', 'audio/amr', 'Audio/MP4; x=1'].map((m) => mediaKindOfMime(m))).toEqual(['image', 'sticker', 'video', 'audio', 'audio']);
	});

	it('falls back to the family, then to document', () => {
		expect(['image/gif', 'video/webm', 'audio/wav', 'application/pdf', 'text/plain', ''].map((m) => mediaKindOfMime(m))).toEqual([
			'image',
			'video',
			'audio',
			'document',
			'document',
			'document',
		]);
	});

	it('follows a custom rule table', () => {
		const rules: MediaRules = { ...MEDIA_RULES, document: { mimeTypes: ['image/tiff'], maxBytes: 100 * MB } };
		expect(mediaKindOfMime('image/tiff')).toBe('image');
		expect(mediaKindOfMime('image/tiff', rules)).toBe('document');
	});
});
