/** Shared helpers for the simulator tests: start a simulator, call it, receive its webhooks. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSimulator, DEFAULT_PHONE_NUMBERS, DEFAULT_WABA_ID, type Simulator } from '../../simulator';
import type { SimulatorOptions } from '../../simulator/options';

/** A token and app secret of the tests' own (not the simulator's defaults); its default WABA and numbers. */
export const TOKEN = 'test-token';
export const SECRET = 'test-app-secret';
export const WABA = DEFAULT_WABA_ID;
export const [PHONE, PHONE2] = DEFAULT_PHONE_NUMBERS.map((p) => p.id);

export interface Res {
	status: number;
	body: any;
	headers: Headers;
}

export interface TestSim {
	sim: Simulator;
	url: string;
	api(path: string, init?: { method?: string; body?: unknown; token?: string | null; headers?: Record<string, string> }): Promise<Res>;
	ctl(path: string, body?: unknown, method?: string): Promise<any>;
	send(msg: Record<string, unknown>, phone?: string): Promise<Res>;
	advance(ms: number): Promise<void>;
	stop(): Promise<void>;
}

/** Starts a simulator with a frozen clock (only `advance` moves time) and seed 1 unless overridden. */
export async function startSim(opts: Partial<SimulatorOptions> = {}): Promise<TestSim> {
	const sim = createSimulator({ token: TOKEN, appSecret: SECRET, seed: 1, clock: { frozen: true }, ...opts });
	const running = await sim.start();
	const url = running.url;
	const api: TestSim['api'] = async (path, init = {}) => {
		const headers: Record<string, string> = { ...(init.headers ?? {}) };
		if (init.token !== null) headers.authorization = `Bearer ${init.token ?? TOKEN}`;
		let body: string | undefined;
		if (init.body !== undefined) {
			body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
			headers['content-type'] ??= 'application/json';
		}
		const res = await fetch(url + path, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body });
		const text = await res.text();
		let parsed: unknown = text;
		try {
			parsed = JSON.parse(text);
		} catch {
			/* not JSON */
		}
		return { status: res.status, body: parsed, headers: res.headers };
	};
	const ctl = async (path: string, body?: unknown, method?: string) => {
		const res = await fetch(`${url}/_sim${path}`, {
			method: method ?? (body === undefined ? 'GET' : 'POST'),
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const json = await res.json();
		if (!res.ok) throw new Error(`control ${path}: ${res.status} ${JSON.stringify(json)}`);
		return json;
	};
	return {
		sim,
		url,
		api,
		ctl,
		send: (msg, phone = PHONE) => api(`/v23.0/${phone}/messages`, { body: { messaging_product: 'whatsapp', recipient_type: 'individual', ...msg } }),
		advance: async (ms) => void (await ctl('/clock/advance', { ms })),
		stop: () => running.stop(),
	};
}

export const text = (to: string, body = 'hello', extra: Record<string, unknown> = {}) => ({ to, type: 'text', text: { body }, ...extra });
export const helloWorld = (to: string, extra: Record<string, unknown> = {}) => ({
	to,
	type: 'template',
	template: { name: 'hello_world', language: { code: 'en_US', policy: 'deterministic' } },
	...extra,
});
export const orderUpdate = (to: string, params = ['Mark', '860198'], extra: Record<string, unknown> = {}) => ({
	to,
	type: 'template',
	template: {
		name: 'order_update',
		language: { code: 'en_US', policy: 'deterministic' },
		components: [
			{ type: 'body', parameters: params.map((t) => ({ type: 'text', text: t })) },
			{ type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '860198' }] },
		],
	},
	...extra,
});
export const promo = (to: string, extra: Record<string, unknown> = {}) => ({
	to,
	type: 'template',
	template: {
		name: 'promo_named',
		language: { code: 'en_US', policy: 'deterministic' },
		components: [
			{ type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/a.jpg' } }] },
			{
				type: 'body',
				parameters: [
					{ type: 'text', parameter_name: 'first_name', text: 'Jessica' },
					{ type: 'text', parameter_name: 'promo_code', text: 'FALL25' },
				],
			},
		],
	},
	...extra,
});

export interface Received {
	headers: http.IncomingHttpHeaders;
	raw: string;
	body: any;
	method: string;
	url: string;
}

export interface Receiver {
	url: string;
	events: Received[];
	/** Status code to answer POSTs with (default 200). */
	status: number;
	verifyToken: string;
	signatureOk(e: Received, secret?: string): boolean;
	waitFor(pred: (events: Received[]) => boolean, label?: string): Promise<void>;
	posts(field?: string): Received[];
	stop(): Promise<void>;
}

/** A local webhook endpoint that records every request and answers the GET verification handshake. */
export async function startReceiver(): Promise<Receiver> {
	const events: Received[] = [];
	const r: Partial<Receiver> = { events, status: 200, verifyToken: 'verify-me' };
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const raw = Buffer.concat(chunks).toString('utf8');
			let body: unknown;
			try {
				body = raw ? JSON.parse(raw) : undefined;
			} catch {
				body = raw;
			}
			events.push({ headers: req.headers, raw, body, method: req.method ?? '', url: req.url ?? '' });
			if (req.method === 'GET') {
				const q = new URL(req.url ?? '/', 'http://x').searchParams;
				if (q.get('hub.mode') === 'subscribe' && q.get('hub.verify_token') === r.verifyToken) {
					res.writeHead(200, { 'content-type': 'text/plain' });
					res.end(q.get('hub.challenge'));
					return;
				}
				res.writeHead(403);
				res.end('forbidden');
				return;
			}
			res.writeHead(r.status!);
			res.end('ok');
		});
	});
	await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
	const port = (server.address() as AddressInfo).port;
	r.url = `http://127.0.0.1:${port}/webhook`;
	r.signatureOk = (e, secret = SECRET) => {
		const sig = String(e.headers['x-hub-signature-256'] ?? '');
		const want = 'sha256=' + createHmac('sha256', secret).update(e.raw).digest('hex');
		return sig.length === want.length && timingSafeEqual(Buffer.from(sig), Buffer.from(want));
	};
	r.waitFor = (pred, label = 'condition') => waitFor(() => pred(events), label);
	r.posts = (field) => events.filter((e) => e.method === 'POST' && (!field || e.body?.entry?.[0]?.changes?.[0]?.field === field));
	r.stop = () =>
		new Promise<void>((ok) => {
			server.closeAllConnections();
			server.close(() => ok());
		});
	return r as Receiver;
}

/** Polls until `pred` holds (max 5 s real time; this is a wait, not a timing assertion). */
export async function waitFor(pred: () => boolean, label = 'condition', timeoutMs = 5000): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!pred()) {
		if (Date.now() > end) throw new Error(`timed out waiting for ${label}`);
		await new Promise((r) => setTimeout(r, 10));
	}
}

/** statuses[] entries of recorded status webhooks (from /_sim/webhooks bodies or receiver bodies). */
export function statusesOf(bodies: any[]): any[] {
	return bodies.flatMap((b) => b?.entry?.[0]?.changes?.[0]?.value?.statuses ?? []);
}
