/**
 * A real n8n 2.x for scripts (test:n8n, test:e2e, the queue suite, the browser check, demo --ui).
 * Runs under Node 24 with type stripping: import it as `./lib/n8n.ts` (no enums, no parameter properties,
 * `import type` for types).
 *
 *   const n8nDir = await findN8nDir(root);                       // the cached install (scripts/n8n-install.sh under flock)
 *   const sim = await startSimulator({ root, token, appSecret }); // dist/simulator/cli.js on a free port
 *   const prepared = await prepare({ n8nDir, load: 'package' });  // temp user folder + the package + env
 *   prepared.importCredentials(file); prepared.importWorkflow(file); prepared.publish(id);   // before start
 *   const n8n = await startN8n({ n8nDir, load: 'package', prepared });                      // `n8n start`, /healthz + REST ready
 *   const cookie = await n8n.ownerLogin();                        // REST API calls as the owner
 *   await n8n.stop(); await sim.stop(); prepared.cleanup();
 *
 * Every child runs in its own process group and is killed on exit, SIGINT and SIGTERM (see test/n8n/lib/README.md).
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';

export const PACKAGE_NAME = 'n8n-nodes-whatsapp-cloud';
/** The owner ownerLogin() creates when called without arguments (also what a browser logs in with). */
export const DEFAULT_OWNER = { email: 'owner@example.com', password: 'Owner-Pass-123', firstName: 'Demo', lastName: 'Owner' };

export type LoadMode = 'custom' | 'package';

export interface StartOptions {
	/** The cached n8n install (findN8nDir). */
	n8nDir: string;
	/** `custom`: N8N_CUSTOM_EXTENSIONS, types `CUSTOM.<name>`; `package`: a community-package install, types `n8n-nodes-whatsapp-cloud.<name>` (what users get). */
	load: LoadMode;
	/** Default: a free port. */
	port?: number;
	/** Extra environment for n8n and its CLI (wins over the defaults, e.g. EXECUTIONS_MODE=queue). */
	env?: NodeJS.ProcessEnv;
	/** Default: `<tmp>/user` in a fresh temp folder. */
	userFolder?: string;
	/** Names the process in logs (default `n8n`). */
	label?: string;
	/** Default: `<tmp>/<label>.log`. */
	logFile?: string;
	/** The project root (default: found upwards from the current directory). */
	root?: string;
	/** Folder for the package copy and logs (default: the user folder's parent, or a fresh temp folder). */
	tmp?: string;
	/** Take package.json (its `n8n` section) from this file instead of `<root>/package.json`. */
	packageJson?: string;
	/** Log lines go here (default: console.log with a `[n8n]` prefix). */
	log?: (message: string) => void;
}

export interface CliResult {
	stdout: string;
	stderr: string;
	status: number | null;
}

/** The n8n CLI against one user folder; usable before `n8n start` (imports, publish). */
export interface N8nCli {
	env: NodeJS.ProcessEnv;
	userFolder: string;
	typePrefix: string;
	n8nBin: string;
	cli(args: string[]): CliResult;
	/** `n8n import:credentials --input=<file>` (n8n export format, `data` in plain text, fixed `id`s). */
	importCredentials(file: string): void;
	/** `n8n import:workflow --input=<file>`; a folder is imported with `--separate`. Fixed `id`s are kept. */
	importWorkflow(file: string): void;
	/** `n8n publish:workflow --id=<id>` (activates it at the next `n8n start`). */
	publish(workflowId: string): void;
}

export interface Prepared extends N8nCli {
	port: number;
	url: string;
	tmp: string;
	logFile: string;
	label: string;
	root: string;
	/** Set in custom load mode: the folder in N8N_CUSTOM_EXTENSIONS. */
	extensionDir?: string;
	/** Removes the temp folder if prepare() made it (kept with WA_N8N_KEEP=1). */
	cleanup(): void;
}

export interface N8n extends N8nCli {
	url: string;
	port: number;
	logFile: string;
	tmp: string;
	process: ChildProcess;
	prepared: Prepared;
	startWorker(label?: string, env?: NodeJS.ProcessEnv): Promise<ChildProcess>;
	/** Sets up the owner once (/rest/owner/setup), else logs in (/rest/login); returns the `Cookie` header value. */
	ownerLogin(email?: string, password?: string): Promise<string>;
	/** A REST call (`/rest/...`) as the owner (ownerLogin() first, or it logs in with DEFAULT_OWNER). Throws on non-2xx; returns `data` when present. */
	rest<T = unknown>(method: string, restPath: string, body?: unknown): Promise<T>;
	/** POST/GET a production webhook (`/webhook/<path>`), retrying 404s while a just-activated workflow registers. */
	webhook(webhookPath: string, init?: { method?: string; body?: unknown; headers?: Record<string, string>; retryMs?: number }): Promise<Response>;
	/**
	 * What the editor's "Execute workflow" button does: POST /rest/workflows/<id>/run from the trigger node
	 * `triggerName` (a Manual Trigger). Returns the execution id (ownerLogin() happens on first use).
	 */
	runManually(workflowId: string, triggerName: string): Promise<string>;
	/** Polls GET /rest/executions/<id> until it is no longer new/running/waiting; `runData` is parsed (node name → runs). */
	waitForExecution(executionId: string, timeoutMs?: number): Promise<ExecutionResult>;
	/** The log's last lines without stack frames and offline noise. */
	tail(lines?: number): string;
	/** Stops n8n and every worker (process groups), waits for them. */
	stop(): Promise<void>;
}

export interface ExecutionResult {
	id: string;
	status: string;
	/** The first error n8n recorded (execution-level or node-level), if any. */
	error?: string;
	lastNodeExecuted?: string;
	/** node name → the JSON items of each output of its last run. */
	outputs: Record<string, unknown[][]>;
	/** node name → the error message of its last run, for nodes that failed. */
	nodeErrors: Record<string, string>;
	/** node name → how many times it ran (a loop runs a node more than once). */
	runs: Record<string, number>;
}

// ---- processes --------------------------------------------------------------------------------------

const children = new Set<ChildProcess>();
const cleanups: (() => void)[] = [];
let handlersInstalled = false;

function installHandlers(): void {
	if (handlersInstalled) return;
	handlersInstalled = true;
	process.on('exit', () => killAll('SIGTERM'));
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		process.on(signal, () => {
			killAll('SIGTERM');
			for (const fn of cleanups.splice(0)) {
				try {
					fn();
				} catch {
					/* best effort */
				}
			}
			process.exit(130);
		});
	}
}

/** Runs `fn` when the script is interrupted (SIGINT/SIGTERM), after the children are killed. */
export function onInterrupt(fn: () => void): void {
	installHandlers();
	cleanups.push(fn);
}

function killAll(signal: NodeJS.Signals): void {
	for (const child of children) killGroup(child, signal);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
	try {
		process.kill(-child.pid, signal); // its own process group (n8n's task runner too)
	} catch {
		/* already gone */
	}
}

/** SIGTERM to the child's process group, SIGKILL after `graceMs`; resolves when it has exited. */
export async function stopProcess(child: ChildProcess, graceMs = 15000): Promise<void> {
	killGroup(child, 'SIGTERM');
	const deadline = Date.now() + graceMs;
	while (child.exitCode === null && child.signalCode === null && Date.now() < deadline) await sleep(100);
	if (child.exitCode === null && child.signalCode === null) {
		killGroup(child, 'SIGKILL');
		while (child.exitCode === null && child.signalCode === null && Date.now() < deadline + 5000) await sleep(100);
	}
	children.delete(child);
}

/** Starts a detached child (own process group) logging to `logFile`; it is killed when this script ends. */
export function startProcess(label: string, command: string, args: string[], env: NodeJS.ProcessEnv, logFile: string, log: (m: string) => void = defaultLog): ChildProcess {
	installHandlers();
	const out = fs.openSync(logFile, 'a');
	const child = spawn(command, args, { env, stdio: ['ignore', out, out], detached: true });
	fs.closeSync(out);
	children.add(child);
	child.on('exit', (code, signal) => {
		children.delete(child);
		if (code !== null && code !== 0) log(`${label} exited with ${code}`);
		else if (signal && signal !== 'SIGTERM') log(`${label} ended by ${signal}`);
	});
	return child;
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

/** Polls `probe` every 500 ms until it answers true; fails early if `child` exits. */
/**
 * Waits until `url` answers Meta's GET handshake with `verifyToken` (the WhatsApp Cloud Listener Trigger opens its
 * port only when n8n activates its workflow; `child` is the n8n process, whose exit ends the wait).
 */
export async function waitForHandshake(label: string, url: string, verifyToken: string, child: ChildProcess | undefined, timeoutMs = 60_000): Promise<void> {
	const hello = `${url}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(verifyToken)}&hub.challenge=1`;
	await waitFor(label, timeoutMs, child, async () => (await fetch(hello).catch(() => undefined))?.status === 200);
}

export async function waitFor(label: string, timeoutMs: number, child: ChildProcess | undefined, probe: () => Promise<boolean>): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child && (child.exitCode !== null || child.signalCode !== null)) throw new Error(`${label} exited (${child.exitCode ?? child.signalCode}) before it was ready`);
		if (await probe().catch(() => false)) return;
		await sleep(500);
	}
	throw new Error(`${label} not ready after ${timeoutMs / 1000} s`);
}

/** The log's last lines, without stack frames and the noise about unreachable n8n.io hosts (offline machine). */
export function tailLog(file: string, lines = 40): string {
	if (!fs.existsSync(file)) return '';
	const noise = /^\s+at |ENOTFOUND|EAI_AGAIN|n8n\.io|Strapi|system task run failed/;
	return fs
		.readFileSync(file, 'utf8')
		.split('\n')
		.filter((line) => !noise.test(line))
		.slice(-lines)
		.join('\n');
}

function defaultLog(message: string): void {
	console.log(`[n8n] ${message}`);
}

// ---- the project and the n8n install ----------------------------------------------------------------

/** The project root: the nearest folder upwards from `from` whose package.json is this package. */
export function findRoot(from = process.cwd()): string {
	let dir = path.resolve(from);
	for (;;) {
		const pkg = path.join(dir, 'package.json');
		if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
		const up = path.dirname(dir);
		if (up === dir) throw new Error(`no ${PACKAGE_NAME} package.json above ${from}`);
		dir = up;
	}
}

/** The cached n8n install (scripts/n8n-install.sh under the same flock as test/n8n/run.sh; cold ≈ 15 min). */
export async function findN8nDir(root: string): Promise<string> {
	const cache = process.env.WA_CACHE_DIR ?? path.join(os.homedir(), '.cache', PACKAGE_NAME);
	fs.mkdirSync(cache, { recursive: true });
	const lock = path.join(cache, 'n8n-install.lock');
	const dir = await new Promise<string>((resolve, reject) => {
		const child = spawn('flock', [lock, 'bash', path.join(root, 'scripts', 'n8n-install.sh')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
		let out = '';
		child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
		child.on('error', reject);
		child.on('exit', (code) => (code === 0 ? resolve(out.trim().split('\n').pop() ?? '') : reject(new Error(`scripts/n8n-install.sh failed (exit ${code})`))));
	});
	if (!fs.existsSync(path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'))) throw new Error(`no n8n in ${dir}`);
	return dir;
}

export function n8nVersion(n8nDir: string): string {
	return (JSON.parse(fs.readFileSync(path.join(n8nDir, 'node_modules', 'n8n', 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Puts a copy of package.json + dist/ (node_modules linked to the project's, so runtime dependencies resolve
 * as in an install) where n8n loads it:
 *  - custom:  `<tmp>/extensions/n8n-nodes-whatsapp-cloud/`, N8N_CUSTOM_EXTENSIONS = its dist/ (n8n globs
 *             **\/*.node.js there; the package root would make it walk node_modules). Types `CUSTOM.<name>`.
 *  - package: `<userFolder>/.n8n/nodes/node_modules/n8n-nodes-whatsapp-cloud/`, where n8n installs community
 *             packages; only what package.json's `n8n` section lists loads, as `n8n-nodes-whatsapp-cloud.<name>`.
 */
export function installPackage(opts: { root: string; load: LoadMode; userFolder: string; tmp: string; packageJson?: string }): { extensionDir?: string; typePrefix: string; packageDir: string } {
	if (!fs.existsSync(path.join(opts.root, 'dist', 'credentials'))) throw new Error(`${opts.root}/dist is missing: run npm run build first`);
	const packageDir =
		opts.load === 'package'
			? path.join(opts.userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME)
			: path.join(opts.tmp, 'extensions', PACKAGE_NAME);
	fs.mkdirSync(packageDir, { recursive: true });
	fs.cpSync(path.join(opts.root, 'dist'), path.join(packageDir, 'dist'), { recursive: true });
	fs.copyFileSync(opts.packageJson ?? path.join(opts.root, 'package.json'), path.join(packageDir, 'package.json'));
	fs.symlinkSync(path.join(opts.root, 'node_modules'), path.join(packageDir, 'node_modules'), 'dir');
	if (opts.load === 'package') return { typePrefix: PACKAGE_NAME, packageDir };
	return { extensionDir: path.join(packageDir, 'dist'), typePrefix: 'CUSTOM', packageDir };
}

// ---- prepare: folder, package, env, CLI -------------------------------------------------------------

function makeCli(n8nBin: string, env: NodeJS.ProcessEnv, userFolder: string, typePrefix: string, log: (m: string) => void): N8nCli {
	const cli = (args: string[]): CliResult => {
		const r = spawnSync(process.execPath, [n8nBin, ...args], { env, encoding: 'utf8', timeout: 180000 });
		return { stdout: r.stdout ?? '', stderr: r.stderr ?? '', status: r.status };
	};
	/** Judged by its output: n8n 2.x sometimes segfaults while exiting after success (n8n.md). */
	const expectOutput = (args: string[], success: RegExp): void => {
		const r = cli(args);
		const output = `${r.stdout}${r.stderr}`;
		if (!success.test(output)) throw new Error(`n8n ${args.join(' ')} failed (exit ${r.status}):\n${output.split('\n').slice(-30).join('\n')}`);
		if (r.status !== 0) log(`  (n8n ${args[0]} printed success but exited with ${r.status}; accepted, see n8n.md)`);
	};
	return {
		env,
		userFolder,
		typePrefix,
		n8nBin,
		cli,
		importCredentials: (file) => expectOutput(['import:credentials', `--input=${file}`], /Successfully imported/),
		importWorkflow: (file) =>
			expectOutput(['import:workflow', ...(fs.statSync(file).isDirectory() ? ['--separate'] : []), `--input=${file}`], /Successfully imported/),
		publish: (id) => expectOutput(['publish:workflow', `--id=${id}`], /Publishing workflow/),
	};
}

/** The user folder, the package where n8n loads it, and n8n's environment; CLI imports work right after. */
export async function prepare(opts: StartOptions): Promise<Prepared> {
	const log = opts.log ?? defaultLog;
	const root = opts.root ?? findRoot();
	const ownsTmp = !opts.tmp && !opts.userFolder;
	const tmp = opts.tmp ?? (opts.userFolder ? path.dirname(path.resolve(opts.userFolder)) : fs.mkdtempSync(path.join(os.tmpdir(), 'wa-n8n-')));
	const userFolder = path.resolve(opts.userFolder ?? path.join(tmp, 'user'));
	fs.mkdirSync(userFolder, { recursive: true });
	const installed = installPackage({ root, load: opts.load, userFolder, tmp, packageJson: opts.packageJson });
	// package mode: an empty custom-extensions folder, so nothing else (e.g. ~/.n8n/custom) loads.
	const extensionDir = installed.extensionDir ?? path.join(tmp, 'no-custom-extensions');
	fs.mkdirSync(extensionDir, { recursive: true });
	const port = opts.port ?? (await freePort());
	// n8n 2.x always starts its task broker (default port 5679): a free one, so runs can overlap.
	const brokerPort = await freePort();
	const label = opts.label ?? 'n8n';
	const url = `http://127.0.0.1:${port}`;
	const env: NodeJS.ProcessEnv = {
		...process.env,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		WEBHOOK_URL: `${url}/`,
		N8N_CUSTOM_EXTENSIONS: extensionDir,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_SECURE_COOKIE: 'false',
		N8N_LOG_LEVEL: 'info',
		// n8n marks its database "not ready" (HTTP 503 everywhere) when a `SELECT 1` ping takes > 5 s; on a
		// loaded machine event-loop lag alone does that. 30 s keeps the tests about our nodes.
		DB_PING_TIMEOUT_MS: '30000',
		// Our nodes read their default SQLite store path from here (nodes/shared/store.ts).
		WHATSAPP_CLOUD_STORE_PATH: path.join(userFolder, 'whatsapp-cloud.sqlite'),
		...(opts.env ?? {}),
	};
	const n8nBin = path.join(opts.n8nDir, 'node_modules', 'n8n', 'bin', 'n8n');
	const keep = process.env.WA_N8N_KEEP === '1';
	const cleanup = (): void => {
		if (!ownsTmp) return;
		if (keep) log(`kept ${tmp}`);
		else fs.rmSync(tmp, { recursive: true, force: true });
	};
	onInterrupt(cleanup);
	return {
		...makeCli(n8nBin, env, userFolder, installed.typePrefix, log),
		port,
		url,
		tmp,
		label,
		root,
		logFile: opts.logFile ?? path.join(tmp, `${label}.log`),
		extensionDir: installed.extensionDir,
		cleanup,
	};
}

// ---- start ------------------------------------------------------------------------------------------

/** `n8n start` (prepare() first unless `prepared` is given), waits for /healthz and the REST API (/rest/settings → JSON). */
export async function startN8n(opts: StartOptions & { prepared?: Prepared; healthTimeoutMs?: number }): Promise<N8n> {
	const log = opts.log ?? defaultLog;
	const prepared = opts.prepared ?? (await prepare(opts));
	const { env, url, port, logFile, label } = prepared;
	log(`starting ${label} on ${url} (log: ${logFile})`);
	const child = startProcess(label, process.execPath, [prepared.n8nBin, 'start'], env, logFile, log);
	const workers: ChildProcess[] = [];
	try {
		const deadline = Date.now() + (opts.healthTimeoutMs ?? 180000);
		await waitFor(label, deadline - Date.now(), child, async () => {
			const res = await fetch(`${url}/healthz`);
			return res.ok && ((await res.json()) as { status?: string }).status === 'ok';
		});
		// /healthz answers before n8n has mounted its REST API (an early POST /rest/owner/setup gets Express's
		// "Cannot POST" 404, and GET /rest/settings the editor's HTML): ready = /rest/settings answers JSON.
		await waitFor(`${label} REST API`, Math.max(1000, deadline - Date.now()), child, async () => {
			const res = await fetch(`${url}/rest/settings`);
			const json = res.ok && /json/.test(res.headers.get('content-type') ?? '');
			await res.arrayBuffer();
			return json;
		});
	} catch (error) {
		console.log(tailLog(logFile));
		await stopProcess(child);
		throw error;
	}
	log(`${label} is up (/healthz ok, REST API ready)`);

	let cookie: string | undefined;
	const ownerLogin = async (email = DEFAULT_OWNER.email, password = DEFAULT_OWNER.password): Promise<string> => {
		const setup = await fetch(`${url}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ email, password, firstName: DEFAULT_OWNER.firstName, lastName: DEFAULT_OWNER.lastName }),
		});
		let res = setup;
		if (!setup.ok) {
			await setup.arrayBuffer();
			// The owner exists already (an earlier call, or a reused user folder): log in.
			res = await fetch(`${url}/rest/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ emailOrLdapLoginId: email, password }),
			});
		}
		const text = await res.text();
		if (!res.ok) throw new Error(`owner login failed: HTTP ${res.status} ${text.slice(0, 300)}`);
		const auth = res.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='));
		if (!auth) throw new Error('owner login: no n8n-auth cookie in the answer');
		cookie = auth.split(';')[0];
		return cookie;
	};

	const rest = async <T>(method: string, restPath: string, body?: unknown): Promise<T> => {
		const c = cookie ?? (await ownerLogin());
		const res = await fetch(`${url}/rest/${restPath.replace(/^\/?(rest\/)?/, '')}`, {
			method,
			headers: { cookie: c, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`${method} /rest/${restPath}: HTTP ${res.status} ${text.slice(0, 500)}`);
		const parsed = text ? (JSON.parse(text) as { data?: T }) : {};
		return (parsed && typeof parsed === 'object' && 'data' in parsed ? parsed.data : parsed) as T;
	};

	const webhook = async (webhookPath: string, init: { method?: string; body?: unknown; headers?: Record<string, string>; retryMs?: number } = {}): Promise<Response> => {
		const method = (init.method ?? 'POST').toUpperCase();
		const headers: Record<string, string> = { ...(init.headers ?? {}) };
		let body: string | undefined;
		if (typeof init.body === 'string') body = init.body;
		else if (init.body !== undefined) {
			body = JSON.stringify(init.body);
			headers['content-type'] ??= 'application/json';
		}
		const deadline = Date.now() + (init.retryMs ?? 20000);
		for (;;) {
			const res = await fetch(`${url}/webhook/${webhookPath.replace(/^\/+/, '')}`, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body });
			if (res.status !== 404 || Date.now() > deadline) return res;
			await res.arrayBuffer();
			await sleep(500);
		}
	};

	const startWorker = async (workerLabel = `worker-${workers.length + 1}`, extra: NodeJS.ProcessEnv = {}): Promise<ChildProcess> => {
		const workerLog = path.join(prepared.tmp, `${workerLabel}.log`);
		// Its own task-broker and health ports (5679 / 5678 by default would clash with n8n start).
		const ports = { N8N_RUNNERS_BROKER_PORT: String(await freePort()), QUEUE_HEALTH_CHECK_PORT: String(await freePort()), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1' };
		const worker = startProcess(workerLabel, process.execPath, [prepared.n8nBin, 'worker'], { ...env, ...ports, ...extra }, workerLog, log);
		workers.push(worker);
		await waitFor(workerLabel, 120000, worker, async () => /worker is now ready|Worker started/i.test(fs.readFileSync(workerLog, 'utf8'))).catch((error: Error) => {
			console.log(tailLog(workerLog));
			throw error;
		});
		log(`${workerLabel} is ready (log: ${workerLog})`);
		return worker;
	};

	const runManually = async (workflowId: string, triggerName: string): Promise<string> => {
		const result = await rest<{ executionId?: string; waitingForWebhook?: boolean }>('POST', `workflows/${workflowId}/run`, { triggerToStartFrom: { name: triggerName } });
		if (!result?.executionId) throw new Error(`workflow ${workflowId} did not start from "${triggerName}": ${JSON.stringify(result)}`);
		return String(result.executionId);
	};

	// Execution data is stored in n8n's `flatted` format: parse it with n8n's own copy.
	const flatted = createRequire(path.join(prepared.n8nBin, '..', '..', 'package.json'))('flatted') as { parse(text: string): unknown };
	const waitForExecution = async (executionId: string, timeoutMs = 300000): Promise<ExecutionResult> => {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			// Transient failures (a 503 while n8n is busy) are retried until the deadline.
			const e = await rest<{ status?: string; finished?: boolean; data?: string }>('GET', `executions/${executionId}`).catch((error: Error) => {
				if (Date.now() > deadline) throw error;
				return undefined;
			});
			if (e === undefined) {
				await sleep(1000);
				continue;
			}
			const status = String(e?.status ?? 'unknown');
			if (!['new', 'running', 'waiting', 'unknown'].includes(status) || Date.now() > deadline) {
				if (['new', 'running', 'waiting', 'unknown'].includes(status)) throw new Error(`execution ${executionId} still ${status} after ${timeoutMs / 1000} s`);
				type RunData = Record<string, { data?: { main?: ({ json: unknown }[] | null)[] }; error?: { message?: string; description?: string } }[]>;
				const data = (e?.data ? flatted.parse(e.data) : {}) as { resultData?: { runData?: RunData; error?: { message?: string }; lastNodeExecuted?: string } };
				const runData = data.resultData?.runData ?? {};
				const outputs: Record<string, unknown[][]> = {};
				const nodeErrors: Record<string, string> = {};
				const runCounts: Record<string, number> = {};
				for (const [node, runs] of Object.entries(runData)) {
					runCounts[node] = runs.length;
					const last = runs[runs.length - 1];
					outputs[node] = (last?.data?.main ?? []).map((items) => (items ?? []).map((it) => it.json));
					if (last?.error) nodeErrors[node] = [last.error.message, last.error.description].filter(Boolean).join(': ');
				}
				const error = data.resultData?.error?.message ?? Object.entries(nodeErrors).map(([n, m]) => `${n}: ${m}`)[0];
				return { id: executionId, status, error, lastNodeExecuted: data.resultData?.lastNodeExecuted, outputs, nodeErrors, runs: runCounts };
			}
			await sleep(500);
		}
	};

	return {
		...makeCli(prepared.n8nBin, env, prepared.userFolder, prepared.typePrefix, log),
		url,
		port,
		logFile,
		tmp: prepared.tmp,
		runManually,
		waitForExecution,
		process: child,
		prepared,
		startWorker,
		ownerLogin,
		rest,
		webhook,
		tail: (lines) => tailLog(logFile, lines),
		stop: async () => {
			await Promise.all([...workers.splice(0), child].map((c) => stopProcess(c)));
		},
	};
}

// ---- the Cloud API simulator ------------------------------------------------------------------------

export interface SimulatorStartOptions {
	root?: string;
	port?: number;
	token?: string;
	appSecret?: string;
	webhookUrl?: string;
	mps?: number;
	tier?: number;
	seed?: number;
	latencyMs?: number;
	jitterMs?: number;
	/** Close idle keep-alive connections after this many ms (`--keep-alive-ms`; the simulator's default is 65 s). */
	keepAliveMs?: number;
	/** false: close them abruptly, without announcing `Keep-Alive: timeout=N` (`--no-keep-alive-hint`). */
	keepAliveHint?: boolean;
	frozen?: boolean;
	/** POSTed to /_sim/config once it is up (optOutOnStop, statusDelays, readRate, reviewDelayMs, …). */
	config?: Record<string, unknown>;
	/** Default: a temp file. */
	logFile?: string;
	log?: (message: string) => void;
}

export interface Simulator {
	url: string;
	port: number;
	logFile: string;
	wabaId: string;
	appId: string;
	phoneNumberIds: string[];
	process: ChildProcess;
	/** A control-API call (`/_sim/...`); returns the parsed JSON answer, throws on non-2xx. */
	control<T = unknown>(method: string, simPath: string, body?: unknown): Promise<T>;
	stop(): Promise<void>;
}

/** Starts `dist/simulator/cli.js` (npm run build first) on a free port and reads the ids from its banner. */
export async function startSimulator(opts: SimulatorStartOptions = {}): Promise<Simulator> {
	const log = opts.log ?? defaultLog;
	const root = opts.root ?? findRoot();
	const cliJs = path.join(root, 'dist', 'simulator', 'cli.js');
	if (!fs.existsSync(cliJs)) throw new Error('dist/simulator/cli.js is missing: run npm run build first');
	const port = opts.port ?? (await freePort());
	const url = `http://127.0.0.1:${port}`;
	const logFile = opts.logFile ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wa-sim-')), 'simulator.log');
	const args = [cliJs, '--port', String(port), '--host', '127.0.0.1'];
	const flag = (name: string, value: string | number | undefined) => {
		if (value !== undefined) args.push(name, String(value));
	};
	flag('--token', opts.token);
	flag('--app-secret', opts.appSecret);
	flag('--webhook-url', opts.webhookUrl);
	flag('--mps', opts.mps);
	flag('--tier', opts.tier);
	flag('--seed', opts.seed);
	flag('--latency-ms', opts.latencyMs);
	flag('--jitter-ms', opts.jitterMs);
	flag('--keep-alive-ms', opts.keepAliveMs);
	if (opts.keepAliveHint === false) args.push('--no-keep-alive-hint');
	if (opts.frozen) args.push('--frozen');
	const child = startProcess('simulator', process.execPath, args, { ...process.env }, logFile, log);
	await waitFor('simulator', 30000, child, async () => {
		await fetch(`${url}/_sim/info`);
		return /WABA ID/.test(fs.readFileSync(logFile, 'utf8'));
	});
	// Its banner names the seeded account: `WABA ID : …`, `App ID : …`, `Phone number ID: … (+…)`.
	const banner = fs.readFileSync(logFile, 'utf8');
	const control = async <T>(method: string, simPath: string, body?: unknown): Promise<T> => {
		const res = await fetch(`${url}/_sim/${simPath.replace(/^\/?(_sim\/)?/, '')}`, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`${method} /_sim/${simPath}: HTTP ${res.status} ${text.slice(0, 300)}`);
		return (text ? JSON.parse(text) : undefined) as T;
	};
	if (opts.config) await control('POST', 'config', opts.config);
	return {
		url,
		port,
		logFile,
		wabaId: /WABA ID\s*:\s*(\S+)/.exec(banner)?.[1] ?? '',
		appId: /App ID\s*:\s*(\S+)/.exec(banner)?.[1] ?? '',
		phoneNumberIds: [...banner.matchAll(/Phone number ID\s*:\s*(\S+)/g)].map((m) => m[1]),
		process: child,
		control,
		stop: () => stopProcess(child, 5000),
	};
}

// ---- files with placeholders ------------------------------------------------------------------------

/** Replaces `@@KEY@@` with `values[KEY]` (unknown keys stay). */
export function substitute(text: string, values: Record<string, string>): string {
	return text.replace(/@@([A-Z0-9_]+)@@/g, (whole, key: string) => (key in values ? values[key] : whole));
}
