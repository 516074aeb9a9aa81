/**
 * createSimulator(options): the offline WhatsApp Cloud API simulator on a plain node:http server.
 * Hot path (POST /messages): no schema work, O(1) rate windows, counter-based ids.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SimContext } from './context';
import { ControlError, handleControl } from './control';
import { errorBody, GraphError } from './errors';
import type { AnswerFault } from './faults';
import { handleGraph, isVersion } from './graph';
import { SYNTHETIC_CHUNK, syntheticChunk } from './media';
import { tierLabel } from './limits';
import { resolveOptions, type SimulatorOptions } from './options';

export interface RunningSimulator {
	url: string;
	stop(): Promise<void>;
}

export interface Simulator {
	readonly options: SimulatorOptions;
	readonly clock: SimContext['clock'];
	/** Live state (templates, phones, messages, webhooks …) for in-process assertions. */
	readonly state: SimContext;
	start(): Promise<RunningSimulator>;
	stats(): Record<string, unknown>;
	info(): Record<string, unknown>;
	reset(): void;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=UTF-8' };

export function createSimulator(options: Partial<SimulatorOptions> = {}): Simulator {
	const initial = resolveOptions(options);
	const clone = (): SimulatorOptions => ({ ...initial, faults: { ...initial.faults }, statusDelays: { ...initial.statusDelays }, errorStatus: { ...initial.errorStatus } });
	const ctx = new SimContext(clone());
	let server: http.Server | undefined;
	const hanging = new Set<http.ServerResponse>();
	/** TCP connections accepted, and those the simulator closed because they sat idle (keepAliveMs). */
	const connections = { opened: 0, closedIdle: 0 };

	const stats = (): Record<string, unknown> => {
		const s = ctx.stats;
		const maxPerSecond: Record<string, number> = {};
		for (const p of ctx.phones.values()) maxPerSecond[p.id] = p.window.maxObserved;
		const dups: Record<string, number> = {};
		let dupTotal = 0;
		for (const [k, n] of s.duplicateSends) if (n > 1) {
			dups[k] = n - 1;
			dupTotal += n - 1;
		}
		return {
			requests: s.requests,
			connections: { ...connections },
			accepted: { total: s.accepted.total, byPhone: s.accepted.byPhone, byRecipient: Object.fromEntries(s.accepted.byRecipient) },
			maxAcceptedPerSecond: maxPerSecond,
			duplicateSends: { total: dupTotal, byKey: dups },
			errors: s.errors,
			asyncFailures: s.asyncFailures,
			statuses: s.statuses,
			webhooks: ctx.webhooks.stats,
			messagingLimit: { limit: tierLabel(ctx.portfolioTier()), uniqueRecipients24h: ctx.reached.count(ctx.clock.now()) },
			inbound: s.inbound,
			markedRead: s.markedRead,
			recipientFaults: { used: ctx.recipientFaults.used, pending: Object.values(ctx.recipientFaults.pending()).reduce((n, l) => n + l.length, 0) },
			optOuts: ctx.optOuts.size,
			now: ctx.clock.now(),
		};
	};

	const info = (): Record<string, unknown> => ({
		url: ctx.baseUrl,
		wabaId: ctx.opts.wabaId,
		appId: ctx.opts.appId,
		phoneNumbers: [...ctx.phones.values()].map((p) => ({ id: p.id, display_phone_number: p.display_phone_number, verified_name: p.verified_name })),
		templates: [...ctx.templates.byId.values()].map((t) => ({ id: t.id, name: t.name, language: t.language, category: t.category, status: t.status })),
		webhookUrl: ctx.opts.webhookUrl ? '(set)' : null,
	});

	const reset = () => {
		for (const r of hanging) r.destroy();
		hanging.clear();
		ctx.reset(clone());
	};

	const send = (res: http.ServerResponse, status: number, body: unknown, extraHeaders?: Record<string, string>) => {
		const s = JSON.stringify(body);
		res.writeHead(status, extraHeaders ? { ...JSON_HEADERS, ...extraHeaders } : JSON_HEADERS);
		res.end(s);
	};

	const sendError = (res: http.ServerResponse, err: GraphError) => {
		ctx.bumpError(err.code);
		const { status, body } = errorBody(err, ctx.fbtrace(), ctx.opts.errorStatus);
		const headers =
			err.code === 130429
				? { 'x-business-use-case-usage': JSON.stringify({ [ctx.opts.wabaId]: [{ type: 'whatsapp', call_count: 100, total_cputime: 1, total_time: 1, estimated_time_to_regain_access: 1 }] }) }
				: undefined;
		send(res, status, body, headers);
	};

	/** Answers a Graph request after latency / faults. */
	const answer = (res: http.ServerResponse, isSend: boolean, run: () => void) => {
		const o = ctx.opts;
		const f = o.faults;
		let delay = o.latencyMs + (o.jitterMs > 0 ? ctx.rng.next() * o.jitterMs : 0);
		if (ctx.rng.chance(f.slowRate)) delay += f.slowMs;
		if (isSend && ctx.rng.chance(f.timeoutRate)) {
			// The message was already accepted (processed before answering); the answer never comes or comes late.
			if (f.timeoutMode === 'never') {
				hanging.add(res);
				res.on('close', () => hanging.delete(res));
				return;
			}
			delay += f.timeoutAfterMs;
		}
		if (delay <= 0) return run();
		setTimeout(run, delay);
	};

	const onGraph = (req: http.IncomingMessage, res: http.ServerResponse, path: string, query: URLSearchParams, raw: Buffer) => {
		ctx.stats.requests.graph++;
		const segs = path.split('/');
		// segs[0] === '' ; segs[1] = version
		if (!isVersion(segs[1] ?? '')) {
			sendError(res, new GraphError(2500, 'Unknown path components: the path must start with a version such as /v23.0/', { title: 'Unknown path components' }));
			return;
		}
		const auth = req.headers.authorization;
		const token = auth?.startsWith('Bearer ') ? auth.slice(7) : query.get('access_token');
		if (token !== ctx.opts.token) {
			sendError(res, new GraphError(190, token ? 'The access token could not be decrypted.' : 'An access token is required to request this resource.', { title: token ? 'Invalid OAuth access token - Cannot parse access token' : 'An active access token must be used to query information about the current user.' }));
			return;
		}
		const segments = segs.slice(2).map(decodeURIComponent).filter((s, i) => s !== '' || i === 0);
		const isSend = req.method === 'POST' && (segments[1] === 'messages' || segments[1] === 'marketing_messages');
		if (isSend) ctx.stats.requests.sends++;
		const f = ctx.opts.faults;
		if (ctx.rng.chance(f.errorRate)) {
			answer(res, false, () => sendError(res, new GraphError(131000, 'Injected server error.', { status: f.errorStatus, subcode: undefined })));
			return;
		}
		let out: Record<string, unknown> | Promise<Record<string, unknown>>;
		let failure: GraphError | undefined;
		const run = () => {
			try {
				out = handleGraph(ctx, { method: req.method ?? 'GET', segments, query, headers: req.headers, raw, url: ctx.baseUrl + path });
			} catch (e) {
				failure = e instanceof GraphError ? e : new GraphError(1, e instanceof Error ? e.message : 'unknown error');
			}
		};
		const reply = () => {
			if (failure) return sendError(res, failure);
			if (out instanceof Promise)
				out.then(
					(v) => send(res, 200, v),
					(e) => sendError(res, e instanceof GraphError ? e : new GraphError(1, e instanceof Error ? e.message : 'unknown error')),
				);
			else send(res, 200, out);
		};
		// Process immediately (state changes happen at request time), answer after latency.
		ctx.answerFault = undefined;
		run();
		const scripted = ctx.answerFault;
		ctx.answerFault = undefined;
		if (scripted) return scriptedAnswer(res, scripted, reply);
		const o = ctx.opts;
		if (o.latencyMs <= 0 && o.jitterMs <= 0 && f.slowRate <= 0 && f.timeoutRate <= 0) return reply();
		answer(res, isSend && !failure, reply);
	};

	/** A send's scripted answer (simulator/faults.ts): late by `delayMs` on top of the latency, or lost. */
	const scriptedAnswer = (res: http.ServerResponse, fault: AnswerFault, reply: () => void) => {
		if (fault.drop === 'hang') {
			hanging.add(res);
			res.on('close', () => hanging.delete(res));
			return;
		}
		const o = ctx.opts;
		const delay = o.latencyMs + (o.jitterMs > 0 ? ctx.rng.next() * o.jitterMs : 0) + fault.delayMs;
		const act = fault.drop === 'reset' ? () => res.socket?.destroy() : reply;
		if (delay <= 0) return act();
		setTimeout(act, delay);
	};

	/**
	 * The media download URL (`GET /{media-id}` gives it): only with the Bearer token (Meta answers
	 * 401 without it), 404 once expired (MEDIA_URL_TTL_MS on the simulator clock) or deleted. A
	 * synthetic file is generated chunk by chunk with back-pressure, so a 100 MB file costs no memory.
	 */
	const onMedia = (req: http.IncomingMessage, res: http.ServerResponse, id: string, query: URLSearchParams) => {
		const auth = req.headers.authorization;
		if (auth !== `Bearer ${ctx.opts.token}`) {
			const { body } = errorBody(new GraphError(190, 'The access token could not be decrypted.'), ctx.fbtrace(), ctx.opts.errorStatus);
			return send(res, 401, body);
		}
		const m = ctx.media.items.get(id);
		const expires = Number(query.get('expires'));
		if (!m || !(expires >= ctx.clock.now())) return send(res, 404, { error: m ? 'URL expired' : 'not found' });
		res.writeHead(200, { 'content-type': m.mime, 'content-length': m.size });
		if (req.method === 'HEAD') return res.end();
		if (!m.synthetic) return res.end(m.data);
		let at = 0;
		const pump = () => {
			while (at < m.size) {
				const end = Math.min(m.size, at + SYNTHETIC_CHUNK);
				const more = res.write(syntheticChunk(at, end));
				at = end;
				if (!more) return void res.once('drain', pump);
			}
			res.end();
		};
		res.on('close', () => (at = m.size));
		pump();
	};

	const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
		ctx.stats.requests.total++;
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const raw = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
			const u = req.url ?? '/';
			const q = u.indexOf('?');
			const path = q < 0 ? u : u.slice(0, q);
			const query = new URLSearchParams(q < 0 ? '' : u.slice(q + 1));
			try {
				if (path.startsWith('/_sim')) {
					ctx.stats.requests.control++;
					const out = handleControl({ ctx, info, stats, reset }, req.method ?? 'GET', path, query, raw);
					return send(res, 200, out);
				}
				if (path.startsWith('/_media/')) return onMedia(req, res, decodeURIComponent(path.slice(8)), query);
				onGraph(req, res, path, query, raw);
			} catch (e) {
				if (e instanceof ControlError) return send(res, e.status, { error: e.message });
				send(res, 500, { error: e instanceof Error ? e.message : 'internal error' });
			}
		});
	};

	return {
		options: initial,
		clock: ctx.clock,
		state: ctx,
		stats,
		info,
		reset,
		start: () =>
			new Promise((resolve, reject) => {
				if (server) return reject(new Error('simulator already started'));
				// Keep-alive: Node's own idle close (announced as `Keep-Alive: timeout=N`, applied exactly:
				// no keepAliveTimeoutBuffer), or, without the hint, our own abrupt close of idle sockets.
				const hint = ctx.opts.keepAliveHint;
				const s = http.createServer({ keepAliveTimeout: hint ? ctx.opts.keepAliveMs : 0, keepAliveTimeoutBuffer: 0 }, handler);
				const sockets = new Set<Socket>();
				const busy = new Map<Socket, { active: number; idle?: NodeJS.Timeout }>();
				s.on('connection', (c: Socket) => {
					connections.opened++;
					sockets.add(c);
					busy.set(c, { active: 0 });
					// Node's server closes an idle keep-alive socket on its 'timeout' (no other server timeout is set).
					if (hint) c.on('timeout', () => connections.closedIdle++);
					c.on('close', () => {
						clearTimeout(busy.get(c)?.idle);
						busy.delete(c);
						sockets.delete(c);
					});
				});
				if (!hint) {
					s.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
						const b = busy.get(req.socket);
						if (!b) return;
						clearTimeout(b.idle);
						b.active++;
						res.once('close', () => {
							if (--b.active > 0 || req.socket.destroyed) return;
							b.idle = setTimeout(() => {
								connections.closedIdle++;
								req.socket.destroy();
							}, ctx.opts.keepAliveMs);
						});
					});
				}
				s.once('error', reject);
				s.listen(ctx.opts.port, ctx.opts.host, () => {
					server = s;
					const addr = s.address() as AddressInfo;
					const host = ctx.opts.host === '0.0.0.0' || ctx.opts.host === '::' ? '127.0.0.1' : ctx.opts.host;
					ctx.baseUrl = `http://${host}:${addr.port}`;
					resolve({
						url: ctx.baseUrl,
						stop: () =>
							new Promise<void>((done) => {
								ctx.clock.dispose();
								ctx.webhooks.close();
								for (const r of hanging) r.destroy();
								for (const c of sockets) c.destroy();
								s.close(() => done());
								server = undefined;
							}),
					});
				});
			}),
	};
}
