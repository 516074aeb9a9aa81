/**
 * Runs workflow JSON through n8n-core's real engine (`WorkflowExecute`), with our node types loaded from
 * TypeScript source and credentials given as plain objects.
 *
 *   const { status, outputs } = await runWorkflow({ nodes, connections, credentials: { whatsAppCloudApi: {…} } });
 *   const { items } = await runNode(new WhatsAppTemplates(), { operation: 'list' }, [{ json: {} }], creds);
 *
 * The run starts at a Manual-Trigger-like node (the first node without incoming `main` connections, or
 * `startNode`) which emits `inputItems` (default one empty item). Binary data in input items is used as
 * is (inline base64, n8n's in-memory mode; see env.ts).
 */
import { randomUUID } from 'node:crypto';
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import { createRunExecutionData, Workflow } from 'n8n-workflow';
import type {
	ExecutionBaseError,
	ExecutionStatus,
	ICredentialType,
	IConnections,
	IDataObject,
	INode,
	INodeCredentials,
	INodeExecutionData,
	INodeParameters,
	IRun,
	IRunData,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { CredentialsMap, HarnessCredentialsHelper } from './credentials';
import { ensureHarnessEnv } from './env';
import { AnyNodeType, buildNodeTypes, descriptionOf, HarnessNodeTypes, loadPackageCredentialTypes } from './nodeTypes';

/** Node parameters as written in workflow JSON (values read from item JSON are accepted as they are). */
export type HarnessParameters = INodeParameters | IDataObject;

/** A node as written in workflow JSON; `id`, `typeVersion`, `position` and `parameters` may be left out. */
export type HarnessNode = Omit<INode, 'id' | 'typeVersion' | 'position' | 'parameters'> &
	Partial<Pick<INode, 'id' | 'typeVersion' | 'position'>> & { parameters?: HarnessParameters };

export interface RunWorkflowOptions {
	nodes: HarnessNode[];
	connections?: IConnections;
	/** Credential data by credential type name (or by the credential id used in `node.credentials`). */
	credentials?: CredentialsMap;
	/** Extra node types (test-only nodes), as instances or `{ typeName: instance }`. */
	nodeTypes?: AnyNodeType[] | Record<string, AnyNodeType>;
	/** Extra credential types (test-only). The package's own are always loaded. */
	credentialTypes?: ICredentialType[];
	/** Items the start node emits (default `[{ json: {} }]`). */
	inputItems?: INodeExecutionData[];
	/**
	 * Every output of the start node, for a trigger start: n8n passes a webhook node's data through, so
	 * `runWorkflow({ …, startNode: 'Trigger', startOutputs: (await runWebhook(…)).workflowData })` runs
	 * the nodes after the trigger as a production webhook call would.
	 */
	startOutputs?: INodeExecutionData[][];
	/** Name of the node the run starts at (default: the first node without incoming main connections). */
	startNode?: string;
	/** Workflow static data (`this.getWorkflowStaticData`); mutated in place and returned. */
	staticData?: IDataObject;
	settings?: IWorkflowSettings;
	mode?: WorkflowExecuteMode;
	workflowId?: string;
}

export interface RunResult {
	status: ExecutionStatus;
	/** The execution error (the failing node's error when it does not continue on fail). */
	error?: ExecutionBaseError;
	/** Output of each node's last run: `outputs[nodeName][outputIndex]` → items. */
	outputs: Record<string, INodeExecutionData[][]>;
	/** Errors of nodes whose last run failed (a node that continues on fail outputs items instead). */
	nodeErrors: Record<string, ExecutionBaseError>;
	/** Names of the nodes that ran, in execution order. */
	executedNodes: string[];
	runData: IRunData;
	staticData: IDataObject;
	/** Credential types nodes asked for, in order. */
	credentialsRequested: string[];
	run: IRun;
}

export interface HarnessContext {
	nodeTypes: HarnessNodeTypes;
	credentialsHelper: HarnessCredentialsHelper;
	additionalData: IWorkflowExecuteAdditionalData;
}

export const HARNESS_WEBHOOK_BASE_URL = 'http://127.0.0.1:5678/webhook';

/** The `additionalData` n8n-core needs for a run (what n8n's CLI builds in WorkflowExecuteAdditionalData). */
export function buildAdditionalData(credentialsHelper: HarnessCredentialsHelper, executionId: string): IWorkflowExecuteAdditionalData {
	ensureHarnessEnv();
	const unsupported = (what: string) => async () => {
		throw new Error(`Harness: ${what} is not supported`);
	};
	const additionalData: Partial<IWorkflowExecuteAdditionalData> = {
		credentialsHelper,
		executionId,
		currentNodeExecutionIndex: 0,
		executeWorkflow: unsupported('executing a sub-workflow'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		startRunnerTask: unsupported('task runners (Code node)'),
		logAiEvent: () => undefined,
		variables: {},
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		formBaseUrl: 'http://127.0.0.1:5678/form',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		formTestBaseUrl: 'http://127.0.0.1:5678/form-test',
		webhookBaseUrl: HARNESS_WEBHOOK_BASE_URL,
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		mcpBaseUrl: 'http://127.0.0.1:5678/mcp',
		mcpTestBaseUrl: 'http://127.0.0.1:5678/mcp-test',
	};
	return additionalData as IWorkflowExecuteAdditionalData;
}

function defaultVersion(type: AnyNodeType): number {
	const description = descriptionOf(type);
	if ('defaultVersion' in description && typeof description.defaultVersion === 'number') return description.defaultVersion;
	const version = description.version;
	return Array.isArray(version) ? Math.max(...version) : version;
}

/** Fills the fields workflow JSON may leave out, and attaches given credentials the node type declares. */
export function normalizeNodes(nodes: HarnessNode[], nodeTypes: HarnessNodeTypes, credentials: CredentialsMap): INode[] {
	return nodes.map((node, index) => {
		const type = nodeTypes.getByName(node.type);
		const typeVersion = node.typeVersion ?? defaultVersion(type);
		const declared = nodeTypes.getByNameAndVersion(node.type, typeVersion).description.credentials ?? [];
		const attached: INodeCredentials = { ...(node.credentials ?? {}) };
		for (const { name } of declared) {
			if (!attached[name] && credentials[name]) attached[name] = { id: name, name };
		}
		return {
			...node,
			id: node.id ?? randomUUID(),
			typeVersion,
			position: node.position ?? [index * 220, 0],
			parameters: (node.parameters ?? {}) as INodeParameters,
			...(Object.keys(attached).length ? { credentials: attached } : {}),
		} as INode;
	});
}

function pickStartNode(nodes: INode[], connections: IConnections, startNode?: string): INode {
	if (startNode) {
		const found = nodes.find((n) => n.name === startNode);
		if (!found) throw new Error(`Harness: start node "${startNode}" is not in the workflow`);
		return found;
	}
	const targets = new Set<string>();
	for (const byType of Object.values(connections)) {
		for (const outputs of byType.main ?? []) for (const c of outputs ?? []) targets.add(c.node);
	}
	const start = nodes.find((n) => !targets.has(n.name) && !n.disabled);
	if (!start) throw new Error('Harness: no start node (every node has an incoming connection)');
	return start;
}

export function createHarnessContext(options: Pick<RunWorkflowOptions, 'credentials' | 'nodeTypes' | 'credentialTypes'>): HarnessContext {
	ensureHarnessEnv();
	const nodeTypes = buildNodeTypes(options.nodeTypes);
	const credentialsHelper = new HarnessCredentialsHelper({ ...(options.credentials ?? {}) }, [
		...loadPackageCredentialTypes(),
		...(options.credentialTypes ?? []),
	]);
	return { nodeTypes, credentialsHelper, additionalData: buildAdditionalData(credentialsHelper, randomUUID()) };
}

export function buildWorkflow(
	context: HarnessContext,
	options: Pick<RunWorkflowOptions, 'nodes' | 'connections' | 'credentials' | 'staticData' | 'settings' | 'workflowId'>,
): Workflow {
	const nodes = normalizeNodes(options.nodes, context.nodeTypes, options.credentials ?? {});
	return new Workflow({
		id: options.workflowId ?? 'harness-workflow',
		name: 'Harness workflow',
		nodes,
		connections: options.connections ?? {},
		active: false,
		nodeTypes: context.nodeTypes,
		staticData: options.staticData ?? {},
		settings: { executionOrder: 'v1', ...(options.settings ?? {}) },
	});
}

export async function runWorkflow(options: RunWorkflowOptions): Promise<RunResult> {
	const context = createHarnessContext(options);
	const workflow = buildWorkflow(context, options);
	const nodes = Object.values(workflow.nodes);
	const start = pickStartNode(nodes, options.connections ?? {}, options.startNode);
	const mode = options.mode ?? 'manual';
	const workflowData: IWorkflowBase = {
		id: workflow.id,
		name: workflow.name ?? 'Harness workflow',
		active: false,
		isArchived: false,
		nodes,
		connections: options.connections ?? {},
		createdAt: new Date(),
		updatedAt: new Date(),
		activeVersionId: null,
	} as IWorkflowBase;
	const executedNodes: string[] = [];
	const hooks = new ExecutionLifecycleHooks(mode, context.additionalData.executionId ?? 'harness', workflowData);
	hooks.addHandler('nodeExecuteBefore', (nodeName) => {
		executedNodes.push(nodeName);
	});
	context.additionalData.hooks = hooks;

	const inputItems = options.inputItems?.length ? options.inputItems : [{ json: {} }];
	const main = options.startOutputs ?? [inputItems];
	const runExecutionData = createRunExecutionData({
		executionData: { nodeExecutionStack: [{ node: start, data: { main }, source: null }] },
	});
	const execute = new WorkflowExecute(context.additionalData, mode, runExecutionData);
	const run = await execute.processRunExecutionData(workflow);
	return summarize(run, workflow, executedNodes, context.credentialsHelper.requested);
}

function summarize(run: IRun, workflow: Workflow, executedNodes: string[], credentialsRequested: string[]): RunResult {
	const runData = run.data.resultData.runData;
	const outputs: Record<string, INodeExecutionData[][]> = {};
	const nodeErrors: Record<string, ExecutionBaseError> = {};
	for (const [name, tasks] of Object.entries(runData)) {
		const last = tasks[tasks.length - 1];
		outputs[name] = (last?.data?.main ?? []).map((items) => items ?? []);
		if (last?.error) nodeErrors[name] = last.error;
	}
	return {
		status: run.status,
		error: run.data.resultData.error,
		outputs,
		nodeErrors,
		executedNodes,
		runData,
		staticData: workflow.staticData as IDataObject,
		credentialsRequested,
		run,
	};
}

export interface RunNodeOptions extends Omit<RunWorkflowOptions, 'nodes' | 'connections' | 'inputItems' | 'credentials'> {
	/** Node name (default: the type's default name). */
	name?: string;
	typeVersion?: number;
	continueOnFail?: boolean;
	/** `onError` setting; `continueErrorOutput` adds an error output. */
	onError?: INode['onError'];
	/** Extra node fields (`alwaysOutputData`, `executeOnce`, …). */
	node?: Partial<INode>;
}

export interface RunNodeResult extends RunResult {
	/** The node's outputs: `[outputIndex] → items`. */
	nodeOutputs: INodeExecutionData[][];
	/** The first output's items. */
	items: INodeExecutionData[];
	/** The node's error, when it failed. */
	nodeError?: ExecutionBaseError;
}

/**
 * Runs one node: Start (emitting `inputItems`) → node. The node type instance is registered under its
 * description name, so test-only types and package types work the same way.
 */
export async function runNode(
	nodeType: AnyNodeType,
	parameters: HarnessParameters,
	inputItems: INodeExecutionData[] = [{ json: {} }],
	credentials: CredentialsMap = {},
	options: RunNodeOptions = {},
): Promise<RunNodeResult> {
	const description = descriptionOf(nodeType);
	const name = options.name ?? (description.defaults.name as string | undefined) ?? description.displayName;
	const extra = Array.isArray(options.nodeTypes) ? [...options.nodeTypes, nodeType] : { ...(options.nodeTypes ?? {}), [description.name]: nodeType };
	const result = await runWorkflow({
		...options,
		nodeTypes: extra,
		credentials,
		inputItems,
		nodes: [
			{ name: 'Start', type: 'manualTrigger' },
			{
				...(options.node ?? {}),
				name,
				type: description.name,
				typeVersion: options.typeVersion,
				parameters,
				...(options.continueOnFail !== undefined ? { continueOnFail: options.continueOnFail } : {}),
				...(options.onError ? { onError: options.onError } : {}),
			},
		],
		connections: { Start: { main: [[{ node: name, type: 'main', index: 0 }]] } },
		startNode: 'Start',
	});
	const nodeOutputs = result.outputs[name] ?? [];
	return { ...result, nodeOutputs, items: nodeOutputs[0] ?? [], nodeError: result.nodeErrors[name] };
}

/** `items.map(i => i.json)`. */
export function jsonOf(items: INodeExecutionData[] | undefined): IDataObject[] {
	return (items ?? []).map((item) => item.json);
}
