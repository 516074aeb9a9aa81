/**
 * Issue 16, templates: every new template kind through real workflow executions (test/harness,
 * n8n-core's engine) against the simulator — Templates node Create (form fields where the form
 * has them) → Wait for Review → Preview, then the Campaign node's Send Campaign to 2–3 recipients
 * with per-recipient values through its variable mapper (the flat keys describeTemplateVariables
 * lists), then what the simulator's message log shows each recipient. The validation rules added
 * for issue 16 are run through the Create operation too (refused before any request).
 */
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { describeTemplateVariables } from '../../core/templates';
import { WhatsAppCampaign } from '../../nodes/WhatsAppCampaign/WhatsAppCampaign.node';
import { WhatsAppTemplates } from '../../nodes/WhatsAppTemplates/WhatsAppTemplates.node';
import { closeAllStores } from '../../nodes/shared/store';
import { createSimulator, DEFAULT_PHONE_NUMBERS, DEFAULT_WABA_ID, type RunningSimulator, type Simulator } from '../../simulator';
import { jsonOf, runNode, runWorkflow } from '../harness';
import { sendCampaignParams, tmpDb } from '../helpers/campaignFixtures';
import { simCreds } from '../helpers/simStore';
import { schemaFor, validateAgainst } from '../helpers/openapi';
import { productCarouselTemplate } from './fixtures';
import { startRecordingProxy, type RecordingProxy } from './recordingProxy';

const TOKEN = 'kinds-token';
const PHONE = DEFAULT_PHONE_NUMBERS[0].id;
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');
const HANDLE = '4::aW1hZ2UvanBlZw==:ARbKinds';

let sim: Simulator;
let running: RunningSimulator;
let dbPath: string;
let proxy: RecordingProxy;
const templatesNode = new WhatsAppTemplates();
const campaignNode = new WhatsAppCampaign();

beforeAll(async () => {
	// Real clock, short review: Wait for Review polls every 50 ms until the simulator approves.
	sim = createSimulator({ token: TOKEN, reviewDelayMs: 100, mps: 80, tier: 2000, latencyMs: 1, seed: 16 });
	running = await sim.start();
	// Every request goes through a recording proxy: the create bodies are checked against the OAS below.
	proxy = await startRecordingProxy(running.url);
	dbPath = tmpDb();
});
afterAll(async () => {
	await closeAllStores();
	await proxy?.stop();
	await running?.stop();
});

// No App ID option anywhere: media samples find the app through GET /app (the simulator answers it).
const credentials = () => simCreds(proxy.url, dbPath, { token: TOKEN });

/** Create → Wait for Review → Preview in one workflow; returns each node's first output item. */
async function createReviewPreview(create: INodeParameters, previewValues: Record<string, unknown>, input?: INodeExecutionData[]) {
	const r = await runWorkflow({
		credentials: credentials(),
		nodeTypes: [templatesNode],
		inputItems: input,
		nodes: [
			{ name: 'Start', type: 'manualTrigger' },
			{ name: 'Create', type: 'whatsAppTemplates', parameters: { operation: 'create', language: 'en_US', category: 'MARKETING', ...create } },
			{ name: 'Wait', type: 'whatsAppTemplates', parameters: { operation: 'waitForReview', template: { __rl: true, mode: 'id', value: '={{ $json.id }}' }, pollIntervalSeconds: 0.05, timeoutMinutes: 1 } },
			{
				name: 'Preview',
				type: 'whatsAppTemplates',
				parameters: { operation: 'preview', template: { __rl: true, mode: 'id', value: '={{ $json.id }}' }, valuesMode: 'json', valuesJson: JSON.stringify(previewValues) },
			},
		],
		connections: {
			Start: { main: [[{ node: 'Create', type: 'main', index: 0 }]] },
			Create: { main: [[{ node: 'Wait', type: 'main', index: 0 }]] },
			Wait: { main: [[{ node: 'Preview', type: 'main', index: 0 }]] },
		},
	});
	expect(r.status).toBe('success');
	const [created, reviewed, preview] = ['Create', 'Wait', 'Preview'].map((n) => jsonOf(r.outputs[n][0])[0]) as Record<string, any>[];
	expect(created).toMatchObject({ status: 'PENDING' });
	expect(reviewed).toMatchObject({ status: 'APPROVED', approved: true });
	return { created, reviewed, preview };
}

/**
 * Send Campaign to the recipients: `mapping` is the variable mapper (flat key → expression on the
 * item); returns the simulator's rendered text per recipient.
 */
async function campaign(campaignId: string, templateId: string, mapping: Record<string, string>, recipients: Record<string, unknown>[]) {
	const r = await runNode(
		campaignNode,
		sendCampaignParams(campaignId, { phoneNumberId: PHONE, templateId }, mapping),
		recipients.map((json) => ({ json })) as INodeExecutionData[],
		credentials(),
	);
	expect(r.nodeError).toBeUndefined();
	const out = jsonOf(r.items);
	expect(out.map((o) => o.state)).toEqual(recipients.map(() => 'accepted'));
	const texts: Record<string, string> = {};
	for (const o of out) {
		const m = sim.state.messages.find((x) => x.id === o.messageId);
		texts[String(o.waId)] = String(m?.template?.text);
	}
	return texts;
}

const mapperKeys = (templateId: string) => describeTemplateVariables(sim.state.templates.byId.get(templateId) as never).map((i) => i.key);

describe('carousel (media cards from the form; a card sample uploaded from binary without the App ID option)', () => {
	it('create → review → preview → campaign with per-recipient card values → rendered cards', async () => {
		const { reviewed, preview } = await createReviewPreview(
			{
				name: 'kinds_carousel',
				parameterFormat: 'POSITIONAL',
				layout: 'carousel',
				bodyText: 'Hi {{1}}, our summer picks are here.',
				bodyExamples: { example: [{ example: 'Ana' }] },
				cardHeaderFormat: 'image',
				cards: {
					card: [
						{ sampleBinaryProperty: 'card1', bodyText: 'Rose now {{1}} off.', bodyExamples: '15%', urlExample: 'rose' },
						{ headerHandle: HANDLE, bodyText: 'Fern now {{1}} off.', bodyExamples: '20%', urlExample: 'fern' },
					],
				},
				cardButtons: { button: [{ type: 'quickReply', text: 'Tell me more' }, { type: 'url', text: 'Buy', url: 'https://shop.example/p/{{1}}' }] },
			},
			{ 'body.1': 'Ana', 'card.0.header.media': 'https://cdn.example/rose.jpg', 'card.0.body.1': '15%', 'card.0.button.1': 'rose', 'card.1.header.media': 'https://cdn.example/fern.jpg', 'card.1.body.1': '20%', 'card.1.button.1': 'fern' },
			[{ json: {}, binary: { card1: { data: JPEG.toString('base64'), mimeType: 'image/jpeg', fileName: 'rose.jpg' } } }],
		);
		const stored = sim.state.templates.byId.get(reviewed.id)!;
		expect((stored.components[1].cards as { components: { example?: { header_handle: string[] } }[] }[])[0].components[0].example!.header_handle[0]).toMatch(/^4::/);
		expect(preview).toMatchObject({ ready: true, missing: [] });
		expect(preview.text).toContain('Card 2: [IMAGE: https://cdn.example/fern.jpg] Fern now 20% off. [Tell me more] [Buy → https://shop.example/p/fern]');
		expect(mapperKeys(reviewed.id)).toEqual(['body.1', 'card.0.header.media', 'card.0.body.1', 'card.0.button.0', 'card.0.button.1', 'card.1.header.media', 'card.1.body.1', 'card.1.button.0', 'card.1.button.1']);

		const texts = await campaign(
			'kinds-carousel',
			reviewed.id,
			{
				'body.1': '={{ $json.name }}',
				'card.0.header.media': '={{ $json.img1 }}',
				'card.0.body.1': '={{ $json.deal }}',
				'card.0.button.1': '={{ $json.sku1 }}',
				'card.1.header.media': '={{ $json.img2 }}',
				'card.1.body.1': '={{ $json.deal }}',
				'card.1.button.1': '={{ $json.sku2 }}',
			},
			[
				{ phone: '+4915100001601', name: 'Ana', deal: '10%', img1: 'https://cdn.example/a1.jpg', img2: 'https://cdn.example/a2.jpg', sku1: 'a-1', sku2: 'a-2' },
				{ phone: '+4915100001602', name: 'Bo', deal: '30%', img1: 'https://cdn.example/b1.jpg', img2: 'https://cdn.example/b2.jpg', sku1: 'b-1', sku2: 'b-2' },
			],
		);
		expect(texts['4915100001601']).toBe(
			[
				'Hi Ana, our summer picks are here.',
				'Card 1: [IMAGE: https://cdn.example/a1.jpg] Rose now 10% off. [Tell me more] [Buy → https://shop.example/p/a-1]',
				'Card 2: [IMAGE: https://cdn.example/a2.jpg] Fern now 10% off. [Tell me more] [Buy → https://shop.example/p/a-2]',
			].join('\n\n'),
		);
		expect(texts['4915100001602']).toContain('Card 2: [IMAGE: https://cdn.example/b2.jpg] Fern now 30% off. [Tell me more] [Buy → https://shop.example/p/b-2]');
	});

	it('product cards (JSON components): catalog id and a product per card', async () => {
		const def = productCarouselTemplate();
		const { reviewed, preview } = await createReviewPreview(
			{ name: 'kinds_products', definitionMode: 'json', componentsJson: JSON.stringify(def.components) },
			{ 'body.1': 'Ana', catalog_id: 'CAT-1', 'card.0.product': 'sku-1', 'card.1.product': 'sku-2' },
		);
		expect(preview.text).toBe('Picked for you, Ana.\n\nCard 1: [PRODUCT: sku-1] [View]\n\nCard 2: [PRODUCT: sku-2] [View]');
		const texts = await campaign(
			'kinds-products',
			reviewed.id,
			{ 'body.1': '={{ $json.name }}', catalog_id: 'CAT-1', 'card.0.product': '={{ $json.p1 }}', 'card.1.product': '={{ $json.p2 }}' },
			[
				{ phone: '+4915100001611', name: 'Ana', p1: 'shoe-1', p2: 'sock-1' },
				{ phone: '+4915100001612', name: 'Bo', p1: 'shoe-2', p2: 'sock-2' },
			],
		);
		expect(texts['4915100001612']).toBe('Picked for you, Bo.\n\nCard 1: [PRODUCT: shoe-2] [View]\n\nCard 2: [PRODUCT: sock-2] [View]');
		const sent = sim.state.messages.find((m) => m.to === '4915100001611');
		expect(sent?.template?.name).toBe('kinds_products');
	});
});

describe('limited-time offer (form fields; image header sample from binary, App ID found through GET /app)', () => {
	it('create → review → preview → campaign with a per-recipient expiry and coupon → rendered offer', async () => {
		const { reviewed, preview } = await createReviewPreview(
			{
				name: 'kinds_offer',
				parameterFormat: 'POSITIONAL',
				layout: 'limitedTimeOffer',
				offerText: 'Expiring offer!',
				offerHasExpiration: true,
				headerType: 'image',
				headerMediaSource: 'binary',
				binaryPropertyName: 'data',
				bodyText: 'Good news, {{1}}! Use code {{2}} for 25% off.',
				bodyExamples: { example: [{ example: 'Pablo' }, { example: 'CARIBE25' }] },
				buttons: { button: [{ type: 'copyCode', couponExample: 'CARIBE25' }, { type: 'url', text: 'Book now', url: 'https://travel.example/offer?code={{1}}', urlExample: 'n3mtql' }] },
			},
			{ 'header.media': 'https://cdn.example/o.jpg', 'offer.expiration': '2026-12-31T23:00:00Z', 'body.1': 'Pablo', 'body.2': 'CARIBE25', 'button.0': 'CARIBE25', 'button.1': 'n3mtql' },
			[{ json: {}, binary: { data: { data: JPEG.toString('base64'), mimeType: 'image/jpeg', fileName: 'offer.jpg' } } }],
		);
		expect(preview.offer).toBe('Expiring offer! · ends 2026-12-31T23:00:00Z');
		expect(preview.components[1]).toEqual({ type: 'limited_time_offer', parameters: [{ type: 'limited_time_offer', limited_time_offer: { expiration_time_ms: Date.UTC(2026, 11, 31, 23) } }] });
		expect(mapperKeys(reviewed.id)).toEqual(['header.media', 'offer.expiration', 'body.1', 'body.2', 'button.0', 'button.1']);
		const texts = await campaign(
			'kinds-offer',
			reviewed.id,
			{ 'header.media': 'https://cdn.example/o.jpg', 'offer.expiration': '={{ $json.ends }}', 'body.1': '={{ $json.name }}', 'body.2': '={{ $json.code }}', 'button.0': '={{ $json.code }}', 'button.1': '={{ $json.code.toLowerCase() }}' },
			[
				{ phone: '+4915100001621', name: 'Ana', code: 'ANA10', ends: '2026-12-24T18:00:00Z' },
				{ phone: '+4915100001622', name: 'Bo', code: 'BO20', ends: String(Date.UTC(2027, 0, 2)) },
				{ phone: '+4915100001623', name: 'Cy', code: 'CY30', ends: '2026-12-31T23:00:00Z' },
			],
		);
		expect(texts['4915100001621']).toBe(
			'[IMAGE: https://cdn.example/o.jpg]\n\nExpiring offer! · ends 2026-12-24T18:00:00Z\n\nGood news, Ana! Use code ANA10 for 25% off.\n\n[Copy offer code: ANA10] [Book now → https://travel.example/offer?code=ana10]',
		);
		expect(texts['4915100001622']).toContain('ends 2027-01-02T00:00:00Z');
		expect(texts['4915100001623']).toContain('[Copy offer code: CY30]');
	});
});

describe('catalog, multi-product, Flow and coupon buttons (form fields)', () => {
	it('catalog: thumbnail per recipient', async () => {
		const { reviewed, preview } = await createReviewPreview(
			{ name: 'kinds_catalog', bodyText: 'Shop our catalog, {{1}}!', bodyExamples: { example: [{ example: 'Ana' }] }, buttons: { button: [{ type: 'catalog', text: 'View catalog' }] } },
			{ 'body.1': 'Ana', 'button.0.thumbnail': 'sku-1' },
		);
		expect(preview.text).toBe('Shop our catalog, Ana!\n\n[View catalog → sku-1]');
		const texts = await campaign('kinds-catalog', reviewed.id, { 'body.1': '={{ $json.name }}', 'button.0.thumbnail': '={{ $json.thumb }}' }, [
			{ phone: '+4915100001631', name: 'Ana', thumb: 'rose' },
			{ phone: '+4915100001632', name: 'Bo', thumb: 'fern' },
		]);
		expect(texts).toEqual({ '4915100001631': 'Shop our catalog, Ana!\n\n[View catalog → rose]', '4915100001632': 'Shop our catalog, Bo!\n\n[View catalog → fern]' });
	});

	it('multi-product: thumbnail and sections of product retailer ids per recipient', async () => {
		const { reviewed, preview } = await createReviewPreview(
			{
				name: 'kinds_mpm',
				headerType: 'text',
				headerText: 'Forget something {{1}}?',
				headerExample: 'Pablo',
				bodyText: 'Use code {{1}} for 10% off your cart!',
				bodyExamples: { example: [{ example: '10OFF' }] },
				buttons: { button: [{ type: 'mpm', text: 'View items' }] },
			},
			{ 'header.text': 'Pablo', 'body.1': '10OFF', 'button.0.thumbnail': 'sku-1', 'button.0.sections': 'Shoes: sku-1, sku-2' },
		);
		expect(preview.ready).toBe(true);
		expect(mapperKeys(reviewed.id)).toEqual(['header.text', 'body.1', 'button.0.thumbnail', 'button.0.sections']);
		const texts = await campaign('kinds-mpm', reviewed.id, { 'header.text': '={{ $json.name }}', 'body.1': 'CART10', 'button.0.thumbnail': '={{ $json.cart[0] }}', 'button.0.sections': '={{ "Your cart: " + $json.cart.join(", ") }}' }, [
			{ phone: '+4915100001641', name: 'Ana', cart: ['shoe-1', 'sock-3'] },
			{ phone: '+4915100001642', name: 'Bo', cart: ['hat-9'] },
		]);
		expect(texts['4915100001641']).toBe('Forget something Ana?\n\nUse code CART10 for 10% off your cart!\n\n[View items → Your cart: shoe-1, sock-3]');
		expect(texts['4915100001642']).toContain('[View items → Your cart: hat-9]');
		const sent = sim.state.messages.find((m) => m.to === '4915100001641');
		expect(sent?.template?.name).toBe('kinds_mpm');
	});

	it('Flow button by id with a first screen: per-recipient flow token and action data', async () => {
		const { reviewed, preview } = await createReviewPreview(
			{ name: 'kinds_flow', bodyText: 'Tell us how we did.', buttons: { button: [{ type: 'flow', text: 'Start survey', flowBy: 'id', flowId: '1234567890', flowAction: 'navigate', navigateScreen: 'RATE' }] } },
			{ 'button.0': 'tok-preview', 'button.0.flow_action_data': '{"order":"A-1"}' },
		);
		expect(preview.components).toEqual([{ type: 'button', sub_type: 'flow', index: '0', parameters: [{ type: 'action', action: { flow_token: 'tok-preview', flow_action_data: { order: 'A-1' } } }] }]);
		expect(sim.state.templates.byId.get(reviewed.id)!.components[1].buttons![0]).toMatchObject({ type: 'FLOW', flow_id: '1234567890', flow_action: 'navigate', navigate_screen: 'RATE' });
		const texts = await campaign('kinds-flow', reviewed.id, { 'button.0': '={{ "tok-" + $json.order }}', 'button.0.flow_action_data': '={{ JSON.stringify({ order: $json.order }) }}' }, [
			{ phone: '+4915100001651', order: 'A-1' },
			{ phone: '+4915100001652', order: 'B-2' },
		]);
		expect(texts['4915100001651']).toBe('Tell us how we did.\n\n[Start survey → Flow 1234567890 @RATE]');
		const sent = sim.state.messages.filter((m) => m.template?.name === 'kinds_flow');
		expect(sent).toHaveLength(2);
	});

	it('coupon: a COPY_CODE button without text (Meta labels it), a code per recipient', async () => {
		const { reviewed } = await createReviewPreview(
			{ name: 'kinds_coupon', parameterFormat: 'NAMED', bodyText: 'Hi {{first_name}}, here is your coupon.', bodyExamples: { example: [{ variable: 'first_name', example: 'Ana' }] }, buttons: { button: [{ type: 'copyCode', couponExample: 'SAVE10' }] } },
			{ 'body.first_name': 'Ana', 'button.0': 'SAVE10' },
		);
		expect(sim.state.templates.byId.get(reviewed.id)!.components[1].buttons![0]).toEqual({ type: 'COPY_CODE', example: 'SAVE10' });
		const texts = await campaign('kinds-coupon', reviewed.id, { 'body.first_name': '={{ $json.name }}', 'button.0': '={{ $json.code }}' }, [
			{ phone: '+4915100001661', name: 'Ana', code: 'ANA-5' },
			{ phone: '+4915100001662', name: 'Bo', code: 'BO-7' },
		]);
		expect(texts).toEqual({ '4915100001661': 'Hi Ana, here is your coupon.\n\n[Copy offer code: ANA-5]', '4915100001662': 'Hi Bo, here is your coupon.\n\n[Copy offer code: BO-7]' });
	});
});

describe('the validation rules added for issue 16, through the Create operation (nothing reaches the API)', () => {
	const zeroTap = { category: 'AUTHENTICATION', otpType: 'ZERO_TAP', packageName: 'com.example.app', signatureHash: 'K8a/AINcGX7' };
	const cases: [string, INodeParameters, string][] = [
		['zero-tap without accepting the terms', { name: 'v_zero_tap', ...zeroTap }, 'authentication.zero_tap_terms'],
		['Flow button naming no Flow', { name: 'v_flow', bodyText: 'Hi there.', buttons: { button: [{ type: 'flow', text: 'Go', flowBy: 'id', flowId: '' }] } }, 'button.flow_target'],
		['phone button "1234"', { name: 'v_phone', bodyText: 'Call us.', buttons: { button: [{ type: 'phoneNumber', text: 'Call', phoneNumber: '1234' }] } }, 'button.phone_invalid'],
		[
			'three examples for a one-variable body',
			{ name: 'v_examples', definitionMode: 'json', componentsJson: JSON.stringify([{ type: 'BODY', text: 'Hi {{1}}, welcome.', example: { body_text: [['Ana', 'Bo', 'Cy']] } }]) },
			'variables.example_count',
		],
		['a one-card carousel', { name: 'v_cards', layout: 'carousel', bodyText: 'Picks.', cards: { card: [{ headerHandle: HANDLE }] }, cardButtons: { button: [{ type: 'quickReply', text: 'More' }] } }, 'carousel.card_count'],
		['an offer text over 16 characters', { name: 'v_offer', layout: 'limitedTimeOffer', offerText: 'x'.repeat(17), bodyText: 'Deal inside.', buttons: { button: [{ type: 'copyCode', couponExample: 'X' }] } }, 'offer.text'],
		['a catalog button next to another button', { name: 'v_catalog', bodyText: 'Shop.', buttons: { button: [{ type: 'catalog' }, { type: 'quickReply', text: 'Later' }] } }, 'buttons.product_only'],
	];
	it.each(cases.map(([label, parameters, rule]) => [label, rule, parameters] as const))('%s → [%s]', async (_label, rule, parameters) => {
		const before = sim.state.templates.byId.size;
		const r = await runNode(templatesNode, { operation: 'create', language: 'en_US', category: 'MARKETING', ...parameters }, undefined, credentials(), { continueOnFail: true });
		const out = jsonOf(r.items)[0] as { error?: string };
		expect(out.error).toContain(`[${rule}]`);
		expect(sim.state.templates.byId.size).toBe(before);
	});

	it('zero-tap with the terms accepted is built with zero_tap_terms_accepted and created', async () => {
		const r = await runNode(
			templatesNode,
			{ operation: 'create', name: 'v_zero_tap_ok', language: 'en_US', category: 'AUTHENTICATION', otpType: 'ZERO_TAP', packageName: 'com.example.app', signatureHash: 'K8a/AINcGX7', zeroTapTermsAccepted: true },
			undefined,
			credentials(),
		);
		const out = jsonOf(r.items)[0] as { status: string; definition: { components: { buttons?: unknown[] }[] } };
		expect(out.status).toBe('PENDING');
		expect(out.definition.components.at(-1)!.buttons![0]).toMatchObject({ type: 'OTP', otp_type: 'ZERO_TAP', zero_tap_terms_accepted: true });
	});
});

describe("the create bodies the node sent validate against Meta's OpenAPI schema", () => {
	it('POST /{WABA-ID}/message_templates bodies (every kind above)', () => {
		const schema = schemaFor('/{Version}/{WABA-ID}/message_templates', 'post', 'request');
		const creates = proxy.all.filter((q) => q.method === 'POST' && q.path === `/${DEFAULT_WABA_ID}/message_templates`);
		expect(creates.map((q) => (q.body as { name: string }).name).sort()).toEqual(
			['kinds_carousel', 'kinds_catalog', 'kinds_coupon', 'kinds_flow', 'kinds_mpm', 'kinds_offer', 'kinds_products', 'v_zero_tap_ok'].sort(),
		);
		for (const q of creates) expect([(q.body as { name: string }).name, validateAgainst(schema, q.body).errors]).toEqual([(q.body as { name: string }).name, []]);
		// Media samples found the app through GET /app (no App ID option was set).
		expect(proxy.all.some((q) => q.method === 'GET' && q.path === '/app')).toBe(true);
	});
});
