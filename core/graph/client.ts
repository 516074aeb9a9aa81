/**
 * Graph API client for the WhatsApp Cloud API, on axios with keep-alive agents.
 *
 *  - Versioned base URL: `${baseUrl}/${apiVersion}${path}` (cloud-api.md §7: the version is a
 *    credential setting; the simulator accepts any vNN.N).
 *  - Bearer token in the Authorization header only — never in URLs, errors or logs.
 *  - Cursor pagination through `paging.cursors.after` (Meta's `paging.next` URL can carry an
 *    access token, so it is never followed or surfaced).
 *  - Every failure becomes a GraphApiError with Meta's code/subcode/details and a retry class
 *    (errors.ts). A timeout or reset after the request was written is `unknown_outcome`: the
 *    message may have been accepted, so callers must not resend it blindly. The exception is the
 *    keep-alive race (a reset on a pooled connection the server closed for idleness, nothing read
 *    back): `transient`, `requestSent: false` — the exact rule is isKeepAliveRace in keepAlive.ts.
 *  - Keep-alive sockets are retired after 4 s idle, or earlier when the server announces a
 *    shorter `Keep-Alive: timeout=N`, and checked again when reused (keepAlive.ts), so requests
 *    do not go out on connections the server is about to close (Node's server closes at 5 s).
 *  - GETs are idempotent and retried on transient failures — 5xx, Meta's transient codes
 *    (1, 2, 131000, 131016, 133004, `is_transient`), network errors and resets — with bounded
 *    exponential back-off and jitter (`getRetries`, default 4 attempts, 300 ms → 3 s), so a
 *    campaign's start-of-run look-ups survive a flaky moment. POST and DELETE are never retried
 *    here: a resent POST can be a second message; callers (the campaign's error policy) decide.
 *  - JSON requests (every send) go straight through node:http on the same keep-alive agents;
 *    axios only carries uploads (Buffer / FormData). A campaign makes ~1,000 requests a second,
 *    and axios's per-request config merging and header objects were most of the campaign's
 *    garbage (issue #7 case d: ~95 KB allocated per message with axios, ~35 KB without).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import axios, { AxiosError, AxiosInstance, AxiosRequestConfig } from 'axios';
import { GraphApiError, graphErrorFromResponse } from './errors';
import { DEFAULT_IDLE_SOCKET_MS, isKeepAliveRace, KeepAliveHttpAgent, KeepAliveHttpsAgent } from './keepAlive';

export const DEFAULT_GRAPH_BASE_URL = 'https://graph.facebook.com';
/**
 * The newest Graph API version (cloud-api.md §7 lists the versions and their end dates); any other
 * vNN.N stays selectable in the credential (e.g. v24.0), and the simulator accepts every one.
 */
export const DEFAULT_GRAPH_API_VERSION = 'v27.0';

export interface GraphClientOptions {
	accessToken: string;
	baseUrl?: string;
	apiVersion?: string;
	/** Per-request timeout (ms). Default 30 s. */
	timeoutMs?: number;
	/** Keep-alive sockets per host; size it to the in-flight concurrency. Default 256. */
	maxSockets?: number;
	/**
	 * Idle keep-alive sockets are closed after this many ms (default 4,000: below the 5 s
	 * keep-alive timeout of Node's and Apache's servers). A shorter `Keep-Alive: timeout=N` from
	 * the server wins (N s minus 1 s).
	 */
	idleSocketMs?: number;
	/** Automatic retries of GETs on transient failures (default DEFAULT_GET_RETRIES); false: none. */
	getRetries?: Partial<GetRetryPolicy> | false;
}

/** Bounded exponential back-off for idempotent GETs: attempt n waits U(d/2, d), d = min(cap, base·2ⁿ⁻¹). */
export interface GetRetryPolicy {
	/** Attempts in all, the first included (1 = no retry). */
	attempts: number;
	baseMs: number;
	capMs: number;
}

export const DEFAULT_GET_RETRIES: Readonly<GetRetryPolicy> = { attempts: 4, baseMs: 300, capMs: 3_000 };

export type QueryValue = string | number | boolean | undefined | null;

export interface GraphRequest {
	method: 'GET' | 'POST' | 'DELETE';
	/** Path after the version, e.g. `/123/messages`. */
	path: string;
	query?: Record<string, QueryValue>;
	/** JSON body. */
	body?: unknown;
	/** Raw bytes body (resumable upload) or multipart (FormData). */
	data?: Buffer | FormData;
	headers?: Record<string, string>;
	timeoutMs?: number;
	/** Don't prefix the API version (e.g. an absolute Graph path). */
	unversioned?: boolean;
}

export interface GraphPage<T> {
	data: T[];
	paging?: { cursors?: { before?: string; after?: string }; next?: string; previous?: string };
}

const agents = new Map<string, { http: http.Agent; https: https.Agent }>();

function agentsFor(maxSockets: number, idleSocketMs: number) {
	const key = `${maxSockets}/${idleSocketMs}`;
	let pair = agents.get(key);
	if (!pair) {
		const opts = { keepAlive: true, maxSockets, maxFreeSockets: Math.min(maxSockets, 256), scheduling: 'lifo' as const, idleSocketMs };
		pair = { http: new KeepAliveHttpAgent(opts), https: new KeepAliveHttpsAgent(opts) };
		agents.set(key, pair);
	}
	return pair;
}

/** Whether a failed GET is worth another attempt: Meta-side or network trouble, not a wrong request. */
export function isRetryableGetError(error: unknown): boolean {
	if (!(error instanceof GraphApiError)) return false;
	// unknown_outcome is a timeout or reset after the request was written: harmless for a GET.
	return error.errorClass === 'transient' || error.errorClass === 'unknown_outcome' || error.isTransient === true;
}

/** Back-off before attempt `attempt + 1` ("equal jitter": half fixed, half random). */
export function getRetryDelayMs(attempt: number, policy: GetRetryPolicy, random: () => number = Math.random): number {
	const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
	return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export class GraphClient {
	readonly baseUrl: string;
	readonly apiVersion: string;
	private readonly http: AxiosInstance;
	private readonly timeoutMs: number;
	private readonly getRetries: GetRetryPolicy | undefined;
	/** The direct JSON path: transport, agent, origin parts and the fixed headers. */
	private readonly direct: {
		request: typeof http.request;
		agent: http.Agent;
		protocol: string;
		hostname: string;
		port: string;
		basePath: string;
		authorization: string;
	};

	constructor(options: GraphClientOptions) {
		if (!options.accessToken) throw new GraphApiError('No access token configured', { errorClass: 'account_stop', requestSent: false });
		this.baseUrl = (options.baseUrl || DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, '');
		this.apiVersion = normalizeVersion(options.apiVersion || DEFAULT_GRAPH_API_VERSION);
		this.timeoutMs = options.timeoutMs ?? 30_000;
		this.getRetries = options.getRetries === false ? undefined : { ...DEFAULT_GET_RETRIES, ...(options.getRetries ?? {}) };
		const pair = agentsFor(options.maxSockets ?? 256, options.idleSocketMs ?? DEFAULT_IDLE_SOCKET_MS);
		const base = new URL(this.baseUrl);
		const secure = base.protocol === 'https:';
		this.direct = {
			request: secure ? https.request : http.request,
			agent: secure ? pair.https : pair.http,
			protocol: base.protocol,
			// URL keeps IPv6 hosts bracketed; http.request wants them bare.
			hostname: base.hostname.replace(/^\[(.*)\]$/, '$1'),
			port: base.port,
			basePath: base.pathname.replace(/\/+$/, ''),
			authorization: `Bearer ${options.accessToken}`,
		};
		this.http = axios.create({
			baseURL: this.baseUrl,
			httpAgent: pair.http,
			httpsAgent: pair.https,
			headers: { Authorization: `Bearer ${options.accessToken}` },
			validateStatus: () => true,
			maxRedirects: 0,
			maxBodyLength: Infinity,
			maxContentLength: Infinity,
			transitional: { clarifyTimeoutError: true },
		});
	}

	url(path: string, unversioned = false): string {
		const p = path.startsWith('/') ? path : `/${path}`;
		return unversioned ? p : `/${this.apiVersion}${p}`;
	}

	/** One request; GETs get the transient-retry policy (`getRetries`), nothing else is retried. */
	request<T = unknown>(req: GraphRequest): Promise<T> {
		if (req.method === 'GET' && this.getRetries && this.getRetries.attempts > 1) return this.requestWithRetries<T>(req, this.getRetries);
		return this.requestOnce<T>(req);
	}

	private requestOnce<T>(req: GraphRequest): Promise<T> {
		return req.data === undefined ? this.requestJson<T>(req) : this.requestAxios<T>(req);
	}

	private async requestWithRetries<T>(req: GraphRequest, policy: GetRetryPolicy): Promise<T> {
		const started = Date.now();
		for (let attempt = 1; ; attempt++) {
			try {
				return await this.requestOnce<T>(req);
			} catch (error) {
				if (!isRetryableGetError(error)) throw error;
				const last = error as GraphApiError;
				if (attempt >= policy.attempts) {
					const seconds = ((Date.now() - started) / 1000).toFixed(1);
					throw new GraphApiError(`${last.message} (${req.method} ${req.path}: gave up after ${attempt} attempts in ${seconds} s)`, {
						httpStatus: last.httpStatus,
						code: last.code,
						subcode: last.subcode,
						type: last.type,
						title: last.title,
						details: last.details,
						userTitle: last.userTitle,
						userMessage: last.userMessage,
						fbtraceId: last.fbtraceId,
						isTransient: last.isTransient,
						errorClass: last.errorClass,
						requestSent: last.requestSent,
					});
				}
				await new Promise((resolve) => setTimeout(resolve, getRetryDelayMs(attempt, policy)));
			}
		}
	}

	/** Uploads (Buffer / FormData bodies) through axios. */
	private async requestAxios<T>(req: GraphRequest): Promise<T> {
		const config: AxiosRequestConfig = {
			method: req.method,
			url: this.url(req.path, req.unversioned),
			params: cleanQuery(req.query),
			timeout: req.timeoutMs ?? this.timeoutMs,
			headers: { ...(req.headers ?? {}) },
		};
		if (req.data !== undefined) config.data = req.data;
		else if (req.body !== undefined) {
			config.data = req.body;
			(config.headers as Record<string, string>)['Content-Type'] = 'application/json';
		}
		let response;
		try {
			response = await this.http.request(config);
		} catch (error) {
			throw networkError(error as AxiosError, req);
		}
		if (response.status >= 200 && response.status < 300) return response.data as T;
		throw graphErrorFromResponse(response.status, response.data);
	}

	/**
	 * A JSON (or bodiless) request on node:http, with axios's observable behaviour: same URL and
	 * query encoding, socket-inactivity timeout, no redirects, any status resolved and mapped to
	 * GraphApiError, a non-JSON body returned as text. One ClientRequest, one header object and
	 * the body chunks per request, nothing kept after it settles.
	 */
	private requestJson<T>(req: GraphRequest): Promise<T> {
		const d = this.direct;
		let path = d.basePath + this.url(req.path, req.unversioned);
		const query = encodeQuery(req.query);
		if (query) path += (path.includes('?') ? '&' : '?') + query;
		// As with axios, a caller's header overrides the defaults (e.g. an upload's `OAuth` scheme).
		const headers: Record<string, string | number> = { Accept: 'application/json, text/plain, */*', Authorization: d.authorization, ...req.headers };
		let payload: string | undefined;
		if (req.body !== undefined) {
			payload = jsonPayload(req.body);
			headers['Content-Type'] = 'application/json';
			headers['Content-Length'] = Buffer.byteLength(payload);
		}
		const timeout = req.timeoutMs ?? this.timeoutMs;
		return new Promise<T>((resolve, reject) => {
			let settled = false;
			const fail = (code: string, written: boolean, race = false) => {
				if (settled) return;
				settled = true;
				reject(networkFailure(code, written, req, race));
			};
			const request = d.request(
				{ protocol: d.protocol, hostname: d.hostname, port: d.port, path, method: req.method, headers, agent: d.agent },
				(res) => {
					const chunks: Buffer[] = [];
					res.on('data', (chunk: Buffer) => chunks.push(chunk));
					// The connection dropped before the whole answer arrived: the request was sent.
					res.on('close', () => !res.complete && fail('ECONNRESET', true));
					res.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? 'ERR_BAD_RESPONSE', true));
					res.on('end', () => {
						if (settled) return;
						settled = true;
						const status = res.statusCode ?? 0;
						const data = parseBody(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
						if (status >= 200 && status < 300) resolve(data as T);
						else reject(graphErrorFromResponse(status, data));
					});
				},
			);
			request.on('error', (error: NodeJS.ErrnoException) => {
				const code = error.code ?? 'ERR_NETWORK';
				// A reset on a pooled connection the server had closed for idleness: not sent (keepAlive.ts).
				const race = request.writableFinished && isKeepAliveRace(request, code);
				fail(code, request.writableFinished && !race, race);
			});
			if (timeout > 0) {
				request.setTimeout(timeout, () => {
					fail('ETIMEDOUT', request.writableFinished);
					request.destroy();
				});
			}
			request.end(payload);
		});
	}

	get<T = unknown>(path: string, query?: Record<string, QueryValue>): Promise<T> {
		return this.request<T>({ method: 'GET', path, query });
	}

	post<T = unknown>(path: string, body?: unknown, query?: Record<string, QueryValue>): Promise<T> {
		return this.request<T>({ method: 'POST', path, body, query });
	}

	delete<T = unknown>(path: string, query?: Record<string, QueryValue>): Promise<T> {
		return this.request<T>({ method: 'DELETE', path, query });
	}

	/** Yields every item of a cursor-paged edge, stopping after `limit` items when given. */
	async *paginate<T>(path: string, query: Record<string, QueryValue> = {}, limit?: number): AsyncGenerator<T> {
		let after: string | undefined;
		let yielded = 0;
		for (;;) {
			const page = await this.get<GraphPage<T>>(path, { ...query, after });
			for (const item of page.data ?? []) {
				yield item;
				if (limit !== undefined && ++yielded >= limit) return;
			}
			after = page.paging?.cursors?.after;
			if (!page.paging?.next || !after || !page.data?.length) return;
		}
	}

	async getAll<T>(path: string, query: Record<string, QueryValue> = {}, limit?: number): Promise<T[]> {
		const out: T[] = [];
		for await (const item of this.paginate<T>(path, query, limit)) out.push(item);
		return out;
	}
}

export function normalizeVersion(version: string): string {
	const v = version.trim();
	if (!/^v?\d+\.\d+$/.test(v)) throw new GraphApiError(`Invalid Graph API version "${v}" (expected e.g. v27.0)`, { errorClass: 'campaign_fatal', requestSent: false });
	return v.startsWith('v') ? v : `v${v}`;
}

/** axios's query encoding (buildURL), so URLs stay byte-identical to the axios path. */
function encodeQueryValue(value: string): string {
	return encodeURIComponent(value).replace(/%3A/gi, ':').replace(/%24/g, '$').replace(/%2C/gi, ',').replace(/%20/g, '+');
}

function encodeQuery(query?: Record<string, QueryValue>): string {
	const clean = cleanQuery(query);
	if (!clean) return '';
	let out = '';
	for (const k in clean) out += `${out ? '&' : ''}${encodeQueryValue(k)}=${encodeQueryValue(clean[k])}`;
	return out;
}

/** axios's JSON request transform: objects are stringified, a JSON string is sent as is (trimmed). */
function jsonPayload(body: unknown): string {
	if (typeof body === 'string') {
		try {
			JSON.parse(body);
			return body.trim();
		} catch {
			return JSON.stringify(body);
		}
	}
	return JSON.stringify(body);
}

/** axios's lenient response transform: JSON when it parses, the text otherwise ('' stays ''). */
function parseBody(text: string): unknown {
	if (!text) return text;
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

function cleanQuery(query?: Record<string, QueryValue>): Record<string, string> | undefined {
	if (!query) return undefined;
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') out[k] = String(v);
	return out;
}

/**
 * Network-level failure → GraphApiError. Whether the request reached the wire decides the class:
 * nothing sent (refused, DNS, connect timeout) is `transient`; sent and then timed out or reset
 * is `unknown_outcome` (Meta may have accepted the message — camel-ai#4327 in peers.md §2).
 */
function networkError(error: AxiosError, req: GraphRequest): GraphApiError {
	const clientRequest = error.request instanceof http.ClientRequest ? error.request : undefined;
	const code = error.code ?? 'ERR_NETWORK';
	const race = Boolean(clientRequest?.writableFinished) && !error.response && isKeepAliveRace(clientRequest, code);
	return networkFailure(code, Boolean(clientRequest?.writableFinished) && !race, req, race);
}

function networkFailure(code: string, written: boolean, req: GraphRequest, keepAliveRace = false): GraphApiError {
	const what = `${req.method} ${req.path}`;
	if (keepAliveRace) {
		return new GraphApiError(`Could not send ${what} (${code}): the server had closed the idle keep-alive connection, the request was not processed`, {
			errorClass: 'transient',
			requestSent: false,
			details: `${code} (keep-alive race)`,
		});
	}
	if (written) {
		return new GraphApiError(`No response to ${what} (${code}): the request was sent, its outcome is unknown`, {
			errorClass: 'unknown_outcome',
			requestSent: true,
			details: code,
		});
	}
	return new GraphApiError(`Could not send ${what} (${code})`, { errorClass: 'transient', requestSent: false, details: code });
}
