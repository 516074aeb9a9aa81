/**
 * Queue-mode end-to-end test (npm run test:queue → test/queue/run.sh → this script, Node 24, type stripping).
 *
 * A real n8n 2.x in queue mode: one main process (`n8n start`) and two `n8n worker` processes sharing
 * Redis (the Bull queue) and Postgres (n8n's own database), with this package loaded as an installed
 * community package. The WhatsApp Store credential points at a second Postgres database, the Cloud API
 * credential at the project's simulator, which enforces a throughput cap over a sliding 1 s window.
 *
 *  1. Fresh databases: `wa_queue_n8n` (n8n) and `wa_queue_store` (the package's store).
 *  2. Simulator: cap `WA_QUEUE_MPS` (200) per number, latency `WA_QUEUE_LATENCY_MS` (50) + jitter (20),
 *     messaging limit above the audience (100,000), no delivered/read statuses (not needed here).
 *  3. Seeds `WA_QUEUE_RECIPIENTS` (20,000) contacts tagged `queue-e2e` straight into the Postgres store
 *     (dist/core/store), imports the credentials and test/queue/workflows/campaign-20k.json, publishes it.
 *  4. Starts the main process and two workers (worker concurrency 1, so two executions land on two workers).
 *  5. POSTs the production webhook twice at once with the same campaign ID: two executions of one
 *     campaign, one per worker, claiming recipients from the same ledger and sharing one token bucket.
 *  6. Asserts: simulator accepted == recipients, every recipient exactly once, zero duplicate sends,
 *     max accepted in any 1 s window ≤ cap (the simulator's counter and our own from /_sim/messages),
 *     zero 130429; the store: every recipient in exactly one final state, its message id equal to the
 *     simulator's, the rolling-24 h budget charged once per recipient (= recipients); n8n: two successful
 *     executions, run by two different workers (worker logs), each of which sent.
 *  7. Always stops every process (process groups), drops the databases and the run's Redis keys.
 *
 * Environment: WA_QUEUE_RECIPIENTS, WA_QUEUE_MPS, WA_QUEUE_LATENCY_MS, WA_QUEUE_JITTER_MS,
 * WA_QUEUE_WORKER_CONCURRENCY (default 1), WA_QUEUE_MIN_FRACTION (assert achieved ≥ this × cap; default 0 =
 * report only), WA_PG_PORT (54329), WA_REDIS_PORT (63799),
 * WA_N8N_KEEP=1 keeps the temp folder (logs) and the databases.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { findN8nDir, findRoot, freePort, n8nVersion, onInterrupt, prepare, startN8n, startSimulator, substitute, tailLog } from '../n8n/lib/n8n.ts';
import type { N8n, Prepared, Simulator } from '../n8n/lib/n8n.ts';
import { maxInWindow } from '../helpers/rate.ts';

const started = Date.now();
const log = (message: string) => console.log(`[test:queue +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);

const root = findRoot(path.dirname(process.argv[1]));
const here = path.join(root, 'test', 'queue');
const req = createRequire(path.join(root, 'package.json'));
const keep = process.env.WA_N8N_KEEP === '1';

const num = (name: string, fallback: number): number => {
	const raw = process.env[name];
	if (raw === undefined || raw === '') return fallback;
	const value = Number(raw);
	if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0 (got ${raw})`);
	return value;
};
const RECIPIENTS = num('WA_QUEUE_RECIPIENTS', 20_000);
const CAP_MPS = num('WA_QUEUE_MPS', 200);
const LATENCY_MS = num('WA_QUEUE_LATENCY_MS', 50);
const JITTER_MS = num('WA_QUEUE_JITTER_MS', 20);
const WORKER_CONCURRENCY = num('WA_QUEUE_WORKER_CONCURRENCY', 1);
/** Optional throughput floor (fraction of the cap over the send span); 0 = report only. */
const MIN_FRACTION = num('WA_QUEUE_MIN_FRACTION', 0);
/** Above the audience: the budget is recorded (a finite limit) but never defers anyone. */
const MESSAGING_LIMIT = Math.max(100_000, RECIPIENTS * 2);
const PG = { host: '127.0.0.1', port: num('WA_PG_PORT', 54329), user: 'postgres' };
const REDIS = { host: '127.0.0.1', port: num('WA_REDIS_PORT', 63799) };
const N8N_DB = 'wa_queue_n8n';
const STORE_DB = 'wa_queue_store';
const TAG = 'queue-e2e';
const CAMPAIGN_ID = `queue-e2e-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`;
/** First recipient: +1 650 500 0000 (US numbers that pass libphonenumber's validation, like bench:campaign). */
const FIRST_PHONE = 16505000000;
const SIM_TOKEN = 'queue-e2e-token-123';
const SIM_APP_SECRET = 'queue-e2e-app-secret';
/** Bull keys of this run only (Redis is shared with other suites). */
const BULL_PREFIX = `wa-queue-${process.pid}`;

// ---- small helpers ------------------------------------------------------------------------------------

interface PgClient {
	connect(): Promise<void>;
	query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
	end(): Promise<void>;
}
const { Client } = req('pg') as { Client: new (config: Record<string, unknown>) => PgClient };

async function pgQuery(database: string, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
	const client = new Client({ ...PG, database });
	await client.connect();
	try {
		return (await client.query(sql, params)).rows;
	} finally {
		await client.end();
	}
}

async function recreateDatabase(name: string): Promise<void> {
	await pgQuery('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
	await pgQuery('postgres', `CREATE DATABASE ${name}`);
}

async function dropDatabase(name: string): Promise<void> {
	await pgQuery('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch((e: Error) => log(`could not drop ${name}: ${e.message}`));
}

function dropRedisKeys(): void {
	const cli = (args: string[]) => spawnSync('redis-cli', ['-h', REDIS.host, '-p', String(REDIS.port), ...args], { encoding: 'utf8' });
	const keys = cli(['--scan', '--pattern', `${BULL_PREFIX}:*`]).stdout.split('\n').filter(Boolean);
	for (let i = 0; i < keys.length; i += 500) cli(['del', ...keys.slice(i, i + 500)]);
}

/** `@@KEY@@` in strings; `"@@#KEY@@"` (quotes included) becomes a raw JSON number. */
function fill(file: string, values: Record<string, string>): string {
	const text = fs.readFileSync(file, 'utf8').replace(/"@@#([A-Z0-9_]+)@@"/g, (whole, key: string) => (key in values ? values[key] : whole));
	const out = substitute(text, values);
	const left = /@@#?[A-Z0-9_]+@@/.exec(out);
	if (left) throw new Error(`${path.relative(root, file)}: no value for ${left[0]}`);
	return out;
}

/** A POST that waits as long as the execution runs (fetch would give up after undici's 300 s header timeout). */
function postJson(url: string, body: unknown, timeoutMs: number): Promise<{ status: number; text: string; ms: number }> {
	const t0 = Date.now();
	return new Promise((resolve, reject) => {
		const data = JSON.stringify(body);
		const request = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } }, (res) => {
			let text = '';
			res.setEncoding('utf8');
			res.on('data', (chunk: string) => (text += chunk));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, text, ms: Date.now() - t0 }));
			res.on('error', reject);
		});
		request.setTimeout(timeoutMs, () => request.destroy(new Error(`no answer after ${timeoutMs / 1000} s`)));
		request.on('error', reject);
		request.end(data);
	});
}

// ---- the checks ---------------------------------------------------------------------------------------

const failures: string[] = [];
function check(ok: boolean, what: string, detail = ''): void {
	log(`${ok ? 'PASS' : 'FAIL'} ${what}${detail ? ` — ${detail}` : ''}`);
	if (!ok) failures.push(`${what}${detail ? ` (${detail})` : ''}`);
}

interface SimStats {
	accepted: { total: number; byPhone: Record<string, number> };
	maxAcceptedPerSecond: Record<string, number>;
	duplicateSends: { total: number; byKey: Record<string, number> };
	errors: Record<string, number>;
	asyncFailures: Record<string, number>;
	messagingLimit: { limit: string | number; uniqueRecipients24h: number };
	requests: { total: number; graph: number };
}
interface SimMessage {
	id: string;
	to: string;
	phone_number_id: string;
	biz_opaque_callback_data?: string;
	acceptedAt: number;
}
interface Summary {
	campaignId?: string;
	campaignState?: string;
	executionId?: string;
	thisRun?: { accepted: number; failed: number; retried: number; deferred: number; unknown: number; throttleErrors: number };
	byState?: Record<string, number>;
	total?: number;
	achievedMps?: number;
	elapsedSeconds?: number;
	added?: { inserted: number; duplicates: number };
	error?: string;
	message?: string;
}

/** `Worker started execution <id>` lines of one worker log → execution ids. */
function executionsIn(logFile: string): string[] {
	if (!fs.existsSync(logFile)) return [];
	return [...fs.readFileSync(logFile, 'utf8').matchAll(/Worker started execution (\d+)/g)].map((m) => m[1]);
}

/** The last progress line the campaign node logged in one worker (`WhatsApp campaign …: N accepted …`). */
function lastProgress(logFile: string): string | undefined {
	if (!fs.existsSync(logFile)) return undefined;
	const lines = fs.readFileSync(logFile, 'utf8').split('\n').filter((l) => /WhatsApp campaign .*accepted/.test(l));
	return lines.pop()?.replace(/^.*?(WhatsApp campaign)/, '$1');
}

// ---- main ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
	const n8nDirArg = process.argv.indexOf('--n8n-dir');
	const n8nDir = n8nDirArg >= 0 ? process.argv[n8nDirArg + 1] : await findN8nDir(root);
	log(`n8n ${n8nVersion(n8nDir)} on Node ${process.version}; ${RECIPIENTS} recipients, cap ${CAP_MPS} mps, latency ${LATENCY_MS} ms + ≤${JITTER_MS} ms jitter, worker concurrency ${WORKER_CONCURRENCY}`);
	const storeModule = req(path.join(root, 'dist', 'core', 'store', 'index.js')) as {
		openStore(options: Record<string, unknown>): Promise<{
			upsertContacts(inputs: { waId: string; tags: string[]; name?: string }[], options?: { now?: number }): Promise<unknown[]>;
			campaignReport(id: string): Promise<{ total: number; byState: Record<string, number>; byErrorCode: Record<string, number> }>;
			getCampaign(id: string): Promise<{ state: string; reason?: string } | undefined>;
			budgetUsed(portfolioId: string, now: number): Promise<number>;
			close(): Promise<void>;
		}>;
	};

	// Interrupted (SIGINT/SIGTERM): the launcher kills every child; this run's Bull keys go too (the databases
	// are recreated by the next run).
	onInterrupt(dropRedisKeys);

	// 1. databases
	log(`fresh Postgres databases ${N8N_DB} (n8n) and ${STORE_DB} (the package's store) on ${PG.host}:${PG.port}`);
	await recreateDatabase(N8N_DB);
	await recreateDatabase(STORE_DB);

	let sim: Simulator | undefined;
	let prepared: Prepared | undefined;
	let n8n: N8n | undefined;
	const workerLogs: string[] = [];
	try {
		// 2. simulator
		sim = await startSimulator({
			root,
			token: SIM_TOKEN,
			appSecret: SIM_APP_SECRET,
			mps: CAP_MPS,
			tier: MESSAGING_LIMIT,
			latencyMs: LATENCY_MS,
			jitterMs: JITTER_MS,
			// Only `sent` statuses (recorded, no webhook URL): delivered/read would be noise here; no number is
			// "unreachable" (the default /0000$/ would fail +16505000000 and +16505010000 with 131026).
			config: { deliveredRate: 0, readRate: 0, unreachable: '^unreachable-none$' },
			log,
		});
		const info = await sim.control<{ templates: { id: string; name: string; language: string }[] }>('GET', 'info');
		const template = info.templates.find((t) => t.name === 'hello_world');
		if (!template) throw new Error('the simulator has no hello_world template');
		const phoneNumberId = sim.phoneNumberIds[0];
		log(`simulator on ${sim.url} (cap ${CAP_MPS} mps on ${phoneNumberId}, template hello_world = ${template.id})`);

		// 3. the store: contacts straight into Postgres through the package's own store code
		const seedStore = await storeModule.openStore({ backend: 'postgres', ...PG, database: STORE_DB, schema: 'public' });
		try {
			const t0 = Date.now();
			for (let i = 0; i < RECIPIENTS; i += 1000) {
				const batch = [];
				for (let j = i; j < Math.min(RECIPIENTS, i + 1000); j++) batch.push({ waId: String(FIRST_PHONE + j), tags: [TAG], name: `Contact ${j}` });
				await seedStore.upsertContacts(batch);
			}
			log(`seeded ${RECIPIENTS} contacts tagged "${TAG}" into ${STORE_DB} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
		} finally {
			await seedStore.close();
		}

		// n8n: queue mode, n8n's own database on Postgres, one Redis, one encryption key (prepare() makes it).
		const queueEnv: NodeJS.ProcessEnv = {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: REDIS.host,
			QUEUE_BULL_REDIS_PORT: String(REDIS.port),
			QUEUE_BULL_PREFIX: BULL_PREFIX,
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: PG.host,
			DB_POSTGRESDB_PORT: String(PG.port),
			DB_POSTGRESDB_DATABASE: N8N_DB,
			DB_POSTGRESDB_USER: PG.user,
			DB_POSTGRESDB_PASSWORD: '',
			// n8n 2.x always starts a task-runner broker (default port 5679): one free port per process.
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
			N8N_LOG_LEVEL: 'info',
		};
		prepared = await prepare({ n8nDir, load: 'package', root, env: queueEnv, label: 'main', log });
		const values: Record<string, string> = {
			PKG: prepared.typePrefix,
			SIMULATOR_URL: sim.url,
			SIMULATOR_TOKEN: SIM_TOKEN,
			SIMULATOR_WABA_ID: sim.wabaId,
			SIMULATOR_PHONE_NUMBER_ID: phoneNumberId,
			TEMPLATE_ID: template.id,
			TAG,
			CAP_MPS: String(CAP_MPS),
			MESSAGING_LIMIT: String(MESSAGING_LIMIT),
			PG_HOST: PG.host,
			PG_PORT: String(PG.port),
			PG_USER: PG.user,
			STORE_DB,
		};
		const credFile = path.join(prepared.tmp, 'credentials.json');
		fs.writeFileSync(credFile, fill(path.join(here, 'credentials.json'), values));
		const wfFile = path.join(prepared.tmp, 'campaign-20k.json');
		const workflow = JSON.parse(fill(path.join(here, 'workflows', 'campaign-20k.json'), values)) as { id: string; nodes: { type: string; parameters: { path?: string } }[] };
		fs.writeFileSync(wfFile, JSON.stringify({ ...workflow, active: false }));
		const webhookPath = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.webhook')?.parameters.path ?? '';
		log('importing the credentials (Cloud API → simulator, WhatsApp Store → Postgres) and the campaign workflow into n8n\'s Postgres database');
		prepared.importCredentials(credFile);
		prepared.importWorkflow(wfFile);
		prepared.publish(workflow.id);

		// 4. main + two workers
		n8n = await startN8n({ n8nDir, load: 'package', prepared, log });
		const main = n8n;
		const labels = ['worker-1', 'worker-2'];
		const ports = await Promise.all(labels.map(async () => ({ broker: await freePort(), health: await freePort() })));
		await Promise.all(
			labels.map((label, i) =>
				main.startWorker(label, {
					N8N_RUNNERS_BROKER_PORT: String(ports[i].broker),
					QUEUE_HEALTH_CHECK_PORT: String(ports[i].health),
					// One job at a time per worker, so the two executions land on two workers (n8n warns below 5).
					N8N_CONCURRENCY_PRODUCTION_LIMIT: String(WORKER_CONCURRENCY),
				}),
			),
		);
		for (const label of labels) workerLogs.push(path.join(prepared.tmp, `${label}.log`));

		// 5. two executions of one campaign at once
		const url = `${n8n.url}/webhook/${webhookPath}`;
		// The webhook may register a moment after /healthz. A GET (which runs nothing) tells: n8n answers
		// `The requested webhook "GET …" is not registered` until the workflow is active, then
		// `This webhook is not registered for GET requests. Did you mean to make a POST request?`.
		const readyBy = Date.now() + 60_000;
		for (;;) {
			const res = await fetch(url, { method: 'GET' });
			const text = await res.text();
			if (/Did you mean to make a POST/i.test(text) || res.status !== 404) break;
			if (Date.now() > readyBy) throw new Error(`the campaign webhook did not register within 60 s: HTTP ${res.status} ${text.slice(0, 200)}`);
			await new Promise((r) => setTimeout(r, 500));
		}
		const expectedSeconds = RECIPIENTS / CAP_MPS;
		log(`POST ${url} twice at once, campaign "${CAMPAIGN_ID}" (≥ ${expectedSeconds.toFixed(0)} s at the cap)`);
		const sendStarted = Date.now();
		const timeoutMs = Math.max(300_000, expectedSeconds * 4000);
		const answers = await Promise.all([0, 1].map(() => postJson(url, { campaignId: CAMPAIGN_ID }, timeoutMs)));
		const wallSeconds = (Date.now() - sendStarted) / 1000;
		const summaries: Summary[] = answers.map((a, i) => {
			try {
				return JSON.parse(a.text) as Summary;
			} catch {
				log(`answer ${i + 1}: HTTP ${a.status} ${a.text.slice(0, 500)}`);
				return {};
			}
		});
		answers.forEach((a, i) => log(`answer ${i + 1}: HTTP ${a.status} after ${(a.ms / 1000).toFixed(1)} s: ${JSON.stringify({ executionId: summaries[i].executionId, campaignState: summaries[i].campaignState, thisRun: summaries[i].thisRun, achievedMps: summaries[i].achievedMps, error: summaries[i].error ?? summaries[i].message })}`));

		// 6. the checks
		console.log('');
		log('---- checks ----');
		check(answers.every((a) => a.status === 200) && summaries.every((s) => s.thisRun !== undefined), 'both webhook calls answered 200 with a campaign summary', answers.map((a) => a.status).join(', '));

		// simulator
		const stats = await sim.control<SimStats>('GET', 'stats');
		const messages = (await sim.control<{ data: SimMessage[] }>('GET', `messages?phone_number_id=${phoneNumberId}&limit=${RECIPIENTS * 2 + 1000}`)).data;
		const expectedTo = new Set(Array.from({ length: RECIPIENTS }, (_, i) => String(FIRST_PHONE + i)));
		const byTo = new Map<string, number>();
		for (const m of messages) byTo.set(m.to, (byTo.get(m.to) ?? 0) + 1);
		const repeated = [...byTo.values()].filter((n) => n > 1).length;
		const strangers = [...byTo.keys()].filter((to) => !expectedTo.has(to)).length;
		const missing = [...expectedTo].filter((to) => !byTo.has(to)).length;
		const times = messages.map((m) => m.acceptedAt).sort((a, b) => a - b);
		const ownMax = maxInWindow(times);
		const simMax = stats.maxAcceptedPerSecond[phoneNumberId] ?? 0;
		const throttled = stats.errors['130429'] ?? 0;
		const sendSeconds = times.length > 1 ? (times[times.length - 1] - times[0]) / 1000 : 0;
		check(stats.accepted.total === RECIPIENTS, `simulator accepted == ${RECIPIENTS}`, `accepted ${stats.accepted.total}`);
		check(messages.length === RECIPIENTS && missing === 0 && repeated === 0 && strangers === 0, 'every recipient received exactly one message', `${messages.length} logged, ${byTo.size} distinct, ${missing} missing, ${repeated} more than once, ${strangers} unexpected`);
		check(stats.duplicateSends.total === 0, 'zero duplicate sends (simulator: same recipient + biz_opaque_callback_data)', `duplicates ${stats.duplicateSends.total}`);
		check(simMax <= CAP_MPS && ownMax <= CAP_MPS, `max accepted in any 1 s window ≤ cap ${CAP_MPS}`, `simulator ${simMax}, recomputed from /_sim/messages ${ownMax}`);
		check(throttled === 0, 'zero 130429 (the two workers together never went over the cap)', `130429 × ${throttled}; sync errors ${JSON.stringify(stats.errors)}`);

		// the store
		const store = await storeModule.openStore({ backend: 'postgres', ...PG, database: STORE_DB, schema: 'public' });
		let report: { total: number; byState: Record<string, number>; byErrorCode: Record<string, number> };
		let campaignState: string | undefined;
		let budgetUsed = 0;
		let ledgerRows: Record<string, unknown>[] = [];
		let budgetRows: Record<string, unknown>[] = [];
		try {
			report = await store.campaignReport(CAMPAIGN_ID);
			campaignState = (await store.getCampaign(CAMPAIGN_ID))?.state;
			budgetUsed = await store.budgetUsed(sim.wabaId, Date.now());
			ledgerRows = await pgQuery(STORE_DB, 'SELECT wa_id, state, message_id, attempts FROM recipients WHERE campaign_id = $1', [CAMPAIGN_ID]);
			budgetRows = await pgQuery(STORE_DB, 'SELECT portfolio_id, COUNT(*)::int AS n, COUNT(DISTINCT wa_id)::int AS d FROM budget GROUP BY portfolio_id');
		} finally {
			await store.close();
		}
		const finalStates = new Set(['accepted', 'delivered', 'read', 'replied', 'failed', 'skipped']);
		const notFinal = ledgerRows.filter((r) => !finalStates.has(String(r.state))).length;
		const ledgerIds = new Set(ledgerRows.map((r) => String(r.wa_id)));
		const simIdByTo = new Map(messages.map((m) => [m.to, m.id]));
		const idMismatch = ledgerRows.filter((r) => simIdByTo.get(String(r.wa_id)) !== r.message_id).length;
		const multiAttempt = ledgerRows.filter((r) => Number(r.attempts) !== 1).length;
		check(
			report.total === RECIPIENTS && ledgerRows.length === RECIPIENTS && ledgerIds.size === RECIPIENTS && notFinal === 0,
			'store: every recipient in exactly one final state',
			`ledger rows ${ledgerRows.length} (${ledgerIds.size} distinct), by state ${JSON.stringify(report.byState)}, not final ${notFinal}`,
		);
		check((report.byState.accepted ?? 0) + (report.byState.delivered ?? 0) + (report.byState.read ?? 0) === RECIPIENTS, `store: ${RECIPIENTS} accepted`, JSON.stringify(report.byState));
		check(idMismatch === 0 && multiAttempt === 0, 'store: each row holds the message id the simulator issued, after exactly one attempt', `${idMismatch} id mismatches, ${multiAttempt} rows with attempts ≠ 1`);
		const budget = budgetRows.find((r) => r.portfolio_id === sim?.wabaId);
		check(
			budgetUsed === RECIPIENTS && budget?.n === RECIPIENTS && budget?.d === RECIPIENTS && budgetRows.length === 1,
			`budget counted once: ${RECIPIENTS} unique recipients charged to portfolio ${sim.wabaId}`,
			`budgetUsed ${budgetUsed}, rows ${JSON.stringify(budgetRows)}; simulator's own count ${stats.messagingLimit.uniqueRecipients24h}`,
		);
		check(stats.messagingLimit.uniqueRecipients24h === RECIPIENTS, 'simulator: unique recipients in its rolling 24 h == recipients', String(stats.messagingLimit.uniqueRecipients24h));
		check(campaignState === 'completed' && summaries.some((s) => s.campaignState === 'completed'), 'campaign completed (by the execution that finished last)', `store ${campaignState}; answers ${summaries.map((s) => s.campaignState).join(', ')}`);

		// n8n: two executions, two workers
		const executions = await pgQuery(N8N_DB, `SELECT id, status, finished, mode, "startedAt", "stoppedAt" FROM execution_entity WHERE "workflowId" = $1 ORDER BY id`, [workflow.id]);
		const perWorker = workerLogs.map((file) => ({ label: path.basename(file, '.log'), executions: executionsIn(file), progress: lastProgress(file) }));
		const workerOf = (executionId: string | undefined) => perWorker.find((w) => executionId !== undefined && w.executions.includes(executionId))?.label;
		const accepted = summaries.map((s) => s.thisRun?.accepted ?? 0);
		check(executions.length === 2 && executions.every((e) => e.status === 'success'), 'n8n: two executions of the workflow, both successful', executions.map((e) => `#${e.id} ${e.status} (${e.mode})`).join(', '));
		check(perWorker.every((w) => w.executions.length === 1), 'n8n: each worker ran one of them (worker logs)', perWorker.map((w) => `${w.label}: ${w.executions.map((e) => `#${e}`).join(', ') || 'none'}`).join('; '));
		check(
			summaries.every((s) => workerOf(s.executionId) !== undefined) && new Set(summaries.map((s) => workerOf(s.executionId))).size === 2 && accepted.every((n) => n > 0),
			'both workers sent',
			summaries.map((s, i) => `execution #${s.executionId} on ${workerOf(s.executionId)}: ${accepted[i]} accepted`).join('; '),
		);
		check(accepted.reduce((a, b) => a + b, 0) === RECIPIENTS, `the two executions' accepted add up to ${RECIPIENTS}`, accepted.join(' + '));
		const achieved = RECIPIENTS / Math.max(sendSeconds, 0.001);
		if (MIN_FRACTION > 0) check(achieved >= MIN_FRACTION * CAP_MPS, `achieved ≥ ${MIN_FRACTION} × cap`, `${achieved.toFixed(1)} mps`);

		// summary
		console.log('');
		console.log('Queue-mode campaign (n8n main + 2 workers, Redis, Postgres):');
		console.log(`  recipients           ${RECIPIENTS} (store audience, tag "${TAG}"), campaign ${CAMPAIGN_ID}`);
		console.log(`  cap                  ${CAP_MPS} mps; simulator latency ${LATENCY_MS} ms + ≤${JITTER_MS} ms jitter`);
		console.log(`  accepted             ${stats.accepted.total}; distinct recipients ${byTo.size}; duplicates ${stats.duplicateSends.total}; 130429 × ${throttled}`);
		console.log(`  max per 1 s window   ${Math.max(simMax, ownMax)} (simulator ${simMax}, recomputed ${ownMax})`);
		console.log(`  achieved             ${achieved.toFixed(1)} mps over the send span of ${sendSeconds.toFixed(1)} s (${((achieved / CAP_MPS) * 100).toFixed(1)} % of the cap)`);
		for (const [i, s] of summaries.entries()) {
			console.log(`  execution #${s.executionId ?? '?'}        ${workerOf(s.executionId) ?? '?'}: ${accepted[i]} accepted, ${s.thisRun?.retried ?? 0} retried, ${s.thisRun?.throttleErrors ?? 0} throttled, ${s.elapsedSeconds ?? '?'} s, final state ${s.campaignState}`);
		}
		for (const w of perWorker) if (w.progress) console.log(`  ${w.label} last log   ${w.progress}`);
		console.log(`  store                ${JSON.stringify(report.byState)}; budget charged ${budgetUsed} (rows ${budget?.n ?? 0}, distinct ${budget?.d ?? 0})`);
		console.log(`  wall time            ${wallSeconds.toFixed(1)} s for both executions (whole run ${((Date.now() - started) / 1000).toFixed(0)} s)`);
		console.log(
			JSON.stringify({
				test: 'queue',
				recipients: RECIPIENTS,
				capMps: CAP_MPS,
				accepted: stats.accepted.total,
				distinct: byTo.size,
				duplicates: stats.duplicateSends.total,
				throttled130429: throttled,
				maxPerSecond: Math.max(simMax, ownMax),
				achievedMps: Math.round(achieved * 10) / 10,
				perWorker: Object.fromEntries(summaries.map((s, i) => [workerOf(s.executionId) ?? `execution-${i + 1}`, accepted[i]])),
				budgetCharged: budgetUsed,
				wallSeconds: Math.round(wallSeconds * 10) / 10,
				ok: failures.length === 0,
			}),
		);
		if (failures.length) {
			for (const file of [n8n.logFile, ...workerLogs]) {
				console.log(`--- ${path.basename(file)} (tail) ---`);
				console.log(tailLog(file, 30));
			}
		}
		return failures.length ? 1 : 0;
	} finally {
		log('stopping n8n (main + workers) and the simulator');
		await n8n?.stop().catch(() => undefined);
		await sim?.stop().catch(() => undefined);
		if (!keep) {
			await dropDatabase(N8N_DB);
			await dropDatabase(STORE_DB);
		} else log(`kept databases ${N8N_DB} and ${STORE_DB}`);
		dropRedisKeys();
		prepared?.cleanup();
	}
}

main()
	.then((code) => {
		log(code === 0 ? 'test:queue OK' : `test:queue FAILED: ${failures.join('; ')}`);
		process.exit(code);
	})
	.catch((error: Error) => {
		console.error(`[test:queue] ERROR: ${error.stack ?? error.message}`);
		process.exit(1);
	});
