/**
 * The simulator's `POST /{phone-id}/media` refuses (131053) exactly the sizes the nodes refuse before
 * uploading: both read core/messages/media.ts (cloud-api.md §2 "Media upload" [S]).
 */
import { MEDIA_RULES, mediaKindOfMime } from '../../core/messages';
import { PHONE, startSim, TOKEN, type TestSim } from './support';
import { webp } from '../helpers/media';

let t: TestSim;
beforeAll(async () => (t = await startSim()));
afterAll(async () => t.stop());


async function upload(bytes: Buffer, type: string): Promise<any> {
	const form = new FormData();
	form.set('messaging_product', 'whatsapp');
	form.set('type', type);
	form.set('file', new Blob([new Uint8Array(bytes)], { type }), 'f');
	const res = await fetch(`${t.url}/v23.0/${PHONE}/media`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: form });
	return res.json();
}

it.each([
	['image/jpeg', 'image'],
	['image/gif', 'image'],
	['video/mp4', 'video'],
	['audio/ogg', 'audio'],
] as const)('%s: the %s cap from core/messages/media.ts, one byte over → 131053', async (mime, kind) => {
	expect(mediaKindOfMime(mime)).toBe(kind);
	const cap = MEDIA_RULES[kind].maxBytes;
	expect(await upload(Buffer.alloc(cap, 1), mime)).toEqual({ id: expect.stringMatching(/^\d+$/) });
	const over = await upload(Buffer.alloc(cap + 1, 1), mime);
	expect(over.error).toMatchObject({ code: 131053 });
	expect(over.error.error_data.details).toContain(`outside the limit for ${mime} (${cap} bytes)`);
});

it('webp stickers: static ≤ 100 KB, animated ≤ 500 KB', async () => {
	const staticCap = MEDIA_RULES.sticker.staticMaxBytes as number;
	const animatedCap = MEDIA_RULES.sticker.maxBytes;
	expect([staticCap, animatedCap]).toEqual([100 * 1024, 500 * 1024]);
	expect((await upload(webp(staticCap, false), 'image/webp')).id).toMatch(/^\d+$/);
	expect((await upload(webp(staticCap + 1, false), 'image/webp')).error).toMatchObject({ code: 131053 });
	expect((await upload(webp(staticCap + 1, true), 'image/webp')).id).toMatch(/^\d+$/);
	expect((await upload(webp(animatedCap + 1, true), 'image/webp')).error).toMatchObject({ code: 131053 });
});

it('an empty file is refused', async () => {
	expect((await upload(Buffer.alloc(0), 'application/pdf')).error).toMatchObject({ code: 131053 });
});
