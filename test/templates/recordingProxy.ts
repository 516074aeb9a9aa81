/**
 * A pass-through HTTP proxy on 127.0.0.1 that records every request the node sends to the simulator
 * (method, path, query, JSON body; never the Authorization header), so tests can check the exact
 * request bodies against Meta's OpenAPI schema and count requests (e.g. none after a validation error).
 * It also serves `/_fixtures/<name>` files (sample media for the "URL" media source).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
	method: string;
	/** Path without the version prefix, e.g. `/102290129340398/message_templates`. */
	path: string;
	query: Record<string, string>;
	/** Parsed JSON body, or undefined (raw bytes are kept in `raw`). */
	body?: unknown;
	raw: Buffer;
	headers: Record<string, string>;
	status?: number;
}

export interface RecordingProxy {
	url: string;
	/** Requests since the last `clear()`. */
	requests: RecordedRequest[];
	/** Every request since the start. */
	all: RecordedRequest[];
	fixtures: Map<string, { type: string; data: Buffer }>;
	clear(): void;
	stop(): Promise<void>;
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
	const requests: RecordedRequest[] = [];
	const all: RecordedRequest[] = [];
	const fixtures = new Map<string, { type: string; data: Buffer }>();
	const upstream = new URL(target);
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const raw = Buffer.concat(chunks);
			const url = new URL(req.url ?? '/', 'http://proxy');
			if (url.pathname.startsWith('/_fixtures/')) {
				const f = fixtures.get(url.pathname.slice('/_fixtures/'.length));
				res.writeHead(f ? 200 : 404, { 'content-type': f?.type ?? 'text/plain' });
				res.end(f?.data ?? 'not found');
				return;
			}
			const headers: Record<string, string> = {};
			for (const [k, v] of Object.entries(req.headers)) if (k !== 'authorization' && typeof v === 'string') headers[k] = v;
			let body: unknown;
			if (raw.length && String(req.headers['content-type'] ?? '').includes('json')) body = JSON.parse(raw.toString('utf8'));
			const record: RecordedRequest = {
				method: req.method ?? 'GET',
				path: url.pathname.replace(/^\/v\d+\.\d+/, ''),
				query: Object.fromEntries(url.searchParams),
				body,
				raw,
				headers,
			};
			requests.push(record);
			all.push(record);
			const forward = http.request(
				{ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
				(up) => {
					record.status = up.statusCode;
					res.writeHead(up.statusCode ?? 502, up.headers);
					up.pipe(res);
				},
			);
			forward.on('error', (e) => {
				res.writeHead(502);
				res.end(String(e));
			});
			forward.end(raw);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		all,
		fixtures,
		clear: () => void requests.splice(0),
		stop: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
