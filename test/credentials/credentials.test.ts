/**
 * The three credential types: names and fields the nodes read (nodes/shared/credentials.ts, store.ts),
 * secrets hidden, defaults, per-backend fields, icons, and the Cloud API credential's `authenticate`
 * and `test` request as n8n evaluates them (expressions resolved by n8n-workflow against $credentials).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { NodeHelpers } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, ICredentialType, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';
import { WhatsAppCloudApi } from '../../credentials/WhatsAppCloudApi.credentials';
import { WhatsAppCloudStoreApi } from '../../credentials/WhatsAppCloudStoreApi.credentials';
import { WhatsAppCloudWebhookApi } from '../../credentials/WhatsAppCloudWebhookApi.credentials';
import { buildWorkflow, createHarnessContext, withDefaults } from '../harness';
import { CLOUD_API_CREDENTIAL, STORE_CREDENTIAL, WEBHOOK_CREDENTIAL } from '../../nodes/shared/credentials';

const prop = (type: ICredentialType, name: string): INodeProperties => {
	const found = type.properties.find((p) => p.name === name);
	if (!found) throw new Error(`${type.name} has no property ${name}`);
	return found;
};

/** Which properties n8n's credential form shows for the given data (n8n's own displayOptions logic). */
const visible = (type: ICredentialType, data: Record<string, unknown>): string[] =>
	type.properties.filter((p) => NodeHelpers.displayParameter(data as never, p, null, null)).map((p) => p.name);

describe('credential types', () => {
	it('use the names the nodes read', () => {
		expect(new WhatsAppCloudApi().name).toBe(CLOUD_API_CREDENTIAL);
		expect(new WhatsAppCloudWebhookApi().name).toBe(WEBHOOK_CREDENTIAL);
		expect(new WhatsAppCloudStoreApi().name).toBe(STORE_CREDENTIAL);
		expect(new WhatsAppCloudApi().displayName).toBe('WhatsApp Cloud API');
	});

	it('declare the fields nodes/shared reads', () => {
		expect(new WhatsAppCloudApi().properties.map((p) => p.name)).toEqual(['accessToken', 'businessAccountId', 'phoneNumberId', 'apiVersion', 'baseUrl']);
		expect(new WhatsAppCloudWebhookApi().properties.map((p) => p.name)).toEqual(['appSecret', 'verifyToken', 'appId', 'receiverSecret']);
		expect(new WhatsAppCloudStoreApi().properties.map((p) => p.name)).toEqual(['backend', 'path', 'host', 'port', 'database', 'user', 'password', 'ssl', 'schema']);
	});

	it('mask every secret', () => {
		const secrets: [ICredentialType, string][] = [
			[new WhatsAppCloudApi(), 'accessToken'],
			[new WhatsAppCloudWebhookApi(), 'appSecret'],
			[new WhatsAppCloudWebhookApi(), 'verifyToken'],
			[new WhatsAppCloudStoreApi(), 'password'],
		];
		for (const [type, name] of secrets) expect(prop(type, name).typeOptions?.password).toBe(true);
	});

	it('default to Graph v27.0 on graph.facebook.com, and public schema / port 5432 for Postgres', () => {
		const api = withDefaults(new WhatsAppCloudApi(), { accessToken: 't', businessAccountId: '1' });
		expect(api).toMatchObject({ apiVersion: 'v27.0', baseUrl: 'https://graph.facebook.com', phoneNumberId: '' });
		const store = withDefaults(new WhatsAppCloudStoreApi(), {});
		expect(store).toMatchObject({ backend: 'sqlite', path: '', port: 5432, schema: 'public', ssl: false });
	});

	it('show only the chosen store backend\'s fields', () => {
		const store = new WhatsAppCloudStoreApi();
		expect(visible(store, { backend: 'sqlite' })).toEqual(['backend', 'path']);
		expect(visible(store, { backend: 'postgres' })).toEqual(['backend', 'host', 'port', 'database', 'user', 'password', 'ssl', 'schema']);
	});

	it('each have an SVG icon next to them', () => {
		for (const type of [new WhatsAppCloudApi(), new WhatsAppCloudWebhookApi(), new WhatsAppCloudStoreApi()]) {
			const icon = String(type.icon);
			expect(icon).toMatch(/^file:.+\.svg$/);
			const file = path.join(__dirname, '..', '..', 'credentials', icon.slice('file:'.length));
			expect(fs.readFileSync(file, 'utf8')).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
		}
	});
});

describe('WhatsApp Cloud API credential: authenticate and test request', () => {
	let server: http.Server;
	let base: string;
	const seen: { method?: string; url?: string; authorization?: string }[] = [];

	beforeAll(async () => {
		server = http.createServer((req, res) => {
			seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({ data: [{ id: '200000000000001', display_phone_number: '+1 555 0100' }] }));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => {
		await new Promise((resolve) => server.close(resolve));
	});

	/** Resolves the credential's test request and authenticate block the way n8n does, then sends it. */
	async function sendTestRequest(data: ICredentialDataDecryptedObject): Promise<IHttpRequestOptions> {
		const type = new WhatsAppCloudApi();
		const credentials = withDefaults(type, data);
		const context = createHarnessContext({ credentials: { whatsAppCloudApi: credentials } });
		const workflow = buildWorkflow(context, { nodes: [{ name: 'Start', type: 'manualTrigger' }] });
		const node = workflow.getNode('Start')!;
		const resolve = (value: unknown) => workflow.expression.getSimpleParameterValue(node, value as string, 'internal', { $credentials: credentials }, undefined, '');
		const request = type.test.request;
		const options: IHttpRequestOptions = {
			method: request.method,
			url: `${resolve(request.baseURL)}${resolve(request.url)}`,
		};
		const authenticated = await context.credentialsHelper.authenticate(credentials, type.name, options, workflow, node);
		const res = await fetch(authenticated.url, { method: authenticated.method, headers: authenticated.headers as Record<string, string> });
		expect(res.status).toBe(200);
		return authenticated;
	}

	it('lists the account\'s phone numbers with the bearer token', async () => {
		seen.length = 0;
		const sent = await sendTestRequest({ accessToken: 'tok-1', businessAccountId: '1029384756', baseUrl: base });
		expect(sent.url).toBe(`${base}/v27.0/1029384756/phone_numbers`);
		expect(seen).toEqual([{ method: 'GET', url: '/v27.0/1029384756/phone_numbers', authorization: 'Bearer tok-1' }]);
	});

	it('honours the configured API version and a base URL with a trailing slash', async () => {
		seen.length = 0;
		await sendTestRequest({ accessToken: 'tok-2', businessAccountId: '55', apiVersion: 'v23.0', baseUrl: `${base}/` });
		expect(seen).toEqual([{ method: 'GET', url: '/v23.0/55/phone_numbers', authorization: 'Bearer tok-2' }]);
	});
});
