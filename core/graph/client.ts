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
 *    message may have been accepted, so callers must not resend it blindly.
 *  - JSON requests (every send) go straight through node:http on the same keep-alive agents;
 *    axios only carries uploads (Buffer / FormData). A campaign makes ~1,000 requests a second,
 *    and axios's per-request config merging and header objects were most of the campaign's
 *    garbage (issue #7 case d: ~95 KB allocated per message with axios, ~35 KB without).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import axios, { AxiosError, AxiosInstance, AxiosRequestConfig } from 'axios';
import { GraphApiError, graphErrorFromResponse } from './errors';

export const DEFAULT_GRAPH_BASE_URL = 'https://graph.facebook.com';
export const DEFAULT_GRAPH_API_VERSION = 'v24.0';

export interface GraphClientOptions {
	accessToken: string;
	baseUrl?: string;
	apiVersion?: string;
	/** Per-request timeout (ms). Default 30 s. */
	timeoutMs?: number;
	/** Keep-alive sockets per host; size it to the in-flight concurrency. Default 256. */
	maxSockets?: number;
}

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

function agentsFor(maxSockets: number) {
	const key = String(maxSockets);
	let pair = agents.get(key);
	if (!pair) {
		const opts = { keepAlive: true, maxSockets, maxFreeSockets: Math.min(maxSockets, 256), scheduling: 'lifo' as const };
		pair = { http: new http.Agent(opts), https: new https.Agent(opts) };
		agents.set(key, pair);
	}
	return pair;
}

export class GraphClient {
	readonly baseUrl: string;
	readonly apiVersion: string;
	private readonly http: AxiosInstance;
	private readonly timeoutMs: number;
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
		const pair = agentsFor(options.maxSockets ?? 256);
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

	async request<T = unknown>(req: GraphRequest): Promise<T> {
		if (req.data === undefined) return this.requestJson<T>(req);
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
			const fail = (code: string, written: boolean) => {
				if (settled) return;
				settled = true;
				reject(networkFailure(code, written, req));
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
			request.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? 'ERR_NETWORK', request.writableFinished));
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
	if (!/^v?\d+\.\d+$/.test(v)) throw new GraphApiError(`Invalid Graph API version "${v}" (expected e.g. v24.0)`, { errorClass: 'campaign_fatal', requestSent: false });
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
	const clientRequest = error.request as (http.ClientRequest & { writableFinished?: boolean }) | undefined;
	return networkFailure(error.code ?? 'ERR_NETWORK', Boolean(clientRequest?.writableFinished), req);
}

function networkFailure(code: string, written: boolean, req: GraphRequest): GraphApiError {
	const what = `${req.method} ${req.path}`;
	if (written) {
		return new GraphApiError(`No response to ${what} (${code}): the request was sent, its outcome is unknown`, {
			errorClass: 'unknown_outcome',
			requestSent: true,
			details: code,
		});
	}
	return new GraphApiError(`Could not send ${what} (${code})`, { errorClass: 'transient', requestSent: false, details: code });
}
