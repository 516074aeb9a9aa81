/**
 * The receiver's outbox worker (issue 19): takes the events the receiver acknowledged to Meta out of
 * the store's outbox (Store.claimOutbox, leased so several receivers share one Postgres store) and
 * POSTs them to their n8n trigger in signed batches (protocol.ts). A batch answered 2xx is marked
 * delivered; anything else (n8n down, restarting, 5xx, timeout) leaves the rows in the outbox and
 * retries them with exponential backoff (0.5 s … 60 s). A receiver killed mid-batch loses nothing: its
 * lease expires and the rows are sent again; the trigger drops the events it has already seen
 * (de-duplication by eventId), so every event starts n8n exactly once.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/types';
import { RECEIVER_PROTOCOL_VERSION, RECEIVER_SIGNATURE_HEADER, signForward } from './protocol';

export interface ForwarderOptions {
	/** n8n trigger URLs (production webhook URL of each WhatsApp Cloud Trigger). */
	targets: string[];
	/** Shared with the trigger's credential (Receiver Secret). */
	secret: string;
	/** Events per POST. Default 200. */
	batchSize?: number;
	/** How long a claimed batch is this receiver's (a dead receiver's rows are retried after it). Default 30 s. */
	leaseMs?: number;
	/** Per POST. Default 10 s. */
	timeoutMs?: number;
	/** Outbox poll interval when idle (new events wake it at once in this process). Default 200 ms. */
	idleMs?: number;
	/** Receiver instance id (default: random). */
	worker?: string;
	/**
	 * How a batch reaches its target. Default: a signed POST to the target URL (protocol.ts). The
	 * in-n8n listener trigger (nodes/WhatsAppCloudListenerTrigger) passes one that starts its workflow
	 * (`emit`), with targets that are names, not URLs. A throw leaves the rows in the outbox for a retry.
	 */
	deliver?: (target: string, payloads: string[]) => Promise<void>;
	log?: (message: string) => void;
}

export interface ForwarderStats {
	delivered: number;
	batches: number;
	failures: number;
}

export class Forwarder {
	readonly worker: string;
	readonly stats: ForwarderStats = { delivered: 0, batches: 0, failures: 0 };
	private running = false;
	private wake: Array<() => void> = [];
	private loops: Promise<void>[] = [];
	private readonly o: Required<Omit<ForwarderOptions, 'log' | 'worker' | 'deliver'>> & Pick<ForwarderOptions, 'log' | 'deliver'>;

	constructor(
		private readonly store: Store,
		options: ForwarderOptions,
	) {
		if (!options.secret && !options.deliver) throw new Error('The receiver needs a forward secret (the Receiver Secret of the trigger\'s WhatsApp Cloud Webhook credential)');
		for (const t of options.deliver ? [] : options.targets) {
			const u = new URL(t);
			if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`Forward target ${t}: only http(s) URLs`);
		}
		this.worker = options.worker ?? `receiver-${randomUUID()}`;
		this.o = { batchSize: 200, leaseMs: 30_000, timeoutMs: 10_000, idleMs: 200, ...options };
	}

	start(): void {
		if (this.running) return;
		this.running = true;
		this.loops = this.o.targets.map((t) => this.loop(t));
	}

	/** New rows were committed: send them now instead of at the next poll. */
	kick(): void {
		const w = this.wake;
		this.wake = [];
		for (const f of w) f();
	}

	async stop(): Promise<void> {
		this.running = false;
		this.kick();
		await Promise.all(this.loops);
	}

	private sleep(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const done = () => {
				clearTimeout(timer);
				resolve();
			};
			const timer = setTimeout(done, ms);
			this.wake.push(done);
		});
	}

	private async loop(target: string): Promise<void> {
		let backoff = 0;
		while (this.running) {
			let rows;
			try {
				rows = await this.store.claimOutbox(target, { limit: this.o.batchSize, leaseMs: this.o.leaseMs, worker: this.worker });
			} catch (error) {
				this.o.log?.(`outbox claim failed (${(error as Error).message}); retrying`);
				await this.sleep(1000);
				continue;
			}
			if (rows.length === 0) {
				await this.sleep(this.o.idleMs);
				continue;
			}
			const ids = rows.map((r) => r.id);
			let error: string | undefined;
			try {
				await (this.o.deliver ?? ((t: string, p: string[]) => this.post(t, p)))(target, rows.map((r) => r.payload));
			} catch (e) {
				error = (e as Error).message;
			}
			try {
				if (error === undefined) {
					await this.store.completeOutbox(ids, this.worker);
					this.stats.delivered += rows.length;
					this.stats.batches++;
					backoff = 0;
				} else {
					this.stats.failures++;
					backoff = Math.min(60_000, backoff ? backoff * 2 : 500);
					this.o.log?.(`forwarding ${rows.length} event(s) to ${this.o.deliver ? target : redact(target)} failed (${error}); retrying in ${backoff} ms`);
					await this.store.failOutbox(ids, this.worker, error, Date.now() + backoff);
					await this.sleep(backoff);
				}
			} catch (e) {
				// The rows stay leased and are retried when the lease expires.
				this.o.log?.(`outbox update failed (${(e as Error).message})`);
				await this.sleep(1000);
			}
		}
	}

	/** The default delivery: one signed POST of the batch to the n8n trigger's URL; not 2xx → throws. */
	private async post(target: string, payloads: string[]): Promise<void> {
		const body = `{"whatsAppCloudReceiver":${RECEIVER_PROTOCOL_VERSION},"items":[${payloads.join(',')}]}`;
		const res = await fetch(target, {
			method: 'POST',
			headers: { 'content-type': 'application/json', [RECEIVER_SIGNATURE_HEADER]: signForward(body, this.o.secret) },
			body,
			signal: AbortSignal.timeout(this.o.timeoutMs),
		});
		await res.arrayBuffer().catch(() => undefined);
		if (res.status < 200 || res.status >= 300) throw new Error(`HTTP ${res.status}`);
	}
}

/** A URL without credentials or query (for logs). */
export function redact(url: string): string {
	try {
		const u = new URL(url);
		return `${u.protocol}//${u.host}${u.pathname}`;
	} catch {
		return '(invalid URL)';
	}
}
