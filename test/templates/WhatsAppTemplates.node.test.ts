/**
 * The WhatsApp Templates node through real workflow executions (test/harness, n8n-core's
 * WorkflowExecute) against the Cloud API simulator, with a recording proxy in between so every
 * request body the node sends can be checked (openapi.test in this folder checks them against
 * Meta's OpenAPI schema).
 */
import type { ILoadOptionsFunctions, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { GraphClient } from '../../core/graph/client';
import { validateTemplate } from '../../core/templates';
import { WhatsAppTemplates } from '../../nodes/WhatsAppTemplates/WhatsAppTemplates.node';
import { SEARCH_APPROVED_TEMPLATES_METHOD, SEARCH_TEMPLATES_METHOD, templateListSearch } from '../../nodes/shared/templatePicker';
import { createSimulator, DEFAULT_WABA_ID, type RunningSimulator, type Simulator } from '../../simulator';
import { jsonOf, runNode, runWorkflow } from '../harness';
import { schemaFor, validateAgainst } from '../helpers/openapi';
import { RecordingProxy, startRecordingProxy } from './recordingProxy';
import { body, buttons, footer, phoneButton, quickReply, textHeader, urlButton } from './fixtures';

const TOKEN = 'templates-test-token';
const APP_ID = '1000000000000001';
const PHONE_ID = '106540352242922';
// A tiny valid-looking JPEG (SOI + APP0 + EOI); the simulator only checks type and length.
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');

let simulator: Simulator;
let running: RunningSimulator;
let proxy: RecordingProxy;
let credentials: { whatsAppCloudApi: Record<string, string> };

beforeAll(async () => {
	simulator = createSimulator({ token: TOKEN, appId: APP_ID, clock: { frozen: true }, reviewDelayMs: 2000 });
	running = await simulator.start();
	proxy = await startRecordingProxy(running.url);
	proxy.fixtures.set('sample.jpg', { type: 'image/jpeg', data: JPEG });
	credentials = { whatsAppCloudApi: { accessToken: TOKEN, businessAccountId: DEFAULT_WABA_ID, apiVersion: 'v24.0', baseUrl: proxy.url } };
});

afterAll(async () => {
	await proxy?.stop();
	await running?.stop();
});

const node = new WhatsAppTemplates();
async function run(parameters: INodeParameters, input?: INodeExecutionData[], options: { continueOnFail?: boolean } = {}) {
	return runNode(node, parameters, input, credentials, options);
}
const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const advanceClock = async (ms: number) => {
	const res = await fetch(`${running.url}/_sim/clock/advance`, { method: 'POST', body: JSON.stringify({ ms }) });
	expect(res.status).toBe(200);
};
const templatesNamed = (name: string) => [...simulator.state.templates.byId.values()].filter((t) => t.name === name);
/** Runs the node on the simulator's first template named `name` (the `template` parameter by ID). */
const runOnTemplate = (name: string, parameters: INodeParameters) => run({ ...parameters, template: byId(templatesNamed(name)[0].id) });

const orderUpdateFields: INodeParameters = {
	operation: 'create',
	name: 'shipping_notice',
	language: 'en_US',
	category: 'UTILITY',
	parameterFormat: 'POSITIONAL',
	headerType: 'text',
	headerText: 'Order {{1}}',
	headerExample: '#1001',
	bodyText: 'Hi {{1}}, your order {{2}} ships today.',
	bodyExamples: { example: [{ example: 'Ana' }, { example: 'A-1001' }] },
	footerText: 'Reply STOP to opt out',
	buttons: {
		button: [
			{ type: 'quickReply', text: 'Thanks' },
			{ type: 'quickReply', text: 'Stop updates' },
			{ type: 'url', text: 'Track', url: 'https://shop.example/track/{{1}}', urlExample: 'A-1001' },
			{ type: 'phoneNumber', text: 'Call us', phoneNumber: '+15550001234' },
		],
	},
};

describe('Create', () => {
	it('creates a positional template from the no-code fields (PENDING, exact create body)', async () => {
		proxy.clear();
		const r = await run(orderUpdateFields);
		expect(r.status).toBe('success');
		const out = jsonOf(r.items)[0];
		expect(out).toMatchObject({ status: 'PENDING', category: 'UTILITY', name: 'shipping_notice', language: 'en_US' });
		expect(out.id).toMatch(/^\d+$/);
		const create = proxy.requests.find((q) => q.method === 'POST' && q.path === `/${DEFAULT_WABA_ID}/message_templates`)!;
		expect(create.body).toEqual({
			name: 'shipping_notice',
			language: 'en_US',
			category: 'UTILITY',
			parameter_format: 'POSITIONAL',
			components: [
				textHeader('Order {{1}}', '#1001'),
				body('Hi {{1}}, your order {{2}} ships today.', 'Ana', 'A-1001'),
				footer('Reply STOP to opt out'),
				buttons(
					quickReply('Thanks'),
					quickReply('Stop updates'),
					urlButton('Track', 'https://shop.example/track/{{1}}', 'https://shop.example/track/A-1001'),
					phoneButton('Call us', '+15550001234'),
				),
			],
		});
		expect(validateTemplate(create.body).valid).toBe(true);
		expect(templatesNamed('shipping_notice')[0].status).toBe('PENDING');
	});

	it('creates several languages of one name: one item per language, texts from expressions', async () => {
		const input = [
			{ json: { language: 'de', body: 'Hallo {{1}}, willkommen zurück!' } },
			{ json: { language: 'fr', body: 'Bonjour {{1}}, bon retour !' } },
		];
		const r = await run(
			{
				operation: 'create',
				name: 'welcome_back',
				language: '={{ $json.language }}',
				category: 'MARKETING',
				bodyText: '={{ $json.body }}',
				bodyExamples: { example: [{ variable: '1', example: 'Ana' }] },
			},
			input,
		);
		expect(r.status).toBe('success');
		expect(jsonOf(r.items).map((o) => [o.language, o.status])).toEqual([
			['de', 'PENDING'],
			['fr', 'PENDING'],
		]);
		expect(r.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(templatesNamed('welcome_back').map((t) => t.language).sort()).toEqual(['de', 'fr']);
	});

	it('uploads a media sample from binary data (resumable upload) and sends its handle', async () => {
		proxy.clear();
		const input = [{ json: {}, binary: { data: { data: JPEG.toString('base64'), mimeType: 'image/jpeg', fileName: 'sample.jpg' } } }];
		const r = await run(
			{
				operation: 'create',
				name: 'spring_sale',
				language: 'en_US',
				category: 'MARKETING',
				parameterFormat: 'NAMED',
				headerType: 'image',
				headerMediaSource: 'binary',
				binaryPropertyName: 'data',
				bodyText: 'Hi {{first_name}}, the spring sale starts {{start_date}}.',
				bodyExamples: { example: [{ variable: 'first_name', example: 'Ana' }, { variable: 'start_date', example: 'Monday' }] },
				buttons: { button: [{ type: 'quickReply', text: 'Shop now' }] },
				createOptions: { appId: APP_ID },
			},
			input,
		);
		expect(r.status).toBe('success');
		const [start, chunk, create] = proxy.requests;
		expect(start).toMatchObject({ method: 'POST', path: `/${APP_ID}/uploads`, query: { file_length: String(JPEG.length), file_type: 'image/jpeg', file_name: 'sample.jpg' } });
		expect(chunk.method).toBe('POST');
		expect(chunk.path).toMatch(/^\/upload:/);
		expect(chunk.headers.file_offset).toBe('0');
		expect(chunk.raw.equals(JPEG)).toBe(true);
		const handle = (create.body as any).components[0].example.header_handle[0];
		expect(handle).toMatch(/^4::/);
		expect(create.body).toMatchObject({
			parameter_format: 'NAMED',
			components: [
				{ type: 'HEADER', format: 'IMAGE' },
				{ type: 'BODY', example: { body_text_named_params: [{ param_name: 'first_name', example: 'Ana' }, { param_name: 'start_date', example: 'Monday' }] } },
				{ type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Shop now' }] },
			],
		});
	});

	it('uploads a media sample downloaded from a URL', async () => {
		proxy.clear();
		const r = await run({
			operation: 'create',
			name: 'summer_sale',
			language: 'en_US',
			category: 'MARKETING',
			headerType: 'image',
			headerMediaSource: 'url',
			headerMediaUrl: `${proxy.url}/_fixtures/sample.jpg`,
			bodyText: 'Summer sale for {{1}} starts now.',
			bodyExamples: { example: [{ example: 'Ana' }] },
			createOptions: { appId: APP_ID },
		});
		expect(r.status).toBe('success');
		expect(proxy.requests.map((q) => `${q.method} ${q.path.replace(/upload:.*/, 'upload:…')}`)).toEqual([
			`POST /${APP_ID}/uploads`,
			'POST /upload:…',
			`POST /${DEFAULT_WABA_ID}/message_templates`,
		]);
	});

	it('creates an authentication template (security recommendation, expiry, OTP button)', async () => {
		proxy.clear();
		const r = await run({ operation: 'create', name: 'login_otp', language: 'en_US', category: 'AUTHENTICATION', addSecurityRecommendation: true, codeExpirationMinutes: 5, otpType: 'COPY_CODE' });
		expect(r.status).toBe('success');
		expect(proxy.requests[0].body).toEqual({
			name: 'login_otp',
			language: 'en_US',
			category: 'AUTHENTICATION',
			components: [
				{ type: 'BODY', add_security_recommendation: true },
				{ type: 'FOOTER', code_expiration_minutes: 5 },
				{ type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE' }] },
			],
		});
	});

	it('creates from JSON components', async () => {
		const r = await run({
			operation: 'create',
			name: 'json_made',
			language: 'en_GB',
			category: 'UTILITY',
			definitionMode: 'json',
			componentsJson: JSON.stringify([{ type: 'BODY', text: 'Your ticket {{1}} is ready.', example: { body_text: [['T-9']] } }]),
		});
		expect(r.status).toBe('success');
		expect(jsonOf(r.items)[0]).toMatchObject({ status: 'PENDING', name: 'json_made', language: 'en_GB' });
	});

	it('validates before any API call: the error names the field and rule, nothing is sent', async () => {
		proxy.clear();
		const r = await run({ ...orderUpdateFields, name: 'Bad Name', bodyText: '{{1}} your order {{3}}', footerText: 'x'.repeat(61) });
		expect(r.status).toBe('error');
		expect(proxy.requests).toEqual([]);
		const error = r.nodeError as any;
		expect(error.name).toBe('NodeOperationError');
		expect(error.message).toContain('name');
		expect(error.message).toContain('[name.pattern]');
		for (const rule of ['body.starts_with_variable', 'body.ends_with_variable', 'variables.sequence', 'footer.max_length']) expect(error.description).toContain(rule);
		expect(error.description).toContain('components[1].text');
		expect(error.context.itemIndex).toBe(0);
	});

	it("surfaces Meta's 4xx with code, subcode and user message (duplicate name + language)", async () => {
		const r = await run({ ...orderUpdateFields });
		expect(r.status).toBe('error');
		const error = r.nodeError as any;
		expect(error.name).toBe('NodeApiError');
		expect(error.httpCode).toBe('400');
		expect(error.message).toContain('Content in this language already exists');
		expect(error.description).toContain('Meta error code 100 (subcode 2388024)');
		expect(error.description).toContain('already exists in en_US');
		expect(JSON.stringify(error)).not.toContain(TOKEN);
	});

	it('continue on fail outputs the error per item and carries on', async () => {
		const r = await run(
			{ ...orderUpdateFields, name: '={{ $json.name }}' },
			[{ json: { name: 'shipping_notice' } }, { json: { name: 'shipping_notice_two' } }],
			{ continueOnFail: true },
		);
		expect(r.status).toBe('success');
		const out = jsonOf(r.items);
		expect(out[0].error).toContain('already exists');
		expect(out[0].subcode).toBe(2388024);
		expect(out[1]).toMatchObject({ status: 'PENDING', name: 'shipping_notice_two' });
	});
});

describe('Wait for Review', () => {
	it('polls until APPROVED once the simulated review delay has passed (fake clock)', async () => {
		const id = templatesNamed('shipping_notice')[0].id;
		proxy.clear();
		const pending = run({ operation: 'waitForReview', template: byId(id), pollIntervalSeconds: 0.05, timeoutMinutes: 1 });
		// Let the node poll a few times while the simulator's clock is frozen, then let the review finish.
		while (proxy.requests.filter((q) => q.path === `/${id}`).length < 2) await new Promise((r) => setTimeout(r, 20));
		await advanceClock(2000);
		const r = await pending;
		expect(r.status).toBe('success');
		const out = jsonOf(r.items)[0];
		expect(out).toMatchObject({ id, name: 'shipping_notice', status: 'APPROVED', approved: true, rejected: false, timedOut: false, rejectedReason: null });
		expect(out.polls as number).toBeGreaterThanOrEqual(3);
	});

	it('reports a rejected template with its reason (simulator rule: body containing REJECTME)', async () => {
		const created = await run({ ...orderUpdateFields, name: 'rejected_promo', bodyText: 'Hi {{1}}, REJECTME order {{2}} now.' });
		const id = String(jsonOf(created.items)[0].id);
		await advanceClock(2000);
		const r = await run({ operation: 'waitForReview', template: byId(id), pollIntervalSeconds: 0.05, timeoutMinutes: 1 });
		expect(jsonOf(r.items)[0]).toMatchObject({ status: 'REJECTED', rejected: true, approved: false, rejectedReason: 'INVALID_FORMAT', polls: 1 });
		const strict = await run({ operation: 'waitForReview', template: byId(id), pollIntervalSeconds: 0.05, timeoutMinutes: 1, errorOnRejection: true });
		expect(strict.status).toBe('error');
		expect(strict.nodeError?.message).toContain('was rejected: INVALID_FORMAT');
	});

	it('stops at the timeout with the last status', async () => {
		const created = await run({ ...orderUpdateFields, name: 'slow_review' });
		const id = String(jsonOf(created.items)[0].id);
		const r = await run({ operation: 'waitForReview', template: byId(id), pollIntervalSeconds: 0.05, timeoutMinutes: 0.003 });
		expect(jsonOf(r.items)[0]).toMatchObject({ status: 'PENDING', timedOut: true, approved: false });
	});
});

describe('List / Get', () => {
	it('lists all templates, with filters and a limit', async () => {
		const all = jsonOf((await run({ operation: 'list', returnAll: true })).items);
		expect(all.length).toBe(simulator.state.templates.byId.size);
		const approved = jsonOf((await run({ operation: 'list', returnAll: true, filters: { status: ['APPROVED'], nameContains: 'ORDER' } })).items);
		expect(approved.map((t) => t.name)).toEqual(['order_update']);
		const marketingDe = jsonOf((await run({ operation: 'list', returnAll: true, filters: { category: ['MARKETING'], language: 'de' } })).items);
		expect(marketingDe.map((t) => [t.name, t.language])).toEqual([['welcome_back', 'de']]);
		const limited = await run({ operation: 'list', returnAll: false, limit: 2 });
		expect(limited.items).toHaveLength(2);
	});

	it('Return All follows the cursors across pages (more templates than one page of 100)', async () => {
		const graph = new GraphClient({ accessToken: TOKEN, baseUrl: running.url });
		for (let n = 0; n < 105; n++) {
			await graph.post(`/${DEFAULT_WABA_ID}/message_templates`, {
				name: `bulk_${String(n).padStart(3, '0')}`,
				language: 'en_US',
				category: 'UTILITY',
				components: [{ type: 'BODY', text: 'Bulk notice.' }],
			});
		}
		proxy.clear();
		const all = jsonOf((await run({ operation: 'list', returnAll: true, filters: { nameContains: 'bulk_' } })).items);
		expect(all).toHaveLength(105);
		expect(new Set(all.map((t) => t.name)).size).toBe(105);
		const pages = proxy.requests.filter((q) => q.path === `/${DEFAULT_WABA_ID}/message_templates`);
		expect(pages.length).toBe(2);
		expect(pages[1].query.after).toBeTruthy();
		for (let n = 0; n < 105; n++) await graph.delete(`/${DEFAULT_WABA_ID}/message_templates`, { name: `bulk_${String(n).padStart(3, '0')}` });
	});

	it('gets a template by ID (with the inputs a send needs) and by name + language', async () => {
		const id = templatesNamed('order_update')[0].id;
		const r = await run({ operation: 'get', findBy: 'template', template: { __rl: true, mode: 'list', value: id } });
		const t = jsonOf(r.items)[0];
		expect(t).toMatchObject({ id, name: 'order_update', status: 'APPROVED' });
		expect((t.variables as any[]).map((v) => v.key)).toEqual(['body.1', 'body.2', 'button.0']);
		const byName = jsonOf((await run({ operation: 'get', findBy: 'nameLanguage', name: 'welcome_back', language: 'fr' })).items)[0];
		expect(byName).toMatchObject({ name: 'welcome_back', language: 'fr' });
		const missing = await run({ operation: 'get', findBy: 'nameLanguage', name: 'welcome_back', language: 'es' });
		expect(missing.status).toBe('error');
		expect(missing.nodeError?.message).toContain('No template named "welcome_back" in language es');
	});

	it('the shared template picker searches by name, language and status (approved only for campaigns)', async () => {
		const ctx = { getCredentials: async () => credentials.whatsAppCloudApi } as unknown as ILoadOptionsFunctions;
		const found = await templateListSearch[SEARCH_TEMPLATES_METHOD].call(ctx, 'welcome german');
		expect(found.results).toEqual([{ name: expect.stringMatching(/^welcome_back · German \(de\) · (PENDING|APPROVED)$/), value: templatesNamed('welcome_back').find((t) => t.language === 'de')!.id }]);
		const approved = await templateListSearch[SEARCH_APPROVED_TEMPLATES_METHOD].call(ctx, '');
		expect(approved.results.length).toBeGreaterThan(0);
		expect(approved.results.every((x) => x.name.endsWith('APPROVED'))).toBe(true);
	});
});

describe('Preview', () => {
	// Sends go through the recording proxy too, so their bodies are checked against the OpenAPI schema.
	const graph = () => new GraphClient({ accessToken: TOKEN, baseUrl: proxy.url });
	let recipient = 15551230001;
	const send = (template: unknown) => graph().post(`/${PHONE_ID}/messages`, { messaging_product: 'whatsapp', recipient_type: 'individual', to: String(recipient++), type: 'template', template });

	it('positional: renders the customer text and builds components the simulator accepts', async () => {
		const id = templatesNamed('order_update')[0].id;
		const r = await run({
			operation: 'preview',
			template: byId(id),
			bodyValues: { value: [{ value: 'Ana' }, { value: 'A-77' }] },
			buttonValues: { value: [{ index: 0, value: 'A-77' }] },
		});
		const out = jsonOf(r.items)[0];
		expect(out.body).toBe('Hi Ana, your order A-77 has shipped.');
		expect(out.text).toContain('[Track order → https://example.com/track/A-77]');
		expect(out.ready).toBe(true);
		expect(out.components).toEqual([
			{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: 'A-77' }] },
			{ type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'A-77' }] },
		]);
		const sent = (await send(out.template)) as any;
		expect(sent.messages[0].id).toMatch(/^wamid\./);
	});

	it('named with an image header (JSON values), and authentication with a code', async () => {
		const r = await runOnTemplate('promo_named', {
			operation: 'preview',
			valuesMode: 'json',
			valuesJson: JSON.stringify({ header: { link: 'https://cdn.example/p.jpg' }, body: { first_name: 'Jo', promo_code: 'FALL25' }, buttons: { 1: 'STOP' } }),
		});
		const out = jsonOf(r.items)[0];
		expect(out.header).toBe('[IMAGE: https://cdn.example/p.jpg]');
		expect(out.components).toEqual([
			{ type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example/p.jpg' } }] },
			{ type: 'body', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Jo' }, { type: 'text', parameter_name: 'promo_code', text: 'FALL25' }] },
			{ type: 'button', sub_type: 'quick_reply', index: '1', parameters: [{ type: 'payload', payload: 'STOP' }] },
		]);
		expect(((await send(out.template)) as any).messages).toHaveLength(1);

		const auth = templatesNamed('auth_code')[0].id;
		const a = jsonOf((await run({ operation: 'preview', template: byId(auth), code: '482913' })).items)[0];
		expect(a.body).toBe('482913 is your verification code. For your security, do not share this code.');
		expect(((await send(a.template)) as any).messages).toHaveLength(1);
	});

	it('missing values: the preview still renders and names what is missing', async () => {
		const id = templatesNamed('order_update')[0].id;
		const out = jsonOf((await run({ operation: 'preview', template: byId(id), bodyValues: { value: [{ variable: '1', value: 'Ana' }] } })).items)[0];
		expect(out).toMatchObject({ ready: false, components: null, body: 'Hi Ana, your order {{2}} has shipped.' });
		expect(out.missing).toEqual(['body {{2}}', 'button 0 URL suffix']);
		expect(out.sendError).toContain('body {{2}}');
	});
});

describe('Edit', () => {
	it('edits an approved template (back to PENDING) and refuses a pending one before calling Meta', async () => {
		const id = templatesNamed('shipping_notice')[0].id;
		proxy.clear();
		const r = await run({
			operation: 'edit',
			template: byId(id),
			definitionMode: 'json',
			componentsJson: JSON.stringify([{ type: 'BODY', text: 'Hello {{1}}, order {{2}} is on its way.', example: { body_text: [['Ana', 'A-1']] } }]),
		});
		expect(r.status).toBe('success');
		expect(jsonOf(r.items)[0]).toMatchObject({ success: true, id, name: 'shipping_notice' });
		const edit = proxy.requests.find((q) => q.method === 'POST' && q.path === `/${id}`)!;
		expect(edit.body).toEqual({ components: [{ type: 'BODY', text: 'Hello {{1}}, order {{2}} is on its way.', example: { body_text: [['Ana', 'A-1']] } }] });
		expect(templatesNamed('shipping_notice')[0].status).toBe('PENDING');

		proxy.clear();
		const again = await run({ operation: 'edit', template: byId(id), definitionMode: 'json', componentsJson: '[{"type":"BODY","text":"Hi."}]' });
		expect(again.status).toBe('error');
		expect(again.nodeError?.message).toContain('is PENDING; only APPROVED, REJECTED or PAUSED templates can be edited');
		expect(proxy.requests.filter((q) => q.method === 'POST')).toEqual([]);
	});

	it('changes the category of a rejected template with the form fields', async () => {
		const r = await runOnTemplate('rejected_promo', {
			operation: 'edit',
			category: 'MARKETING',
			definitionMode: 'fields',
			bodyText: 'Hi {{1}}, our offer {{2}} is back.',
			bodyExamples: { example: [{ example: 'Ana' }, { example: 'SPRING' }] },
		});
		expect(r.status).toBe('success');
		expect(jsonOf(r.items)[0]).toMatchObject({ success: true, category: 'MARKETING' });
		const t = templatesNamed('rejected_promo')[0];
		expect([t.category, t.previous_category, t.status]).toEqual(['MARKETING', 'UTILITY', 'PENDING']);
	});

	it("refuses a category change on a template that is not REJECTED before calling Meta (CATEGORY_EDITABLE_STATUSES)", async () => {
		const id = templatesNamed('order_update')[0].id;
		proxy.clear();
		const r = await run({ operation: 'edit', template: byId(id), category: 'MARKETING', definitionMode: 'json', componentsJson: '[{"type":"BODY","text":"Hi."}]' });
		expect(r.status).toBe('error');
		expect(r.nodeError?.message).toContain('is APPROVED; its category can be changed only while it is REJECTED');
		expect(proxy.requests.filter((q) => q.method === 'POST')).toEqual([]);
		expect(templatesNamed('order_update')[0].category).toBe('UTILITY');
	});

	it('validates edits too', async () => {
		const id = templatesNamed('order_update')[0].id;
		const r = await run({ operation: 'edit', template: byId(id), definitionMode: 'json', componentsJson: '[{"type":"BODY","text":"Hi {{1}}"}]' });
		expect(r.status).toBe('error');
		expect((r.nodeError as any).description).toContain('[body.ends_with_variable]');
	});
});

describe('Delete', () => {
	it('deletes one language by ID, then every language of a name', async () => {
		const de = templatesNamed('welcome_back').find((t) => t.language === 'de')!.id;
		const one = await run({ operation: 'delete', deleteScope: 'oneLanguage', template: byId(de) });
		expect(jsonOf(one.items)[0]).toMatchObject({ success: true, deleted: true, id: de, name: 'welcome_back', language: 'de' });
		expect(templatesNamed('welcome_back').map((t) => t.language)).toEqual(['fr']);

		const all = await run({ operation: 'delete', deleteScope: 'allLanguages', name: 'welcome_back' });
		expect(jsonOf(all.items)[0]).toMatchObject({ success: true, deleted: true, language: 'all' });
		expect(templatesNamed('welcome_back')).toEqual([]);

		const gone = await run({ operation: 'delete', deleteScope: 'allLanguages', name: 'welcome_back' });
		expect(gone.status).toBe('error');
		expect((gone.nodeError as any).description).toContain('subcode 2593002');
	});
});

describe('a workflow chaining Create → Wait for Review', () => {
	it('creates, then waits on the created ID through an expression', async () => {
		const pending = runWorkflow({
			credentials,
			nodeTypes: [node],
			nodes: [
				{ name: 'Start', type: 'manualTrigger' },
				{ name: 'Create', type: 'whatsAppTemplates', parameters: { ...orderUpdateFields, name: 'chained_notice' } },
				{ name: 'Wait', type: 'whatsAppTemplates', parameters: { operation: 'waitForReview', template: { __rl: true, mode: 'id', value: '={{ $json.id }}' }, pollIntervalSeconds: 0.05, timeoutMinutes: 1 } },
			],
			connections: {
				Start: { main: [[{ node: 'Create', type: 'main', index: 0 }]] },
				Create: { main: [[{ node: 'Wait', type: 'main', index: 0 }]] },
			},
		});
		while (!templatesNamed('chained_notice').length) await new Promise((r) => setTimeout(r, 20));
		await advanceClock(2000);
		const r = await pending;
		expect(r.status).toBe('success');
		expect(r.executedNodes).toEqual(['Start', 'Create', 'Wait']);
		expect(jsonOf(r.outputs.Wait[0])[0]).toMatchObject({ name: 'chained_notice', status: 'APPROVED' });
	});
});

describe("every request body sent validates against Meta's OpenAPI schema", () => {
	// cloud-api.md §1/§2 paths in test/fixtures/meta-openapi (the upload endpoints are not in the spec).
	const schemaPath = (q: { method: string; path: string }): string | undefined => {
		if (q.method === 'POST' && q.path === `/${DEFAULT_WABA_ID}/message_templates`) return '/{Version}/{WABA-ID}/message_templates';
		if (q.method === 'POST' && q.path === `/${PHONE_ID}/messages`) return '/{Version}/{Phone-Number-ID}/messages';
		if (q.method === 'POST' && /^\/\d+$/.test(q.path)) return '/{Version}/{TEMPLATE_ID}';
		return undefined;
	};

	it('covers creates, edits and template sends', () => {
		const kinds = new Set(proxy.all.map(schemaPath).filter(Boolean));
		expect([...kinds].sort()).toEqual(['/{Version}/{Phone-Number-ID}/messages', '/{Version}/{TEMPLATE_ID}', '/{Version}/{WABA-ID}/message_templates']);
	});

	it('has no schema errors', () => {
		const failures: string[] = [];
		let checked = 0;
		for (const q of proxy.all) {
			const p = schemaPath(q);
			if (!p) continue;
			checked++;
			const { valid, errors } = validateAgainst(schemaFor(p, 'post', 'request'), q.body);
			if (!valid) failures.push(`${q.method} ${q.path}: ${errors.join('; ')}\n${JSON.stringify(q.body)}`);
		}
		expect(checked).toBeGreaterThanOrEqual(15);
		expect(failures).toEqual([]);
	});

	it('the schema check can fail (a body with a wrongly typed field is rejected)', () => {
		const schema = schemaFor('/{Version}/{WABA-ID}/message_templates', 'post', 'request');
		expect(validateAgainst(schema, { name: 'x', language: 'en_US', category: 'UTILITY', components: 'not-an-array' }).valid).toBe(false);
	});
});
