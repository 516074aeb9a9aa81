/**
 * Webhook capacity against a real n8n 2.x (issue 19): npm run bench:n8n → test/n8n/capacity.sh → this
 * script (Node 24, type stripping). n8n runs with its DEFAULT settings (expression engine `vm`, regular
 * mode, SQLite), the package installed as a community package.
 *
 * Workflow: WhatsApp Cloud Trigger (Events = Message) → No Operation. A campaign of N accepted messages is
 * seeded in the store n8n uses; the load is Meta-shaped, signed status webhooks (sent → delivered → read,
 * one status per request, as Meta sends them), open loop at each rate for a bounded time, plus one
 * inbound text message a second that must start an execution.
 *
 * Configurations (--configs, default direct,listener,receiver,crash):
 *  - direct:        Meta → n8n trigger (no store credential: the default SQLite file).
 *  - listener:      Meta → the WhatsApp Cloud Listener Trigger's own port inside the same n8n (default settings,
 *                   no other process); only message events start executions.
 *  - direct-store:  the same with a WhatsApp Store credential on the trigger.
 *  - direct-nocache: `direct` with the trigger's credential cache off (WHATSAPP_CLOUD_CREDENTIAL_CACHE=0), the
 *                   package's per-request share before issue 19.
 *  - receiver:      Meta → n8n-nodes-whatsapp-cloud-receiver (dist/receiver/cli.js, same SQLite file) → only
 *                   message events reach the n8n trigger (signed batches).
 *  - listener-crash: listener path at --crash-rate; n8n itself is killed with SIGKILL mid-load and started again
 *                   (same checks as crash).
 *  - crash:         receiver path at --crash-rate; the receiver is killed with SIGKILL mid-load and restarted:
 *                   every webhook answered 200 must be in the ledger, every message answered 200 must reach n8n
 *                   exactly once (counted in the executions' items).
 *
 * Per level it prints the 200-rate, the share answered 200 within 2 s, p50/p95/p99 (from the scheduled send
 * time: open loop, no coordinated omission), the CPU ms per request of the n8n process tree (and of the
 * receiver) from /proc/<pid>/stat, the ledger check and the executions started; then one JSON line per
 * configuration: {"bench":"trigger-n8n","config":…,"levels":[…],"sustainedPerS":…}.
 * A level is "sustained" when ≥ 99 % of its requests were answered 200 within 2 s and the ledger has every
 * acknowledged status. Escalation stops after two unsustained levels.
 *
 * Flags: --seconds N (per level, default 10), --levels a,b,c (direct), --listener-levels a,b,c, --receiver-levels a,b,c,
 *        --crash-rate N (default 1000), --n8n-dir DIR. WA_N8N_KEEP=1 keeps the temp folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { findN8nDir, findRoot, freePort, n8nVersion, prepare, sleep, startN8n, stopProcess, waitFor, waitForHandshake } from './lib/n8n.ts';
import type { N8n } from './lib/n8n.ts';

const root = findRoot();
const requireDist = createRequire(path.join(root, 'package.json'));

const argv = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
	const i = argv.indexOf(`--${name}`);
	return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
};
const SECONDS = Number(flag('seconds', '10'));
const LEVELS = flag('levels', '25,50,100,200,240,300').split(',').map(Number);
const RECEIVER_LEVELS = flag('receiver-levels', '600,1200,2400,3000').split(',').map(Number);
const LISTENER_LEVELS = flag('listener-levels', '240,600,1200,2400').split(',').map(Number);
const CRASH_RATE = Number(flag('crash-rate', '1000'));
const CONFIGS = flag('configs', 'direct,listener,receiver,crash').split(',');

const APP_SECRET = 'capacity-app-secret';
const VERIFY_TOKEN = 'capacity-verify-token';
const RECEIVER_SECRET = randomBytes(16).toString('hex');
const PNID = '106540352242922';
const WEBHOOK_ID = '7c1e0b6a-91f2-4c3d-8e5f-19a2b3c4d019';
const WORKFLOW_ID = 'waCapacity000019';
const TICK = Number(fs.existsSync('/proc/self') ? 100 : 100); // USER_HZ on Linux

const sign = (body: string, secret = APP_SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const envelope = (value: Record<string, unknown>) =>
	JSON.stringify({
		object: 'whatsapp_business_account',
		entry: [{ id: '419561257915477', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: PNID }, ...value } }] }],
	});
const STATUSES = ['sent', 'delivered', 'read'] as const;
const RANK: Record<string, number> = { accepted: 0, sent: 0, delivered: 1, read: 2, replied: 3 };

// ---- CPU of a process tree (/proc) ------------------------------------------------------------------

function procStat(pid: number): { ppid: number; ticks: number } | undefined {
	try {
		const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
		return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
	} catch {
		return undefined;
	}
}

/** CPU ms used so far by `pid` and its live descendants (n8n's task runner is a child process). */
function treeCpuMs(pid: number): number {
	const all = new Map<number, { ppid: number; ticks: number }>();
	for (const name of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		const st = procStat(Number(name));
		if (st) all.set(Number(name), st);
	}
	let total = 0;
	const stack = [pid];
	while (stack.length) {
		const p = stack.pop()!;
		const st = all.get(p);
		if (!st) continue;
		total += st.ticks;
		for (const [child, c] of all) if (c.ppid === p) stack.push(child);
	}
	return (total * 1000) / TICK;
}

// ---- the store (dist/, the same SQLite file n8n uses) --------------------------------------------------

interface StoreLike {
	createCampaign(c: object, now?: number): Promise<unknown>;
	addRecipients(id: string, r: object[], now?: number): Promise<unknown>;
	claimRecipients(o: object): Promise<unknown[]>;
	updateRecipient(c: string, w: string, u: object): Promise<boolean>;
	close(): Promise<void>;
}

async function seedCampaign(storePath: string, campaignId: string, n: number): Promise<string[]> {
	const { openStore } = requireDist('./dist/core/store/index.js') as { openStore(o: object): Promise<StoreLike> };
	const store = await openStore({ backend: 'sqlite', path: storePath });
	const now = Date.now();
	await store.createCampaign({ id: campaignId, phoneNumberId: PNID, category: 'MARKETING' }, now);
	const waIds = Array.from({ length: n }, (_, i) => `1${String(campaignId.length)}${String(7_000_000_000 + i)}`.slice(0, 12));
	const ids: string[] = [];
	for (let i = 0; i < n; i += 1000) {
		const part = waIds.slice(i, i + 1000);
		await store.addRecipients(campaignId, part.map((waId) => ({ waId })), now);
		await store.claimRecipients({ campaignId, workerId: 'seed', limit: part.length, now, leaseMs: 3600_000 });
		for (const waId of part) {
			const messageId = `wamid.${campaignId}.${waId}`;
			await store.updateRecipient(campaignId, waId, { state: 'accepted', messageId, expectClaimedBy: 'seed', now });
			ids.push(messageId);
		}
	}
	await store.close();
	return ids;
}

function outboxPending(storePath: string): number {
	const { DatabaseSync } = process.getBuiltinModule('node:sqlite') as typeof import('node:sqlite');
	const db = new DatabaseSync(storePath, { readOnly: true });
	try {
		return Number(db.prepare(`SELECT COUNT(*) AS n FROM webhook_outbox WHERE delivered_at IS NULL`).get()?.n ?? 0);
	} finally {
		db.close();
	}
}

function ledgerStates(storePath: string, campaignId: string): Map<string, string> {
	const { DatabaseSync } = process.getBuiltinModule('node:sqlite') as typeof import('node:sqlite');
	const db = new DatabaseSync(storePath, { readOnly: true });
	try {
		return new Map(db.prepare(`SELECT message_id, state FROM recipients WHERE campaign_id = ?`).all(campaignId).map((r) => [String(r.message_id), String(r.state)]));
	} finally {
		db.close();
	}
}

// ---- open-loop load ------------------------------------------------------------------------------------

interface Sent {
	kind: 'status' | 'message';
	id: string;
	status?: string;
	code: number;
	latencyMs: number;
}

interface Request {
	kind: 'status' | 'message';
	id: string;
	status?: string;
	body: string;
}

/** Sends `make(i)` at `rate` per second for `seconds` (request i at t0 + i / rate), waits for every answer (10 s timeout). */
async function openLoop(url: string, rate: number, seconds: number, make: (i: number) => Request, onProgress?: (elapsedMs: number) => void): Promise<Sent[]> {
	const total = Math.round(rate * seconds);
	const out: Sent[] = [];
	const pending: Promise<void>[] = [];
	const t0 = performance.now() + 50;
	let i = 0;
	while (i < total) {
		const now = performance.now();
		while (i < total && t0 + (i * 1000) / rate <= now) {
			const scheduled = t0 + (i * 1000) / rate;
			const r = make(i++);
			pending.push(
				fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(r.body) }, body: r.body, signal: AbortSignal.timeout(10_000) })
					.then(async (res) => {
						await res.arrayBuffer().catch(() => undefined);
						out.push({ kind: r.kind, id: r.id, status: r.status, code: res.status, latencyMs: performance.now() - scheduled });
					})
					.catch(() => {
						out.push({ kind: r.kind, id: r.id, status: r.status, code: 0, latencyMs: performance.now() - scheduled });
					}),
			);
		}
		onProgress?.(now - t0);
		await sleep(Math.max(1, Math.min(5, t0 + (i * 1000) / rate - performance.now())));
	}
	await Promise.all(pending);
	return out;
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);

// ---- n8n -----------------------------------------------------------------------------------------------

/** The trigger node's name in both workflows (executionItems reads its output). */
const TRIGGER = 'WhatsApp Cloud Trigger';

function workflowJson(typePrefix: string, withStore: boolean, listenerPort?: number): object {
	return {
		id: WORKFLOW_ID,
		name: `capacity: ${listenerPort ? 'WhatsApp Cloud Listener Trigger' : 'WhatsApp Cloud Trigger'} (messages) → NoOp`,
		nodes: [
			{
				id: '0f0e0d0c-0b0a-4909-8807-060504030219',
				name: TRIGGER,
				type: listenerPort ? `${typePrefix}.whatsAppCloudListenerTrigger` : `${typePrefix}.whatsAppCloudTrigger`,
				typeVersion: 1,
				position: [0, 0],
				...(listenerPort ? {} : { webhookId: WEBHOOK_ID }),
				parameters: listenerPort ? { events: ['message'], port: listenerPort, host: '127.0.0.1' } : { events: ['message'] },
				credentials: {
					whatsAppCloudWebhookApi: { id: 'waCapacityHook01', name: 'Capacity webhook' },
					...(withStore ? { whatsAppCloudStoreApi: { id: 'waCapacityStore1', name: 'Capacity store' } } : {}),
				},
			},
			{ id: '1f0e0d0c-0b0a-4909-8807-060504030219', name: 'NoOp', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [220, 0], parameters: {} },
		],
		connections: { [TRIGGER]: { main: [[{ node: 'NoOp', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

async function startStack(n8nDir: string, opts: { withStore: boolean; env?: NodeJS.ProcessEnv; listenerPort?: number }): Promise<{ n8n: N8n; storePath: string }> {
	const p = await prepare({ n8nDir, load: 'package', root, env: opts.env ?? {}, log: () => undefined });
	const storePath = String(p.env.WHATSAPP_CLOUD_STORE_PATH);
	const creds = [
		{ id: 'waCapacityHook01', name: 'Capacity webhook', type: 'whatsAppCloudWebhookApi', data: { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, receiverSecret: RECEIVER_SECRET } },
		{ id: 'waCapacityStore1', name: 'Capacity store', type: 'whatsAppCloudStoreApi', data: { backend: 'sqlite', path: storePath } },
	];
	fs.writeFileSync(path.join(p.tmp, 'creds.json'), JSON.stringify(creds));
	fs.writeFileSync(path.join(p.tmp, 'wf.json'), JSON.stringify(workflowJson(p.typePrefix, opts.withStore, opts.listenerPort)));
	p.importCredentials(path.join(p.tmp, 'creds.json'));
	p.importWorkflow(path.join(p.tmp, 'wf.json'));
	p.publish(WORKFLOW_ID);
	const n8n = await startN8n({ n8nDir, load: 'package', prepared: p, log: (m) => console.log(`[n8n] ${m}`) });
	if (opts.listenerPort) {
		await waitForHandshake('listener trigger port', `http://127.0.0.1:${opts.listenerPort}/`, VERIFY_TOKEN, n8n.process);
		return { n8n, storePath };
	}
	// Warm up: the first request registers the webhook and loads the node.
	const warm = envelope({ statuses: [{ id: 'wamid.warmup', status: 'sent', timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: '15550000000' }] });
	const res = await n8n.webhook(`${WEBHOOK_ID}/webhook`, { body: warm, headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(warm) }, retryMs: 60_000 });
	if (res.status !== 200) throw new Error(`warm-up webhook answered ${res.status}: ${await res.text()}`);
	return { n8n, storePath };
}

async function executionItems(n8n: N8n): Promise<{ executions: number; items: string[] }> {
	const items: string[] = [];
	let executions = 0;
	// n8n 2.41 pages executions by cursor (`nextCursor`; the older lastId is refused with 400).
	let cursor: string | null | undefined;
	for (;;) {
		const q = `executions?filter=${encodeURIComponent(JSON.stringify({ workflowId: WORKFLOW_ID }))}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
		const page = await n8n.rest<{ results?: Array<{ id: string; status: string }>; nextCursor?: string | null }>('GET', q);
		const results = page?.results ?? [];
		if (!results.length) break;
		for (const e of results) {
			executions++;
			const r = await n8n.waitForExecution(e.id, 60_000);
			for (const item of (r.outputs[TRIGGER]?.[0] ?? []) as Array<{ eventId?: string }>) if (item.eventId) items.push(item.eventId);
		}
		cursor = page?.nextCursor;
		if (!cursor) break;
	}
	return { executions, items };
}

// ---- receiver process --------------------------------------------------------------------------------

async function startReceiver(storePath: string, n8nUrl: string, port: number): Promise<ChildProcess> {
	const child = spawn(process.execPath, [path.join(root, 'dist/receiver/cli.js'), '--port', String(port), '--host', '127.0.0.1', '--store', `sqlite:${storePath}`, '--forward', `${n8nUrl}/webhook/${WEBHOOK_ID}/webhook`, '--events', 'message'], {
		env: { ...process.env, WHATSAPP_APP_SECRET: APP_SECRET, WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN, WHATSAPP_RECEIVER_SECRET: RECEIVER_SECRET },
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	let ready = false;
	child.stdout!.on('data', (d: Buffer) => {
		if (/receiver listening/.test(d.toString())) ready = true;
	});
	await waitFor('receiver', 30_000, child, async () => ready);
	return child;
}

// ---- one configuration -------------------------------------------------------------------------------

interface LevelResult {
	rate: number;
	requests: number;
	ok200: number;
	within2s: number;
	p50: number;
	p95: number;
	p99: number;
	n8nCpuMsPerRequest: number;
	receiverCpuMsPerRequest?: number;
	ledgerMissing: number;
	messages200: number;
	executionsStarted?: number;
	sustained: boolean;
}

function summarize(rate: number, sent: Sent[], n8nCpu: number, ledgerMissing: number, receiverCpu?: number): LevelResult {
	const lat = sent.filter((s) => s.code === 200).map((s) => s.latencyMs).sort((a, b) => a - b);
	const all = sent.map((s) => (s.code === 200 ? s.latencyMs : Infinity)).sort((a, b) => a - b);
	const ok = lat.length;
	const within2s = sent.filter((s) => s.code === 200 && s.latencyMs <= 2000).length;
	const r = (x: number) => Math.round(x * 10) / 10;
	return {
		rate,
		requests: sent.length,
		ok200: ok,
		within2s,
		p50: r(pct(all, 50)),
		p95: r(pct(all, 95)),
		p99: r(pct(all, 99)),
		n8nCpuMsPerRequest: r(n8nCpu / sent.length),
		...(receiverCpu !== undefined ? { receiverCpuMsPerRequest: r(receiverCpu / sent.length) } : {}),
		ledgerMissing,
		messages200: sent.filter((s) => s.kind === 'message' && s.code === 200).length,
		sustained: within2s >= 0.99 * sent.length && ledgerMissing === 0,
	};
}

function printLevel(config: string, l: LevelResult): void {
	console.log(
		`[capacity] ${config} ${String(l.rate).padStart(5)}/s: 200 ${((100 * l.ok200) / l.requests).toFixed(1)}%, ≤2 s ${((100 * l.within2s) / l.requests).toFixed(1)}%, ` +
			`p50 ${l.p50} ms p95 ${l.p95} ms p99 ${l.p99} ms, n8n CPU ${l.n8nCpuMsPerRequest} ms/req` +
			(l.receiverCpuMsPerRequest !== undefined ? `, receiver CPU ${l.receiverCpuMsPerRequest} ms/req` : '') +
			`, ledger missing ${l.ledgerMissing}, messages 200 ${l.messages200}${l.executionsStarted !== undefined ? `, executions +${l.executionsStarted}` : ''} → ${l.sustained ? 'sustained' : 'NOT sustained'}`,
	);
}

/**
 * The requests of one level: statuses (sent, delivered, read per message, spread out) + one text message a second,
 * or one in `messageEvery` requests.
 */
function makeLevel(messageIds: string[], offset: number, rate: number, tag: string, messageEvery = Math.max(2, rate)): { make: (i: number) => Request; used: number } {
	const every = messageEvery;
	let statusNo = 0;
	const make = (i: number): Request => {
		if (i % every === every - 1) {
			const id = `wamid.in.${tag}.${i}`;
			const from = `1555${String(1_000_000 + i).slice(-7)}`;
			return { kind: 'message', id, body: envelope({ contacts: [{ wa_id: from, profile: { name: 'Load' } }], messages: [{ id, from, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: 'hello' } }] }) };
		}
		// Statuses advance a message through sent → delivered → read, 3 messages apart (Meta's order, mostly).
		const n = statusNo++;
		const msg = messageIds[offset + Math.floor(n / 3)];
		const status = STATUSES[n % 3];
		return { kind: 'status', id: msg, status, body: envelope({ statuses: [{ id: msg, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: '15550000000' }] }) };
	};
	return { make, used: Math.ceil((rate * SECONDS) / 3) + 1 };
}

function ledgerMissingFor(storePath: string, campaignId: string, sent: Sent[]): number {
	const states = ledgerStates(storePath, campaignId);
	let missing = 0;
	for (const s of sent) {
		if (s.kind !== 'status' || s.code !== 200 || s.status === 'sent') continue;
		if ((RANK[states.get(s.id) ?? 'accepted'] ?? -1) < RANK[s.status!]) missing++;
	}
	return missing;
}

async function runDirect(n8nDir: string, config: string): Promise<object> {
	const withStore = config === 'direct-store';
	const env = config === 'direct-nocache' ? { WHATSAPP_CLOUD_CREDENTIAL_CACHE: '0' } : {};
	const { n8n, storePath } = await startStack(n8nDir, { withStore, env });
	const pid = n8n.process.pid!;
	const campaignId = `cap-${config}`;
	const need = LEVELS.reduce((a, r) => a + Math.ceil((r * SECONDS) / 3) + 1, 0);
	const messageIds = await seedCampaign(storePath, campaignId, need);
	const levels: LevelResult[] = [];
	let offset = 0;
	let failures = 0;
	try {
		for (const rate of LEVELS) {
			const before = (await executionItems(n8n)).executions;
			const { make, used } = makeLevel(messageIds, offset, rate, `${config}${rate}`);
			offset += used;
			const cpu0 = treeCpuMs(pid);
			const sent = await openLoop(`${n8n.url}/webhook/${WEBHOOK_ID}/webhook`, rate, SECONDS, make);
			const cpu = treeCpuMs(pid) - cpu0;
			await sleep(2000);
			const l = summarize(rate, sent, cpu, ledgerMissingFor(storePath, campaignId, sent));
			l.executionsStarted = (await executionItems(n8n)).executions - before;
			printLevel(config, l);
			levels.push(l);
			if (!l.sustained && ++failures >= 2) break;
			await sleep(3000);
		}
	} finally {
		await n8n.stop();
		n8n.prepared.cleanup();
	}
	return report(config, levels);
}

function report(config: string, levels: LevelResult[]): object {
	const sustained = levels.filter((l) => l.sustained).map((l) => l.rate);
	const out = { bench: 'trigger-n8n', config, n8n: n8nVersionText, engine: 'vm (default)', seconds: SECONDS, sustainedPerS: sustained.length ? Math.max(...sustained) : 0, levels };
	console.log(JSON.stringify(out));
	return out;
}

/**
 * `receiver`: Meta → the receiver process → n8n (signed batches of message events).
 * `listener`: Meta → the WhatsApp Cloud Listener Trigger's own port inside n8n (no other process).
 */
async function runForwarded(n8nDir: string, config: 'receiver' | 'listener'): Promise<object> {
	const port = await freePort();
	const listener = config === 'listener';
	const { n8n, storePath } = await startStack(n8nDir, { withStore: false, listenerPort: listener ? port : undefined });
	const pid = n8n.process.pid!;
	const campaignId = `cap-${config}`;
	const rates = listener ? LISTENER_LEVELS : RECEIVER_LEVELS;
	const need = rates.reduce((a, r) => a + Math.ceil((r * SECONDS) / 3) + 1, 0);
	const messageIds = await seedCampaign(storePath, campaignId, need);
	const receiver = listener ? undefined : await startReceiver(storePath, n8n.url, port);
	const levels: LevelResult[] = [];
	let offset = 0;
	let failures = 0;
	try {
		for (const rate of rates) {
			const before = await executionItems(n8n);
			const { make, used } = makeLevel(messageIds, offset, rate, `${config}${rate}`);
			offset += used;
			const cpu0 = treeCpuMs(pid);
			const rcpu0 = receiver ? treeCpuMs(receiver.pid!) : 0;
			const sent = await openLoop(`http://127.0.0.1:${port}/`, rate, SECONDS, make);
			const cpu = treeCpuMs(pid) - cpu0;
			const rcpu = receiver ? treeCpuMs(receiver.pid!) - rcpu0 : undefined;
			await sleep(3000);
			const l = summarize(rate, sent, cpu, ledgerMissingFor(storePath, campaignId, sent), rcpu);
			const after = await executionItems(n8n);
			l.executionsStarted = after.executions - before.executions;
			// Every message answered 200 reaches n8n once; no status does.
			const items = after.items.slice(0, after.items.length - before.items.length);
			const wanted = new Set(sent.filter((s) => s.kind === 'message' && s.code === 200).map((s) => s.id));
			const got = after.items.filter((id) => wanted.has(id));
			console.log(`[capacity] ${config} ${rate}/s: messages answered 200 ${wanted.size}, in n8n ${new Set(got).size} (items ${got.length}), status items in n8n ${after.items.filter((id) => id.includes(':')).length}`);
			if (new Set(got).size !== wanted.size || got.length !== wanted.size) l.sustained = false;
			void items;
			printLevel(config, l);
			levels.push(l);
			if (!l.sustained && ++failures >= 2) break;
			await sleep(2000);
		}
	} finally {
		if (receiver) await stopProcess(receiver);
		await n8n.stop();
		n8n.prepared.cleanup();
	}
	return report(config, levels);
}

/**
 * `crash`: the receiver is killed with SIGKILL mid-load and restarted a second later.
 * `listener-crash`: n8n itself (with the Listener Trigger inside) is killed with SIGKILL mid-load and started again
 * (its start takes seconds: Meta retries what was refused meanwhile).
 */
async function runCrash(n8nDir: string, config: 'crash' | 'listener-crash'): Promise<object> {
	const port = await freePort();
	const listener = config === 'listener-crash';
	const stack = await startStack(n8nDir, { withStore: false, listenerPort: listener ? port : undefined });
	const storePath = stack.storePath;
	let n8n = stack.n8n;
	const campaignId = `cap-${config}`;
	const messageIds = await seedCampaign(storePath, campaignId, Math.ceil((CRASH_RATE * SECONDS) / 3) + 10);
	let receiver = listener ? undefined : await startReceiver(storePath, n8n.url, port);
	let killed = false;
	let restarted: Promise<void> | undefined;
	const rate = CRASH_RATE;
	// More messages than usual (one in 20 requests), so some are in flight when the receiver dies.
	const { make } = makeLevel(messageIds, 0, rate, 'crash', 20);
	let sent: Sent[] = [];
	try {
		sent = await openLoop(`http://127.0.0.1:${port}/`, rate, SECONDS, make, (elapsed) => {
			if (!killed && elapsed > (SECONDS * 1000) / 3) {
				killed = true;
				if (receiver) {
					console.log(`[capacity] crash: kill -9 the receiver (pid ${receiver.pid}) at ${Math.round(elapsed)} ms`);
					process.kill(receiver.pid!, 'SIGKILL');
				} else {
					console.log(`[capacity] crash: kill -9 n8n with the Listener Trigger inside (process group ${n8n.process.pid}) at ${Math.round(elapsed)} ms`);
					process.kill(-n8n.process.pid!, 'SIGKILL');
				}
				restarted = (async () => {
					await sleep(1000);
					if (receiver) {
						receiver = await startReceiver(storePath, n8n.url, port);
						console.log(`[capacity] crash: receiver restarted (pid ${receiver.pid})`);
						return;
					}
					n8n = await startN8n({ n8nDir, load: 'package', prepared: n8n.prepared, log: (m) => console.log(`[n8n] ${m}`) });
					await waitForHandshake('listener trigger port', `http://127.0.0.1:${port}/`, VERIFY_TOKEN, n8n.process);
					console.log(`[capacity] crash: n8n restarted (pid ${n8n.process.pid}), the Listener Trigger listens again`);
				})();
			}
		});
		await restarted;
		// Let the outbox drain into n8n: the batch the killed receiver (or n8n) had leased is sent again when its
		// lease (30 s) expires, by the restarted one.
		const drainStart = Date.now();
		while (outboxPending(storePath) > 0 && Date.now() - drainStart < 120_000) await sleep(1000);
		const drainedMs = Date.now() - drainStart;
		await sleep(3000);
		const missing = ledgerMissingFor(storePath, campaignId, sent);
		const { items, executions } = await executionItems(n8n);
		const wanted = new Set(sent.filter((s) => s.kind === 'message' && s.code === 200).map((s) => s.id));
		const counts = new Map<string, number>();
		for (const id of items) counts.set(id, (counts.get(id) ?? 0) + 1);
		const lost = [...wanted].filter((id) => !counts.has(id)).length;
		const duplicated = [...counts.values()].filter((c) => c > 1).length;
		const ok = sent.filter((s) => s.code === 200).length;
		const refused = sent.length - ok;
		const out = {
			bench: 'trigger-n8n',
			config,
			rate,
			seconds: SECONDS,
			requests: sent.length,
			answered200: ok,
			notAnswered: refused,
			ledgerMissing: missing,
			messagesAnswered200: wanted.size,
			messagesInN8n: [...wanted].filter((id) => counts.has(id)).length,
			lost,
			duplicated,
			executions,
			outboxDrainedAfterMs: drainedMs,
			pass: missing === 0 && lost === 0 && duplicated === 0,
		};
		console.log(
			`[capacity] ${config}: ${ok}/${sent.length} answered 200 (${refused} refused or cut while ${listener ? 'n8n' : 'the receiver'} was down — Meta retries those), ledger missing ${missing}, messages answered 200 ${wanted.size}, in n8n ${out.messagesInN8n}, lost ${lost}, duplicated ${duplicated}, outbox drained ${Math.round(drainedMs / 1000)} s after the load → ${out.pass ? 'PASS' : 'FAIL'}`,
		);
		console.log(JSON.stringify(out));
		return out;
	} finally {
		if (receiver) await stopProcess(receiver).catch(() => undefined);
		await n8n.stop();
		n8n.prepared.cleanup();
	}
}

let n8nVersionText = '';

async function main(): Promise<void> {
	const n8nDir = flag('n8n-dir', '') || (await findN8nDir(root));
	n8nVersionText = n8nVersion(n8nDir);
	console.log(`[capacity] n8n ${n8nVersionText}, default settings (expression engine vm), ${SECONDS} s per level, configs ${CONFIGS.join(', ')}`);
	const results: object[] = [];
	let failed = false;
	for (const config of CONFIGS) {
		if (config.startsWith('direct')) results.push(await runDirect(n8nDir, config));
		else if (config === 'receiver' || config === 'listener') {
			const r = (await runForwarded(n8nDir, config)) as { sustainedPerS: number };
			// Issue 19's targets: 2,400/s through the receiver, 240/s (an 80 mps campaign) through one n8n.
			if (r.sustainedPerS < (config === 'receiver' ? 2400 : 240)) failed = true;
			results.push(r);
		} else if (config === 'crash' || config === 'listener-crash') {
			const r = (await runCrash(n8nDir, config)) as { pass: boolean };
			if (!r.pass) failed = true;
			results.push(r);
		} else throw new Error(`unknown config ${config} (direct, direct-store, direct-nocache, listener, listener-crash, receiver, crash)`);
	}
	process.exitCode = failed ? 1 : 0;
}

main().catch((error) => {
	console.error(`[capacity] ${(error as Error).stack ?? error}`);
	process.exit(1);
});
