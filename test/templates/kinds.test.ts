/**
 * Send building, inputs and rendering of the template kinds beyond the classic shapes: carousel
 * (media and product cards), limited-time offer, catalog, multi-product (MPM), Flow and coupon
 * COPY_CODE buttons. The send shapes follow Meta's send guides (media card carousel, limited-time
 * offer) and the OAS examples "Send Catalog Template Message" / "Send Flow Template Message",
 * which are read from test/fixtures/meta-openapi and compared below.
 */
import fs from 'node:fs';
import YAML from 'yaml';
import {
	TemplateValueError,
	buildSendComponents,
	describeTemplateVariables,
	templateMessage,
	renderTemplate,
	validateTemplate,
	valuesFromInputs,
	valuesFromSendComponents,
} from '../../core/templates';
import { SPEC_FILE, componentSchema, schemaFor, validateAgainst } from '../helpers/openapi';
import { carouselTemplate, catalogTemplate, flowTemplate, mpmTemplate, offerTemplate, productCarouselTemplate, stored } from './fixtures';

const EXPIRES = Date.UTC(2026, 11, 31, 23, 0, 0);

/** A media carousel card as sent (Meta's carousel send payload): image header, body value, quick-reply payload, URL suffix. */
function sentCard(index: number, image: Record<string, string>, bodyValue: string, payload: string, urlSuffix: string) {
	return {
		card_index: index,
		components: [
			{ type: 'header', parameters: [{ type: 'image', image }] },
			{ type: 'body', parameters: [{ type: 'text', text: bodyValue }] },
			{ type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload }] },
			{ type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: urlSuffix }] },
		],
	};
}

describe('every fixture kind is a valid create body', () => {
	it.each([
		['carousel', carouselTemplate()],
		['product carousel', productCarouselTemplate()],
		['limited-time offer', offerTemplate()],
		['catalog', catalogTemplate()],
		['multi-product', mpmTemplate()],
		['flow', flowTemplate()],
	])('%s', (_kind, def) => {
		expect(validateTemplate(def).errors).toEqual([]);
	});
});

describe('carousel', () => {
	const t = stored(carouselTemplate(2));
	it('lists per-card inputs (header media, card body, card buttons) and builds every card by card_index', () => {
		expect(describeTemplateVariables(t).map((i) => i.key)).toEqual([
			'body.1',
			'card.0.header.media',
			'card.0.body.1',
			'card.0.button.0',
			'card.0.button.1',
			'card.1.header.media',
			'card.1.body.1',
			'card.1.button.0',
			'card.1.button.1',
		]);
		const values = valuesFromInputs({
			'body.1': 'Ana',
			'card.0.header.media': 'https://cdn.example/a.jpg',
			'card.0.body.1': '15%',
			'card.0.button.0': 'MORE_A',
			'card.0.button.1': 'sku-a',
			'card.1.header.media': '4490709327384033',
			'card.1.body.1': '20%',
			'card.1.button.1': 'sku-b',
		});
		expect(buildSendComponents(t, values)).toEqual([
			{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] },
			{
				type: 'carousel',
				cards: [
					sentCard(0, { link: 'https://cdn.example/a.jpg' }, '15%', 'MORE_A', 'sku-a'),
					// no value mapped: a card's quick reply sends its text as the payload
					sentCard(1, { id: '4490709327384033' }, '20%', 'Tell me more', 'sku-b'),
				],
			},
		]);
	});

	it('names each missing card value', () => {
		try {
			buildSendComponents(t, { body: ['Ana'], cards: [{ header: 'https://cdn.example/a.jpg', body: ['15%'], buttons: { 1: 'a' } }] });
			throw new Error('expected a TemplateValueError');
		} catch (error) {
			expect(error).toBeInstanceOf(TemplateValueError);
			expect((error as TemplateValueError).missing).toEqual(['card 1 header image (link or media id)', 'card 1 body {{1}}', 'card 1 button 1 URL suffix {{1}} ("Buy")']);
		}
	});

	it('renders the bubble and each card', () => {
		const r = renderTemplate(t, { body: ['Ana'], cards: [{ header: 'https://cdn.example/a.jpg', body: ['15%'], buttons: { 1: 'a' } }, { header: { id: '77' }, body: ['20%'], buttons: { 1: 'b' } }] });
		expect(r.missing).toEqual([]);
		expect(r.text).toBe(
			[
				'Hi Ana, our summer picks are here.',
				'Card 1: [IMAGE: https://cdn.example/a.jpg] Item 1 now 15% off. [Tell me more] [Buy → https://shop.example/p/a]',
				'Card 2: [IMAGE: media 77] Item 2 now 20% off. [Tell me more] [Buy → https://shop.example/p/b]',
			].join('\n\n'),
		);
	});

	it('product cards: catalog id once, a product retailer id per card', () => {
		const p = stored(productCarouselTemplate());
		expect(describeTemplateVariables(p).map((i) => i.key)).toEqual(['body.1', 'catalog_id', 'card.0.product', 'card.1.product']);
		const components = buildSendComponents(p, valuesFromInputs({ 'body.1': 'Ana', catalog_id: 'CAT1', 'card.0.product': 'sku-1', 'card.1.product': 'sku-2' }));
		expect(components[1]).toEqual({
			type: 'carousel',
			cards: [
				{ card_index: 0, components: [{ type: 'header', parameters: [{ type: 'product', product: { product_retailer_id: 'sku-1', catalog_id: 'CAT1' } }] }] },
				{ card_index: 1, components: [{ type: 'header', parameters: [{ type: 'product', product: { product_retailer_id: 'sku-2', catalog_id: 'CAT1' } }] }] },
			],
		});
		expect(() => buildSendComponents(p, { body: ['Ana'], cards: [{ product: 'sku-1' }, { product: 'sku-2' }] })).toThrow(/catalog id/);
		expect(renderTemplate(p, { body: ['Ana'], catalogId: 'CAT1', cards: [{ product: 'sku-1' }, { product: 'sku-2' }] }).text).toContain('Card 2: [PRODUCT: sku-2] [View]');
	});
});

describe('limited-time offer', () => {
	const t = stored(offerTemplate());
	it('asks for the expiry, the coupon and the URL suffix; builds limited_time_offer.expiration_time_ms', () => {
		expect(describeTemplateVariables(t).map((i) => `${i.key}:${i.kind}`)).toEqual([
			'header.media:image',
			'offer.expiration:offer_expiration',
			'body.1:text',
			'body.2:text',
			'button.0:coupon_code',
			'button.1:url_suffix',
		]);
		const values = valuesFromInputs({ 'header.media': 'https://cdn.example/o.jpg', 'offer.expiration': '2026-12-31T23:00:00Z', 'body.1': 'Pablo', 'body.2': 'CARIBE25', 'button.0': 'CARIBE25', 'button.1': 'n3mtql' });
		expect(buildSendComponents(t, values)).toEqual([
			{ type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example/o.jpg' } }] },
			{ type: 'limited_time_offer', parameters: [{ type: 'limited_time_offer', limited_time_offer: { expiration_time_ms: EXPIRES } }] },
			{ type: 'body', parameters: [{ type: 'text', text: 'Pablo' }, { type: 'text', text: 'CARIBE25' }] },
			{ type: 'button', sub_type: 'copy_code', index: '0', parameters: [{ type: 'coupon_code', coupon_code: 'CARIBE25' }] },
			{ type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'n3mtql' }] },
		]);
		expect(renderTemplate(t, values).offer).toBe('Expiring offer! · ends 2026-12-31T23:00:00Z');
	});

	it('the expiry is a Unix time in ms or a date; anything else is refused by name', () => {
		const base = { header: { link: 'https://cdn.example/o.jpg' }, body: ['P', 'C'], buttons: { 0: 'C', 1: 'x' } };
		expect(buildSendComponents(t, { ...base, offer: { expiration: EXPIRES } })[1]).toMatchObject({ parameters: [{ limited_time_offer: { expiration_time_ms: EXPIRES } }] });
		expect(() => buildSendComponents(t, { ...base, offer: { expiration: 'next tuesday-ish' } })).toThrow(/offer expiration "next tuesday-ish" is not a date/);
		expect(() => buildSendComponents(t, base)).toThrow(/missing value for offer expiration/);
	});

	it('without has_expiration no expiry is asked for or sent', () => {
		const noExpiry = stored(offerTemplate());
		noExpiry.components[1].limited_time_offer!.has_expiration = false;
		expect(describeTemplateVariables(noExpiry).some((i) => i.key === 'offer.expiration')).toBe(false);
		const built = buildSendComponents(noExpiry, { header: { link: 'https://cdn.example/o.jpg' }, body: ['P', 'C'], buttons: { 0: 'C', 1: 'x' } });
		expect(built.some((c) => c.type === 'limited_time_offer')).toBe(false);
	});
});

describe('catalog and multi-product', () => {
	it('catalog: the optional thumbnail becomes the catalog button action', () => {
		const t = stored(catalogTemplate());
		expect(describeTemplateVariables(t).map((i) => `${i.key}:${i.required}`)).toEqual(['body.1:true', 'button.0.thumbnail:false']);
		expect(buildSendComponents(t, valuesFromInputs({ 'body.1': '100', 'button.0.thumbnail': '2lc20305pt' }))[1]).toEqual({
			type: 'button',
			sub_type: 'catalog',
			index: '0',
			parameters: [{ type: 'action', action: { thumbnail_product_retailer_id: '2lc20305pt' } }],
		});
		expect(buildSendComponents(t, { body: ['100'] })).toHaveLength(1);
	});

	it('MPM: thumbnail and sections (text or JSON) become the mpm action', () => {
		const t = stored(mpmTemplate());
		expect(describeTemplateVariables(t).map((i) => i.key)).toEqual(['header.text', 'body.1', 'button.0.thumbnail', 'button.0.sections']);
		const fromText = buildSendComponents(t, valuesFromInputs({ 'header.text': 'Pablo', 'body.1': '10OFF', 'button.0.thumbnail': 'sku-1', 'button.0.sections': 'Shoes: sku-1, sku-2; Socks: sku-9' }));
		const fromJson = buildSendComponents(
			t,
			valuesFromInputs({ 'header.text': 'Pablo', 'body.1': '10OFF', 'button.0.thumbnail': 'sku-1', 'button.0.sections': JSON.stringify([{ title: 'Shoes', products: ['sku-1', 'sku-2'] }, { title: 'Socks', product_items: [{ product_retailer_id: 'sku-9' }] }]) }),
		);
		const expected = {
			type: 'button',
			sub_type: 'mpm',
			index: '0',
			parameters: [
				{
					type: 'action',
					action: {
						thumbnail_product_retailer_id: 'sku-1',
						sections: [
							{ title: 'Shoes', product_items: [{ product_retailer_id: 'sku-1' }, { product_retailer_id: 'sku-2' }] },
							{ title: 'Socks', product_items: [{ product_retailer_id: 'sku-9' }] },
						],
					},
				},
			],
		};
		expect(fromText[2]).toEqual(expected);
		expect(fromJson[2]).toEqual(expected);
		expect(renderTemplate(t, { header: 'Pablo', body: ['10OFF'], buttons: { 0: { thumbnail: 'sku-1', sections: 'Shoes: sku-1, sku-2' } } }).text).toContain('[View items → Shoes: sku-1, sku-2]');
	});

	it("MPM: Meta's section limits (≤10 sections, ≤30 products, titles ≤24) and missing values are refused", () => {
		const t = stored(mpmTemplate());
		const send = (sections: string, thumbnail = 'sku-1') => () => buildSendComponents(t, { header: 'P', body: ['X'], buttons: { 0: { thumbnail, sections } } });
		expect(send(Array.from({ length: 11 }, (_, n) => `S${n}: p${n}`).join('; '))).toThrow(/11 sections; at most 10/);
		expect(send(`All: ${Array.from({ length: 31 }, (_, n) => `p${n}`).join(', ')}`)).toThrow(/31 products; at most 30/);
		expect(send(`${'T'.repeat(25)}: p1`)).toThrow(/section 1 needs a title of 1–24 characters/);
		expect(send('Shoes: p1', '')).toThrow(/missing value for button 0 thumbnail product retailer id/);
		expect(send('[{"title":')).toThrow(/sections are not valid JSON/);
		expect(send(`${'T'.repeat(24)}: p1`)).not.toThrow();
	});
});

describe('flow and coupon buttons', () => {
	it('flow: token and action data (JSON) go into the action parameter; nothing is sent without them', () => {
		const t = stored(flowTemplate());
		expect(describeTemplateVariables(t).map((i) => `${i.key}:${i.kind}`)).toEqual(['button.0:flow_token', 'button.0.flow_action_data:flow_action_data']);
		expect(buildSendComponents(t, valuesFromInputs({ 'button.0': 'tok-42', 'button.0.flow_action_data': '{"plan":"gold"}' }))).toEqual([
			{ type: 'button', sub_type: 'flow', index: '0', parameters: [{ type: 'action', action: { flow_token: 'tok-42', flow_action_data: { plan: 'gold' } } }] },
		]);
		expect(buildSendComponents(t, {})).toEqual([]);
		expect(() => buildSendComponents(t, { buttons: { 0: { flowActionData: '[1,2]' } } })).toThrow(/flow action data must be a JSON object/);
		expect(renderTemplate(t, { buttons: { 0: 'tok-42' } }).text).toBe('Check out this new offer\n\n[Check out this offer! → Flow 1234567890 @WELCOME_SCREEN]');
	});

	it('a COPY_CODE button created without text renders with its default label', () => {
		const t = stored(offerTemplate());
		const r = renderTemplate(t, { header: { link: 'https://cdn.example/o.jpg' }, offer: { expiration: EXPIRES }, body: ['P', 'CARIBE25'], buttons: { 0: 'CARIBE25', 1: 'x' } });
		expect(r.buttons[0]).toEqual({ type: 'COPY_CODE', text: 'Copy offer code', code: 'CARIBE25' });
		expect(r.text).toContain('[Copy offer code: CARIBE25]');
	});
});

describe('valuesFromSendComponents: the send components read back give the same send', () => {
	const cases: [string, ReturnType<typeof stored>, Parameters<typeof buildSendComponents>[1]][] = [
		['carousel', stored(carouselTemplate(2)), { body: ['Ana'], cards: [{ header: 'https://cdn.example/a.jpg', body: ['15%'], buttons: { 0: 'P', 1: 'a' } }, { header: { id: '9' }, body: ['20%'], buttons: { 1: 'b' } }] }],
		['product carousel', stored(productCarouselTemplate()), { body: ['Ana'], catalogId: 'C', cards: [{ product: 'p1' }, { product: 'p2' }] }],
		['offer', stored(offerTemplate()), { header: { link: 'https://cdn.example/o.jpg' }, offer: { expiration: EXPIRES }, body: ['P', 'C'], buttons: { 0: 'C', 1: 'x' } }],
		['mpm', stored(mpmTemplate()), { header: 'P', body: ['X'], buttons: { 0: { thumbnail: 'p1', sections: [{ title: 'A', products: ['p1', 'p2'] }] } } }],
		['flow', stored(flowTemplate()), { buttons: { 0: { flowToken: 't', flowActionData: { a: 1 } } } }],
	];
	it.each(cases)('%s', (_kind, template, values) => {
		const built = buildSendComponents(template, values);
		const back = valuesFromSendComponents(template, built);
		expect(buildSendComponents(template, back)).toEqual(built);
		expect(renderTemplate(template, back).text).toBe(renderTemplate(template, values).text);
	});
});

describe("Meta's OpenAPI send examples", () => {
	// The OAS send schema (TemplateComponent) only knows header/body/button with sub_type
	// quick_reply/url/catalog and text/payload button parameters, so carousel, limited-time offer,
	// copy_code, flow and mpm sends are not covered by it (and its own catalog/flow examples do not
	// validate against it). The spec's examples are the primary shapes: our builds must match them.
	const spec = YAML.parse(fs.readFileSync(SPEC_FILE, 'utf8'), { maxAliasCount: -1 });
	const examples = spec.paths['/{Version}/{Phone-Number-ID}/messages'].post.requestBody.content['application/json'].examples;
	const normalise = (c: Record<string, unknown>) => ({ ...c, index: String(c.index), sub_type: String(c.sub_type).toLowerCase() });

	it('"Send Catalog Template Message" has the catalog button we build', () => {
		const ex = examples['Send Catalog Template Message'].value.template;
		const button = ex.components.find((c: { type: string }) => c.type === 'button');
		const ours = buildSendComponents(stored(catalogTemplate()), { body: ['100'], buttons: { 0: { thumbnail: button.parameters[0].action.thumbnail_product_retailer_id } } });
		expect(ours[1]).toEqual(normalise(button));
	});

	it('"Send Flow Template Message" has the flow button we build', () => {
		const button = examples['Send Flow Template Message'].value.template.components[0];
		const ours = buildSendComponents(stored(flowTemplate()), { buttons: { 0: { flowToken: button.parameters[0].action.flow_token, flowActionData: button.parameters[0].action.flow_action_data } } });
		expect(ours[0]).toEqual(normalise(button));
	});
});

describe("request bodies against Meta's OpenAPI schema (where the spec covers them)", () => {
	const kinds = [carouselTemplate(), productCarouselTemplate(), offerTemplate(), catalogTemplate(), mpmTemplate(), flowTemplate()];

	it('every kind\'s create body validates against POST /{WABA-ID}/message_templates', () => {
		const schema = schemaFor('/{Version}/{WABA-ID}/message_templates', 'post', 'request');
		for (const def of kinds) expect([def.name, validateAgainst(schema, def).errors]).toEqual([def.name, []]);
		// The check can fail: the spec types flow_id as a string.
		const badFlow = flowTemplate();
		(badFlow.components[1].buttons![0] as Record<string, unknown>).flow_id = 1234567890;
		expect(validateAgainst(schema, badFlow).valid).toBe(false);
	});

	it("sends: the spec's TemplateObject covers header / body / quick_reply / url parts, which validate; the new component types are outside its enums", () => {
		const templateObject = componentSchema('TemplateObject');
		// What the spec knows (so carousel, limited_time_offer, copy_code, flow and mpm sends cannot be schema-checked;
		// the catalog and flow shapes are compared with the spec's own examples above instead).
		expect(componentSchema('TemplateComponent').properties.type.enum).toEqual(['header', 'body', 'button']);
		expect(componentSchema('ButtonComponent').allOf[1].properties.sub_type.enum).toEqual(['quick_reply', 'url', 'catalog']);
		const covered = (components: ReturnType<typeof buildSendComponents>) => components.filter((c) => ['header', 'body'].includes(c.type) || ['url', 'quick_reply'].includes(String(c.sub_type)));
		const offer = buildSendComponents(offerTemplate(), { header: { link: 'https://cdn.example/o.jpg' }, offer: { expiration: EXPIRES }, body: ['P', 'C'], buttons: { 0: 'C', 1: 'x' } });
		const mpm = buildSendComponents(mpmTemplate(), { header: 'P', body: ['X'], buttons: { 0: { thumbnail: 'p1', sections: 'A: p1' } } });
		const carousel = buildSendComponents(carouselTemplate(2), { body: ['Ana'], cards: [{ header: 'https://cdn.example/a.jpg', body: ['1'], buttons: { 0: 'M', 1: 'a' } }, { header: 'https://cdn.example/b.jpg', body: ['2'], buttons: { 1: 'b' } }] });
		const cardParts = (carousel[1].cards ?? []).flatMap((card) => card.components);
		for (const [label, components] of [['offer', covered(offer)], ['mpm', covered(mpm)], ['carousel', covered(carousel)], ['carousel cards', covered(cardParts)]] as const) {
			expect(components.length).toBeGreaterThan(0);
			expect([label, validateAgainst(templateObject, templateMessage({ name: 'x', language: 'en_US' }, components)).errors]).toEqual([label, []]);
		}
		expect(validateAgainst(templateObject, templateMessage({ name: 'x', language: 'en_US' }, offer)).valid).toBe(false);
	});
});
