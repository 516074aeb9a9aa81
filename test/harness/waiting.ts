/**
 * Waiting executions (`putExecutionToWait`) and their resumption, as n8n's CLI does them, for
 * send-and-wait nodes:
 *
 *   const waiting = await startWaitingRun({ nodes, connections, credentials });
 *   waiting.first.status;            // 'waiting'
 *   // … something POSTs to the node's signed resume URL (waiting.resumeBaseUrl/…?signature=…) …
 *   const done = await waiting.finished();   // the resumed run (RunResult)
 *   // or: const done = await waiting.timeout();  // n8n's WaitTracker firing at waitTill
 *
 * A local HTTP server plays n8n's `/webhook-waiting/:executionId/:nodeId` endpoint (n8n's
 * WaitingWebhooks): for a node whose operation is `sendAndWait` it checks the URL's HMAC signature
 * (n8n-core's validateUrlSignature with the instance's hmacSignatureSecret) and answers 401 without a
 * valid one; 404 for an unknown execution, 409 once it has finished. It calls the node's restart
 * webhook (`webhook()` through n8n-core's WebhookContext) and, when that returns workflow data,
 * answers at once (responseMode onReceived) and continues the execution the way n8n does: waitTill
 * cleared, the waiting node disabled, its stack entry's input replaced by the webhook's items
 * (`forwardAllOutputs`). `timeout()` resumes as n8n's WaitTracker does: waitTill still set, so
 * WorkflowExecute disables the node and passes its saved input through.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Container } from '@n8n/di';
import { ExecutionLifecycleHooks, InstanceSettings, validateUrlSignature, WAITING_TOKEN_QUERY_PARAM, WebhookContext, WorkflowExecute } from 'n8n-core';
import { createRunExecutionData } from 'n8n-workflow';
import type { IConnections, IHttpRequestMethods, INode, IRun, IRunExecutionData, IWebhookData, IWorkflowBase, Workflow } from 'n8n-workflow';
import { createFakeRequest, createFakeResponse } from './webhook';
import { buildWorkflow, createHarnessContext, type HarnessContext, type RunResult, type RunWorkflowOptions } from './workflow';

export interface WaitingRun {
	/** The first run (status 'waiting' when a node put the execution to wait). */
	first: RunResult;
	executionId: string;
	/** n8n's webhook-waiting base URL in this run (the local server). */
	resumeBaseUrl: string;
	/** Requests the server received: method, path, status it answered. */
	requests: Array<{ method: string; path: string; status: number }>;
	/** The resumed run, once a resume request (or timeout()) continued the execution. */
	finished(timeoutMs?: number): Promise<RunResult>;
	/** Resumes as n8n's WaitTracker does when waitTill passes. */
	timeout(): Promise<RunResult>;
	close(): Promise<void>;
}

function summarize(run: IRun, workflow: Workflow, executedNodes: string[], credentialsRequested: string[]): RunResult {
	const runData = run.data.resultData.runData;
	const outputs: RunResult['outputs'] = {};
	const nodeErrors: RunResult['nodeErrors'] = {};
	for (const [name, tasks] of Object.entries(runData)) {
		const last = tasks[tasks.length - 1];
		outputs[name] = (last?.data?.main ?? []).map((items) => items ?? []);
		if (last?.error) nodeErrors[name] = last.error;
	}
	return { status: run.status, error: run.data.resultData.error, outputs, nodeErrors, executedNodes, runData, staticData: workflow.staticData as never, credentialsRequested, run };
}

export async function startWaitingRun(options: RunWorkflowOptions): Promise<WaitingRun> {
	const context: HarnessContext = createHarnessContext(options);
	const executionId = randomUUID();
	context.additionalData.executionId = executionId;
	const requests: WaitingRun['requests'] = [];
	let state: { data: IRunExecutionData; finished: boolean } | undefined;
	let resolveDone: (r: RunResult) => void = () => undefined;
	let rejectDone: (e: Error) => void = () => undefined;
	const done = new Promise<RunResult>((resolve, reject) => {
		resolveDone = resolve;
		rejectDone = reject;
	});
	done.catch(() => undefined);

	const workflow = buildWorkflow(context, options);
	const mode = options.mode ?? 'manual';
	const executedNodes: string[] = [];
	const workflowData = { id: workflow.id, name: workflow.name, active: false, nodes: Object.values(workflow.nodes), connections: options.connections ?? {} } as unknown as IWorkflowBase;
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	hooks.addHandler('nodeExecuteBefore', (nodeName) => {
		executedNodes.push(nodeName);
	});
	context.additionalData.hooks = hooks;

	const continueRun = async (data: IRunExecutionData): Promise<RunResult> => {
		const run = await new WorkflowExecute(context.additionalData, mode, data).processRunExecutionData(workflow);
		const result = summarize(run, workflow, executedNodes, context.credentialsHelper.requested);
		if (run.status === 'waiting') state = { data: run.data, finished: false };
		else {
			state = { data: run.data, finished: true };
			resolveDone(result);
		}
		return result;
	};

	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			void handle(req, res, Buffer.concat(chunks)).catch((error: Error) => {
				if (!res.headersSent) res.writeHead(500).end(error.message);
				rejectDone(error);
			});
		});
	});
	const answer = (req: http.IncomingMessage, res: http.ServerResponse, status: number, body: unknown) => {
		requests.push({ method: req.method ?? 'GET', path: (req.url ?? '').split('?')[0], status });
		res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
		res.end(typeof body === 'string' ? body : JSON.stringify(body));
	};

	async function handle(req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer): Promise<void> {
		const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
		const [, base, id, suffix] = url.pathname.split('/');
		if (base !== 'webhook-waiting' || id !== executionId || !state) return answer(req, res, 404, { error: `The execution "${id}" does not exist.` });
		if (state.finished) return answer(req, res, 409, { error: `The execution "${id}" has finished already.` });
		const lastNode = state.data.resultData.lastNodeExecuted ?? '';
		const node = workflow.getNode(lastNode) as INode;
		const isSendAndWait = node?.id === decodeURIComponent(suffix ?? '') && node.parameters.operation === 'sendAndWait';
		if (isSendAndWait) {
			const signature = url.searchParams.get(WAITING_TOKEN_QUERY_PARAM) ?? '';
			if (!signature || !validateUrlSignature(signature, url, Container.get(InstanceSettings).hmacSignatureSecret)) return answer(req, res, 401, 'Invalid token');
		} else return answer(req, res, 404, { error: 'no waiting send-and-wait node at this path' });

		const type = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		const method = (req.method ?? 'GET') as IHttpRequestMethods;
		const description = (type.description.webhooks ?? []).find((w) => w.restartWebhook === true && String(w.httpMethod).toUpperCase() === method);
		if (!description || !type.webhook) return answer(req, res, 404, { error: 'The workflow does not contain a waiting webhook with a matching path/method.' });
		const request = createFakeRequest({ method, headers: req.headers as Record<string, string>, rawBody: raw, query: Object.fromEntries(url.searchParams) });
		const { res: fakeRes, recorded } = createFakeResponse();
		context.additionalData.httpRequest = request;
		context.additionalData.httpResponse = fakeRes;
		const webhookData: IWebhookData = {
			httpMethod: method,
			node: node.name,
			path: node.id,
			webhookDescription: description,
			workflowId: workflow.id,
			workflowExecuteAdditionalData: context.additionalData,
			isTest: false,
		};
		const ctx = new WebhookContext(workflow, node, context.additionalData, mode, webhookData, [], state.data);
		const response = (await type.webhook.call(ctx)) ?? {};
		if (response.noWebhookResponse) answer(req, res, recorded.statusCode, recorded.body ?? '');
		else answer(req, res, 200, response.webhookResponse ?? { message: 'Workflow was started' });
		if (!response.workflowData) return; // still waiting
		// n8n: WaitingWebhooks.getWebhookExecutionData + webhook-helpers prepareExecutionData.
		const data = state.data;
		state = { data, finished: true }; // claimed: a second resume gets 409, as in n8n
		data.waitTill = undefined;
		const entry = data.executionData!.nodeExecutionStack[0];
		entry.node.disabled = true;
		entry.data.main = response.workflowData;
		entry.metadata = { ...(entry.metadata ?? {}), forwardAllOutputs: true };
		void continueRun(data).catch((error: Error) => rejectDone(error));
	}

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const resumeBaseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook-waiting`;
	context.additionalData.webhookWaitingBaseUrl = resumeBaseUrl;

	const nodes = Object.values(workflow.nodes);
	const targets = new Set<string>();
	for (const byType of Object.values((options.connections ?? {}) as IConnections)) for (const outs of byType.main ?? []) for (const c of outs ?? []) targets.add(c.node);
	const start = options.startNode ? workflow.getNode(options.startNode)! : nodes.find((n) => !targets.has(n.name))!;
	const main = options.startOutputs ?? [options.inputItems?.length ? options.inputItems : [{ json: {} }]];
	const first = await continueRun(createRunExecutionData({ executionData: { nodeExecutionStack: [{ node: start, data: { main }, source: null }] } }));

	return {
		first,
		executionId,
		resumeBaseUrl,
		requests,
		finished: (timeoutMs = 10_000) =>
			Promise.race([done, new Promise<RunResult>((_, reject) => setTimeout(() => reject(new Error('Harness: the execution was not resumed')), timeoutMs).unref())]),
		timeout: async () => {
			if (!state || state.finished) throw new Error('Harness: the execution is not waiting');
			const data = state.data;
			state = { data, finished: true };
			return continueRun(data);
		},
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
