/**
 * The listener trigger's server (issue 19): the webhook receiver (core/receiver/server.ts) run inside
 * n8n's own process, started on activation and closed on deactivation. Every request is answered by
 * the receiver's code — handshake, signature, size/depth checks, every store side effect and the
 * outbox row in one transaction, then 200 — so n8n builds no expression isolate per request. Only the
 * outbox rows of this trigger start executions: the receiver's forwarder hands them to `emit`
 * instead of POSTing them, one execution per batch, and marks them done once n8n has run it (at most
 * EXECUTION_WAIT_MS later, see the node). Rows left by a previous run (n8n stopped or crashed before
 * it ran them) are emitted after the next activation: at least once, since a batch n8n ran in the
 * instant before a kill runs again. Not n8n's execution de-duplication key: an execution that crashed
 * with n8n keeps its key, and the batch would never run again.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { WebhookReceiver } from '../../core/receiver/server';
import { eventsToEmit, resumeAnswers } from '../../core/sendAndWait/resume';
import type { WaitStore } from '../../core/sendAndWait/waits';
import type { WebhookEvent } from '../../core/webhook/types';
import type { EventFilter } from '../../core/webhook/handle';
import type { OptKeywordOptions } from '../../core/webhook/optOut';
import type { Store } from '../../core/store/types';

export interface ListenerConfig {
	port: number;
	host: string;
	appSecret: string;
	verifyToken: string;
	store: Store;
	/** The outbox name of this trigger: one per workflow and node (production and manual tests apart). */
	target: string;
	filter: EventFilter;
	touchContacts: boolean;
	optOutKeywords: boolean;
	keywordOptions: OptKeywordOptions;
	/**
	 * Send and Wait for Response: messages that answer a waiting execution resume it (core/sendAndWait/resume.ts);
	 * they start this workflow too only with `emitAnswers`. Undefined: no resuming.
	 */
	resume?: { waitStore: () => Promise<WaitStore>; emitAnswers: boolean };
	/**
	 * Starts one execution with these items; resolves when n8n has run it (or gave up waiting), so the
	 * outbox rows are marked done only then.
	 */
	emit: (items: INodeExecutionData[]) => Promise<void>;
	log: (message: string) => void;
}

/** Starts listening; resolves to the receiver (close() it on deactivation). A taken port is a clear error. */
export async function startListener(c: ListenerConfig): Promise<WebhookReceiver> {
	const receiver = new WebhookReceiver({
		store: c.store,
		appSecret: c.appSecret,
		verifyToken: c.verifyToken,
		forwardSecret: '',
		targets: [{ ...c.filter, url: c.target }],
		dedupScope: c.target,
		touchContacts: c.touchContacts,
		optOutKeywords: c.optOutKeywords,
		keywordOptions: c.keywordOptions,
		forward: {
			deliver: async (_target, payloads) => {
				const events = payloads.map((p) => JSON.parse(p) as WebhookEvent);
				const resumed = c.resume ? await resumeAnswers(c.resume.waitStore, events, { log: c.log }) : undefined;
				// An answer that resumed its execution belongs to it (as on the WhatsApp Cloud Trigger).
				const items: INodeExecutionData[] = eventsToEmit(events, resumed, c.resume?.emitAnswers === true).map((json) => ({ json: json as IDataObject }));
				if (items.length) await c.emit(items);
			},
		},
		log: c.log,
	});
	try {
		await receiver.listen(c.port, c.host);
	} catch (error) {
		await receiver.close().catch(() => undefined);
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'EADDRINUSE') {
			throw new Error(
				`Port ${c.port} on ${c.host} is already in use (another process, or this workflow while it is active: deactivate it to test here, or test with another port)`,
			);
		}
		if (code === 'EACCES') throw new Error(`Port ${c.port} on ${c.host} needs privileges n8n does not have: use a port above 1023`);
		throw error;
	}
	return receiver;
}
