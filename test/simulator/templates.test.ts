/** Template management: validation, review, edit, delete, listing, send-time checks (cloud-api.md §1–§3). */
import { buildSendComponents, type TemplateDefinition } from '../../core/templates';
import { carouselTemplate, catalogTemplate, flowTemplate, mpmTemplate, offerTemplate, productCarouselTemplate } from '../templates/fixtures';
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

	it('extraTemplates are APPROVED beside the built-in ones (and survive a reset); an invalid one is refused by name', async () => {
		const spring = { name: 'spring_sale', language: 'de', category: 'MARKETING', components: [{ type: 'BODY', text: 'Hallo {{1}}!', example: { body_text: [['Ana']] } }] };
		const s = await startSim({ extraTemplates: [spring] });
		try {
			const list = async () => (await s.api(`/v23.0/${WABA}/message_templates?category=MARKETING&fields=name,language,status`)).body.data.map(({ id: _id, ...x }: any) => x);
			expect(await list()).toEqual([
				{ name: 'promo_named', language: 'en_US', status: 'APPROVED' },
				{ name: 'spring_sale', language: 'de', status: 'APPROVED' },
			]);
			await s.ctl('/reset', {});
			expect((await list()).length).toBe(2);
		} finally {
			await s.stop();
		}
		await expect(startSim({ extraTemplates: [{ ...spring, name: 'Spring Sale' }] })).rejects.toThrow(/extraTemplates: Spring Sale\/de: name may only contain lowercase letters/);
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

describe('carousel, limited-time offer, catalog / MPM, Flow and coupon templates (issue 16)', () => {
	const send = (template: Record<string, unknown>, to = '16505551234') => t.send({ to, type: 'template', template: { language: { code: 'en_US', policy: 'deterministic' }, ...template } });
	const approve = async (def: TemplateDefinition) => {
		const r = await create(def as unknown as Record<string, unknown>);
		expect(r.body).toMatchObject({ status: 'PENDING' });
		await t.advance(2_500);
		return t.sim.state.templates.byId.get(r.body.id)!;
	};
	const reject = async (def: TemplateDefinition, msg: RegExp) => {
		const r = await create(def as unknown as Record<string, unknown>);
		expect(r.status).toBe(400);
		expect(r.body.error.error_user_msg).toMatch(msg);
	};
	const mutate = (def: TemplateDefinition, fn: (d: TemplateDefinition) => void) => {
		const copy = JSON.parse(JSON.stringify(def)) as TemplateDefinition;
		fn(copy);
		return copy;
	};
	const lastText = async () => (await t.ctl('/messages')).data.at(-1).template.text;

	it('create: each kind is accepted; Meta-rejected variants are refused with a clear message', async () => {
		for (const def of [carouselTemplate(), productCarouselTemplate(), offerTemplate(), catalogTemplate(), mpmTemplate(), flowTemplate()]) {
			expect((await create(def as unknown as Record<string, unknown>)).status).toBe(200);
		}
		await reject(carouselTemplate(1), /cards must list 2 to 10 cards/);
		await reject(mutate(carouselTemplate(), (d) => (d.components[1].cards![1].components[0].format = 'VIDEO')), /same header format/);
		await reject(mutate(carouselTemplate(), (d) => (d.category = 'UTILITY')), /MARKETING/);
		await reject(mutate(offerTemplate(), (d) => d.components.push({ type: 'FOOTER', text: 'T&C' })), /cannot have a FOOTER/);
		await reject(mutate(offerTemplate(), (d) => (d.components[1].limited_time_offer!.text = 'x'.repeat(17))), /at most 16/);
		await reject(mutate(catalogTemplate(), (d) => d.components[1].buttons!.push({ type: 'QUICK_REPLY', text: 'No' })), /only button/);
		await reject(mutate(mpmTemplate(), (d) => d.components.shift()), /TEXT header/);
		await reject(mutate(flowTemplate(), (d) => delete d.components[1].buttons![0].flow_id), /exactly one of flow_id, flow_name or flow_json/);
		await reject(
			{ name: 'zt', language: 'en_US', category: 'AUTHENTICATION', components: [{ type: 'BODY' }, { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'ZERO_TAP', package_name: 'a.b', signature_hash: 'h' }] }] },
			/zero_tap_terms_accepted/,
		);
		await reject({ ...utility('phone_short', 'Call us.'), components: [{ type: 'BODY', text: 'Call us.' }, { type: 'BUTTONS', buttons: [{ type: 'PHONE_NUMBER', text: 'Call', phone_number: '1234' }] }] }, /international number/);
		await reject(utility('three_examples', 'Hi {{1}}, welcome.', { example: { body_text: [['a', 'b', 'c']] } }), /one example per variable/);
		// Meta accepts a COPY_CODE button without text (label "Copy offer code").
		const coupon = { name: 'coupon', language: 'en_US', category: 'MARKETING', components: [{ type: 'BODY', text: 'Your code is ready.' }, { type: 'BUTTONS', buttons: [{ type: 'COPY_CODE', example: 'SAVE10' }] }] };
		expect((await create(coupon)).status).toBe(200);
	});

	it('carousel: the send needs every card; the message log shows the rendered cards', async () => {
		const tpl = await approve(carouselTemplate(2));
		expect(tpl.status).toBe('APPROVED');
		const values = { body: ['Ana'], cards: [{ header: 'https://cdn.example/a.jpg', body: ['15%'], buttons: { 1: 'a' } }, { header: 'https://cdn.example/b.jpg', body: ['20%'], buttons: { 0: 'MORE', 1: 'b' } }] };
		const components = buildSendComponents(carouselTemplate(2), values);
		expect((await send({ name: 'summer_carousel', components })).status).toBe(200);
		expect(await lastText()).toBe(
			[
				'Hi Ana, our summer picks are here.',
				'Card 1: [IMAGE: https://cdn.example/a.jpg] Item 1 now 15% off. [Tell me more] [Buy → https://shop.example/p/a]',
				'Card 2: [IMAGE: https://cdn.example/b.jpg] Item 2 now 20% off. [Tell me more] [Buy → https://shop.example/p/b]',
			].join('\n\n'),
		);
		const oneCard = JSON.parse(JSON.stringify(components));
		oneCard[1].cards.pop();
		expect((await send({ name: 'summer_carousel', components: oneCard }, '16505551235')).body.error.error_data.details).toMatch(/has 2 cards; the send carries 1/);
		const noUrl = JSON.parse(JSON.stringify(components));
		noUrl[1].cards[0].components.pop();
		expect((await send({ name: 'summer_carousel', components: noUrl }, '16505551236')).body.error.code).toBe(132000);
	});

	it('limited-time offer: expiration_time_ms is required; copy code and expiry are rendered', async () => {
		await approve(offerTemplate());
		const values = { header: { link: 'https://cdn.example/o.jpg' }, offer: { expiration: Date.UTC(2026, 11, 31) }, body: ['Pablo', 'CARIBE25'], buttons: { 0: 'CARIBE25', 1: 'n3mtql' } };
		const components = buildSendComponents(offerTemplate(), values);
		expect((await send({ name: 'flash_sale', components })).status).toBe(200);
		expect(await lastText()).toBe(
			'[IMAGE: https://cdn.example/o.jpg]\n\nExpiring offer! · ends 2026-12-31T00:00:00Z\n\nGood news, Pablo! Use code CARIBE25 for 25% off.\n\n[Copy offer code: CARIBE25] [Book now → https://travel.example/offer?code=n3mtql]',
		);
		const noExpiry = components.filter((c) => c.type !== 'limited_time_offer');
		expect((await send({ name: 'flash_sale', components: noExpiry }, '16505551235')).body.error.error_data.details).toMatch(/expiration_time_ms/);
		const noCoupon = components.filter((c) => c.sub_type !== 'copy_code');
		expect((await send({ name: 'flash_sale', components: noCoupon }, '16505551236')).body.error.error_data.details).toMatch(/COPY_CODE button needs a coupon_code/);
	});

	it('MPM and catalog: the action parameters are checked against the section limits', async () => {
		await approve(mpmTemplate());
		await approve(catalogTemplate());
		const mpm = buildSendComponents(mpmTemplate(), { header: 'Pablo', body: ['10OFF'], buttons: { 0: { thumbnail: 'sku-1', sections: 'Shoes: sku-1, sku-2' } } });
		expect((await send({ name: 'abandoned_cart', components: mpm })).status).toBe(200);
		expect(await lastText()).toContain('[View items → Shoes: sku-1, sku-2]');
		const tooMany = JSON.parse(JSON.stringify(mpm));
		tooMany[2].parameters[0].action.sections[0].product_items = Array.from({ length: 31 }, (_, n) => ({ product_retailer_id: `p${n}` }));
		expect((await send({ name: 'abandoned_cart', components: tooMany }, '16505551235')).body.error.error_data.details).toMatch(/at most 30 products/);
		const catalog = buildSendComponents(catalogTemplate(), { body: ['100'], buttons: { 0: { thumbnail: '2lc20305pt' } } });
		expect((await send({ name: 'intro_catalog_offer', components: catalog }, '16505551236')).status).toBe(200);
		expect(await lastText()).toBe('Now shop for your favourite products right here on WhatsApp! Get Rs 100 off on all orders.\n\n[View catalog → 2lc20305pt]');
	});

	it('Flow: flow_token and flow_action_data are accepted in an action parameter', async () => {
		await approve(flowTemplate());
		const components = buildSendComponents(flowTemplate(), { buttons: { 0: { flowToken: 'tok-1', flowActionData: { plan: 'gold' } } } });
		expect((await send({ name: 'survey_flow', components })).status).toBe(200);
		expect(await lastText()).toBe('Check out this new offer\n\n[Check out this offer! → Flow 1234567890 @WELCOME_SCREEN]');
		const bad = JSON.parse(JSON.stringify(components));
		bad[0].parameters[0].action.flow_action_data = 'gold';
		expect((await send({ name: 'survey_flow', components: bad }, '16505551235')).body.error.error_data.details).toMatch(/flow_action_data must be an object/);
	});

	it('classic templates are rendered in the message log too (positional with URL button, authentication)', async () => {
		expect((await t.send(orderUpdate('16505551234'))).status).toBe(200);
		expect(await lastText()).toBe('Hi Mark, your order 860198 has shipped.\n\n[Track order → https://example.com/track/860198]');
		const auth = { name: 'auth_code', components: [{ type: 'body', parameters: [{ type: 'text', text: '482913' }] }, { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '482913' }] }] };
		expect((await send(auth, '16505551299')).status).toBe(200);
		expect(await lastText()).toBe('482913 is your verification code. For your security, do not share this code.\n\nThis code expires in 10 minutes.\n\n[Copy code]');
	});

	it('GET /app and GET /{app-id} answer the app (media headers work without the App ID option)', async () => {
		const app = await t.api('/v23.0/app?fields=id');
		expect(app.body).toEqual({ id: t.sim.options.appId });
		const byId = await t.api(`/v23.0/${t.sim.options.appId}`);
		expect(byId.body).toMatchObject({ id: t.sim.options.appId, name: 'Cloud API Simulator' });
	});
});
