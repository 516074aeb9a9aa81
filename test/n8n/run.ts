/**
 * The real-n8n check (npm run test:n8n → test/n8n/run.sh → this script, under Node 24 with type stripping).
 *
 *  1. Reads package.json's `n8n` section and the built dist/ files it lists.
 *  2. Makes a throwaway N8N_USER_FOLDER and puts a copy of package.json + dist/ (node_modules linked to the
 *     project's, so runtime dependencies resolve as in an install) either in an extension folder
 *     (WA_N8N_LOAD=custom) or under <user>/.n8n/nodes/node_modules as a community package (=package).
 *  3. Starts the Cloud API simulator (dist/simulator/cli.js) when it is built.
 *  4. Imports test/n8n/credentials/*.json and test/n8n/workflows/*.json with the n8n CLI, publishes them.
 *  5. Starts `n8n start` (N8N_CUSTOM_EXTENSIONS in custom mode), waits for /healthz, then asserts every node and
 *     credential type of the package is registered (n8n's own type files, the ones the editor loads).
 *  6. Calls each workflow's webhook as its `*.expect.json` says and compares the answers.
 *  7. Stops n8n and the simulator (always).
 *
 * Placeholders replaced in credential, workflow and expectation files: @@N8N_URL@@, @@N8N_PORT@@,
 * @@SIMULATOR_URL@@, @@SIMULATOR_WABA_ID@@, @@SIMULATOR_PHONE_NUMBER_ID@@, @@SIMULATOR_APP_ID@@, @@PKG@@ (the node type prefix: `CUSTOM` or `n8n-nodes-whatsapp-cloud`), @@TMP@@, @@NOW_S@@ (epoch seconds).
 * Environment: WA_N8N_KEEP=1 keeps the temp folder; WA_N8N_PORT picks the port; WA_N8N_ONLY=<substring>
 * runs only matching workflows; WA_N8N_PACKAGE_JSON=<file> takes the `n8n` section from that file;
 * WA_N8N_LOAD=package loads the package as an installed community package instead of a custom extension.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { createHmac } from 'node:crypto';
import { n8nVersion, prepare, sleep, startN8n, startSimulator, substitute, tailLog } from './lib/n8n.ts';
import type { N8n, Prepared, Simulator } from './lib/n8n.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Call {
	name?: string;
	request: {
		method?: string;
		path: string;
		query?: Record<string, string>;
		headers?: Record<string, string>;
		body?: Json;
		rawBody?: string;
		/** Adds `<header>: <prefix><hex HMAC-SHA256 of the body sent>` (Meta's X-Hub-Signature-256). */
		hmacSha256?: { header: string; secret: string; prefix?: string };
	};
	expect: {
		status?: number;
		body?: Json;
		bodyIncludes?: string;
		headers?: Record<string, string>;
		/** Subset of the simulator's `GET /_sim/stats` right after the call (its log of what reached it). */
		simulatorStats?: Json;
	};
	/** Simulator control-API calls (`/_sim/<path>`) made by the runner before and after the call (after: always). */
	simulator?: { before?: SimulatorStep[]; after?: SimulatorStep[] };
}

interface SimulatorStep {
	method?: string;
	path: string;
	body?: Json;
}

interface Expectation {
	description?: string;
	/**
	 * Skipped (not failed) when missing: `simulator` (dist/simulator/cli.js not built yet),
	 * `node:<name>` / `credential:<name>` (package.json's n8n section does not list it yet).
	 */
	requires?: string[];
	/** Activate the workflow (default true). */
	publish?: boolean;
	calls?: Call[];
	request?: Call['request'];
	expect?: Call['expect'];
}

interface WorkflowCase {
	file: string;
	name: string;
	id: string;
	workflow: Record<string, Json>;
	expectation?: Expectation;
	skipReason?: string;
}

const started = Date.now();
const log = (message: string) => console.log(`[test:n8n +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);

const root = path.resolve(path.dirname(process.argv[1]), '..', '..');
const here = path.join(root, 'test', 'n8n');
const args = process.argv.slice(2);
const n8nDir = args[args.indexOf('--n8n-dir') + 1];
if (!n8nDir || args.indexOf('--n8n-dir') < 0) {
	console.error('usage: run.ts --n8n-dir <folder of the cached n8n install>');
	process.exit(2);
}
// WA_N8N_PACKAGE_JSON: read the `n8n` section from another file (try entries before package.json has them).
const packageJsonPath = process.env.WA_N8N_PACKAGE_JSON ? path.resolve(process.env.WA_N8N_PACKAGE_JSON) : path.join(root, 'package.json');
const only = process.env.WA_N8N_ONLY;
// How n8n loads the package: `custom` (N8N_CUSTOM_EXTENSIONS, types `CUSTOM.<name>`, every built *.node.js)
// or `package` (a community-package install under <user>/.n8n/nodes/node_modules, types
// `n8n-nodes-whatsapp-cloud.<name>`, only what package.json's n8n section lists — what users get).
const loadMode = process.env.WA_N8N_LOAD === 'package' ? 'package' : 'custom';

let prepared: Prepared | undefined;
let n8n: N8n | undefined;
let simulator: Simulator | undefined;

function readJson<T>(file: string): T {
	return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

// ---- 1. the package's declared types ---------------------------------------------------------------

interface DeclaredTypes {
	nodes: { file: string; name: string }[];
	credentials: { file: string; name: string }[];
}

function declaredTypes(): DeclaredTypes {
	const pkg = readJson<{ n8n?: { nodes?: string[]; credentials?: string[] } }>(packageJsonPath);
	const req = createRequire(path.join(root, 'package.json'));
	const load = (file: string): Record<string, unknown> => {
		const full = path.join(root, file);
		if (!fs.existsSync(full)) throw new Error(`package.json lists ${file}, which is not built (run npm run build)`);
		return req(full) as Record<string, unknown>;
	};
	const instance = (file: string): Record<string, unknown> => {
		const mod = load(file);
		const className = path.basename(file).replace(/\.(node|credentials)\.js$/, '');
		const cls = (mod[className] ?? Object.values(mod).find((v) => typeof v === 'function')) as new () => Record<string, unknown>;
		if (typeof cls !== 'function') throw new Error(`${file} exports no class ${className}`);
		return new cls();
	};
	const nodes = (pkg.n8n?.nodes ?? []).map((file) => ({ file, name: String((instance(file).description as { name: string }).name) }));
	const credentials = (pkg.n8n?.credentials ?? []).map((file) => ({ file, name: String(instance(file).name) }));
	return { nodes, credentials };
}

/** Source files following the layout that package.json does not list (a likely forgotten entry). */
function unlistedSources(declared: DeclaredTypes): string[] {
	const listed = new Set([...declared.nodes, ...declared.credentials].map((d) => d.file));
	const found: string[] = [];
	const nodesDir = path.join(root, 'nodes');
	if (fs.existsSync(nodesDir)) {
		for (const dir of fs.readdirSync(nodesDir)) {
			const file = `nodes/${dir}/${dir}.node.ts`;
			if (fs.existsSync(path.join(root, file))) found.push(file);
		}
	}
	const credDir = path.join(root, 'credentials');
	if (fs.existsSync(credDir)) for (const f of fs.readdirSync(credDir)) if (f.endsWith('.credentials.ts')) found.push(`credentials/${f}`);
	return found.filter((src) => !listed.has(`dist/${src.replace(/\.ts$/, '.js')}`));
}

// ---- 2. files with placeholders ---------------------------------------------------------------------

function stableId(seed: string): string {
	// n8n workflow ids are 16 alphanumerics; derive one from the file name so reruns are comparable.
	let h = 0n;
	for (const ch of seed) h = (h * 131n + BigInt(ch.charCodeAt(0))) % 2n ** 80n;
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	let id = '';
	for (let i = 0; i < 16; i++) {
		id += alphabet[Number(h % 62n)];
		h = h / 62n + BigInt(i * 7919);
	}
	return id;
}

function loadCases(values: Record<string, string>, simulatorAvailable: boolean, declaredNodes: string[], declaredCredentials: string[]): WorkflowCase[] {
	const dir = path.join(here, 'workflows');
	if (!fs.existsSync(dir)) return [];
	return fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.json') && !f.endsWith('.expect.json'))
		.filter((f) => !only || f.includes(only))
		.sort()
		.map((file) => {
			const workflow = JSON.parse(substitute(fs.readFileSync(path.join(dir, file), 'utf8'), values)) as Record<string, Json>;
			const expectFile = path.join(dir, file.replace(/\.json$/, '.expect.json'));
			const expectation = fs.existsSync(expectFile) ? (JSON.parse(substitute(fs.readFileSync(expectFile, 'utf8'), values)) as Expectation) : undefined;
			const id = typeof workflow.id === 'string' && workflow.id ? workflow.id : stableId(file);
			workflow.id = id;
			workflow.name ??= file.replace(/\.json$/, '');
			workflow.active = false;
			workflow.settings ??= { executionOrder: 'v1' };
			const missing = (expectation?.requires ?? []).flatMap((r) => {
				if (r === 'simulator') return simulatorAvailable ? [] : ['the simulator (dist/simulator/cli.js not built)'];
				if (r.startsWith('node:')) return declaredNodes.includes(r.slice(5)) ? [] : [`${r} (not in package.json's n8n section)`];
				if (r.startsWith('credential:')) return declaredCredentials.includes(r.slice(11)) ? [] : [`${r} (not in package.json's n8n section)`];
				return [`unknown requirement ${r}`];
			});
			return { file, name: String(workflow.name), id, workflow, expectation, skipReason: missing.length ? `needs ${missing.join(', ')}` : undefined };
		});
}

/** The secrets in test/n8n/credentials/whatsapp-cloud.json (test-only values), given to the simulator too. */
const CHECK_TOKEN = 'n8n-check-token-123';
const CHECK_APP_SECRET = 'n8n-check-app-secret';

// ---- 4. comparing answers ---------------------------------------------------------------------------

/**
 * `expected` is a subset of `actual`: objects match key by key (extra keys allowed), arrays element by
 * element with equal length, primitives strictly. Special objects: {"$any": true}, {"$regex": "…"},
 * {"$type": "string"|"number"|…}, {"$contains": <subset of some array element>}, {"$keys": N} (an object
 * with exactly N keys, e.g. N distinct recipients in the simulator's accepted.byRecipient).
 */
function subsetMismatch(actual: unknown, expected: Json, at = '$'): string | undefined {
	if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
		if ('$any' in expected) return actual === undefined ? `${at}: missing` : undefined;
		if ('$regex' in expected) return typeof actual === 'string' && new RegExp(String(expected.$regex)).test(actual) ? undefined : `${at}: ${JSON.stringify(actual)} does not match /${expected.$regex}/`;
		if ('$keys' in expected) {
			if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return `${at}: expected an object, got ${JSON.stringify(actual)}`;
			const keys = Object.keys(actual).length;
			return keys === expected.$keys ? undefined : `${at}: expected ${expected.$keys} keys, got ${keys}`;
		}
		if ('$type' in expected) return typeof actual === expected.$type ? undefined : `${at}: expected a ${expected.$type}, got ${JSON.stringify(actual)}`;
		if ('$contains' in expected) {
			if (!Array.isArray(actual)) return `${at}: expected an array`;
			return actual.some((el) => subsetMismatch(el, expected.$contains) === undefined) ? undefined : `${at}: no element matches ${JSON.stringify(expected.$contains)}`;
		}
		if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return `${at}: expected an object, got ${JSON.stringify(actual)}`;
		for (const [key, value] of Object.entries(expected)) {
			const problem = subsetMismatch((actual as Record<string, unknown>)[key], value, `${at}.${key}`);
			if (problem) return problem;
		}
		return undefined;
	}
	if (Array.isArray(expected)) {
		if (!Array.isArray(actual)) return `${at}: expected an array, got ${JSON.stringify(actual)}`;
		if (actual.length !== expected.length) return `${at}: expected ${expected.length} elements, got ${actual.length}`;
		for (let i = 0; i < expected.length; i++) {
			const problem = subsetMismatch(actual[i], expected[i], `${at}[${i}]`);
			if (problem) return problem;
		}
		return undefined;
	}
	return actual === expected ? undefined : `${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

async function runCall(baseUrl: string, call: Call): Promise<string | undefined> {
	const url = new URL(`webhook/${call.request.path.replace(/^\/+/, '')}`, baseUrl);
	for (const [k, v] of Object.entries(call.request.query ?? {})) url.searchParams.set(k, v);
	const method = (call.request.method ?? 'POST').toUpperCase();
	const headers: Record<string, string> = { ...(call.request.headers ?? {}) };
	let body: string | undefined;
	if (call.request.rawBody !== undefined) body = call.request.rawBody;
	else if (call.request.body !== undefined) {
		body = JSON.stringify(call.request.body);
		headers['content-type'] ??= 'application/json';
	}
	const sign = call.request.hmacSha256;
	if (sign) headers[sign.header] = `${sign.prefix ?? ''}${createHmac('sha256', sign.secret).update(body ?? '').digest('hex')}`;
	// A just-published workflow's webhook may register a moment after /healthz: retry 404s briefly.
	let response: Response | undefined;
	for (let attempt = 0; attempt < 40; attempt++) {
		response = await fetch(url, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body });
		if (response.status !== 404) break;
		await response.arrayBuffer();
		await sleep(500);
	}
	const res = response as Response;
	const text = await res.text();
	let parsed: unknown = text;
	try {
		parsed = JSON.parse(text);
	} catch {
		/* not JSON */
	}
	const problems: string[] = [];
	const { expect } = call;
	if (expect.status !== undefined && res.status !== expect.status) problems.push(`status ${res.status}, expected ${expect.status}`);
	if (expect.body !== undefined) {
		const problem = subsetMismatch(parsed, expect.body);
		if (problem) problems.push(`body ${problem}`);
	}
	if (expect.bodyIncludes !== undefined && !text.includes(expect.bodyIncludes)) problems.push(`body does not include ${JSON.stringify(expect.bodyIncludes)}`);
	for (const [k, v] of Object.entries(expect.headers ?? {})) {
		if (res.headers.get(k) !== v) problems.push(`header ${k}: ${res.headers.get(k)}, expected ${v}`);
	}
	if (expect.simulatorStats !== undefined) {
		if (!simulator) problems.push('simulatorStats: the simulator is not running');
		else {
			const stats = await simulator.control<Record<string, Json>>('GET', 'stats');
			log(`  simulator: ${simulatorFigures(stats)}`);
			const problem = subsetMismatch(stats, expect.simulatorStats, '$stats');
			if (problem) problems.push(`simulator ${problem}`);
		}
	}
	if (problems.length) return `${problems.join('; ')}\n      answer: ${text.slice(0, 800)}`;
	return undefined;
}

/** The figures worth a log line: what reached the simulator, what it accepted, its errors and connections. */
function simulatorFigures(stats: Record<string, Json>): string {
	const get = (o: Json | undefined, key: string): Json | undefined => (o && typeof o === 'object' && !Array.isArray(o) ? o[key] : undefined);
	const byRecipient = get(stats.accepted, 'byRecipient');
	const counts = byRecipient && typeof byRecipient === 'object' ? Object.values(byRecipient as Record<string, number>) : [];
	return [
		`sends received ${JSON.stringify(get(stats.requests, 'sends'))}`,
		`accepted ${JSON.stringify(get(stats.accepted, 'total'))}`,
		`distinct recipients ${counts.length} (max per recipient ${counts.reduce((a, b) => Math.max(a, b), 0)})`,
		`duplicate sends ${JSON.stringify(get(stats.duplicateSends, 'total'))}`,
		`sync errors ${JSON.stringify(stats.errors)}`,
		`connections ${JSON.stringify(stats.connections)}`,
	].join(', ');
}

/** The call with its simulator steps around it. */
async function runCallWithSimulator(baseUrl: string, call: Call): Promise<string | undefined> {
	const step = async (s: SimulatorStep) => {
		if (!simulator) throw new Error('this call has simulator steps, but the simulator is not running');
		await simulator.control(s.method ?? 'POST', s.path, s.body);
	};
	try {
		for (const s of call.simulator?.before ?? []) await step(s);
		const started = Date.now();
		const problem = await runCall(baseUrl, call);
		if (call.simulator || call.expect.simulatorStats) log(`  call took ${((Date.now() - started) / 1000).toFixed(1)} s`);
		return problem;
	} finally {
		for (const s of call.simulator?.after ?? []) await step(s);
	}
}

// ---- main -------------------------------------------------------------------------------------------

async function main(): Promise<number> {
	log(`n8n ${n8nVersion(n8nDir)} on Node ${process.version}`);
	const declared = declaredTypes();
	log(`package.json n8n section: ${declared.nodes.length} node(s), ${declared.credentials.length} credential(s)`);
	for (const src of unlistedSources(declared)) log(`WARNING: ${src} is not listed in package.json's n8n section (n8n will not load it)`);

	// The temp folder (user folder, package copy, logs) and n8n's environment: test/n8n/lib/n8n.ts.
	const port = Number(process.env.WA_N8N_PORT) || undefined;
	const p = await prepare({ n8nDir, load: loadMode, root, port, packageJson: packageJsonPath, log });
	prepared = p;
	const { tmp, userFolder, typePrefix } = p;
	log(`temp folder ${tmp}; package loaded as ${loadMode === 'package' ? 'an installed community package' : 'a custom extension'} (${typePrefix}.<name>)`);

	const simulatorAvailable = fs.existsSync(path.join(root, 'dist', 'simulator', 'cli.js'));
	let simulatorUrl = 'http://127.0.0.1:9/simulator-not-built';
	const simulatorIds = { SIMULATOR_WABA_ID: '100000000000001', SIMULATOR_APP_ID: '300000000000001', SIMULATOR_PHONE_NUMBER_ID: '200000000000001' };
	if (simulatorAvailable) {
		// The simulator accepts the check credentials' token and signs its webhooks with their app secret.
		// Keep-alive 5 s, as Node's http servers default to (announced as `Keep-Alive: timeout=5`): the
		// Graph client must not send on a connection the simulator is about to close (issue #13).
		simulator = await startSimulator({ root, token: CHECK_TOKEN, appSecret: CHECK_APP_SECRET, keepAliveMs: 5000, logFile: path.join(tmp, 'simulator.log'), log });
		simulatorUrl = simulator.url;
		simulatorIds.SIMULATOR_WABA_ID = simulator.wabaId || simulatorIds.SIMULATOR_WABA_ID;
		simulatorIds.SIMULATOR_APP_ID = simulator.appId || simulatorIds.SIMULATOR_APP_ID;
		simulatorIds.SIMULATOR_PHONE_NUMBER_ID = simulator.phoneNumberIds[0] ?? simulatorIds.SIMULATOR_PHONE_NUMBER_ID;
		log(`simulator on ${simulatorUrl} (WABA ${simulatorIds.SIMULATOR_WABA_ID}, phone number ${simulatorIds.SIMULATOR_PHONE_NUMBER_ID})`);
	} else {
		log('simulator: dist/simulator/cli.js not built, skipping it (workflows that require it are skipped)');
	}

	// NOW_S: epoch seconds at the start of the run (webhook timestamps inside the 24 h window).
	const values = { N8N_URL: p.url, N8N_PORT: String(p.port), SIMULATOR_URL: simulatorUrl, PKG: typePrefix, TMP: tmp, NOW_S: String(Math.floor(Date.now() / 1000)), ...simulatorIds };

	// Credentials: every test/n8n/credentials/*.json (n8n export format, plain `data`), in one import.
	const credDir = path.join(here, 'credentials');
	const credentials = fs.existsSync(credDir)
		? fs
				.readdirSync(credDir)
				.filter((f) => f.endsWith('.json'))
				.sort()
				.flatMap((f) => {
					const parsed = JSON.parse(substitute(fs.readFileSync(path.join(credDir, f), 'utf8'), values)) as Json;
					return Array.isArray(parsed) ? parsed : [parsed];
				})
		: [];
	if (credentials.length) {
		const file = path.join(tmp, 'credentials.json');
		fs.writeFileSync(file, JSON.stringify(credentials));
		log(`importing ${credentials.length} credential(s)`);
		p.importCredentials(file);
	}

	const cases = loadCases(
		values,
		simulatorAvailable,
		declared.nodes.map((n) => n.name),
		declared.credentials.map((c) => c.name),
	);
	const runnable = cases.filter((c) => !c.skipReason);
	if (runnable.length) {
		const wfDir = path.join(tmp, 'workflows');
		fs.mkdirSync(wfDir);
		for (const c of runnable) fs.writeFileSync(path.join(wfDir, `${c.id}.json`), JSON.stringify(c.workflow));
		log(`importing ${runnable.length} workflow(s)`);
		p.importWorkflow(wfDir);
		for (const c of runnable.filter((c) => c.expectation?.publish !== false)) {
			log(`publishing ${c.file} (id ${c.id})`);
			p.publish(c.id);
		}
	}

	n8n = await startN8n({ n8nDir, load: loadMode, prepared: p, log });
	const n8nUrl = `${n8n.url}/`;
	const n8nLog = n8n.logFile;

	// The type files n8n serves the editor (/types/*.json, login required) are written under
	// <N8N_USER_FOLDER>/.cache/n8n/public/types at start-up: read them from disk.
	const typesDir = path.join(userFolder, '.cache', 'n8n', 'public', 'types');
	const expectedNodes = declared.nodes.map((n) => `${typePrefix}.${n.name}`);
	const expectedCredentials = declared.credentials.map((c) => c.name);
	let registeredNodes: { name: string; displayName: string; version: number | number[] }[] = [];
	let registeredCredentials: { name: string; displayName: string }[] = [];
	const typesDeadline = Date.now() + 60000;
	for (;;) {
		try {
			const nodes = readJson<{ name: string; displayName: string; version: number | number[] }[]>(path.join(typesDir, 'nodes.json'));
			const creds = readJson<{ name: string; displayName: string }[]>(path.join(typesDir, 'credentials.json'));
			registeredNodes = nodes.filter((n) => n.name.startsWith(`${typePrefix}.`));
			registeredCredentials = creds.filter((c) => expectedCredentials.includes(c.name) || /^whatsAppCloud/.test(c.name));
			const missing = [...expectedNodes.filter((n) => !registeredNodes.some((r) => r.name === n)), ...expectedCredentials.filter((c) => !registeredCredentials.some((r) => r.name === c))];
			if (!missing.length) break;
			if (Date.now() > typesDeadline) throw new Error(`not registered in n8n: ${missing.join(', ')}`);
		} catch (error) {
			if (Date.now() > typesDeadline) {
				console.log(tailLog(n8nLog));
				throw error;
			}
		}
		await sleep(1000);
	}
	console.log('');
	console.log('Registered node types of the package (n8n type name · display name · versions):');
	if (!registeredNodes.length) console.log('  (none: package.json lists no nodes yet)');
	for (const n of registeredNodes) console.log(`  ${n.name} · ${n.displayName} · ${JSON.stringify(n.version)}`);
	console.log('Registered credential types of the package:');
	for (const c of registeredCredentials) console.log(`  ${c.name} · ${c.displayName}`);
	console.log('');
	log(`all ${expectedNodes.length} node type(s) and ${expectedCredentials.length} credential type(s) from package.json are registered`);

	let failed = 0;
	let passed = 0;
	for (const c of cases) {
		if (c.skipReason) {
			log(`SKIP ${c.file}: ${c.skipReason}`);
			continue;
		}
		const calls = c.expectation?.calls ?? (c.expectation?.request && c.expectation.expect ? [{ request: c.expectation.request, expect: c.expectation.expect }] : []);
		if (!calls.length) {
			log(`IMPORTED ${c.file} (no *.expect.json calls: imported and published only)`);
			continue;
		}
		for (const [i, call] of calls.entries()) {
			const label = `${c.file}${calls.length > 1 ? ` #${i + 1}` : ''}${call.name ? ` (${call.name})` : ''}`;
			const problem = await runCallWithSimulator(n8nUrl, call).catch((error: Error) => `request failed: ${error.message}`);
			if (problem) {
				failed++;
				log(`FAIL ${label}: ${problem}`);
			} else {
				passed++;
				log(`PASS ${label}`);
			}
		}
	}
	if (failed) {
		console.log('--- n8n log (tail) ---');
		console.log(tailLog(n8nLog, 60));
	}
	log(`workflow calls: ${passed} passed, ${failed} failed, ${cases.filter((c) => c.skipReason).length} workflow(s) skipped`);
	return failed ? 1 : 0;
}

async function shutdown(): Promise<void> {
	await n8n?.stop();
	await simulator?.stop();
	prepared?.cleanup();
}

main()
	.then(async (code) => {
		log('stopping n8n and the simulator');
		await shutdown();
		log(code === 0 ? 'test:n8n OK' : 'test:n8n FAILED');
		process.exit(code);
	})
	.catch(async (error: Error) => {
		console.error(`[test:n8n] ERROR: ${error.message}`);
		await shutdown();
		process.exit(1);
	});
