/**
 * The simulator with a local webhook receiver: each signed webhook the simulator sends (an inbound
 * customer message from POST /_sim/inbound) is kept raw — bytes and X-Hub-Signature-256 — so a test
 * passes it to the WhatsApp Cloud Trigger exactly as Meta would deliver it.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { closeAllStores } from '../../nodes/shared/store';
import { createSimulator, DEFAULT_WABA_ID } from '../../simulator';
import type { RunningSimulator, Simulator, SimulatorOptions } from '../../simulator';
import type { CredentialsMap } from '../harness';
import { PHONE, SIM_TOKEN } from './sim';
import { tmpDir } from './tmp';

/** The simulator's default phone number ID and token (test/helpers/sim.ts). */
export { PHONE, SIM_TOKEN };
export const APP_SECRET = 'media-test-app-secret';
export const VERIFY_TOKEN = 'media-test-verify-token';

export interface Delivered {
	raw: Buffer;
	signature: string;
}

export interface SimWithWebhooks {
	sim: Simulator;
	running: RunningSimulator;
	url: string;
	/**
	 * The next inbound-message webhook the simulator delivers (waits for it). Status webhooks of the
	 * messages a test sends arrive in between, at their own pace: they are passed over.
	 */
	nextWebhook(timeoutMs?: number): Promise<Delivered>;
	/** POST /_sim/inbound, returning its answer. */
	inbound(body: Record<string, unknown>): Promise<Record<string, any>>;
	stop(): Promise<void>;
}

export async function startSimWithWebhooks(options: Partial<SimulatorOptions> = {}): Promise<SimWithWebhooks> {
	const queue: Delivered[] = [];
	const waiters: Array<(d: Delivered) => void> = [];
	const receiver = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			res.writeHead(200);
			res.end('EVENT_RECEIVED');
			const d = { raw: Buffer.concat(chunks), signature: String(req.headers['x-hub-signature-256'] ?? '') };
			if (!d.raw.includes('"messages":[')) return;
			const w = waiters.shift();
			if (w) w(d);
			else queue.push(d);
		});
	});
	await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
	const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
	const sim = createSimulator({ latencyMs: 0, seed: 16, appSecret: APP_SECRET, webhookUrl, ...options });
	const running = await sim.start();
	return {
		sim,
		running,
		url: running.url,
		nextWebhook: (timeoutMs = 5_000) =>
			new Promise((resolve, reject) => {
				const ready = queue.shift();
				if (ready) return resolve(ready);
				const timer = setTimeout(() => reject(new Error('no webhook from the simulator')), timeoutMs);
				waiters.push((d) => {
					clearTimeout(timer);
					resolve(d);
				});
			}),
		inbound: async (body) => {
			const r = await fetch(`${running.url}/_sim/inbound`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
			const json = (await r.json()) as Record<string, any>;
			if (!r.ok) throw new Error(`inbound: ${JSON.stringify(json)}`);
			return json;
		},
		stop: async () => {
			await running.stop();
			await new Promise<void>((resolve) => receiver.close(() => resolve()));
		},
	};
}

export function cloudCreds(baseUrl: string, storePath?: string): CredentialsMap {
	return {
		whatsAppCloudApi: { accessToken: SIM_TOKEN, businessAccountId: DEFAULT_WABA_ID, phoneNumberId: PHONE, baseUrl, apiVersion: 'v23.0' },
		whatsAppCloudWebhookApi: { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN },
		...(storePath ? { whatsAppCloudStoreApi: { backend: 'sqlite', path: storePath } } : {}),
	};
}

export { tmpDir } from '../helpers/tmp';

/** A small valid-looking PNG (signature + filler): what the simulator and the nodes see as image/png. */
export function png(size = 2048, seed = 1): Buffer {
	const b = Buffer.alloc(size);
	Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b);
	for (let i = 8; i < size; i++) b[i] = (i * 7 + seed) & 0xff;
	return b;
}

/** Per test: the simulator with webhooks, and a fresh store file path in `dir` (the nodes open the store). */
export async function startSimAndStorePath(dir: string): Promise<{ s: SimWithWebhooks; storePath: string }> {
	return { s: await startSimWithWebhooks(), storePath: path.join(dir, `store-${Math.random().toString(36).slice(2)}.sqlite`) };
}

/** After each test: the simulator stopped and the stores the nodes opened closed. */
export async function stopSimAndStores(s: SimWithWebhooks): Promise<void> {
	await s.stop();
	await closeAllStores();
}

/**
 * Registers the hooks for the simulator with webhooks and a store path per test, in one temp folder
 * per test file (`prefix`), removed after all; the returned object is live (`t.s`, `t.storePath`).
 */
export function useSimAndStorePath(prefix: string): { s: SimWithWebhooks; storePath: string } {
	const t = {} as { s: SimWithWebhooks; storePath: string };
	let dir: string;
	beforeAll(() => {
		dir = tmpDir(prefix);
	});
	beforeEach(async () => {
		Object.assign(t, await startSimAndStorePath(dir));
	});
	afterEach(() => stopSimAndStores(t.s));
	afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
	return t;
}
