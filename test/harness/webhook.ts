/**
 * Webhook helpers for trigger nodes.
 *
 *   const res = await runWebhook(new WhatsAppCloudTrigger(), params, { method: 'POST', headers, rawBody }, creds);
 *   res.statusCode; res.body; res.workflowData;   // what n8n would answer / start the workflow with
 *
 *   const reg = await runWebhookMethod(new WhatsAppCloudTrigger(), params, 'create', creds, { staticData });
 *
 * `runWebhook` calls the node's `webhook()` through n8n-core's real WebhookContext, with a fake Express
 * request (method, lower-cased headers, query, parsed `body`, `rawBody` Buffer) and a fake response
 * that records what the node writes. The HTTP answer follows n8n's webhook service: a node that wrote
 * the response itself (`noWebhookResponse`) → what it wrote; `webhookResponse` → 200 with that body;
 * workflow started → 200 `{ message: 'Workflow was started' }`; nothing → 200 `{ message: 'Webhook call received' }`.
 */
import { HookContext, PollContext, TriggerContext, WebhookContext } from 'n8n-core';
import type {
	IDataObject,
	IHttpRequestMethods,
	INode,
	INodeExecutionData,
	INodeType,
	ITriggerResponse,
	IWebhookData,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
	WebhookType,
	Workflow,
	WorkflowActivateMode,
} from 'n8n-workflow';
import type { CredentialsMap } from './credentials';
import { AnyNodeType, descriptionOf } from './nodeTypes';
import { buildWorkflow, createHarnessContext, HarnessContext, HarnessParameters, RunWorkflowOptions } from './workflow';

// Express types come through n8n-workflow (express itself is not a dependency here).
type Request = ReturnType<IWebhookFunctions['getRequestObject']>;
type Response = ReturnType<IWebhookFunctions['getResponseObject']>;

export interface WebhookRequest {
	method?: IHttpRequestMethods;
	headers?: Record<string, string | string[] | undefined>;
	query?: IDataObject;
	params?: IDataObject;
	/** Raw body bytes (what Meta signs). A string is taken as UTF-8. */
	rawBody?: Buffer | string;
	/** Parsed body; default: JSON.parse(rawBody) when it is JSON, else `{}`. */
	body?: unknown;
}

export interface RecordedResponse {
	statusCode: number;
	headers: Record<string, string>;
	body: unknown;
	ended: boolean;
}

export interface WebhookRunOptions extends Pick<RunWorkflowOptions, 'nodeTypes' | 'credentialTypes' | 'workflowId'> {
	/** Workflow static data; mutated in place (also returned). */
	staticData?: IDataObject;
	/** Node name (default: the type's default name). */
	name?: string;
	typeVersion?: number;
	webhookId?: string;
	/** The node's id (default: a random UUID), for state a node keys by it (e.g. the listener trigger's outbox). */
	nodeId?: string;
	/** Webhook description name (`default` unless the node has several). */
	webhookName?: WebhookType;
	/** `webhook` (production URL, default) or `manual` (test URL). */
	mode?: 'webhook' | 'manual';
	/** n8n's production webhook base URL (default http://127.0.0.1:5678/webhook), e.g. a local server that forwards to runWebhook. */
	webhookBaseUrl?: string;
}

export interface WebhookRunResult {
	/** What `webhook()` returned. */
	response: IWebhookResponseData;
	webhookResponse: unknown;
	workflowData?: INodeExecutionData[][];
	noWebhookResponse: boolean;
	/** The HTTP answer n8n would send. */
	statusCode: number;
	body: unknown;
	headers: Record<string, string>;
	staticData: IDataObject;
}

/** An Express-like response that records status, headers and body. */
export function createFakeResponse(): { res: Response; recorded: RecordedResponse } {
	const recorded: RecordedResponse = { statusCode: 200, headers: {}, body: undefined, ended: false };
	/** Records what a call changed and returns `res` (Express's methods chain). */
	const record = (change: Partial<RecordedResponse>) => {
		Object.assign(recorded, change);
		return res;
	};
	const setHeader = (name: string, value: string) => {
		recorded.headers[name.toLowerCase()] = String(value);
		return res;
	};
	const text = (data: unknown) => (Buffer.isBuffer(data) ? data.toString('utf8') : data);
	const res: Record<string, unknown> = {
		get headersSent() {
			return recorded.ended;
		},
		get statusCode() {
			return recorded.statusCode;
		},
		set statusCode(code: number) {
			recorded.statusCode = code;
		},
		status: (code: number) => record({ statusCode: code }),
		sendStatus: (code: number) => record({ statusCode: code, ended: true }),
		setHeader,
		header: setHeader,
		set: setHeader,
		getHeader: (name: string) => recorded.headers[name.toLowerCase()],
		writeHead(code: number, headers: Record<string, string> = {}) {
			for (const [k, v] of Object.entries(headers)) setHeader(k, v);
			return record({ statusCode: code });
		},
		json(body: unknown) {
			recorded.headers['content-type'] ??= 'application/json';
			return record({ body, ended: true });
		},
		send: (body: unknown) => record({ body, ended: true }),
		end: (body?: unknown) => record(body === undefined ? { ended: true } : { body: text(body), ended: true }),
		write(chunk: unknown) {
			recorded.body = `${recorded.body ?? ''}${Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk)}`;
			return true;
		},
		on: () => res,
		once: () => res,
	};
	return { res: res as unknown as Response, recorded };
}

/** An Express-like request carrying `rawBody` as n8n's body parser leaves it. */
export function createFakeRequest(request: WebhookRequest): Request {
	const rawBody = request.rawBody === undefined ? Buffer.alloc(0) : Buffer.isBuffer(request.rawBody) ? request.rawBody : Buffer.from(request.rawBody, 'utf8');
	const headers: Record<string, string | string[]> = {};
	for (const [k, v] of Object.entries(request.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = v;
	let body = request.body;
	if (body === undefined) {
		body = {};
		if (rawBody.length) {
			try {
				body = JSON.parse(rawBody.toString('utf8'));
			} catch {
				body = {};
			}
		}
	}
	const req = {
		method: request.method ?? 'POST',
		url: '/webhook',
		headers,
		query: request.query ?? {},
		params: request.params ?? {},
		body,
		rawBody,
		ip: '127.0.0.1',
		get: (name: string) => headers[name.toLowerCase()],
		header: (name: string) => headers[name.toLowerCase()],
		readRawBody: async () => undefined,
		on: () => req,
	};
	return req as unknown as Request;
}

function resolveField<T>(workflow: Workflow, node: INode, value: unknown, fallback: T): T {
	if (typeof value === 'string' && value.startsWith('=')) {
		return (workflow.expression.getSimpleParameterValue(node, value, 'internal', {}, undefined, fallback as never) ?? fallback) as T;
	}
	return (value ?? fallback) as T;
}

interface SingleNodeSetup {
	context: HarnessContext;
	workflow: Workflow;
	node: INode;
	nodeType: AnyNodeType;
	/** The node's type as the workflow resolves it (its version). */
	type: INodeType;
}

function setupSingleNode(nodeType: AnyNodeType, parameters: HarnessParameters, credentials: CredentialsMap, options: Omit<WebhookRunOptions, 'mode'>): SingleNodeSetup {
	const description = descriptionOf(nodeType);
	const extra = Array.isArray(options.nodeTypes) ? [...options.nodeTypes, nodeType] : { ...(options.nodeTypes ?? {}), [description.name]: nodeType };
	const context = createHarnessContext({ credentials, nodeTypes: extra, credentialTypes: options.credentialTypes });
	if (options.webhookBaseUrl) context.additionalData.webhookBaseUrl = options.webhookBaseUrl;
	const name = options.name ?? (description.defaults.name as string | undefined) ?? description.displayName;
	const workflow = buildWorkflow(context, {
		nodes: [{ ...(options.nodeId ? { id: options.nodeId } : {}), name, type: description.name, typeVersion: options.typeVersion, parameters, webhookId: options.webhookId ?? 'harness-webhook-id' }],
		credentials,
		staticData: options.staticData ?? {},
		workflowId: options.workflowId,
	});
	const node = workflow.getNode(name) as INode;
	return { context, workflow, node, nodeType, type: workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion) };
}

function webhookData(setup: SingleNodeSetup, method: IHttpRequestMethods | undefined, webhookName: WebhookType, isTest: boolean): IWebhookData {
	const { workflow, node, context, type } = setup;
	const descriptions = type.description.webhooks ?? [];
	const candidates = descriptions.filter((d: IWebhookDescription) => d.name === webhookName);
	const description =
		candidates.find((d) => method && resolveField(workflow, node, d.httpMethod, 'GET').toUpperCase() === method.toUpperCase()) ?? candidates[0];
	if (!description) throw new Error(`Harness: node type "${node.type}" has no webhook named "${webhookName}"`);
	return {
		httpMethod: (method ?? resolveField(workflow, node, description.httpMethod, 'GET')) as IHttpRequestMethods,
		node: node.name,
		path: String(resolveField(workflow, node, description.path, '')),
		webhookDescription: description,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: context.additionalData,
		webhookId: node.webhookId,
		isTest,
	};
}

/** Calls the node's `webhook()` as n8n's webhook service does, for one HTTP request. */
export async function runWebhook(
	nodeType: AnyNodeType,
	parameters: HarnessParameters,
	request: WebhookRequest,
	credentials: CredentialsMap = {},
	options: WebhookRunOptions = {},
): Promise<WebhookRunResult> {
	const setup = setupSingleNode(nodeType, parameters, credentials, options);
	const { context, workflow, node, type } = setup;
	if (!type.webhook) throw new Error(`Harness: node type "${node.type}" has no webhook() method`);
	const req = createFakeRequest(request);
	const { res, recorded } = createFakeResponse();
	context.additionalData.httpRequest = req;
	context.additionalData.httpResponse = res;
	const mode = options.mode ?? 'webhook';
	const data = webhookData(setup, (request.method ?? 'POST') as IHttpRequestMethods, options.webhookName ?? 'default', mode === 'manual');
	const webhookContext = new WebhookContext(workflow, node, context.additionalData, mode, data, [], null);
	const response = (await type.webhook.call(webhookContext)) ?? {};
	let statusCode = 200;
	let body: unknown;
	let headers: Record<string, string> = {};
	if (response.noWebhookResponse) {
		({ statusCode, body, headers } = recorded);
	} else if (response.webhookResponse !== undefined) {
		body = response.webhookResponse;
	} else if (response.workflowData !== undefined) {
		statusCode = Number(resolveField(workflow, node, data.webhookDescription.responseCode, 200));
		body = { message: 'Workflow was started' };
	} else {
		body = { message: 'Webhook call received' };
	}
	return {
		response,
		webhookResponse: response.webhookResponse,
		workflowData: response.workflowData,
		noWebhookResponse: response.noWebhookResponse === true,
		statusCode,
		body,
		headers,
		staticData: workflow.staticData as IDataObject,
	};
}

export type WebhookMethodName = 'checkExists' | 'create' | 'delete';

export interface WebhookMethodResult {
	result: boolean | undefined;
	/** Workflow static data after the call (node static data lives under `node:<name>`). */
	staticData: IDataObject;
	/** The node's static data (`this.getWorkflowStaticData('node')`). */
	nodeStaticData: IDataObject;
	/** The production webhook URL n8n would register. */
	webhookUrl: string | undefined;
}

/** Calls `webhookMethods[webhookName][method]` through n8n-core's HookContext (activation / deactivation). */
export async function runWebhookMethod(
	nodeType: AnyNodeType,
	parameters: HarnessParameters,
	method: WebhookMethodName,
	credentials: CredentialsMap = {},
	options: WebhookRunOptions & { activation?: WorkflowActivateMode } = {},
): Promise<WebhookMethodResult> {
	const setup = setupSingleNode(nodeType, parameters, credentials, options);
	const { context, workflow, node, type } = setup;
	const webhookName = options.webhookName ?? 'default';
	const fn = type.webhookMethods?.[webhookName]?.[method];
	if (!fn) throw new Error(`Harness: node type "${node.type}" has no webhookMethods.${webhookName}.${method}`);
	const data = webhookData(setup, undefined, webhookName, options.mode === 'manual');
	const hookContext = new HookContext(workflow, node, context.additionalData, options.mode ?? 'trigger', options.activation ?? 'activate', data);
	const result = await fn.call(hookContext);
	return {
		result,
		staticData: workflow.staticData as IDataObject,
		nodeStaticData: workflow.getStaticData('node', node),
		webhookUrl: hookContext.getNodeWebhookUrl('default'),
	};
}

/** Options of an activation: as for webhooks, plus `mode` 'trigger' (an active workflow, default) or 'manual' (the editor's test). */
type ActivationOptions = Omit<WebhookRunOptions, 'mode'> & { mode?: 'trigger' | 'manual' };
/** How the harness activates a node: the node type, its parameters, credentials and options. */
type ActivationRunner<R> = (nodeType: AnyNodeType, parameters: HarnessParameters, credentials?: CredentialsMap, options?: ActivationOptions) => Promise<R>;

export interface PollResult {
	/** What `poll()` returned: the items of each output, or null (nothing to start the workflow with). */
	result: INodeExecutionData[][] | null;
	/** The node's static data after the poll (pass it back as `staticData` for the next poll). */
	staticData: IDataObject;
}

/**
 * Calls a polling trigger's `poll()` through n8n-core's PollContext, as n8n's ScheduledTaskManager
 * does on each Poll Time. `options.mode`: 'trigger' (default; an active workflow) or 'manual' (the
 * editor's "Fetch test event").
 */
export const runPoll: ActivationRunner<PollResult> = async (nodeType, parameters, credentials = {}, options = {}) => {
	const { context, workflow, node, type } = setupSingleNode(nodeType, parameters, credentials, options);
	if (!type.poll) throw new Error(`Harness: node type "${node.type}" has no poll()`);
	const pollContext = new PollContext(workflow, node, context.additionalData, options.mode ?? 'trigger', 'activate');
	const result = await type.poll.call(pollContext);
	return { result, staticData: workflow.staticData as IDataObject };
};

export interface TriggerRun {
	/** What `trigger()` returned (call `closeFunction` to deactivate). */
	response: ITriggerResponse;
	/** Every `emit()` so far: one entry per started execution, each the items of every output. */
	emitted: INodeExecutionData[][][];
}

/**
 * Calls a trigger node's `trigger()` through n8n-core's TriggerContext, as n8n's ActiveWorkflows does on
 * activation (`mode: 'trigger'`, default) or for the editor's "Test step" (`'manual'`). `emit` records.
 */
export const runTrigger: ActivationRunner<TriggerRun> = async (nodeType, parameters, credentials = {}, options = {}) => {
	const { context, workflow, node, type } = setupSingleNode(nodeType, parameters, credentials, options);
	if (!type.trigger) throw new Error(`Harness: node type "${node.type}" has no trigger()`);
	const emitted: INodeExecutionData[][][] = [];
	// The execution "runs" at once: a trigger waiting for its donePromise goes on.
	const triggerContext = new TriggerContext(workflow, node, context.additionalData, options.mode ?? 'trigger', 'activate', (data, _response, done) => {
		emitted.push(data);
		done?.resolve(undefined as never);
	});
	const response = (await type.trigger.call(triggerContext)) ?? {};
	return { response, emitted };
};
