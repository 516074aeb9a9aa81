/**
 * A narrow stand-in for the project simulator (simulator/ had not landed when these tests were
 * written): `POST /{ver}/{phone}/messages` on 127.0.0.1 with
 *  - a strict mps cap over a sliding 1 s window (130429 beyond it),
 *  - fixed latency,
 *  - scripted Meta errors per recipient (consumed one per request; 'hang' never answers),
 *  - stats: accepted sends per (to, biz_opaque_callback_data) → duplicates.
 * Error bodies follow cloud-api.md §3.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Scripted = number | 'hang';

export interface FakeCloudApiOptions {
	mpsCap?: number;
	latencyMs?: number;
	errors?: Record<string, Scripted[]>;
}

export interface FakeSend {
	to: string;
	callbackData?: string;
	at: number;
	body: any;
}

const TITLES: Record<number, string> = {
	130429: 'Rate limit hit',
	131000: 'Something went wrong',
	131026: 'Message undeliverable',
	131047: 'Re-engagement message',
	131049: 'This message was not delivered to maintain healthy ecosystem engagement.',
	131050: 'User stopped marketing messages',
	131056: 'Pair rate limit hit',
	132015: 'Template is paused',
	190: 'Invalid OAuth access token',
};

export interface FakeCloudApi {
	url: string;
	accepted: FakeSend[];
	requests: number;
	throttled: number;
	errors: Record<string, Scripted[]>;
	duplicates(): number;
	acceptedTo(): Set<string>;
	stop(): Promise<void>;
}

export async function startFakeCloudApi(options: FakeCloudApiOptions = {}): Promise<FakeCloudApi> {
	const window: number[] = [];
	const hanging = new Set<http.ServerResponse>();
	let seq = 0;
	const api: FakeCloudApi = {
		url: '',
		accepted: [],
		requests: 0,
		throttled: 0,
		errors: { ...(options.errors ?? {}) },
		duplicates() {
			const seen = new Map<string, number>();
			for (const s of this.accepted) seen.set(`${s.to}|${s.callbackData}`, (seen.get(`${s.to}|${s.callbackData}`) ?? 0) + 1);
			let d = 0;
			for (const n of seen.values()) d += n - 1;
			return d;
		},
		acceptedTo() {
			return new Set(this.accepted.map((s) => s.to));
		},
		stop: async () => {
			for (const r of hanging) r.destroy();
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
	const fail = (res: http.ServerResponse, code: number) => {
		const status = code === 190 ? 401 : code === 131000 ? 500 : 400;
		res.writeHead(status, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ error: { message: `(#${code}) ${TITLES[code] ?? 'Error'}`, type: 'OAuthException', code, error_data: { details: TITLES[code] ?? '' }, fbtrace_id: 'A1' } }));
	};
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			api.requests++;
			const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
			const respond = () => {
				// /messages, and /marketing_messages (Meta's Marketing Messages API: same body, same answer).
				if (!/\/(marketing_)?messages$/.test(req.url ?? '')) {
					res.writeHead(404).end();
					return;
				}
				const to = String(body.to);
				const script = api.errors[to];
				const next = script?.length ? script.shift() : undefined;
				if (next === 'hang') {
					hanging.add(res);
					return;
				}
				if (typeof next === 'number') return fail(res, next);
				if (options.mpsCap) {
					const now = Date.now();
					while (window.length && window[0] <= now - 1000) window.shift();
					if (window.length >= options.mpsCap) {
						api.throttled++;
						return fail(res, 130429);
					}
					window.push(now);
				}
				const id = `wamid.fake${++seq}`;
				api.accepted.push({ to, callbackData: body.biz_opaque_callback_data, at: Date.now(), body });
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id, message_status: 'accepted' }] }));
			};
			if (options.latencyMs) setTimeout(respond, options.latencyMs);
			else respond();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return api;
}
