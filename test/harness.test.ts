/**
 * Proves the workflow-execution harness (test/harness) against n8n-core's real engine, with tiny
 * test-only node types: credentials, expressions, pairedItem, continueOnFail and error outputs, binary
 * data, authenticated HTTP (the credential's `authenticate` block), multiple outputs, webhooks and
 * webhook registration.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
	jsonOf,
	loadPackageCredentialTypes,
	loadPackageNodeType,
	nodeTypeNameOf,
	packageN8nSection,
	runListSearch,
	runLoadOptions,
	runNode,
	runWebhook,
	runWebhookMethod,
	runWorkflow,
	sourceOf,
} from './harness';
import {
	AuthenticatedRequestNode,
	BinaryReaderNode,
	EchoCredentialsNode,
	FailingNode,
	ListingNode,
	SplitterNode,
	WebhookEchoNode,
} from './harness/testNodes';
import * as fs from 'node:fs';

const cloudApi = { whatsAppCloudApi: { accessToken: 'EAAG-secret-token', businessAccountId: '1029384756' } };

describe('runNode: credentials, parameters, pairedItem', () => {
	it('hands the node decrypted credential data with the credential type defaults filled in', async () => {
		const { status, items } = await runNode(new EchoCredentialsNode(), { tag: '={{ "t-" + $json.n }}' }, [{ json: { n: 1 } }, { json: { n: 2 } }], cloudApi);
		expect(status).toBe('success');
		expect(jsonOf(items)).toEqual([
			{ waba: '1029384756', apiVersion: 'v27.0', baseUrl: 'https://graph.facebook.com', tokenLength: 17, tag: 't-1', input: { n: 1 } },
			{ waba: '1029384756', apiVersion: 'v27.0', baseUrl: 'https://graph.facebook.com', tokenLength: 17, tag: 't-2', input: { n: 2 } },
		]);
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('surfaces the node error when the run has no credentials for the node', async () => {
		const result = await runNode(new EchoCredentialsNode(), {}, [{ json: {} }], {});
		expect(result.status).toBe('error');
		expect(result.nodeError?.message).toMatch(/credentials/i);
		expect(result.items).toEqual([]);
	});

	it('records which credential types were requested', async () => {
		const result = await runNode(new EchoCredentialsNode(), {}, [{ json: {} }, { json: {} }], cloudApi);
		expect(result.credentialsRequested).toEqual(['whatsAppCloudApi', 'whatsAppCloudApi']);
	});
});

describe('runNode: failures', () => {
	const items = [{ json: { fail: false } }, { json: { fail: true } }, { json: { fail: false } }];

	it('fails the execution with the node error when continueOnFail is off', async () => {
		const result = await runNode(new FailingNode(), {}, items);
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('item 1 asked to fail');
		expect(result.nodeError?.message).toBe('item 1 asked to fail');
	});

	it('outputs an error item per failed input under continueOnFail, pairedItem kept', async () => {
		const result = await runNode(new FailingNode(), {}, items, {}, { continueOnFail: true });
		expect(result.status).toBe('success');
		expect(jsonOf(result.items)).toEqual([{ ok: 0 }, { error: 'item 1 asked to fail' }, { ok: 2 }]);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	it('routes failed items to the error output with onError=continueErrorOutput', async () => {
		const result = await runNode(new FailingNode(), {}, items, {}, { onError: 'continueErrorOutput' });
		expect(result.status).toBe('success');
		expect(jsonOf(result.nodeOutputs[0])).toEqual([{ ok: 0 }, { ok: 2 }]);
		// n8n's error output keeps the input item's json and adds the error.
		expect(jsonOf(result.nodeOutputs[1])).toEqual([{ fail: true, error: 'item 1 asked to fail' }]);
	});
});

describe('runNode: binary data', () => {
	it('reads binary input items and stores new binary data (in-memory mode)', async () => {
		const input = [
			{ json: {}, binary: { data: { data: Buffer.from('hello').toString('base64'), mimeType: 'text/plain', fileName: 'a.txt' } } },
			{ json: {}, binary: { data: { data: Buffer.from('wa').toString('base64'), mimeType: 'text/csv' } } },
		];
		const { status, items } = await runNode(new BinaryReaderNode(), {}, input);
		expect(status).toBe('success');
		expect(jsonOf(items)).toEqual([
			{ bytes: 5, text: 'hello', mimeType: 'text/plain', fileName: 'a.txt' },
			{ bytes: 2, text: 'wa', mimeType: 'text/csv', fileName: null },
		]);
		expect(Buffer.from(items[0].binary!.upper.data, 'base64').toString()).toBe('HELLO');
		expect(items[1].binary!.upper).toMatchObject({ mimeType: 'text/plain', fileName: 'upper.txt' });
	});

	it('fails clearly when an item has no binary data', async () => {
		const result = await runNode(new BinaryReaderNode(), {}, [{ json: {} }]);
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/binary/i);
	});
});

describe('httpRequestWithAuthentication applies the WhatsApp Cloud API credential', () => {
	let server: http.Server;
	let base: string;
	const seen: { url?: string; authorization?: string }[] = [];

	beforeAll(async () => {
		server = http.createServer((req, res) => {
			seen.push({ url: req.url, authorization: req.headers.authorization });
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({ path: req.url, authorized: req.headers.authorization === 'Bearer EAAG-secret-token' }));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => {
		await new Promise((resolve) => server.close(resolve));
	});

	it('sends Authorization: Bearer <access token>', async () => {
		seen.length = 0;
		const { status, items } = await runNode(new AuthenticatedRequestNode(), { url: `=${base}/v24.0/{{ $json.id }}` }, [{ json: { id: 'a1' } }], cloudApi);
		expect(status).toBe('success');
		expect(jsonOf(items)).toEqual([{ path: '/v24.0/a1', authorized: true }]);
		expect(seen).toEqual([{ url: '/v24.0/a1', authorization: 'Bearer EAAG-secret-token' }]);
	});

	it('surfaces an HTTP failure as a node error', async () => {
		const result = await runNode(new AuthenticatedRequestNode(), { url: 'http://127.0.0.1:1/unreachable' }, [{ json: {} }], cloudApi);
		expect(result.status).toBe('error');
		expect(result.nodeError).toBeDefined();
	});
});

describe('runWorkflow: workflow JSON', () => {
	it('runs n8n-style JSON (core type names, multiple outputs, downstream nodes)', async () => {
		const result = await runWorkflow({
			nodes: [
				{ name: 'When clicking Execute', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{ name: 'Split', type: 'CUSTOM.splitter', parameters: {} },
				{ name: 'Odd only', type: 'n8n-nodes-base.noOp', parameters: {} },
			],
			connections: {
				'When clicking Execute': { main: [[{ node: 'Split', type: 'main', index: 0 }]] },
				Split: { main: [[], [{ node: 'Odd only', type: 'main', index: 0 }]] },
			},
			nodeTypes: [new SplitterNode()],
			inputItems: [1, 2, 3, 4, 5].map((n) => ({ json: { n } })),
		});
		expect(result.status).toBe('success');
		expect(jsonOf(result.outputs.Split[0])).toEqual([{ n: 2 }, { n: 4 }]);
		expect(jsonOf(result.outputs.Split[1])).toEqual([{ n: 1 }, { n: 3 }, { n: 5 }]);
		expect(jsonOf(result.outputs['Odd only'][0])).toEqual([{ n: 1 }, { n: 3 }, { n: 5 }]);
		expect(result.outputs.Split[1].map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 2 }, { item: 4 }]);
		expect(result.executedNodes).toEqual(['When clicking Execute', 'Split', 'Odd only']);
	});

	it('rejects an unknown node type by name', async () => {
		await expect(runWorkflow({ nodes: [{ name: 'X', type: 'CUSTOM.nope' }] })).rejects.toThrow(/unknown node type "CUSTOM.nope"/);
	});
});

describe('runWebhook: trigger webhooks', () => {
	const hook = { whatsAppCloudWebhookApi: { appSecret: 's3cret', verifyToken: 'vt-123', appId: '42' } };

	it('answers the GET verification challenge', async () => {
		const res = await runWebhook(new WebhookEchoNode(), {}, { method: 'GET', query: { 'hub.mode': 'subscribe', 'hub.verify_token': 'vt-123', 'hub.challenge': '987' } }, hook);
		expect(res).toMatchObject({ statusCode: 200, body: '987', webhookResponse: '987', noWebhookResponse: false });
		expect(res.workflowData).toBeUndefined();
	});

	it('records a response the node writes itself', async () => {
		const bad = await runWebhook(new WebhookEchoNode(), {}, { method: 'GET', query: { 'hub.verify_token': 'wrong', 'hub.challenge': '1' } }, hook);
		expect(bad).toMatchObject({ statusCode: 403, body: 'bad verify token', noWebhookResponse: true });
		const own = await runWebhook(new WebhookEchoNode(), {}, { method: 'POST', query: { respond: 'self' }, rawBody: '{}' }, hook);
		expect(own).toMatchObject({ statusCode: 202, body: { accepted: true } });
	});

	it('passes rawBody, parsed body, headers and parameters; returns the workflow data', async () => {
		const rawBody = Buffer.from('{"object":"whatsapp_business_account", "entry":[]}');
		const res = await runWebhook(
			new WebhookEchoNode(),
			{ label: 'prod' },
			{ method: 'POST', headers: { 'X-Hub-Signature-256': 'sha256=abc', 'Content-Type': 'application/json' }, rawBody },
			hook,
		);
		expect(res.statusCode).toBe(200);
		expect(res.body).toEqual({ message: 'Workflow was started' });
		expect(jsonOf(res.workflowData?.[0])).toEqual([
			{ rawLength: rawBody.length, signature: 'sha256=abc', body: { object: 'whatsapp_business_account', entry: [] }, label: 'prod' },
		]);
	});
});

describe('runWorkflow from a trigger\'s workflowData', () => {
	it('runs the nodes after a webhook trigger with what webhook() returned', async () => {
		const hook = { whatsAppCloudWebhookApi: { appSecret: 's', verifyToken: 'v' } };
		const { workflowData } = await runWebhook(new WebhookEchoNode(), { label: 'x' }, { method: 'POST', rawBody: '{"a":1}' }, hook);
		const result = await runWorkflow({
			nodes: [
				{ name: 'Trigger', type: 'webhookEcho', parameters: { label: 'x' }, webhookId: 'w' },
				{ name: 'After', type: 'n8n-nodes-base.noOp' },
			],
			connections: { Trigger: { main: [[{ node: 'After', type: 'main', index: 0 }]] } },
			nodeTypes: [new WebhookEchoNode()],
			credentials: hook,
			startNode: 'Trigger',
			startOutputs: workflowData,
			mode: 'webhook',
		});
		expect(result.status).toBe('success');
		expect(jsonOf(result.outputs.After[0])).toEqual([{ rawLength: 7, signature: null, body: { a: 1 }, label: 'x' }]);
	});
});

describe('runWebhookMethod: registration with static data', () => {
	const hook = { whatsAppCloudWebhookApi: { appSecret: 's', verifyToken: 'v', appId: 'app-7' } };

	it('runs checkExists → create → checkExists → delete against one static-data object', async () => {
		const staticData = {};
		const opts = { staticData, webhookId: 'wh-1' };
		expect((await runWebhookMethod(new WebhookEchoNode(), {}, 'checkExists', hook, opts)).result).toBe(false);
		const created = await runWebhookMethod(new WebhookEchoNode(), {}, 'create', hook, opts);
		expect(created.result).toBe(true);
		expect(created.webhookUrl).toBe('http://127.0.0.1:5678/webhook/wh-1/echo');
		expect(created.nodeStaticData).toEqual({ registeredUrl: 'http://127.0.0.1:5678/webhook/wh-1/echo', appId: 'app-7' });
		expect((await runWebhookMethod(new WebhookEchoNode(), {}, 'checkExists', hook, opts)).result).toBe(true);
		const deleted = await runWebhookMethod(new WebhookEchoNode(), {}, 'delete', hook, opts);
		expect(deleted.nodeStaticData).toEqual({ appId: 'app-7' });
		expect((await runWebhookMethod(new WebhookEchoNode(), {}, 'checkExists', hook, opts)).result).toBe(false);
	});
});

describe('runListSearch / runLoadOptions: editor methods', () => {
	it('calls listSearch with credentials, parameters, filter and pagination', async () => {
		const first = await runListSearch(new ListingNode(), { prefix: 'p' }, 'searchThings', cloudApi, { filter: 'order' });
		expect(first).toEqual({ results: [{ name: 'p:order_update', value: '1029384756/order_update' }], paginationToken: '1' });
		const second = await runListSearch(new ListingNode(), { prefix: 'p' }, 'searchThings', cloudApi, { filter: 'order', paginationToken: '1' });
		expect(second).toEqual({ results: [{ name: 'p:order_shipped', value: '1029384756/order_shipped' }], paginationToken: undefined });
	});

	it('calls loadOptions with credential defaults applied', async () => {
		expect(await runLoadOptions(new ListingNode(), {}, 'getVersions', cloudApi)).toEqual([{ name: 'v27.0', value: 'v27.0' }]);
		await expect(runLoadOptions(new ListingNode(), {}, 'nope', cloudApi)).rejects.toThrow(/no methods.loadOptions.nope/);
	});
});

describe('package types', () => {
	it('loads every node package.json lists from source, named after its file (n8n convention)', () => {
		for (const entry of packageN8nSection().nodes) {
			const type = loadPackageNodeType(sourceOf(entry));
			expect(type.description.name).toBe(nodeTypeNameOf(entry));
		}
		expect(nodeTypeNameOf('dist/nodes/WhatsAppTemplates/WhatsAppTemplates.node.js')).toBe('whatsAppTemplates');
	});

	it('loads every credential type package.json lists from its TypeScript source', () => {
		const loaded = loadPackageCredentialTypes().map((c) => c.name);
		for (const entry of packageN8nSection().credentials) {
			expect(fs.existsSync(sourceOf(entry))).toBe(true);
		}
		expect(loaded).toEqual(expect.arrayContaining(['whatsAppCloudApi', 'whatsAppCloudWebhookApi', 'whatsAppCloudStoreApi']));
	});
});
