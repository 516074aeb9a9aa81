/**
 * Issue 17: the Marketing Messages API routing (core/messages/marketing.ts) through workflow
 * executions of Send Campaign against the simulator — MARKETING templates go to
 * /marketing_messages, others to /messages, the option turns it off, a number that is not onboarded
 * falls back to /messages after ONE refused request with every guarantee kept (ledger, no duplicate,
 * pacing) — plus the template-category map kept from template_category_update webhooks, the
 * coexistence throughput read from Graph, and Graph v27.0 / v24.0 both served by the simulator.
 */
import { createSimulator, DEFAULT_PHONE_NUMBERS, DEFAULT_WABA_ID } from '../../simulator';
import { GraphClient, DEFAULT_GRAPH_API_VERSION } from '../../core/graph/client';
import { GraphApiError, graphErrorFromResponse } from '../../core/graph/errors';
import type { GraphRequest } from '../../core/graph/client';
import { isMarketingEndpointRefusal, isNotOnboarded, MarketingRoute, sendEndpoint } from '../../core/messages/marketing';
import { readNumberInfo } from '../../core/numbers/info';
import { breakerActions } from '../../core/campaign/breakers';
import { parseWebhook } from '../../core/webhook/parse';
import { WhatsAppCampaign } from '../../nodes/WhatsAppCampaign/WhatsAppCampaign.node';
import { jsonOf, runNode } from '../harness';
import { simControl, startTriggerReceiver, waitFor } from '../helpers/triggerReceiver';
import { PROMO_NAMED_MAPPING, sendCampaignParams } from '../helpers/campaignFixtures';
import { SimWorld } from '../helpers/simStore';

const PHONE = DEFAULT_PHONE_NUMBERS[0].id;
const TOKEN = 'sim-token';
const w = new SimWorld();

const node = new WhatsAppCampaign();
const creds = (apiVersion = 'v27.0') => w.creds({ token: TOKEN, apiVersion });
const people = (n: number, base = 4915200000500) => Array.from({ length: n }, (_, i) => ({ json: { phone: `+${base + i}`, name: `P${i}`, order: `A${i}` } }));
const stats = () => w.sim.stats() as unknown as { accepted: { total: number }; duplicateSends: { total: number }; errors: Record<string, number>; requests: { sends: number } };
const byEndpoint = () => {
	const out: Record<string, number> = {};
	for (const m of w.sim.state.messages) out[m.endpoint ?? 'messages'] = (out[m.endpoint ?? 'messages'] ?? 0) + 1;
	return out;
};

function promo(campaignId: string, extra: Record<string, unknown> = {}) {
	return sendCampaignParams(campaignId, { phoneNumberId: PHONE, templateId: w.templateId('promo_named') }, PROMO_NAMED_MAPPING, { throughputMode: 'manual', mps: 20, ...extra });
}

function utility(campaignId: string) {
	return {
		...promo(campaignId),
		template: { mode: 'id', value: w.templateId('order_update') },
		variables: { mappingMode: 'defineBelow', value: { 'body.1': '={{ $json.name }}', 'body.2': '={{ $json.order }}', 'button.0': '={{ $json.order }}' } },
	};
}

beforeEach(() => w.start({ mps: 80, tier: 2000, latencyMs: 2, seed: 11, token: TOKEN }));
afterEach(() => w.stop());

describe('Send Campaign routes MARKETING templates to /marketing_messages (workflow executions, simulator)', () => {
	it('default on: every marketing send goes to /marketing_messages; a UTILITY campaign stays on /messages', async () => {
		const r = await runNode(node, promo('mm-1'), people(6), creds());
		expect(r.nodeError).toBeUndefined();
		
		expect(jsonOf(r.items).map((o) => o.state)).toEqual(Array(6).fill("accepted"));
		expect(byEndpoint()).toEqual({ marketing_messages: 6 });

		const u = await runNode(node, utility('mm-2'), people(4, 4915200000600), creds());
		expect(u.nodeError).toBeUndefined();
		expect(byEndpoint()).toEqual({ marketing_messages: 6, messages: 4 });
		expect(stats().duplicateSends.total).toBe(0);
	});

	it('option "Marketing Messages API" off: marketing sends go to /messages', async () => {
		const r = await runNode(node, promo('mm-3', { campaignOptions: { marketingMessagesApi: false } }), people(5), creds());
		expect(r.nodeError).toBeUndefined();
		expect(byEndpoint()).toEqual({ messages: 5 });
	});

	it('a number that is not onboarded: one refused request (131055), then /messages for the rest of the run — each recipient once, ledger complete', async () => {
		await simControl(w.running.url, `phone-numbers/${PHONE}`, { marketing_messages: false });
		const r = await runNode(node, promo('mm-4', { mps: 80 }), people(12), creds());
		expect(r.nodeError).toBeUndefined();
		const rows = jsonOf(r.items);
		expect(rows.map((o) => o.state)).toEqual(Array(12).fill('accepted'));
		expect(rows.every((o) => typeof o.messageId === 'string' && o.errorCode === null)).toBe(true);
		expect(byEndpoint()).toEqual({ messages: 12 });
		// The first marketing send is a probe: the others wait for its answer, so one refusal
		// (at most a send or two paced while the probe's dispatch mark was written), each resent once.
		const refused = stats().errors['131055'] ?? 0;
		expect(refused).toBeGreaterThanOrEqual(1);
		expect(refused).toBeLessThanOrEqual(2);
		expect(stats().requests.sends).toBe(12 + refused);
		expect(stats().accepted.total).toBe(12);
		expect(stats().duplicateSends.total).toBe(0);
		const summary = jsonOf(r.nodeOutputs[1])[0] as { thisRun: { sent: number; failed: number } };
		expect(summary.thisRun).toMatchObject({ sent: 12, failed: 0 });
	});

	it('Graph v24.0 stays usable: the same campaign through a v24.0 credential', async () => {
		const r = await runNode(node, promo('mm-5'), people(3), creds('v24.0'));
		expect(r.nodeError).toBeUndefined();
		expect(byEndpoint()).toEqual({ marketing_messages: 3 });
	});
});

describe('the endpoint rule and Meta refusals (pure)', () => {
	it('sendEndpoint: MARKETING + on + onboarded → marketing_messages; anything else → messages', () => {
		expect(sendEndpoint({ category: 'MARKETING' })).toBe('marketing_messages');
		expect(sendEndpoint({ category: 'marketing', marketingMessagesApi: true })).toBe('marketing_messages');
		expect(sendEndpoint({ category: 'MARKETING', marketingMessagesApi: false })).toBe('messages');
		expect(sendEndpoint({ category: 'MARKETING', notOnboarded: true })).toBe('messages');
		for (const category of ['UTILITY', 'AUTHENTICATION', undefined]) expect(sendEndpoint({ category })).toBe('messages');
	});

	it("131055 with Meta's terms text = not onboarded; 131055 otherwise = refused for this message; other codes are not refusals", () => {
		const terms = graphErrorFromResponse(400, {
			error: { message: '(#200) You must accept the Marketing Messages Lite API terms to use the API.', type: 'OAuthException', code: 131055, fbtrace_id: 'x' },
		});
		expect(isMarketingEndpointRefusal(terms)).toBe(true);
		expect(isNotOnboarded(terms)).toBe(true);
		const utilityRefused = graphErrorFromResponse(400, {
			error: { message: '(#131055) Method not allowed', code: 131055, error_data: { messaging_product: 'whatsapp', details: 'Only marketing templates are supported.' } },
		});
		expect(isMarketingEndpointRefusal(utilityRefused)).toBe(true);
		expect(isNotOnboarded(utilityRefused)).toBe(false);
		expect(isMarketingEndpointRefusal(graphErrorFromResponse(400, { error: { message: '(#131009) x', code: 131009 } }))).toBe(false);
		expect(isMarketingEndpointRefusal(new GraphApiError('timeout', { errorClass: 'unknown_outcome' }))).toBe(false);
	});

	it("MarketingRoute: the number's first marketing send is a probe the next sends wait for (ready); a verdict-less failure lets the next send probe again", async () => {
		const answers: Array<(v: unknown) => void> = [];
		const fails: Array<(e: unknown) => void> = [];
		const paths: string[] = [];
		const client = {
			request<T>(req: GraphRequest): Promise<T> {
				paths.push(req.path);
				return new Promise<T>((resolve, reject) => {
					answers.push(resolve as (v: unknown) => void);
					fails.push(reject);
				});
			},
		};
		const route = new MarketingRoute({ category: 'MARKETING' });
		expect(route.ready('1')).toBeUndefined();
		const first = route.send(client, '1', { to: 'a' });
		const waiting = route.ready('1');
		expect(waiting).toBeInstanceOf(Promise);
		expect(route.ready('2')).toBeUndefined(); // another number has its own probe
		let released = false;
		void waiting?.then(() => (released = true));
		await new Promise((r) => setImmediate(r));
		expect(released).toBe(false);
		fails[0](graphErrorFromResponse(400, { error: { message: '(#131055) You must accept the Marketing Messages API terms to use the API.', code: 131055 } }));
		await new Promise((r) => setImmediate(r));
		expect(released).toBe(true);
		expect(route.isRefused('1')).toBe(true);
		answers[1]({ messages: [{ id: 'wamid.a' }] }); // the probe's own resend to /messages
		await expect(first).resolves.toMatchObject({ endpoint: 'messages', messageId: 'wamid.a' });
		expect(paths).toEqual(['/1/marketing_messages', '/1/messages']);
		expect(route.stats).toMatchObject({ refused: 1, messages: 1, marketing: 0, notOnboarded: ['1'] });

		// Number 2: the probe times out (no verdict) → released, and the next send probes again.
		const p2 = route.send(client, '2', { to: 'b' });
		expect(route.ready('2')).toBeInstanceOf(Promise);
		fails[2](new GraphApiError('timeout', { errorClass: 'unknown_outcome' }));
		await expect(p2).rejects.toMatchObject({ errorClass: 'unknown_outcome' });
		expect(route.ready('2')).toBeUndefined();
		expect(route.endpointFor('2')).toBe('marketing_messages');
	});

	it('MarketingRoute: a non-marketing refusal resends that send to /messages; other errors are thrown as they are (no second request)', async () => {
		const calls: string[] = [];
		let answer: 'refuse' | 'throttle' | 'ok' = 'refuse';
		const client = {
			async request<T>(req: GraphRequest): Promise<T> {
				calls.push(req.path);
				if (req.path.endsWith('/marketing_messages') && answer === 'refuse') throw graphErrorFromResponse(400, { error: { message: '(#131055) Method not allowed', code: 131055 } });
				if (answer === 'throttle') throw graphErrorFromResponse(400, { error: { message: '(#130429) Rate limit hit', code: 130429 } });
				return { messages: [{ id: `wamid.${calls.length}` }] } as T;
			},
		};
		const route = new MarketingRoute({ category: 'MARKETING' });
		const res = await route.send(client, '1', { to: '2' });
		expect(res).toMatchObject({ endpoint: 'messages', messageId: 'wamid.2' });
		expect(calls).toEqual(['/1/marketing_messages', '/1/messages']);
		expect(route.isRefused('1')).toBe(false); // not "not onboarded": only this template was refused
		expect(route.endpointFor('1')).toBe('messages');
		answer = 'throttle';
		calls.length = 0;
		await expect(route.send(client, '1', { to: '3' })).rejects.toMatchObject({ code: 130429, errorClass: 'throttle' });
		expect(calls).toEqual(['/1/messages']);
	});
});

describe('template category map (template_category_update webhooks)', () => {
	const categoryWebhook = (category: string, templateIdValue: string) => ({
		object: 'whatsapp_business_account',
		entry: [
			{
				id: DEFAULT_WABA_ID,
				time: 1750000000,
				changes: [
					{
						field: 'template_category_update',
						value: { message_template_id: Number(templateIdValue), message_template_name: 'promo_named', message_template_language: 'en_US', previous_category: 'MARKETING', new_category: category },
					},
				],
			},
		],
	});

	it("a completed recategorisation updates the template's campaigns in the store; a running route switches endpoint", async () => {
		await w.store.createCampaign({ id: 'cat-1', phoneNumberId: PHONE, templateName: 'promo_named', templateLanguage: 'en_US', category: 'MARKETING', templateId: '777' }, 1000);
		await w.store.createCampaign({ id: 'cat-2', phoneNumberId: PHONE, templateName: 'order_update', templateLanguage: 'en_US', category: 'UTILITY', templateId: '888' }, 1000);
		let now = 0;
		const route = new MarketingRoute({ category: 'MARKETING', readCategory: () => w.store.getCampaign('cat-1').then((c) => c?.category), categoryRefreshMs: 1000, now: () => now });
		await new Promise((r) => setTimeout(r, 20)); // the baseline read
		expect(route.endpointFor(PHONE)).toBe('marketing_messages');

		const events = parseWebhook(categoryWebhook("UTILITY", "777"));
		const actions = breakerActions(events);
		expect(actions).toEqual([{ kind: 'template_category', templateId: '777', templateName: 'promo_named', language: 'en_US', category: 'UTILITY' }]);
		await w.store.applyBreakers(actions, 2000);
		expect((await w.store.getCampaign('cat-1'))?.category).toBe('UTILITY');
		expect((await w.store.getCampaign('cat-2'))?.category).toBe('UTILITY'); // untouched (was UTILITY already)
		expect((await w.store.getCampaign('cat-1'))?.state).toBe('running');

		now = 5000;
		route.endpointFor(PHONE); // starts the re-read
		await new Promise((r) => setTimeout(r, 20));
		expect(route.endpointFor(PHONE)).toBe('messages');
	});

	it('through the trigger: Meta recategorises the template (simulator) → the campaign row follows → the next run posts to /messages', async () => {
		const SECRET = 'cat-secret';
		const receiver = await startTriggerReceiver(SECRET, () => ({ backend: 'sqlite', path: w.dbPath }));
		await w.running.stop();
		w.sim = createSimulator({ mps: 80, tier: 2000, latencyMs: 2, seed: 12, token: TOKEN, appSecret: SECRET, webhookUrl: receiver.url });
		w.running = await w.sim.start();
		try {
			const first = await runNode(node, promo('cat-run'), people(3, 4915200000700), creds());
			expect(first.nodeError).toBeUndefined();
			expect(byEndpoint()).toEqual({ marketing_messages: 3 });
			await simControl(w.running.url, `templates/${w.templateId('promo_named')}`, { category: 'UTILITY' });
			await waitFor(() => receiver.deliveries.some((d) => d.field === 'template_category_update' && d.status === 200));
			expect((await w.store.getCampaign('cat-run'))?.category).toBe('UTILITY');
			const second = await runNode(node, promo('cat-run'), people(2, 4915200000800), creds());
			expect(second.nodeError).toBeUndefined();
			expect(byEndpoint()).toEqual({ marketing_messages: 3, messages: 2 });
		} finally {
			await receiver.close();
		}
	});

	it('an impending recategorisation (correct_category, a date) changes nothing yet', () => {
		const body = categoryWebhook('UTILITY', '777');
		const v = body.entry[0].changes[0].value as Record<string, unknown>;
		delete v.previous_category;
		delete v.new_category;
		v.correct_category = 'UTILITY';
		v.category_update_timestamp = 1750000000;
		expect(breakerActions(parseWebhook(body))).toEqual([]);
	});
});

describe('coexistence throughput from Graph, Graph v27.0', () => {
	it('a number also used in the WhatsApp Business app reads as 20 mps (is_on_biz_app); others 80 / 1,000', async () => {
		const client = new GraphClient({ accessToken: TOKEN, baseUrl: w.running.url });
		expect(client.apiVersion).toBe('v27.0');
		expect(DEFAULT_GRAPH_API_VERSION).toBe('v27.0');
		expect(await readNumberInfo(client, PHONE)).toMatchObject({ mps: 80, coexistence: false, platformType: 'CLOUD_API' });
		await simControl(w.running.url, `phone-numbers/${PHONE}`, { coexistence: true });
		expect(await readNumberInfo(client, PHONE)).toMatchObject({ mps: 20, coexistence: true });
		// Send Campaign with Throughput "Read From Graph API" paces at 20 mps for it.
		const r = await runNode(node, { ...promo('coex-1'), throughputMode: 'graph' }, people(3), creds());
		expect(jsonOf(r.nodeOutputs[1])[0]).toMatchObject({ mps: 20 });
		await simControl(w.running.url, `phone-numbers/${PHONE}`, { coexistence: false, mps: 1000 });
		expect(await readNumberInfo(client, PHONE)).toMatchObject({ mps: 1000, coexistence: false });
	});

	it('the simulator answers /v27.0 and /v24.0 alike, and serves /marketing_messages with Meta-like refusals', async () => {
		const post = async (version: string, edge: string, body: unknown) => {
			const res = await fetch(`${w.running.url}/${version}/${PHONE}/${edge}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
			return { status: res.status, body: (await res.json()) as { error?: { code: number; message: string; error_data?: { details?: string } }; messages?: unknown[] } };
		};
		const tpl = (name: string, components: unknown[] = []) => ({ messaging_product: 'whatsapp', to: '4915200000999', type: 'template', template: { name, language: { code: 'en_US' }, components } });
		const promoComponents = [
			{ type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example/p.jpg' } }] },
			{ type: 'body', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'A' }, { type: 'text', parameter_name: 'promo_code', text: 'B' }] },
		];
		for (const v of ['v27.0', 'v24.0']) {
			const ok = await post(v, 'marketing_messages', { ...tpl('promo_named', promoComponents), to: v === 'v27.0' ? '4915200000901' : '4915200000902' });
			expect(ok.status).toBe(200);
			expect(ok.body.messages).toHaveLength(1);
		}
		const utilityRefused = await post('v27.0', 'marketing_messages', tpl('hello_world'));
		expect(utilityRefused.body.error).toMatchObject({ code: 131055, message: '(#131055) Method not allowed' });
		const text = await post('v27.0', 'marketing_messages', { messaging_product: 'whatsapp', to: '4915200000999', type: 'text', text: { body: 'hi' } });
		expect(text.body.error).toMatchObject({ code: 100 });
		expect(text.body.error?.error_data?.details).toBe('Message must be a template message.');
		await simControl(w.running.url, `phone-numbers/${PHONE}`, { marketing_messages: false });
		const notOnboarded = await post('v27.0', 'marketing_messages', tpl('promo_named', promoComponents));
		expect(notOnboarded.status).toBe(400);
		expect(notOnboarded.body.error?.code).toBe(131055);
		expect(isNotOnboarded(graphErrorFromResponse(notOnboarded.status, notOnboarded.body))).toBe(true);
		expect(w.sim.state.messages.map((m) => m.endpoint)).toEqual(['marketing_messages', 'marketing_messages']);
	});
});
