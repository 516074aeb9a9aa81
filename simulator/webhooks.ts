/**
 * Webhook delivery (cloud-api.md §4): Meta's envelope, `X-Hub-Signature-256: sha256=<hex HMAC of the raw
 * body with the app secret>`, bounded redelivery with back-off on non-200 (fake-clock aware), optional
 * duplicate deliveries. Without a callback URL events are only recorded (and counted).
 */
import { signBody } from '../core/webhook/verify';
import http from 'node:http';
import https from 'node:https';
import type { FakeClock } from './clock';
import type { Rng } from './rng';

export interface WebhookOptions {
	/** Probability that a delivery is POSTed twice (Meta delivers at least once). */
	duplicateRate: number;
	/** Redelivery on non-200: attempts in total and back-off (base × factor^(n-1)), simulated ms. */
	retry: { maxAttempts: number; baseMs: number; factor: number };
	/** Real-time request timeout per attempt. */
	timeoutMs: number;
	/** POSTs in flight at once (sockets per receiver); the rest wait in line. */
	maxInFlight: number;
}

export interface WebhookRecord {
	seq: number;
	wabaId: string;
	field: string;
	url: string | null;
	/** Parsed body (the exact bytes sent are `raw`). */
	body: Record<string, unknown>;
	raw: string;
	duplicate: boolean;
	attempts: number;
	responses: (number | string)[];
	state: 'recorded' | 'pending' | 'delivered' | 'failed';
	createdAt: number;
}

export interface WebhookStats {
	events: number;
	recorded: number;
	delivered: number;
	failedAttempts: number;
	givenUp: number;
	duplicates: number;
}

export function newWebhookStats(): WebhookStats {
	return { events: 0, recorded: 0, delivered: 0, failedAttempts: 0, givenUp: 0, duplicates: 0 };
}

/** X-Hub-Signature-256 as Meta computes it (the one rule in core/webhook/verify.ts). */
export const sign = signBody;

export class WebhookDispatcher {
	readonly log: WebhookRecord[] = [];
	stats = newWebhookStats();
	private seq = 0;
	private agentHttp: http.Agent;
	private agentHttps: https.Agent;
	private inflight = new Set<http.ClientRequest>();
	private closed = false;

	constructor(
		private readonly clock: FakeClock,
		private readonly rng: Rng,
		private readonly appSecret: string,
		private readonly resolveUrl: (wabaId: string) => string | undefined,
		public opts: WebhookOptions,
		private readonly maxLog: number,
	) {
		this.agentHttp = new http.Agent({ keepAlive: true, maxSockets: opts.maxInFlight });
		this.agentHttps = new https.Agent({ keepAlive: true, maxSockets: opts.maxInFlight });
	}

	/** Changes the number of POSTs in flight (run time: new agents; requests already queued finish on the old ones). */
	setMaxInFlight(n: number): void {
		if (n === this.opts.maxInFlight) return;
		this.opts.maxInFlight = n;
		this.agentHttp = new http.Agent({ keepAlive: true, maxSockets: n });
		this.agentHttps = new https.Agent({ keepAlive: true, maxSockets: n });
	}

	reset(): void {
		this.log.length = 0;
		this.stats = newWebhookStats();
	}

	close(): void {
		this.closed = true;
		for (const r of this.inflight) r.destroy();
		this.agentHttp.destroy();
		this.agentHttps.destroy();
	}

	/** Wraps `value` in Meta's envelope and delivers (or records) it. */
	emit(wabaId: string, field: string, value: Record<string, unknown>): void {
		const entry: Record<string, unknown> = { id: wabaId };
		if (field !== 'messages') entry.time = Math.floor(this.clock.now() / 1000);
		entry.changes = [{ value, field }];
		const body = { object: 'whatsapp_business_account', entry: [entry] };
		this.stats.events++;
		const url = this.resolveUrl(wabaId) ?? null;
		this.deliver(wabaId, field, url, body, false);
		if (url && this.rng.chance(this.opts.duplicateRate)) {
			this.stats.duplicates++;
			this.deliver(wabaId, field, url, body, true);
		}
	}

	private deliver(wabaId: string, field: string, url: string | null, body: Record<string, unknown>, duplicate: boolean): void {
		const rec: WebhookRecord = {
			seq: ++this.seq,
			wabaId,
			field,
			url,
			body,
			raw: url ? JSON.stringify(body) : '',
			duplicate,
			attempts: 0,
			responses: [],
			state: url ? 'pending' : 'recorded',
			createdAt: this.clock.now(),
		};
		if (this.log.length >= this.maxLog) this.log.splice(0, Math.ceil(this.maxLog / 10));
		this.log.push(rec);
		if (!url) {
			this.stats.recorded++;
			return;
		}
		this.attempt(rec);
	}

	private attempt(rec: WebhookRecord): void {
		if (this.closed) return;
		rec.attempts++;
		const done = (status: number | string) => {
			rec.responses.push(status);
			if (status === 200) {
				rec.state = 'delivered';
				this.stats.delivered++;
				return;
			}
			this.stats.failedAttempts++;
			const r = this.opts.retry;
			if (rec.attempts >= r.maxAttempts) {
				rec.state = 'failed';
				this.stats.givenUp++;
				return;
			}
			this.clock.setTimeout(() => this.attempt(rec), r.baseMs * Math.pow(r.factor, rec.attempts - 1));
		};
		let u: URL;
		try {
			u = new URL(rec.url!);
		} catch {
			done('invalid_url');
			return;
		}
		const mod = u.protocol === 'https:' ? https : http;
		const req = mod.request(
			u,
			{
				method: 'POST',
				agent: u.protocol === 'https:' ? this.agentHttps : this.agentHttp,
				headers: {
					'content-type': 'application/json',
					'content-length': Buffer.byteLength(rec.raw),
					'x-hub-signature-256': sign(rec.raw, this.appSecret),
					'user-agent': 'facebookexternalua',
				},
				timeout: this.opts.timeoutMs,
			},
			(res) => {
				res.resume();
				res.on('end', () => {
					this.inflight.delete(req);
					done(res.statusCode ?? 0);
				});
			},
		);
		this.inflight.add(req);
		req.on('timeout', () => req.destroy(new Error('timeout')));
		req.on('error', (e) => {
			if (!this.inflight.delete(req)) return;
			if (!this.closed) done(e.message === 'timeout' ? 'timeout' : 'network_error');
		});
		req.end(rec.raw);
	}
}

/** Meta's GET verification handshake against a callback URL; resolves true when the challenge is echoed. */
export async function verifyCallback(url: string, verifyToken: string, challenge: string, timeoutMs = 5000): Promise<boolean> {
	let u: URL;
	try {
		u = new URL(url);
	} catch {
		return false;
	}
	u.searchParams.set('hub.mode', 'subscribe');
	u.searchParams.set('hub.verify_token', verifyToken);
	u.searchParams.set('hub.challenge', challenge);
	try {
		const res = await fetch(u, { signal: AbortSignal.timeout(timeoutMs) });
		const text = await res.text();
		return res.status === 200 && text.trim() === challenge;
	} catch {
		return false;
	}
}
