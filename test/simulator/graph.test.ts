/** Graph surface: auth, version prefix, unknown objects, phone numbers, media and resumable uploads. */
import { createHash } from 'node:crypto';
import { PHONE, PHONE2, startSim, TOKEN, WABA, type TestSim } from './support';

let t: TestSim;
beforeAll(async () => (t = await startSim({ appId: '555000111' })));
afterAll(async () => t.stop());

describe('auth and routing', () => {
	it('missing or wrong Bearer token → 401 code 190; access_token query works', async () => {
		for (const token of [null, 'wrong']) {
			const r = await t.api(`/v23.0/${PHONE}`, { token });
			expect(r.status).toBe(401);
			expect(r.body.error).toMatchObject({ code: 190, type: 'OAuthException' });
			expect(JSON.stringify(r.body)).not.toContain(TOKEN);
		}
		expect((await t.api(`/v23.0/${PHONE}?access_token=${TOKEN}`, { token: null })).status).toBe(200);
	});

	it('accepts any vNN.N prefix and rejects other paths', async () => {
		for (const v of ['v19.0', 'v23.0', 'v26.0']) expect((await t.api(`/${v}/${PHONE}`)).body.id).toBe(PHONE);
		expect((await t.api(`/latest/${PHONE}`)).status).toBe(400);
	});

	it('unknown objects → code 100 subcode 33 (GraphMethodException)', async () => {
		const r = await t.api('/v23.0/123456/messages', { body: {} });
		expect(r.status).toBe(400);
		expect(r.body.error).toMatchObject({ code: 100, error_subcode: 33, type: 'GraphMethodException' });
		expect(r.body.error.message).toMatch(/^\(#100\) Unsupported post request/);
	});

	it('invalid JSON → code 100', async () => {
		const r = await t.api(`/v23.0/${PHONE}/messages`, { body: '{not json' });
		expect(r.body.error.code).toBe(100);
	});
});

describe('phone numbers', () => {
	it('default fields, requested fields, and WABA listing with cursors', async () => {
		expect((await t.api(`/v23.0/${PHONE}`)).body).toEqual({ id: PHONE, display_phone_number: '15550783881', verified_name: 'Sim Store', quality_rating: 'GREEN' });
		const f = await t.api(`/v23.0/${PHONE}?fields=status,throughput,whatsapp_business_manager_messaging_limit,messaging_limit_tier,name_status,code_verification_status`);
		expect(f.body).toEqual({
			status: 'CONNECTED',
			throughput: { level: 'STANDARD' },
			whatsapp_business_manager_messaging_limit: 'TIER_2K',
			messaging_limit_tier: 'TIER_2K',
			name_status: 'APPROVED',
			code_verification_status: 'VERIFIED',
			id: PHONE,
		});
		await t.ctl(`/phone-numbers/${PHONE}`, { quality_rating: 'YELLOW' });
		expect((await t.api(`/v23.0/${PHONE}?fields=quality_rating`)).body.quality_rating).toBe('YELLOW');
		const p1 = await t.api(`/v23.0/${WABA}/phone_numbers?limit=1&fields=id`);
		expect(p1.body.data).toEqual([{ id: PHONE }]);
		const p2 = await t.api(`/v23.0/${WABA}/phone_numbers?limit=1&fields=id&after=${p1.body.paging.cursors.after}`);
		expect(p2.body.data).toEqual([{ id: PHONE2 }]);
		expect(p2.body.paging.next).toBeUndefined();
	});
});

describe('media', () => {
	it('multipart upload → id; GET info (sha256, size, url); download with Bearer; DELETE', async () => {
		const bytes = Buffer.from('%PDF-1.4 simulated');
		const form = new FormData();
		form.set('messaging_product', 'whatsapp');
		form.set('type', 'application/pdf');
		form.set('file', new Blob([bytes], { type: 'application/pdf' }), 'a.pdf');
		const up = (await (await fetch(`${t.url}/v23.0/${PHONE}/media`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: form })).json()) as any;
		expect(up).toEqual({ id: expect.stringMatching(/^\d+$/) });
		const info = await t.api(`/v23.0/${up.id}`);
		expect(info.body).toEqual({
			url: expect.stringContaining(`/_media/${up.id}`),
			mime_type: 'application/pdf',
			sha256: createHash('sha256').update(bytes).digest('hex'),
			file_size: String(bytes.length),
			id: up.id,
			messaging_product: 'whatsapp',
		});
		expect((await fetch(info.body.url)).status).toBe(401);
		const dl = await fetch(info.body.url, { headers: { authorization: `Bearer ${TOKEN}` } });
		expect(Buffer.from(await dl.arrayBuffer())).toEqual(bytes);
		expect((await t.api(`/v23.0/${up.id}`, { method: 'DELETE' })).body).toEqual({ success: true });
		expect((await t.api(`/v23.0/${up.id}`)).body.error.code).toBe(100);
	});

	it('rejects uploads without a file or messaging_product', async () => {
		const form = new FormData();
		form.set('messaging_product', 'whatsapp');
		const r = (await (await fetch(`${t.url}/v23.0/${PHONE}/media`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: form })).json()) as any;
		expect(r.error.code).toBe(131008);
		const json = await t.api(`/v23.0/${PHONE}/media`, { body: { file: 'x' } });
		expect(json.body.error.code).toBe(100);
	});

	it('Resumable Upload API: start session, upload with file_offset, get a 4:: handle usable in a template', async () => {
		const bytes = Buffer.from('fake-jpeg-bytes');
		const start = await t.api(`/v23.0/555000111/uploads?file_length=${bytes.length}&file_type=image/jpeg&file_name=a.jpg`, { method: 'POST' });
		expect(start.body.id).toMatch(/^upload:/);
		const wrongOffset = await fetch(`${t.url}/v23.0/${start.body.id}`, { method: 'POST', headers: { authorization: `OAuth ${TOKEN}`, file_offset: '0' }, body: bytes });
		expect(wrongOffset.status).toBe(401); // Graph's uploads use "OAuth" auth in Meta's docs; we require Bearer
		const half = await fetch(`${t.url}/v23.0/${start.body.id}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, file_offset: '0' }, body: bytes.subarray(0, 5) });
		expect(await half.json()).toEqual({ id: start.body.id, file_offset: 5 });
		const bad = await fetch(`${t.url}/v23.0/${start.body.id}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, file_offset: '0' }, body: bytes.subarray(5) });
		expect(((await bad.json()) as any).error.code).toBe(100);
		const rest = await fetch(`${t.url}/v23.0/${start.body.id}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, file_offset: '5' }, body: bytes.subarray(5) });
		const { h } = (await rest.json()) as { h: string };
		expect(h).toMatch(/^4::/);
		const tpl = await t.api(`/v23.0/${WABA}/message_templates`, {
			body: { name: 'with_image', language: 'en_US', category: 'MARKETING', components: [{ type: 'HEADER', format: 'IMAGE', example: { header_handle: [h] } }, { type: 'BODY', text: 'Look at this.' }] },
		});
		expect(tpl.status).toBe(200);
		expect((await t.api(`/v23.0/555000111/uploads?file_length=0&file_type=image/jpeg`, { method: 'POST' })).body.error.code).toBe(100);
	});
});
