/** Contract tests: simulator responses and webhook bodies validate against Meta's OpenAPI schemas. */
import { assertValid, componentSchema, schemaFor, validateAgainst } from '../helpers/openapi';
import { helloWorld, orderUpdate, PHONE, promo, startReceiver, startSim, text, WABA, type Receiver, type TestSim } from './support';

const MESSAGES = '/{Version}/{Phone-Number-ID}/messages';
const TEMPLATES = '/{Version}/{WABA-ID}/message_templates';
const WEBHOOK = schemaFor('/whatsapp/webhooks', 'post', 'request');

let t: TestSim;
let rx: Receiver;
beforeAll(async () => {
	rx = await startReceiver();
	t = await startSim({ webhookUrl: rx.url, readRate: 1 });
});
afterAll(async () => {
	await t.stop();
	await rx.stop();
});

describe('the helper itself', () => {
	it('rejects shapes the spec forbids', () => {
		const req = schemaFor(MESSAGES, 'post', 'request');
		expect(validateAgainst(req, { messaging_product: 'whatsapp', recipient_type: 'individual', to: '1', type: 'text', text: { body: 'x'.repeat(10) } }).valid).toBe(true);
		expect(validateAgainst(req, { messaging_product: 'whatsapp', recipient_type: 'individual', to: '1', type: 'text', text: { body: 3 } }).valid).toBe(false);
		expect(validateAgainst(req, { messaging_product: 'whatsapp', recipient_type: 'individual', to: '1', type: 'text', text: { body: 'x' }, bogus: 1 }).valid).toBe(false);
		expect(validateAgainst(WEBHOOK, { object: 'whatsapp_business_account' }).valid).toBe(false);
		expect(() => schemaFor('/nope', 'get', 'response')).toThrow(/no operation/);
	});
});

describe('Graph responses', () => {
	it('messages: request bodies we send and the success response', async () => {
		const req = schemaFor(MESSAGES, 'post', 'request');
		const res = schemaFor(MESSAGES, 'post', 'response');
		await t.ctl('/inbound', { from: '16505550101', text: 'hi' });
		const bodies = [
			{ messaging_product: 'whatsapp', recipient_type: 'individual', ...helloWorld('16505550100', { biz_opaque_callback_data: 'c1' }) },
			{ messaging_product: 'whatsapp', recipient_type: 'individual', ...orderUpdate('16505550102') },
			{ messaging_product: 'whatsapp', recipient_type: 'individual', ...promo('16505550103') },
			{ messaging_product: 'whatsapp', recipient_type: 'individual', ...text('16505550101', 'hello there') },
			{ messaging_product: 'whatsapp', recipient_type: 'individual', to: '16505550101', type: 'image', image: { link: 'https://example.com/a.jpg' } },
			{
				messaging_product: 'whatsapp',
				recipient_type: 'individual',
				to: '16505550101',
				type: 'interactive',
				interactive: { type: 'button', body: { text: 'Pick' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'A' } }] } },
			},
		];
		for (const [i, b] of bodies.entries()) {
			assertValid(req, b, `request ${i}`);
			await t.advance(7000);
			const r = await t.api(`/v23.0/${PHONE}/messages`, { body: b });
			expect(r.status).toBe(200);
			assertValid(res, r.body, `response ${i}`);
		}
	});

	it('errors use the GraphAPIError shape', async () => {
		const r = await t.send({ to: '16505550104', type: 'template', template: { name: 'nope', language: { code: 'en_US' } } });
		expect(r.body.error.code).toBe(132001);
		assertValid(schemaFor('/{Version}/{Phone-Number-ID}', 'get', 'response', 404), r.body, 'error');
		const unauth = await t.api(`/v23.0/${PHONE}`, { token: 'wrong' });
		assertValid(componentSchema('GraphAPIError'), unauth.body, '401 error');
	});

	it('phone number and phone_numbers list', async () => {
		const one = await t.api(`/v23.0/${PHONE}?fields=id,display_phone_number,verified_name,quality_rating,code_verification_status,name_status,status,throughput`);
		assertValid(schemaFor('/{Version}/{Phone-Number-ID}', 'get', 'response'), one.body, 'phone');
		const list = await t.api(`/v23.0/${WABA}/phone_numbers?limit=1`);
		assertValid(schemaFor('/{Version}/{WABA-ID}/phone_numbers', 'get', 'response'), list.body, 'phone_numbers');
	});

	it('templates: list, get one, create', async () => {
		const list = await t.api(`/v23.0/${WABA}/message_templates?limit=2`);
		assertValid(schemaFor(TEMPLATES, 'get', 'response'), list.body, 'template list');
		const one = await t.api(`/v23.0/${list.body.data[0].id}`);
		assertValid(schemaFor('/{Version}/{TEMPLATE_ID}', 'get', 'response'), one.body, 'template');
		const create = { name: 'contract_tpl', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hello {{1}}, thanks.', example: { body_text: [['Ann']] } }] };
		assertValid(schemaFor(TEMPLATES, 'post', 'request'), create, 'template create request');
		const created = await t.api(`/v23.0/${WABA}/message_templates`, { body: create });
		expect(created.status).toBe(200);
		assertValid(schemaFor(TEMPLATES, 'post', 'response'), created.body, 'template create response');
		const del = await t.api(`/v23.0/${WABA}/message_templates?name=contract_tpl`, { method: 'DELETE' });
		assertValid(schemaFor(TEMPLATES, 'delete', 'response'), del.body, 'delete');
	});

	it('media and subscribed_apps', async () => {
		const form = new FormData();
		form.set('messaging_product', 'whatsapp');
		form.set('type', 'image/png');
		form.set('file', new Blob([Buffer.from('png-bytes')], { type: 'image/png' }), 'a.png');
		const up = await fetch(`${t.url}/v23.0/${PHONE}/media`, { method: 'POST', headers: { authorization: 'Bearer test-token' }, body: form });
		const upBody = (await up.json()) as any;
		assertValid(schemaFor('/{Version}/{Phone-Number-ID}/media', 'post', 'response'), upBody, 'upload');
		const info = await t.api(`/v23.0/${upBody.id}`);
		assertValid(schemaFor('/{Version}/{Media-ID}', 'get', 'response'), info.body, 'media info');
		const sub = await t.api(`/v23.0/${WABA}/subscribed_apps`, { method: 'POST', body: {} });
		assertValid(schemaFor('/{Version}/{WABA-ID}/subscribed_apps', 'post', 'response'), sub.body, 'subscribe');
		const apps = await t.api(`/v23.0/${WABA}/subscribed_apps`);
		assertValid(schemaFor('/{Version}/{WABA-ID}/subscribed_apps', 'get', 'response'), apps.body, 'subscribed apps');
		expect(apps.body.data).toHaveLength(1);
	});
});

describe('webhook bodies', () => {
	it('status webhooks (sent, delivered, read, failed) match WebhookPayload', async () => {
		await t.ctl('/reset', {});
		const before = rx.posts('messages').length;
		await t.send(helloWorld('16505550200', { biz_opaque_callback_data: 'cmp-1' }));
		await t.send(helloWorld('16505550000')); // unreachable → failed 131026
		await t.advance(5000);
		await rx.waitFor(() => rx.posts('messages').length >= before + 4, 'status webhooks');
		const seen = new Set<string>();
		for (const e of rx.posts('messages').slice(before)) {
			assertValid(WEBHOOK, e.body, 'status webhook');
			for (const s of e.body.entry[0].changes[0].value.statuses ?? []) seen.add(s.status);
		}
		expect([...seen].sort()).toEqual(['delivered', 'failed', 'read', 'sent']);
	});

	it('inbound webhooks (text, referral, button, button_reply, list_reply) match WebhookPayload', async () => {
		const before = rx.posts('messages').length;
		await t.ctl('/inbound', { from: '16505550300', text: 'hello', name: 'Ann' });
		await t.ctl('/inbound', { from: '16505550300', text: 'from an ad', referral: true });
		await t.ctl('/inbound', { from: '16505550300', type: 'button', payload: 'STOP', text: 'Stop promotions' });
		await t.ctl('/inbound', { from: '16505550300', type: 'button_reply', id: 'yes', title: 'Yes' });
		await t.ctl('/inbound', { from: '16505550300', type: 'list_reply', id: 'r1', title: 'Express', description: '1 day' });
		const isInbound = (e: { body: any }) => !!e.body.entry[0].changes[0].value.messages;
		await rx.waitFor(() => rx.posts('messages').slice(before).filter(isInbound).length >= 5, 'inbound webhooks');
		const inbound = rx.posts('messages').slice(before).filter((e) => e.body.entry[0].changes[0].value.messages);
		for (const e of inbound) assertValid(WEBHOOK, e.body, 'inbound webhook');
		expect(inbound.map((e) => e.body.entry[0].changes[0].value.messages[0].type).sort()).toEqual(['button', 'interactive', 'interactive', 'text', 'text']);
	});

	it('template status webhooks follow the message_template_status_update reference (not in the spec)', async () => {
		// The OAS has no schema for this field; the shape comes from cloud-api.md §4.
		const obj = (required: string[], properties: Record<string, unknown>) => ({ type: 'object', required, properties });
		const arrayOf = (items: unknown) => ({ type: 'array', items });
		const schema = obj(['object', 'entry'], {
			object: { const: 'whatsapp_business_account' },
			entry: arrayOf(
				obj(['id', 'time', 'changes'], {
					changes: arrayOf(
						obj(['field', 'value'], {
							field: { const: 'message_template_status_update' },
							value: obj(['event', 'message_template_id', 'message_template_name', 'message_template_language', 'reason'], {
								message_template_id: { type: 'integer' },
								event: { enum: ['APPROVED', 'REJECTED', 'PENDING', 'PAUSED', 'DISABLED'] },
							}),
						}),
					),
				}),
			),
		});
		await t.api(`/v23.0/${WABA}/message_templates`, { body: { name: 'wh_tpl', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'Plain body' }] } });
		await t.advance(5000);
		await rx.waitFor(() => rx.posts('message_template_status_update').length >= 1, 'template status webhook');
		for (const e of rx.posts('message_template_status_update')) assertValid(schema, e.body, 'template status webhook');
	});
});
