/**
 * Tiny node types used only by the harness's own tests (test/harness.test.ts). Each exercises one thing
 * node tests depend on: credentials, continueOnFail, binary data, authenticated HTTP, multiple outputs,
 * webhooks and webhook registration.
 */
import { NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodeListSearchResult,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

const base = (name: string, extra: Partial<INodeTypeDescription> = {}): INodeTypeDescription => ({
	displayName: name,
	name,
	group: ['transform'],
	version: 1,
	description: `harness test node ${name}`,
	defaults: { name },
	inputs: ['main'],
	outputs: ['main'],
	properties: [],
	...extra,
});

/** Runs `each` for every input item in order, one output item each; → the node's one output. */
async function eachItem(ctx: IExecuteFunctions, each: (i: number, item: INodeExecutionData) => Promise<INodeExecutionData>): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) out.push(await each(i, items[i]));
	return [out];
}

/** Outputs, per item, data derived from the WhatsApp Cloud API credential (never the token itself). */
export class EchoCredentialsNode implements INodeType {
	description = base('echoCredentials', {
		credentials: [{ name: 'whatsAppCloudApi', required: true }],
		properties: [{ displayName: 'Tag', name: 'tag', type: 'string', default: 'none' }],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return eachItem(this, async (i, item) => {
			const c = await this.getCredentials('whatsAppCloudApi', i);
			return {
				json: {
					waba: c.businessAccountId,
					apiVersion: c.apiVersion,
					baseUrl: c.baseUrl,
					tokenLength: String(c.accessToken).length,
					tag: this.getNodeParameter('tag', i) as string,
					input: item.json,
				},
				pairedItem: { item: i },
			};
		});
	}
}

/** Fails on items whose `fail` field is true; honours continueOnFail. */
export class FailingNode implements INodeType {
	description = base('failing');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return eachItem(this, async (i, item) => {
			try {
				if (item.json.fail === true) throw new NodeOperationError(this.getNode(), `item ${i} asked to fail`, { itemIndex: i });
				return { json: { ok: i }, pairedItem: { item: i } };
			} catch (error) {
				if (this.continueOnFail()) return { json: { error: (error as Error).message }, pairedItem: { item: i } };
				throw error;
			}
		});
	}
}

/** Reads each item's `data` binary property and reports its size, text and MIME type; adds a new binary. */
export class BinaryReaderNode implements INodeType {
	description = base('binaryReader');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return eachItem(this, async (i) => {
			const meta = this.helpers.assertBinaryData(i, 'data');
			const buffer = await this.helpers.getBinaryDataBuffer(i, 'data');
			const upper = await this.helpers.prepareBinaryData(Buffer.from(buffer.toString('utf8').toUpperCase()), 'upper.txt', 'text/plain');
			return {
				json: { bytes: buffer.length, text: buffer.toString('utf8'), mimeType: meta.mimeType, fileName: meta.fileName ?? null },
				binary: { upper },
				pairedItem: { item: i },
			};
		});
	}
}

/** GETs `url` with httpRequestWithAuthentication('whatsAppCloudApi') and outputs the response body. */
export class AuthenticatedRequestNode implements INodeType {
	description = base('authenticatedRequest', {
		credentials: [{ name: 'whatsAppCloudApi', required: true }],
		properties: [{ displayName: 'URL', name: 'url', type: 'string', default: '' }],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return eachItem(this, async (i) => {
			const body = (await this.helpers.httpRequestWithAuthentication.call(this, 'whatsAppCloudApi', {
				method: 'GET',
				url: this.getNodeParameter('url', i) as string,
				json: true,
			})) as IDataObject;
			return { json: body, pairedItem: { item: i } };
		});
	}
}

/** Two outputs: items with even `n` to output 0, odd to output 1. */
export class SplitterNode implements INodeType {
	description = base('splitter', { outputs: ['main', 'main'], outputNames: ['even', 'odd'] });

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const even: INodeExecutionData[] = [];
		const odd: INodeExecutionData[] = [];
		this.getInputData().forEach((item, i) => (Number(item.json.n) % 2 === 0 ? even : odd).push({ json: item.json, pairedItem: { item: i } }));
		return [even, odd];
	}
}

/**
 * A webhook trigger: GET answers `hub.challenge` when `hub.verify_token` matches the webhook credential;
 * POST echoes the raw body length and a header; `?respond=self` writes the response itself.
 * Registration (webhookMethods) is recorded in node static data.
 */
export class WebhookEchoNode implements INodeType {
	description = base('webhookEcho', {
		group: ['trigger'],
		inputs: [],
		credentials: [{ name: 'whatsAppCloudWebhookApi', required: true }],
		webhooks: [
			{ name: 'default', httpMethod: 'GET', responseMode: 'onReceived', path: 'echo' },
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'echo' },
		],
		properties: [{ displayName: 'Label', name: 'label', type: 'string', default: 'echo' }],
	});

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return this.getWorkflowStaticData('node').registeredUrl !== undefined;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const data = this.getWorkflowStaticData('node');
				data.registeredUrl = this.getNodeWebhookUrl('default');
				data.appId = (await this.getCredentials('whatsAppCloudWebhookApi')).appId as string;
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const data = this.getWorkflowStaticData('node');
				delete data.registeredUrl;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const credentials = await this.getCredentials('whatsAppCloudWebhookApi');
		const req = this.getRequestObject();
		const query = this.getQueryData() as IDataObject;
		if (req.method === 'GET') {
			if (query['hub.verify_token'] !== credentials.verifyToken) {
				this.getResponseObject().status(403).send('bad verify token');
				return { noWebhookResponse: true };
			}
			return { webhookResponse: query['hub.challenge'] };
		}
		if (query.respond === 'self') {
			this.getResponseObject().status(202).json({ accepted: true });
			return { noWebhookResponse: true };
		}
		const raw = req.rawBody as Buffer;
		return {
			workflowData: [
				[
					{
						json: {
							rawLength: raw.length,
							signature: this.getHeaderData()['x-hub-signature-256'] ?? null,
							body: this.getBodyData(),
							label: this.getNodeParameter('label') as string,
						},
					},
				],
			],
		};
	}
}

/** Editor-side methods: a resource-locator search and a dropdown loader reading credentials and parameters. */
export class ListingNode implements INodeType {
	description = base('listing', {
		credentials: [{ name: 'whatsAppCloudApi', required: true }],
		properties: [{ displayName: 'Prefix', name: 'prefix', type: 'string', default: 'tpl' }],
	});

	methods = {
		listSearch: {
			async searchThings(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
				const c = await this.getCredentials('whatsAppCloudApi');
				const prefix = this.getNodeParameter('prefix') as string;
				const all = ['order_update', 'order_shipped', 'welcome'].map((n) => ({ name: `${prefix}:${n}`, value: `${c.businessAccountId}/${n}` }));
				const page = Number(paginationToken ?? 0);
				const matching = all.filter((r) => !filter || r.name.includes(filter));
				return { results: matching.slice(page, page + 1), paginationToken: page + 1 < matching.length ? String(page + 1) : undefined };
			},
		},
		loadOptions: {
			async getVersions(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				const c = await this.getCredentials('whatsAppCloudApi');
				return [{ name: String(c.apiVersion), value: String(c.apiVersion) }];
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}
