import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphClient, normalizeVersion } from '../../core/graph/client';
import { GraphApiError, graphErrorFromResponse } from '../../core/graph/errors';

const TOKEN = 'EAAG-secret-token-123';

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;

async function serve(handler: Handler): Promise<{ url: string; close: () => Promise<void> }> {
	const server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => handler(req, body, res));
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
	};
}

function json(res: http.ServerResponse, status: number, body: unknown) {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(JSON.stringify(body));
}

describe('GraphClient', () => {
	it('sends the bearer token, the version prefix, query and JSON body', async () => {
		const seen: Array<{ url?: string; auth?: string; type?: string; body: string }> = [];
		const srv = await serve((req, body, res) => {
			seen.push({ url: req.url, auth: req.headers.authorization, type: req.headers['content-type'], body });
			json(res, 200, { messaging_product: 'whatsapp', messages: [{ id: 'wamid.1' }] });
		});
		try {
			const client = new GraphClient({ accessToken: TOKEN, baseUrl: srv.url + '/', apiVersion: '24.0' });
			const out = await client.post<{ messages: Array<{ id: string }> }>('/123/messages', { to: '1' }, { a: 1, b: undefined });
			expect(out.messages[0].id).toBe('wamid.1');
			expect(seen[0]).toEqual({ url: '/v24.0/123/messages?a=1', auth: `Bearer ${TOKEN}`, type: 'application/json', body: '{"to":"1"}' });
		} finally {
			await srv.close();
		}
	});

	it('follows cursors across pages and honours a limit', async () => {
		const pages: Record<string, unknown> = {
			'': { data: [{ id: 1 }, { id: 2 }], paging: { cursors: { after: 'A' }, next: `https://x/?access_token=${TOKEN}` } },
			A: { data: [{ id: 3 }, { id: 4 }], paging: { cursors: { after: 'B' }, next: 'https://x/next' } },
			B: { data: [{ id: 5 }], paging: { cursors: { before: 'B0' } } },
		};
		const requested: string[] = [];
		const srv = await serve((req, _b, res) => {
			const after = new URL(req.url!, 'http://h').searchParams.get('after') ?? '';
			requested.push(after);
			json(res, 200, pages[after]);
		});
		try {
			const client = new GraphClient({ accessToken: TOKEN, baseUrl: srv.url });
			const all = await client.getAll<{ id: number }>('/waba/message_templates', { limit: 2 });
			expect(all.map((x) => x.id)).toEqual([1, 2, 3, 4, 5]);
			expect(requested).toEqual(['', 'A', 'B']);
			const three = await client.getAll<{ id: number }>('/waba/message_templates', {}, 3);
			expect(three.map((x) => x.id)).toEqual([1, 2, 3]);
		} finally {
			await srv.close();
		}
	});

	it("maps Meta's error JSON to a typed error with class, code, subcode, details and fbtrace_id", async () => {
		const srv = await serve((_req, _b, res) =>
			json(res, 400, {
				error: {
					message: '(#131047) Re-engagement message',
					type: 'OAuthException',
					code: 131047,
					error_subcode: 2494010,
					error_data: { messaging_product: 'whatsapp', details: 'More than 24 hours have passed.' },
					fbtrace_id: 'AbC123',
				},
			}),
		);
		try {
			const client = new GraphClient({ accessToken: TOKEN, baseUrl: srv.url });
			const err = (await client.post('/1/messages', {}).catch((e) => e)) as GraphApiError;
			expect(err).toBeInstanceOf(GraphApiError);
			expect(err).toMatchObject({ httpStatus: 400, code: 131047, subcode: 2494010, errorClass: 'window', fbtraceId: 'AbC123', details: 'More than 24 hours have passed.' });
			expect(err.message).toContain('(#131047) Re-engagement message');
			expect(JSON.stringify(err.toJSON())).not.toContain(TOKEN);
		} finally {
			await srv.close();
		}
	});

	it('never puts the token into an error, whatever the server echoes', async () => {
		const srv = await serve((req, _b, res) => json(res, 401, { error: { message: `(#190) Invalid OAuth access token`, code: 190, type: 'OAuthException' } }));
		try {
			const client = new GraphClient({ accessToken: TOKEN, baseUrl: srv.url });
			const err = (await client.get('/me').catch((e) => e)) as GraphApiError;
			expect(err.errorClass).toBe('account_stop');
			for (const text of [err.message, err.stack ?? '', JSON.stringify(err), JSON.stringify(err.toJSON())]) expect(text).not.toContain(TOKEN);
		} finally {
			await srv.close();
		}
	});

	it('non-JSON failures still become typed errors (5xx → transient)', async () => {
		const srv = await serve((_req, _b, res) => { res.writeHead(502); res.end('<html>bad gateway</html>'); });
		try {
			const client = new GraphClient({ accessToken: TOKEN, baseUrl: srv.url, getRetries: false });
			const err = (await client.get('/x').catch((e) => e)) as GraphApiError;
			expect(err).toMatchObject({ httpStatus: 502, errorClass: 'transient' });
		} finally {
			await srv.close();
		}
	});

	it('a timeout after the request was written is unknown_outcome (never resent blindly)', async () => {
		const srv = await serve(() => { /* accept, never answer */ });
		try {
			const client = new GraphClient({ accessToken: TOKEN, baseUrl: srv.url, timeoutMs: 200 });
			const err = (await client.post('/1/messages', { to: '1' }).catch((e) => e)) as GraphApiError;
			expect(err).toMatchObject({ errorClass: 'unknown_outcome', requestSent: true });
			expect(err.message).not.toContain(TOKEN);
		} finally {
			await srv.close();
		}
	});

	it('a refused connection is transient and marked as not sent', async () => {
		const srv = await serve(() => undefined);
		const url = srv.url;
		await srv.close();
		const client = new GraphClient({ accessToken: TOKEN, baseUrl: url, timeoutMs: 2000 });
		const err = (await client.post('/1/messages', {}).catch((e) => e)) as GraphApiError;
		expect(err).toMatchObject({ errorClass: 'transient', requestSent: false });
	});

	it('validates the API version', () => {
		expect(normalizeVersion('v23.0')).toBe('v23.0');
		expect(normalizeVersion('26.0')).toBe('v26.0');
		expect(() => normalizeVersion('latest')).toThrow(/Invalid Graph API version/);
		expect(() => new GraphClient({ accessToken: '' })).toThrow(/No access token/);
	});

	it('graphErrorFromResponse keeps Meta user messages', () => {
		const e = graphErrorFromResponse(400, { error: { message: 'Invalid parameter', code: 100, error_subcode: 2388024, error_user_title: 'Duplicate', error_user_msg: 'Content in this language already exists' } });
		expect(e).toMatchObject({ code: 100, subcode: 2388024, errorClass: 'campaign_fatal', userTitle: 'Duplicate', userMessage: 'Content in this language already exists' });
		expect(e.message).toContain('Content in this language already exists');
	});
});
