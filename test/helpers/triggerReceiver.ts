/**
 * Delivers the simulator's signed webhooks to the WhatsApp Cloud Trigger node (one harness
 * execution per delivery, as n8n runs them beside other executions) and answers with its status.
 * `deliveries` records each delivery's webhook field ('statuses' for a `messages` change that only
 * carries statuses), when its store writes were committed, and the status it got.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WhatsAppCloudTrigger } from '../../nodes/WhatsAppCloudTrigger/WhatsAppCloudTrigger.node';
import { runWebhook } from '../harness';

export interface TriggerReceiver {
	url: string;
	deliveries: Array<{ field: string; at: number; status: number }>;
	close(): Promise<void>;
}

export async function startTriggerReceiver(appSecret: string, storeCredential: () => Record<string, string>, params: Record<string, unknown> = {}): Promise<TriggerReceiver> {
	const deliveries: TriggerReceiver['deliveries'] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const rawBody = Buffer.concat(chunks);
			const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
			runWebhook(new WhatsAppCloudTrigger(), params as never, { method: 'POST', rawBody, headers }, { whatsAppCloudWebhookApi: { appSecret, verifyToken: 'v' }, whatsAppCloudStoreApi: storeCredential() })
				.then((r) => {
					let field = '?';
					try {
						const change = JSON.parse(rawBody.toString('utf8')).entry?.[0]?.changes?.[0];
						field = change?.field ?? '?';
						// Status webhooks come under the `messages` field too: tell them apart.
						if (field === 'messages' && !change?.value?.messages && change?.value?.statuses) field = 'statuses';
					} catch {
						// recorded as '?'
					}
					// The trigger's store writes are committed when runWebhook returns.
					deliveries.push({ field, at: Date.now(), status: r.statusCode });
					res.writeHead(r.statusCode).end();
				})
				.catch(() => res.writeHead(500).end());
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
		deliveries,
		close: () => new Promise<void>((r) => server.close(() => r())),
	};
}

/** POST /_sim/<path> on a running simulator. */
export async function simControl(baseUrl: string, path: string, body: unknown): Promise<unknown> {
	const res = await fetch(`${baseUrl}/_sim/${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
	if (!res.ok) throw new Error(`simulator control ${path}: ${res.status} ${await res.text()}`);
	return res.json();
}

/** Polls `cond` every 10 ms until it holds (throws after `ms`). */
export async function waitFor(cond: () => boolean, ms = 20_000): Promise<void> {
	const end = Date.now() + ms;
	while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
	if (!cond()) throw new Error('timed out waiting');
}
