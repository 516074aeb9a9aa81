/** Status webhooks, signatures, redelivery, duplicates, ordering and subscription overrides (cloud-api.md §4). */
import { helloWorld, promo, SECRET, startReceiver, startSim, statusesOf, text, waitFor, WABA, type Receiver, type TestSim } from './support';

let t: TestSim;
let rx: Receiver;
beforeEach(async () => (rx = await startReceiver()));
afterEach(async () => {
	await t?.stop();
	await rx.stop();
});

const statuses = () => statusesOf(rx.posts('messages').map((e) => e.body));

it('signs every POST with X-Hub-Signature-256 = HMAC-SHA256(raw body, app secret)', async () => {
	t = await startSim({ webhookUrl: rx.url });
	await t.send(helloWorld('16505550001'));
	await t.advance(2000);
	await rx.waitFor(() => rx.posts().length >= 3, '3 statuses');
	for (const e of rx.posts()) {
		expect(rx.signatureOk(e, SECRET)).toBe(true);
		expect(rx.signatureOk(e, 'other-secret')).toBe(false);
		expect(e.headers['content-type']).toBe('application/json');
	}
});

it('sent → delivered → read with pricing and biz_opaque_callback_data echoed', async () => {
	t = await startSim({ webhookUrl: rx.url, readRate: 1 });
	const r = await t.send(helloWorld('16505550002', { biz_opaque_callback_data: 'campaign-42' }));
	const id = r.body.messages[0].id;
	await t.advance(50);
	await rx.waitFor(() => statuses().length === 1, 'sent');
	await t.advance(150);
	await rx.waitFor(() => statuses().length === 2, 'delivered');
	await t.advance(800);
	await rx.waitFor(() => statuses().length === 3, 'read');
	const s = statuses();
	expect(s.map((x) => x.status)).toEqual(['sent', 'delivered', 'read']);
	for (const x of s) {
		expect(x).toMatchObject({ id, recipient_id: '16505550002', biz_opaque_callback_data: 'campaign-42' });
		expect(x.pricing).toEqual({ billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' });
	}
	expect(rx.posts()[0].body.entry[0]).toMatchObject({ id: WABA });
	expect((await t.ctl(`/messages?to=16505550002`)).data[0].status).toBe('read');
});

it('service messages and utility templates inside the window are free_customer_service', async () => {
	t = await startSim({ webhookUrl: rx.url, deliveredRate: 0, pairRateMs: 0 });
	await t.ctl('/inbound', { from: '16505550003', text: 'hi' });
	const ids = [];
	for (const m of [text('16505550003'), helloWorld('16505550003'), promo('16505550003')]) ids.push((await t.send(m)).body.messages[0].id);
	await t.advance(100);
	await rx.waitFor(() => statuses().length === 3, 'sent x3');
	const byId = new Map(statuses().map((s) => [s.id, s.pricing]));
	expect(ids.map((id) => byId.get(id))).toEqual([
		{ billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' },
		{ billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'utility' },
		{ billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' },
	]);
});

it('failed statuses carry Meta’s errors[] and no pricing', async () => {
	t = await startSim({ webhookUrl: rx.url });
	await t.send(helloWorld('16505550000'));
	await t.advance(100);
	await rx.waitFor(() => statuses().length === 1, 'failed');
	const [s] = statuses();
	expect(s.status).toBe('failed');
	expect(s.pricing).toBeUndefined();
	expect(s.errors).toEqual([
		{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable', error_data: { details: expect.any(String) }, href: expect.stringContaining('error-codes') },
	]);
});

it('redelivers on non-200 with back-off on the fake clock, bounded by maxAttempts', async () => {
	t = await startSim({ webhookUrl: rx.url, deliveredRate: 0, webhookRetry: { maxAttempts: 3, baseMs: 1000, factor: 2 } });
	rx.status = 500;
	await t.send(helloWorld('16505550004'));
	await t.advance(50);
	await rx.waitFor(() => rx.posts().length === 1, 'attempt 1');
	await t.advance(999);
	await new Promise((r) => setTimeout(r, 50));
	expect(rx.posts()).toHaveLength(1); // back-off not elapsed yet
	await t.advance(1);
	await rx.waitFor(() => rx.posts().length === 2, 'attempt 2');
	await t.advance(2000);
	await rx.waitFor(() => rx.posts().length === 3, 'attempt 3');
	await t.advance(60_000);
	await new Promise((r) => setTimeout(r, 50));
	expect(rx.posts()).toHaveLength(3);
	const raws = new Set(rx.posts().map((e) => e.raw));
	expect(raws.size).toBe(1); // same body each time
	const stats = await t.ctl('/stats');
	expect(stats.webhooks).toMatchObject({ failedAttempts: 3, givenUp: 1, delivered: 0 });
	const log = await t.ctl('/webhooks');
	expect(log.data[0]).toMatchObject({ state: 'failed', attempts: 3, responses: [500, 500, 500] });
});

it('a redelivery succeeds once the endpoint recovers', async () => {
	t = await startSim({ webhookUrl: rx.url, deliveredRate: 0 });
	rx.status = 503;
	await t.send(helloWorld('16505550005'));
	await t.advance(50);
	await rx.waitFor(() => rx.posts().length === 1, 'attempt 1');
	rx.status = 200;
	await t.advance(1000);
	await rx.waitFor(() => rx.posts().length === 2, 'attempt 2');
	await t.advance(100_000);
	await new Promise((r) => setTimeout(r, 50));
	expect(rx.posts()).toHaveLength(2);
	expect((await t.ctl('/stats')).webhooks).toMatchObject({ delivered: 1, failedAttempts: 1, givenUp: 0 });
});

it('optional duplicate deliveries and out-of-order read/delivered', async () => {
	t = await startSim({ webhookUrl: rx.url, duplicateRate: 1, readRate: 1, outOfOrderRate: 1 });
	await t.send(helloWorld('16505550006'));
	await t.advance(50);
	await rx.waitFor(() => rx.posts().length === 2, 'sent twice');
	await t.advance(950);
	await rx.waitFor(() => rx.posts().length === 4, 'read twice');
	await t.advance(5000);
	await rx.waitFor(() => rx.posts().length === 6, 'delivered twice');
	const order = statuses().map((s) => s.status);
	expect(order).toEqual(['sent', 'sent', 'read', 'read', 'delivered', 'delivered']);
	expect((await t.ctl('/stats')).webhooks.duplicates).toBe(3);
	// the message ends up read even though delivered came last
	expect((await t.ctl('/messages')).data[0].status).toBe('read');
});

it('records events without a webhook URL and still counts them', async () => {
	t = await startSim();
	await t.send(helloWorld('16505550007'));
	await t.advance(5000);
	const stats = await t.ctl('/stats');
	expect(stats.webhooks.recorded).toBeGreaterThanOrEqual(2);
	expect(stats.webhooks.delivered).toBe(0);
	expect((await t.ctl('/webhooks')).data.every((w: any) => w.state === 'recorded' && w.url === null)).toBe(true);
});

describe('subscribed_apps with override_callback_uri', () => {
	it('verifies the callback with the hub.challenge handshake, then routes this WABA’s webhooks there', async () => {
		const other = await startReceiver();
		t = await startSim({ webhookUrl: other.url });
		const ok = await t.api(`/v23.0/${WABA}/subscribed_apps`, { body: { override_callback_uri: rx.url, verify_token: 'verify-me' } });
		expect(ok.body).toEqual({ success: true });
		const get = rx.events.find((e) => e.method === 'GET')!;
		const q = new URL(get.url, 'http://x').searchParams;
		expect(q.get('hub.mode')).toBe('subscribe');
		expect(q.get('hub.verify_token')).toBe('verify-me');
		expect(q.get('hub.challenge')).toMatch(/^\d+$/);
		const apps = await t.api(`/v23.0/${WABA}/subscribed_apps`);
		expect(apps.body.data[0]).toMatchObject({ override_callback_uri: rx.url, whatsapp_business_api_data: { id: expect.any(String) } });
		expect(JSON.stringify(apps.body)).not.toContain('verify-me');
		await t.ctl('/inbound', { from: '16505550008', text: 'hi' });
		await rx.waitFor(() => rx.posts('messages').length === 1, 'inbound at override');
		expect(other.posts()).toHaveLength(0);
		expect((await t.api(`/v23.0/${WABA}/subscribed_apps`, { method: 'DELETE' })).body).toEqual({ success: true });
		expect((await t.api(`/v23.0/${WABA}/subscribed_apps`)).body).toEqual({ data: [] });
		await t.ctl('/inbound', { from: '16505550008', text: 'again' });
		await other.waitFor(() => other.posts('messages').length === 1, 'inbound at default');
		await other.stop();
	});

	it('rejects the subscription when the handshake fails', async () => {
		t = await startSim();
		const bad = await t.api(`/v23.0/${WABA}/subscribed_apps`, { body: { override_callback_uri: rx.url, verify_token: 'wrong' } });
		expect(bad.status).toBe(400);
		expect(bad.body.error.code).toBe(2200);
		expect((await t.api(`/v23.0/${WABA}/subscribed_apps`)).body).toEqual({ data: [] });
		const noToken = await t.api(`/v23.0/${WABA}/subscribed_apps`, { body: { override_callback_uri: rx.url } });
		expect(noToken.body.error.code).toBe(100);
	});
});

describe('delivery concurrency and timeout (webhookMaxInFlight, webhookTimeoutMs)', () => {
	/** A receiver answering after `delayMs` that records the most POSTs it had open at once. */
	async function slowReceiver(delayMs: number) {
		const http = await import('node:http');
		let open = 0;
		let maxOpen = 0;
		let done = 0;
		const server = http.createServer((req, res) => {
			open++;
			maxOpen = Math.max(maxOpen, open);
			req.resume();
			req.on('end', () =>
				setTimeout(() => {
					open--;
					done++;
					res.end('ok');
				}, delayMs),
			);
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
		const port = (server.address() as { port: number }).port;
		return {
			url: `http://127.0.0.1:${port}/hook`,
			stats: () => ({ maxOpen, done }),
			reset: () => (maxOpen = 0),
			stop: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
		};
	}

	it('keeps at most webhookMaxInFlight POSTs open, and /_sim/config changes it at run time', async () => {
		const slow = await slowReceiver(80);
		try {
			t = await startSim({ webhookUrl: slow.url, webhookMaxInFlight: 2 });
			for (let i = 0; i < 8; i++) await t.ctl('/inbound', { from: `1650555110${i}`, text: 'hi' });
			await waitFor(() => slow.stats().done >= 8, '8 deliveries', 10_000);
			expect(slow.stats().maxOpen).toBe(2);
			slow.reset();
			const cfg = await t.ctl('/config', { webhookMaxInFlight: 5 });
			expect(cfg.config.webhookMaxInFlight).toBe(5);
			for (let i = 0; i < 10; i++) await t.ctl('/inbound', { from: `1650555120${i}`, text: 'hi' });
			await waitFor(() => slow.stats().done >= 18, '10 more deliveries', 10_000);
			expect(slow.stats().maxOpen).toBeGreaterThan(2);
			expect(slow.stats().maxOpen).toBeLessThanOrEqual(5);
		} finally {
			await t.stop();
			await slow.stop();
		}
	});

	it('a receiver slower than webhookTimeoutMs gets a failed attempt and a redelivery', async () => {
		const slow = await slowReceiver(400);
		try {
			t = await startSim({ webhookUrl: slow.url, webhookTimeoutMs: 100, webhookRetry: { maxAttempts: 2, baseMs: 10, factor: 1 } });
			await t.ctl('/inbound', { from: '16505551300', text: 'hi' });
			await waitFor(() => slow.stats().done >= 1, 'the first attempt reaches the receiver', 10_000);
			await new Promise((r) => setTimeout(r, 50));
			await t.advance(100); // the redelivery back-off runs on the fake clock
			await waitFor(() => slow.stats().done >= 2, 'the redelivery reaches the receiver', 10_000);
			await new Promise((r) => setTimeout(r, 50));
			const hooks = await t.ctl('/webhooks?field=messages');
			const rec = hooks.data.find((w: { body: { entry: { changes: { value: { messages?: { from: string }[] } }[] }[] } }) => w.body.entry[0].changes[0].value.messages?.[0]?.from === '16505551300');
			expect(rec.responses).toEqual(['timeout', 'timeout']);
			expect(rec.state).toBe('failed');
		} finally {
			await t.stop();
			await slow.stop();
		}
	});
});
