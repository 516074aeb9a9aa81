/** Template management: validation, review, edit, delete, listing, send-time checks (cloud-api.md §1–§3). */
import { orderUpdate, promo, startSim, WABA, type TestSim } from './support';

let t: TestSim;
beforeEach(async () => (t = await startSim()));
afterEach(async () => t.stop());

const create = (body: Record<string, unknown>) => t.api(`/v23.0/${WABA}/message_templates`, { body });
const utility = (name: string, bodyText: string, extra: Record<string, unknown> = {}) => ({
	name,
	language: 'en_US',
	category: 'UTILITY',
	components: [{ type: 'BODY', text: bodyText, ...extra }],
});
const templateEvents = async () =>
	(await t.ctl('/webhooks?field=message_template_status_update')).data.map((w: any) => w.body.entry[0].changes[0].value);

describe('create validation (Meta-like 400, code 100, clear error_user_msg)', () => {
	const cases: [string, Record<string, unknown>, RegExp][] = [
		['bad name', utility('Bad-Name', 'Hi'), /name may only contain lowercase/],
		['long name', utility('a'.repeat(513), 'Hi'), /at most 512/],
		['bad category', { ...utility('x1', 'Hi'), category: 'PROMO' }, /category must be one of/],
		['body too long', utility('x2', 'a'.repeat(1025)), /BODY\): text must be at most 1024/],
		['body starts with var', utility('x3', '{{1}} is here', { example: { body_text: [['a']] } }), /must not start with a variable/],
		['body ends with var', utility('x4', 'Hello {{1}}', { example: { body_text: [['a']] } }), /must not end with a variable/],
		['adjacent vars', utility('x5', 'Hi {{1}} {{2}} there', { example: { body_text: [['a', 'b']] } }), /must not be adjacent/],
		['missing example', utility('x6', 'Hi {{1}} there'), /example.body_text must give one example per variable/],
		['non-sequential', utility('x7', 'Hi {{1}} and {{3}} there', { example: { body_text: [['a', 'b']] } }), /sequential/],
		['named under POSITIONAL', utility('x8', 'Hi {{name}} there', { example: { body_text: [['a']] } }), /not positional/],
		['no body', { name: 'x9', language: 'en_US', category: 'UTILITY', components: [{ type: 'FOOTER', text: 'f' }] }, /must include a BODY/],
		[
			'footer with variable',
			{ ...utility('x10', 'Hi'), components: [{ type: 'BODY', text: 'Hi' }, { type: 'FOOTER', text: 'f {{1}}' }] },
			/footer cannot contain variables/,
		],
		[
			'media header without handle',
			{ ...utility('x11', 'Hi'), components: [{ type: 'HEADER', format: 'IMAGE' }, { type: 'BODY', text: 'Hi' }] },
			/header_handle/,
		],
		[
			'too many URL buttons',
			{
				...utility('x12', 'Hi'),
				components: [
					{ type: 'BODY', text: 'Hi' },
					{ type: 'BUTTONS', buttons: [1, 2, 3].map((i) => ({ type: 'URL', text: `u${i}`, url: 'https://e.com' })) },
				],
			},
			/at most 2 URL buttons/,
		],
		[
			'button text too long',
			{ ...utility('x13', 'Hi'), components: [{ type: 'BODY', text: 'Hi' }, { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'x'.repeat(26) }] }] },
			/at most 25/,
		],
		[
			'interleaved quick replies',
			{
				...utility('x14', 'Hi'),
				components: [
					{ type: 'BODY', text: 'Hi' },
					{
						type: 'BUTTONS',
						buttons: [
							{ type: 'QUICK_REPLY', text: 'a' },
							{ type: 'URL', text: 'u', url: 'https://e.com' },
							{ type: 'QUICK_REPLY', text: 'b' },
						],
					},
				],
			},
			/grouped together/,
		],
	];
	it.each(cases)('%s', async (_label, body, msg) => {
		const r = await create(body);
		expect(r.status).toBe(400);
		expect(r.body.error).toMatchObject({ code: 100, type: 'OAuthException', error_user_title: 'Template validation failed' });
		expect(r.body.error.error_user_msg).toMatch(msg);
		expect(r.body.error.message).toBe('(#100) Invalid parameter');
	});

	it('accepts a valid NAMED template and rejects a duplicate name+language', async () => {
		const body = {
			name: 'named_ok',
			language: 'en_US',
			category: 'MARKETING',
			parameter_format: 'NAMED',
			components: [{ type: 'BODY', text: 'Hi {{first_name}}, welcome.', example: { body_text_named_params: [{ param_name: 'first_name', example: 'Ann' }] } }],
		};
		const ok = await create(body);
		expect(ok.status).toBe(200);
		expect(ok.body).toEqual({ id: expect.any(String), status: 'PENDING', category: 'MARKETING' });
		const dup = await create(body);
		expect(dup.status).toBe(400);
		expect(dup.body.error.error_subcode).toBe(2388024);
		expect((await create({ ...body, language: 'es' })).status).toBe(200);
	});
});

describe('review', () => {
	it('PENDING → APPROVED after the review delay, with a status webhook', async () => {
		const r = await create(utility('ship_note', 'Your parcel is on its way.'));
		expect((await t.api(`/v23.0/${r.body.id}`)).body.status).toBe('PENDING');
		await t.advance(1999);
		expect((await t.api(`/v23.0/${r.body.id}`)).body.status).toBe('PENDING');
		await t.advance(1);
		expect((await t.api(`/v23.0/${r.body.id}`)).body.status).toBe('APPROVED');
		expect(await templateEvents()).toEqual([
			{ event: 'APPROVED', message_template_id: Number(r.body.id), message_template_name: 'ship_note', message_template_language: 'en_US', reason: 'NONE', message_template_category: 'UTILITY' },
		]);
	});

	it('default rule rejects bodies containing REJECTME (INVALID_FORMAT); custom rules apply', async () => {
		const r = await create(utility('bad_one', 'Please REJECTME now.'));
		await t.advance(2000);
		const got = await t.api(`/v23.0/${r.body.id}?fields=status,rejected_reason`);
		expect(got.body).toEqual({ status: 'REJECTED', rejected_reason: 'INVALID_FORMAT', id: r.body.id });
		expect((await templateEvents())[0]).toMatchObject({ event: 'REJECTED', reason: 'INVALID_FORMAT' });
		await t.ctl('/config', { reviewRules: [{ name: '^promo_', reason: 'PROMOTIONAL' }], reviewDelayMs: 10 });
		const p = await create(utility('promo_x', 'Hello there.'));
		await t.advance(10);
		expect((await t.api(`/v23.0/${p.body.id}`)).body).toMatchObject({ status: 'REJECTED', rejected_reason: 'PROMOTIONAL' });
	});
});

describe('edit and delete', () => {
	it('only APPROVED/REJECTED/PAUSED can be edited; an edit goes back to PENDING and is re-reviewed', async () => {
		const r = await create(utility('edit_me', 'Version one.'));
		const pending = await t.api(`/v23.0/${r.body.id}`, { body: { components: [{ type: 'BODY', text: 'Version two.' }] } });
		expect(pending.status).toBe(400);
		expect(pending.body.error.error_user_msg).toMatch(/PENDING/);
		await t.advance(2000);
		const ok = await t.api(`/v23.0/${r.body.id}`, { body: { components: [{ type: 'BODY', text: 'Version two.' }] } });
		expect(ok.body).toEqual({ success: true });
		expect((await t.api(`/v23.0/${r.body.id}`)).body.status).toBe('PENDING');
		await t.advance(2000);
		const after = await t.api(`/v23.0/${r.body.id}`);
		expect(after.body).toMatchObject({ status: 'APPROVED', components: [{ type: 'BODY', text: 'Version two.' }] });
		// APPROVED: 1 edit per 24 h
		const again = await t.api(`/v23.0/${r.body.id}`, { body: { components: [{ type: 'BODY', text: 'Version three.' }] } });
		expect(again.body.error.error_user_msg).toMatch(/per 24 hours/);
		const rename = await t.api(`/v23.0/${r.body.id}`, { body: { name: 'other' } });
		expect(rename.body.error.error_user_msg).toMatch(/immutable/);
	});

	it('delete by name removes every language; name + hsm_id removes one', async () => {
		const a = await create(utility('multi', 'Hello.'));
		const b = await create({ ...utility('multi', 'Hola.'), language: 'es' });
		await create({ ...utility('multi', 'Bonjour.'), language: 'fr' });
		const one = await t.api(`/v23.0/${WABA}/message_templates?name=multi&hsm_id=${b.body.id}`, { method: 'DELETE' });
		expect(one.body).toEqual({ success: true });
		let left = (await t.api(`/v23.0/${WABA}/message_templates?name=multi`)).body.data.map((x: any) => x.language);
		expect(left.sort()).toEqual(['en_US', 'fr']);
		expect((await t.api(`/v23.0/${WABA}/message_templates?name=multi`, { method: 'DELETE' })).body).toEqual({ success: true });
		left = (await t.api(`/v23.0/${WABA}/message_templates?name=multi`)).body.data;
		expect(left).toEqual([]);
		expect((await t.api(`/v23.0/${a.body.id}`)).body.error.code).toBe(100);
		const missing = await t.api(`/v23.0/${WABA}/message_templates?name=multi`, { method: 'DELETE' });
		expect(missing.status).toBe(400);
		// name reuse is blocked for a while after deletion
		expect((await create(utility('multi', 'Again.'))).body.error.error_subcode).toBe(2388023);
	});
});

describe('listing', () => {
	it('filters by name, status, category, language and restricts fields', async () => {
		await create(utility('pending_one', 'Hello.'));
		const byStatus = await t.api(`/v23.0/${WABA}/message_templates?status=PENDING&fields=name,status`);
		expect(byStatus.body.data).toEqual([{ name: 'pending_one', status: 'PENDING', id: expect.any(String) }]);
		const marketing = await t.api(`/v23.0/${WABA}/message_templates?category=MARKETING&fields=name`);
		expect(marketing.body.data.map((x: any) => x.name)).toEqual(['promo_named']);
		const byName = await t.api(`/v23.0/${WABA}/message_templates?name=order&language=en_US&fields=name,language`);
		expect(byName.body.data.map((x: any) => x.name)).toEqual(['order_update']);
		const summary = await t.api(`/v23.0/${WABA}/message_templates?limit=1&summary=total_count,message_template_limit`);
		expect(summary.body.summary).toEqual({ total_count: 5, message_template_limit: 250 });
	});

	it('pages with after/before cursors', async () => {
		const all = (await t.api(`/v23.0/${WABA}/message_templates?fields=name`)).body.data.map((x: any) => x.name);
		const seen: string[] = [];
		let q = '?limit=1&fields=name';
		for (let i = 0; i < 10; i++) {
			const page = await t.api(`/v23.0/${WABA}/message_templates${q}`);
			seen.push(...page.body.data.map((x: any) => x.name));
			if (!page.body.paging.next) break;
			q = `?limit=1&fields=name&after=${page.body.paging.cursors.after}`;
		}
		expect(seen).toEqual(all);
		const last = await t.api(`/v23.0/${WABA}/message_templates${q}`);
		const prev = await t.api(`/v23.0/${WABA}/message_templates?limit=2&fields=name&before=${last.body.paging.cursors.before}`);
		expect(prev.body.data.map((x: any) => x.name)).toEqual(all.slice(-3, -1));
	});
});

describe('quality and pause via the control API', () => {
	it('emits message_template_quality_update and makes PAUSED/DISABLED sends fail with 132015/132016', async () => {
		const list = (await t.api(`/v23.0/${WABA}/message_templates?name=promo_named`)).body.data;
		const id = list[0].id;
		await t.ctl(`/templates/${id}`, { quality: 'RED' });
		const q = (await t.ctl('/webhooks?field=message_template_quality_update')).data[0].body.entry[0].changes[0].value;
		expect(q).toEqual({ previous_quality_score: 'GREEN', new_quality_score: 'RED', message_template_id: Number(id), message_template_name: 'promo_named', message_template_language: 'en_US' });
		await t.ctl(`/templates/${id}`, { status: 'PAUSED', reason: 'FIRST_PAUSE' });
		expect((await t.send(promo('16505551234'))).body.error.code).toBe(132015);
		await t.ctl('/templates/x', { name: 'promo_named', status: 'DISABLED' });
		expect((await t.send(promo('16505551234'))).body.error.code).toBe(132016);
		expect((await templateEvents()).map((e: any) => e.event)).toEqual(['PAUSED', 'DISABLED']);
	});
});

describe('template send checks', () => {
	const send = (template: Record<string, unknown>) => t.send({ to: '16505551234', type: 'template', template: { language: { code: 'en_US', policy: 'deterministic' }, ...template } });

	it('unknown, wrong language or not approved → 132001', async () => {
		expect((await send({ name: 'nope' })).body.error.code).toBe(132001);
		expect((await send({ name: 'hello_world', language: { code: 'fr' } })).body.error.code).toBe(132001);
		await create(utility('not_yet', 'Hello.'));
		const r = await send({ name: 'not_yet' });
		expect(r.status).toBe(404);
		expect(r.body.error.code).toBe(132001);
	});

	it('body parameter count → 132000; named vs positional → 132012', async () => {
		expect((await t.send(orderUpdate('16505551234', ['only one']))).body.error.code).toBe(132000);
		const positionalWithNames = orderUpdate('16505551234');
		(positionalWithNames.template.components[0].parameters as any[])[0].parameter_name = 'x';
		expect((await t.send(positionalWithNames)).body.error.code).toBe(132012);
		const p = promo('16505551234');
		delete (p.template.components[1].parameters as any[])[0].parameter_name;
		expect((await t.send(p)).body.error.code).toBe(132012);
		const wrongName = promo('16505551234');
		(wrongName.template.components[1].parameters as any[])[0].parameter_name = 'nickname';
		expect((await t.send(wrongName)).body.error.code).toBe(132000);
	});

	it('header media required and of the right type', async () => {
		const noHeader = promo('16505551234');
		noHeader.template.components.shift();
		expect((await t.send(noHeader)).body.error.code).toBe(131008);
		const video = promo('16505551234');
		video.template.components[0] = { type: 'header', parameters: [{ type: 'video', video: { link: 'https://e.com/v.mp4' } }] } as any;
		expect((await t.send(video)).body.error.code).toBe(132012);
	});

	it('button index and sub_type are checked (131009); the dynamic URL needs its parameter (132000)', async () => {
		const badIndex = orderUpdate('16505551234');
		(badIndex.template.components[1] as any).index = '3';
		expect((await t.send(badIndex)).body.error.code).toBe(131009);
		const badSub = orderUpdate('16505551234');
		(badSub.template.components[1] as any).sub_type = 'quick_reply';
		expect((await t.send(badSub)).body.error.code).toBe(131009);
		const noButton = orderUpdate('16505551234');
		noButton.template.components.pop();
		expect((await t.send(noButton)).body.error.code).toBe(132000);
		expect((await t.send(orderUpdate('16505551234'))).status).toBe(200);
	});

	it('hydrated body longer than 1024 → 132005', async () => {
		expect((await t.send(orderUpdate('16505551234', ['x'.repeat(1100), 'y']))).body.error.code).toBe(132005);
	});

	it('authentication template takes one code parameter', async () => {
		const auth = (n: number) => ({
			name: 'auth_code',
			components: [
				{ type: 'body', parameters: Array.from({ length: n }, () => ({ type: 'text', text: '123456' })) },
				{ type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '123456' }] },
			],
		});
		expect((await send(auth(0))).body.error.code).toBe(132000);
		expect((await send(auth(1))).status).toBe(200);
	});
});
