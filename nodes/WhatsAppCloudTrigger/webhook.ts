/**
 * A request to the trigger's URL: n8n's request → core/webhook/receive.ts (GET handshake, signature,
 * size / depth bounds, parse, store side effects, de-duplication, filters) → the answer, and for the
 * events the workflow asks for, its items (emit.ts).
 *
 * The hot path (hotPath.ts, issue 19): the webhook credential is read at most once a minute (an
 * edited secret is picked up at once: a failing signature re-reads it), the store credential only
 * when the request's events need the store, and no expression of ours is evaluated.
 * A batch from the webhook receiver (core/receiver, signed with the Receiver Secret) is accepted
 * too: its store side effects were applied there, here it is only de-duplicated and filtered.
 */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { describeSkipped, receive } from '../../core/webhook/receive';
import { emitEvents } from './emit';
import { triggerStore, webhookCredentials } from './hotPath';
import { handleOptionsOf } from './options';

const LOG = 'WhatsApp Cloud Trigger:';

export async function onWebhook(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = ctx.getRequestObject();
	const res = ctx.getResponseObject();
	const reply = (status: number, body: string): IWebhookResponseData => {
		res.status(status);
		res.setHeader('content-type', 'text/plain; charset=utf-8');
		res.end(body);
		return { noWebhookResponse: true };
	};
	const post = req.method === 'POST';
	const options = post ? (ctx.getNodeParameter('options', {}) as IDataObject) : {};
	const result = await receive(
		{
			method: req.method,
			query: post ? undefined : (ctx.getQueryData() as Record<string, unknown>),
			headers: ctx.getHeaderData(),
			body: post ? await rawBodyOf(req) : undefined,
		},
		{
			...(post ? handleOptionsOf(ctx, options) : {}),
			// Read once per minute, not per request (hotPath.ts: each read costs n8n an isolate).
			secrets: await webhookCredentials(ctx),
			refreshSecrets: () => webhookCredentials(ctx, true),
			store: () => triggerStore(ctx),
			acceptForwarded: true,
		},
	);
	if (result.skipped.length) ctx.logger?.warn(`${LOG} ${describeSkipped(result)}`);
	if (result.error) {
		const what = result.outcome === 'store_failed' ? 'store update failed' : 'could not read a signed webhook request';
		ctx.logger?.error(`${LOG} ${what}: ${result.error.message}`);
	}
	if (result.outcome !== 'accepted' || (result.events.length === 0 && result.reported.length === 0)) return reply(result.status, result.body);
	return emitEvents(ctx, result, options, () => reply(200, 'EVENT_RECEIVED'));
}

/** The request's bytes as received (n8n keeps them as `rawBody`, read on demand in n8n 2.x). */
async function rawBodyOf(req: unknown): Promise<Buffer | undefined> {
	const r = req as { rawBody?: Buffer; readRawBody?: () => Promise<void> };
	if (r.rawBody === undefined && typeof r.readRawBody === 'function') await r.readRawBody();
	return r.rawBody;
}
