/**
 * The webhook receiver (issue 19): Meta's webhooks without n8n's per-request cost.
 *
 * One n8n with its default expression engine (`vm`) spends 100–300 ms of CPU on every webhook
 * request it runs through a community trigger (an isolated-vm isolate per request, see the README's
 * capacity section), so it absorbs a few dozen requests a second. A campaign's statuses come at 3× its
 * send rate. The receiver answers Meta itself and hands n8n only what its workflows subscribe to:
 *
 *  - GET: Meta's subscription handshake (cloud-api.md §4) and POST: X-Hub-Signature-256 over the raw
 *    bytes (401 when wrong), size / depth / JSON checks (413 / 400) — the trigger's own request code
 *    (core/webhook/receive.ts) — then EVERY store side effect through the trigger's own code
 *    (core/webhook/handle.ts handleWebhookEvents: identity, opt-outs, windows, ledger, replies,
 *    circuit breakers, de-duplication) and, in the same store transaction, one outbox row per event
 *    per n8n trigger whose filter it passes. Only then 200. A store failure → 500 (Meta redelivers).
 *  - Group commit: requests that arrive while a store transaction runs share the next one (Meta
 *    signs and sends each status separately; one transaction per request would cap SQLite at a few
 *    hundred per second). If a shared transaction fails, its requests are retried one by one, so one
 *    bad request never fails the others.
 *  - core/receiver/forwarder.ts empties the outbox into n8n (signed batches, retries, leases).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleWebhookEvents, passesFilter, type EventFilter, type HandleOptions } from '../webhook/handle';
import type { OptKeywordOptions } from '../webhook/optOut';
import { WEBHOOK_LIMITS } from '../webhook/parse';
import { describeSkipped, receive, type ReceiveOptions } from '../webhook/receive';
import type { WebhookEvent } from '../webhook/types';
import type { OutboxEntry, Store } from '../store/types';
import { Forwarder, type ForwarderOptions } from './forwarder';

export interface ReceiverTarget extends EventFilter {
	/** The n8n trigger's production webhook URL (or, with `forward.deliver`, the name deliver knows the target by). */
	url: string;
}

export interface ReceiverOptions {
	store: Store;
	appSecret: string;
	verifyToken: string;
	/** Shared with the trigger (its credential's Receiver Secret). */
	forwardSecret: string;
	targets: ReceiverTarget[];
	/** De-duplication scope of the receiver's keys. Default 'receiver'. */
	dedupScope?: string;
	touchContacts?: boolean;
	optOutKeywords?: boolean;
	keywordOptions?: OptKeywordOptions;
	/** Most events per shared store transaction. Default 2,000. */
	maxGroupEvents?: number;
	/**
	 * Forwarder tuning (batch size, lease, timeouts) and, for the in-n8n listener trigger, `deliver`: how a
	 * batch reaches its target (default: a signed POST to the target's URL; see forwarder.ts).
	 */
	forward?: Pick<ForwarderOptions, 'batchSize' | 'leaseMs' | 'timeoutMs' | 'idleMs' | 'deliver'>;
	/** Don't start the forwarder (tests, a receiver that only records). */
	noForward?: boolean;
	log?: (message: string) => void;
}

export interface ReceiverStats {
	requests: number;
	events: number;
	rejected: number;
	failed: number;
	transactions: number;
}

interface Pending {
	events: WebhookEvent[];
	resolve: () => void;
	reject: (error: Error) => void;
}

export class WebhookReceiver {
	readonly server: http.Server;
	readonly forwarder: Forwarder | undefined;
	readonly stats: ReceiverStats = { requests: 0, events: 0, rejected: 0, failed: 0, transactions: 0 };
	private queue: Pending[] = [];
	private committing = false;
	private scheduled = false;
	private readonly handleOptions: HandleOptions;
	private readonly receiveOptions: ReceiveOptions;

	constructor(private readonly o: ReceiverOptions) {
		if (!o.appSecret) throw new Error('The receiver needs the Meta app secret (WHATSAPP_APP_SECRET)');
		if (!o.verifyToken) throw new Error('The receiver needs the webhook verify token (WHATSAPP_VERIFY_TOKEN)');
		const targets = o.targets.map((t) => ({ ...t }));
		this.handleOptions = {
			dedup: true,
			dedupScope: o.dedupScope ?? 'receiver',
			sideEffects: true,
			touchContacts: o.touchContacts !== false,
			optOutKeywords: o.optOutKeywords !== false,
			keywordOptions: o.keywordOptions,
			outbox: (event, key, note): OutboxEntry[] => {
				const out: OutboxEntry[] = [];
				let payload: string | undefined;
				for (const t of targets) {
					if (!passesFilter(event, t)) continue;
					payload ??= JSON.stringify(note ? { ...event, ...note } : event);
					out.push({ target: t.url, key, payload });
				}
				return out;
			},
		};
		this.receiveOptions = { ...this.handleOptions, secrets: { appSecret: o.appSecret, verifyToken: o.verifyToken }, apply: (events) => this.commit(events) };
		this.forwarder =
			o.noForward || targets.length === 0
				? undefined
				: new Forwarder(o.store, { targets: targets.map((t) => t.url), secret: o.forwardSecret, log: o.log, ...o.forward });
		this.server = http.createServer({ keepAliveTimeout: 75_000 }, (req, res) => void this.onRequest(req, res));
	}

	async listen(port = 0, host = '127.0.0.1'): Promise<number> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, host, () => resolve());
		});
		this.forwarder?.start();
		return (this.server.address() as AddressInfo).port;
	}

	async close(): Promise<void> {
		await new Promise<void>((resolve) => {
			this.server.close(() => resolve());
			this.server.closeAllConnections?.();
		});
		await this.forwarder?.stop();
	}

	private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const reply = (status: number, body: string) => {
			if (res.headersSent) return;
			res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
			res.end(body);
		};
		try {
			const url = new URL(req.url ?? '/', 'http://receiver');
			if (req.method === 'GET' && url.pathname === '/healthz') return reply(200, 'ok');
			let body: Buffer | undefined;
			if (req.method === 'POST') {
				// Bounded while reading (the rest is drained, not buffered); receive() checks the bytes again.
				body = await readBody(req, WEBHOOK_LIMITS.maxBytes);
				if (body === undefined) return reply(413, `The webhook body is over the ${WEBHOOK_LIMITS.maxBytes}-byte limit`);
				this.stats.requests++;
			}
			// The trigger's own request code: handshake, signature, bounds, parse, then the group commit.
			const result = await receive({ method: req.method ?? '', query: Object.fromEntries(url.searchParams), headers: req.headers, body }, this.receiveOptions);
			if (result.skipped.length) this.o.log?.(describeSkipped(result));
			if (result.outcome === 'unsigned' || result.outcome === 'invalid') this.stats.rejected++;
			if (result.outcome === 'accepted') this.stats.events += result.received;
			if (result.outcome === 'store_failed') throw result.error;
			reply(result.status, result.body);
		} catch (error) {
			this.stats.failed++;
			this.o.log?.(`store update failed: ${(error as Error).message}`);
			reply(500, 'Store update failed');
		}
	}

	/** Resolves once the events (side effects, dedup keys, outbox rows) are committed. */
	private commit(events: WebhookEvent[]): Promise<void> {
		return new Promise((resolve, reject) => {
			this.queue.push({ events, resolve, reject });
			// setImmediate: the requests read in this turn of the event loop share the transaction.
			if (!this.committing && !this.scheduled) {
				this.scheduled = true;
				setImmediate(() => {
					this.scheduled = false;
					if (!this.committing) void this.drain();
				});
			}
		});
	}

	private async drain(): Promise<void> {
		this.committing = true;
		try {
			while (this.queue.length) {
				const max = this.o.maxGroupEvents ?? 2000;
				const group: Pending[] = [];
				let n = 0;
				while (this.queue.length && (group.length === 0 || n + this.queue[0].events.length <= max)) {
					const p = this.queue.shift()!;
					group.push(p);
					n += p.events.length;
				}
				try {
					await this.apply(group.flatMap((p) => p.events));
					for (const p of group) p.resolve();
				} catch (error) {
					if (group.length === 1) group[0].reject(error as Error);
					else {
						// One bad request must not fail the others: retry each alone.
						for (const p of group) {
							try {
								await this.apply(p.events);
								p.resolve();
							} catch (e) {
								p.reject(e as Error);
							}
						}
					}
				}
				this.forwarder?.kick();
			}
		} finally {
			this.committing = false;
			if (this.queue.length) void this.drain();
		}
	}

	private async apply(events: WebhookEvent[]): Promise<void> {
		this.stats.transactions++;
		await handleWebhookEvents(this.o.store, events, this.handleOptions);
	}
}

/** The body, or undefined when it is longer than `limit` bytes (the rest is drained, not buffered). */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let over = false;
		req.on('data', (c: Buffer) => {
			size += c.length;
			if (size > limit) over = true;
			else chunks.push(c);
		});
		req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks, size)));
		req.on('error', reject);
	});
}
