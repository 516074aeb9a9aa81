/** POST /{phone-id}/messages: payload validation per type and the success shape (cloud-api.md §2). */
import { PHONE, startSim, text, type TestSim } from './support';

let t: TestSim;
let n = 0;
const to = () => `1650777${String(++n).padStart(4, '0')}`;
beforeAll(async () => (t = await startSim({ pairRateMs: 0 })));
afterAll(async () => t.stop());

const interactive = (i: Record<string, unknown>) => ({ to: to(), type: 'interactive', interactive: i });
const buttons = (k: number, title = 'Yes', id = 'b') => ({
	type: 'button',
	body: { text: 'Choose' },
	action: { buttons: Array.from({ length: k }, (_, j) => ({ type: 'reply', reply: { id: `${id}${j}`, title } })) },
});
const list = (sections: { rows: number; title?: string }[], extra: Record<string, unknown> = {}) => ({
	type: 'list',
	body: { text: 'Pick' },
	action: {
		button: 'Options',
		sections: sections.map((s, k) => ({ title: s.title ?? `S${k}`, rows: Array.from({ length: s.rows }, (_, j) => ({ id: `r${k}-${j}`, title: 'Row', description: 'd' })) })),
		...extra,
	},
});

it('accepts a text and answers with Meta’s success shape; "+" in to is tolerated', async () => {
	const r = await t.send({ to: '+1 650 555 1234', type: 'text', text: { body: 'hi' } });
	expect(r.status).toBe(200);
	expect(r.body).toEqual({
		messaging_product: 'whatsapp',
		contacts: [{ input: '+1 650 555 1234', wa_id: '16505551234' }],
		messages: [{ id: expect.stringMatching(/^wamid\./), message_status: 'accepted' }],
	});
});

it('requires messaging_product and a valid to', async () => {
	const r = await t.api(`/v23.0/${PHONE}/messages`, { body: { to: to(), type: 'text', text: { body: 'x' } } });
	expect(r.body.error).toMatchObject({ code: 100, error_data: { messaging_product: 'whatsapp' } });
	expect(r.body.error.fbtrace_id).toMatch(/^A/);
	expect((await t.send({ type: 'text', text: { body: 'x' } })).body.error.code).toBe(131008);
	expect((await t.send({ to: 'abc', type: 'text', text: { body: 'x' } })).body.error.code).toBe(100);
	expect((await t.send({ to: to(), type: 'carousel', carousel: {} })).body.error.code).toBe(131051);
});

it('text ≤ 4096', async () => {
	expect((await t.send(text(to(), 'x'.repeat(4096)))).status).toBe(200);
	const r = await t.send(text(to(), 'x'.repeat(4097)));
	expect(r.status).toBe(400);
	expect(r.body.error.error_data.details).toMatch(/4096/);
});

it('media by link or uploaded id; caption ≤ 1024 and only on image/video/document', async () => {
	for (const type of ['image', 'video', 'audio', 'document', 'sticker'])
		expect((await t.send({ to: to(), type, [type]: { link: `https://example.com/f.${type}` } })).status).toBe(200);
	expect((await t.send({ to: to(), type: 'image', image: { link: 'https://e.com/a.jpg', caption: 'c'.repeat(1024) } })).status).toBe(200);
	expect((await t.send({ to: to(), type: 'image', image: { link: 'https://e.com/a.jpg', caption: 'c'.repeat(1025) } })).body.error.code).toBe(100);
	expect((await t.send({ to: to(), type: 'audio', audio: { link: 'https://e.com/a.ogg', caption: 'no' } })).body.error.code).toBe(100);
	expect((await t.send({ to: to(), type: 'image', image: { id: '999' } })).body.error.code).toBe(131009);
	expect((await t.send({ to: to(), type: 'image', image: {} })).body.error.code).toBe(100);
	const form = new FormData();
	form.set('messaging_product', 'whatsapp');
	form.set('type', 'image/jpeg');
	form.set('file', new Blob([Buffer.from('jpeg')], { type: 'image/jpeg' }), 'a.jpg');
	const up = (await (await fetch(`${t.url}/v23.0/${PHONE}/media`, { method: 'POST', headers: { authorization: 'Bearer test-token' }, body: form })).json()) as any;
	expect((await t.send({ to: to(), type: 'image', image: { id: up.id } })).status).toBe(200);
});

it('interactive reply buttons: 1–3, title ≤ 20, id ≤ 256', async () => {
	expect((await t.send(interactive(buttons(3)))).status).toBe(200);
	expect((await t.send(interactive(buttons(4)))).body.error.code).toBe(131009);
	expect((await t.send(interactive(buttons(0)))).body.error.code).toBe(131009);
	expect((await t.send(interactive(buttons(1, 'x'.repeat(21))))).body.error.code).toBe(131009);
	expect((await t.send(interactive(buttons(1, 'ok', 'i'.repeat(257))))).body.error.code).toBe(131009);
});

it('interactive list: ≤ 10 rows in total, ≤ 10 sections, title ≤ 24, description ≤ 72, button ≤ 20', async () => {
	expect((await t.send(interactive(list([{ rows: 5 }, { rows: 5 }])))).status).toBe(200);
	const tooMany = await t.send(interactive(list([{ rows: 6 }, { rows: 5 }])));
	expect(tooMany.body.error.code).toBe(131009);
	expect(tooMany.body.error.error_data.details).toMatch(/11 rows/);
	expect((await t.send(interactive(list(Array.from({ length: 11 }, () => ({ rows: 1 })))))).body.error.code).toBe(131009);
	expect((await t.send(interactive(list([{ rows: 1, title: 't'.repeat(25) }])))).body.error.code).toBe(131009);
	expect((await t.send(interactive(list([{ rows: 1 }], { button: 'b'.repeat(21) })))).body.error.code).toBe(131009);
	const longDesc = list([{ rows: 1 }]);
	(longDesc.action.sections[0].rows[0] as any).description = 'd'.repeat(73);
	expect((await t.send(interactive(longDesc))).body.error.code).toBe(131009);
	const longRowTitle = list([{ rows: 1 }]);
	(longRowTitle.action.sections[0].rows[0] as any).title = 't'.repeat(25);
	expect((await t.send(interactive(longRowTitle))).body.error.code).toBe(131009);
});

it('location, contacts and reaction', async () => {
	expect((await t.send({ to: to(), type: 'location', location: { latitude: 37.75, longitude: -122.42, name: 'HQ' } })).status).toBe(200);
	expect((await t.send({ to: to(), type: 'location', location: { name: 'HQ' } })).body.error.code).toBe(131008);
	expect((await t.send({ to: to(), type: 'contacts', contacts: [{ name: { formatted_name: 'Ann' } }] })).status).toBe(200);
	expect((await t.send({ to: to(), type: 'contacts', contacts: [{ phones: [] }] })).body.error.code).toBe(131008);
	expect((await t.send({ to: to(), type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '😀' } })).status).toBe(200);
	expect((await t.send({ to: to(), type: 'reaction', reaction: { emoji: '😀' } })).body.error.code).toBe(131008);
});

it('mark as read answers {success:true} for a received message only', async () => {
	const inbound = await t.ctl('/inbound', { from: '16505551111', text: 'hello' });
	const ok = await t.send({ status: 'read', message_id: inbound.id, typing_indicator: { type: 'text' } });
	expect(ok.body).toEqual({ success: true });
	expect((await t.send({ status: 'read', message_id: 'wamid.unknown' })).body.error.code).toBe(100);
	expect((await t.ctl('/stats')).markedRead).toBe(1);
});
