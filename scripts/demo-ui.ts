/**
 * `npm run demo -- --ui` (scripts/demo.sh → scripts/demo-ui.sh → this file, Node 24 with type stripping).
 *
 * A real n8n 2.x on 127.0.0.1 to click through, offline:
 *  1. the Cloud API simulator (dist/simulator/cli.js) with the example credentials' token and app secret,
 *     its webhooks aimed at example 3's WhatsApp Cloud Trigger (n8n's production webhook URL);
 *  2. n8n with this package installed as a community package (what users get: types
 *     `n8n-nodes-whatsapp-cloud.<name>`), in a throwaway user folder; n8n's own database and our store
 *     credential are embedded SQLite files in that folder;
 *  3. examples/credentials/*.json imported (Cloud API → the simulator, webhook secrets, SQLite store), then
 *     examples/*.json, and the workflows that start from a webhook (example 3's trigger, example 2's CRM
 *     webhook) published;
 *  4. an owner account (printed), the editor URL, and how to send an inbound message through the simulator;
 *  5. it waits until Ctrl-C, then stops n8n and the simulator and deletes the folder (`--keep` keeps it).
 *
 * Options: --port <n8n port> (default 5678 when free), --email, --password (default: generated, printed),
 * --keep. The same start-up is used by test/e2e/browser.sh (startDemo()) to screenshot the examples.
 * Test-only secrets: every token and secret here is a local demo value that the simulator accepts.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { findN8nDir, findRoot, freePort, n8nVersion, onInterrupt, prepare, sleep, startN8n, startSimulator, substitute } from '../test/n8n/lib/n8n.ts';
import type { N8n, Simulator } from '../test/n8n/lib/n8n.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface WorkflowFile {
	file: string;
	id: string;
	name: string;
	nodes: { name: string; type: string; webhookId?: string; parameters?: Record<string, Json> }[];
	published: boolean;
}

export interface DemoOptions {
	/** n8n's port; 0 = any free port; default 5678 when free. */
	port?: number;
	email?: string;
	password?: string;
	/** Folder of `<n>-<name>.json` workflows and `credentials/*.json` (default `<root>/examples`, env WA_DEMO_EXAMPLES). */
	examplesDir?: string;
	log?: (message: string) => void;
}

export interface Demo {
	n8n: N8n;
	n8nDir: string;
	examplesDir: string;
	sim: Simulator;
	workflows: WorkflowFile[];
	email: string;
	password: string;
	/** `n8n-auth=…` (a Cookie header value). */
	cookie: string;
	/** Production URL of example 3's trigger, where the simulator posts its webhooks. */
	triggerUrl?: string;
	stop(): Promise<void>;
}

export const DEMO_EMAIL = 'demo@example.com';
const PACKAGE = 'n8n-nodes-whatsapp-cloud';

function readJson<T>(file: string): T {
	return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

async function portIsFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** n8n's password rule: 8+ characters with a number and an upper-case letter. */
function generatedPassword(): string {
	return `Demo-${randomBytes(5).toString('hex')}-7Q`;
}

/** The example credential files' secrets (what the simulator must accept and sign with). */
function exampleSecrets(credentials: Record<string, Json>[]): { token?: string; appSecret?: string; verifyToken?: string } {
	const data = (type: string) => (credentials.find((c) => c.type === type)?.data ?? {}) as Record<string, Json>;
	const str = (v: Json | undefined) => (typeof v === 'string' && !v.includes('@@') ? v : undefined);
	return { token: str(data('whatsAppCloudApi').accessToken), appSecret: str(data('whatsAppCloudWebhookApi').appSecret), verifyToken: str(data('whatsAppCloudWebhookApi').verifyToken) };
}

/** Starts the simulator and n8n with the examples; the caller stops it (demo.stop()). */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
	const log = options.log ?? ((message: string) => console.log(`[demo --ui] ${message}`));
	const root = findRoot(path.dirname(process.argv[1] ?? process.cwd()));
	const examplesDir = path.resolve(options.examplesDir ?? process.env.WA_DEMO_EXAMPLES ?? path.join(root, 'examples'));
	const credDir = path.join(examplesDir, 'credentials');
	const exampleFiles = fs.existsSync(examplesDir) ? fs.readdirSync(examplesDir).filter((f) => /^\d.*\.json$/.test(f)).sort() : [];
	if (!exampleFiles.length) throw new Error(`no example workflows in ${examplesDir} (examples/<n>-<name>.json)`);

	log('locating the cached n8n install (first run: installs n8n 2.x, ≈ 15 min)');
	const n8nDir = await findN8nDir(root);
	// 0: any free port (checks, CI); default: n8n's usual 5678 when free, so the URL is the familiar one.
	const port = options.port === 0 ? await freePort() : (options.port ?? ((await portIsFree(5678)) ? 5678 : await freePort()));
	const prepared = await prepare({ n8nDir, load: 'package', port, root, label: 'n8n', log });
	log(`n8n ${n8nVersion(n8nDir)} in ${prepared.tmp} (package loaded as an installed community package: ${prepared.typePrefix}.*)`);
	// n8n 2.x reads and writes files only under N8N_RESTRICT_FILE_ACCESS_TO (default `~/.n8n-files` of the
	// process's home). Example 1 reads its CSV from the Docker image's `/home/node/.n8n-files/`: give n8n a
	// files folder of its own with examples/data/ copied in, and point the examples' paths at it.
	// (prepared.env is the object the CLI and `n8n start` use.)
	const filesDir = path.join(prepared.tmp, 'n8n-files');
	fs.mkdirSync(filesDir, { recursive: true });
	const dataDir = path.join(examplesDir, 'data');
	if (fs.existsSync(dataDir)) fs.cpSync(dataDir, filesDir, { recursive: true });
	prepared.env.N8N_RESTRICT_FILE_ACCESS_TO = filesDir;

	// Credentials first (raw, to learn the secrets the simulator must use), then the simulator, then the files
	// with every placeholder filled.
	const rawCredentials = (fs.existsSync(credDir) ? fs.readdirSync(credDir).filter((f) => f.endsWith('.json')).sort() : []).flatMap((f) => {
		const parsed = readJson<Json>(path.join(credDir, f));
		return (Array.isArray(parsed) ? parsed : [parsed]) as Record<string, Json>[];
	});
	const secrets = exampleSecrets(rawCredentials);

	const rawWorkflows = exampleFiles.map((file) => ({ file, workflow: readJson<Record<string, Json>>(path.join(examplesDir, file)) }));
	// Example 3's trigger: the simulator posts inbound messages and statuses to its production URL.
	let triggerUrl: string | undefined;
	for (const { workflow } of rawWorkflows) {
		const trigger = ((workflow.nodes ?? []) as WorkflowFile['nodes']).find((n) => /\.whatsAppCloudTrigger$/.test(n.type));
		if (trigger?.webhookId) {
			const triggerPath = typeof trigger.parameters?.path === 'string' && trigger.parameters.path ? trigger.parameters.path : 'webhook';
			triggerUrl = `${prepared.url}/webhook/${trigger.webhookId}/${triggerPath.replace(/^\/+/, '')}`;
			break;
		}
	}

	const sim = await startSimulator({ root, token: secrets.token, appSecret: secrets.appSecret, webhookUrl: triggerUrl, logFile: path.join(prepared.tmp, 'simulator.log'), log });
	log(`simulator on ${sim.url} (WABA ${sim.wabaId}, phone numbers ${sim.phoneNumberIds.join(', ')})`);

	const values: Record<string, string> = {
		N8N_URL: prepared.url,
		N8N_PORT: String(prepared.port),
		SIMULATOR_URL: sim.url,
		SIMULATOR_WABA_ID: sim.wabaId,
		SIMULATOR_APP_ID: sim.appId,
		SIMULATOR_PHONE_NUMBER_ID: sim.phoneNumberIds[0] ?? '',
		PKG: prepared.typePrefix,
		TMP: prepared.tmp,
		STORE_PATH: path.join(prepared.userFolder, 'whatsapp-cloud.sqlite'),
		EXAMPLES_DIR: examplesDir,
		NOW_S: String(Math.floor(Date.now() / 1000)),
	};
	const fill = (value: Json): Json =>
		JSON.parse(substitute(JSON.stringify(value), values).split('/home/node/.n8n-files/').join(`${filesDir}/`)) as Json;

	if (rawCredentials.length) {
		const file = path.join(prepared.tmp, 'credentials.json');
		fs.writeFileSync(file, JSON.stringify(fill(rawCredentials as Json)));
		log(`importing ${rawCredentials.length} credential(s) from examples/credentials/`);
		prepared.importCredentials(file);
		fs.rmSync(file); // secrets (local demo values) do not stay around in plain text
	}

	const wfDir = path.join(prepared.tmp, 'workflows');
	fs.mkdirSync(wfDir, { recursive: true });
	const workflows: WorkflowFile[] = rawWorkflows.map(({ file, workflow }) => {
		const filled = fill(workflow as Json) as Record<string, Json>;
		// The package-mode type prefix, whatever prefix the file was written with (CUSTOM., @@PKG@@ filled above).
		const nodes = (filled.nodes ?? []) as WorkflowFile['nodes'];
		for (const node of nodes) node.type = node.type.replace(/^CUSTOM\./, `${prepared.typePrefix}.`);
		filled.active = false;
		const id = String(filled.id);
		fs.writeFileSync(path.join(wfDir, `${id}.json`), JSON.stringify(filled));
		// Published: workflows started by a webhook (our trigger, n8n's Webhook node); the others run from the editor.
		const published = nodes.some((n) => /\.whatsAppCloudTrigger$/.test(n.type) || n.type === 'n8n-nodes-base.webhook');
		return { file, id, name: String(filled.name), nodes, published };
	});
	log(`importing ${workflows.length} example workflow(s)`);
	prepared.importWorkflow(wfDir);
	for (const wf of workflows.filter((w) => w.published)) {
		log(`publishing ${wf.file} (id ${wf.id})`);
		prepared.publish(wf.id);
	}

	const n8n = await startN8n({ n8nDir, load: 'package', prepared, log });
	const stop = async (): Promise<void> => {
		await n8n.stop();
		await sim.stop();
		prepared.cleanup();
	};
	try {
		const email = options.email ?? DEMO_EMAIL;
		const password = options.password ?? generatedPassword();
		const cookie = await n8n.ownerLogin(email, password);
		return { n8n, n8nDir, examplesDir, sim, workflows, email, password, cookie, triggerUrl, stop };
	} catch (error) {
		console.log(n8n.tail());
		await stop();
		throw error;
	}
}

/** Example 3's trigger answers Meta's GET verification handshake (no execution, proves it is registered). */
async function triggerAnswers(demo: Demo, verifyToken: string | undefined): Promise<boolean> {
	if (!demo.triggerUrl || !verifyToken) return false;
	const url = new URL(demo.triggerUrl);
	url.searchParams.set('hub.mode', 'subscribe');
	url.searchParams.set('hub.verify_token', verifyToken);
	url.searchParams.set('hub.challenge', '4242');
	const deadline = Date.now() + 20000;
	for (;;) {
		const res = await fetch(url).catch(() => undefined);
		const text = res ? await res.text() : '';
		if (res?.ok && text.trim() === '4242') return true;
		if (Date.now() > deadline) return false;
		await sleep(500);
	}
}

function parseArgs(argv: string[]): DemoOptions & { keep: boolean } {
	const value = (flag: string): string | undefined => {
		const i = argv.indexOf(flag);
		return i >= 0 ? argv[i + 1] : undefined;
	};
	const port = value('--port') ?? process.env.WA_DEMO_PORT;
	return {
		port: port ? Number(port) : undefined,
		email: value('--email') ?? process.env.WA_DEMO_EMAIL,
		password: value('--password') ?? process.env.WA_DEMO_PASSWORD,
		keep: argv.includes('--keep'),
	};
}

async function main(): Promise<void> {
	const started = Date.now();
	const args = parseArgs(process.argv.slice(2));
	if (args.keep) process.env.WA_N8N_KEEP = '1';
	const demo = await startDemo(args);
	let stopping = false;
	onInterrupt(() => {
		if (!stopping) console.log('\n[demo --ui] stopped n8n and the simulator');
		stopping = true;
	});

	const credDir = path.join(demo.examplesDir, 'credentials');
	const rawCreds = fs.existsSync(credDir) ? fs.readdirSync(credDir).filter((f) => f.endsWith('.json')).flatMap((f) => [readJson<Json>(path.join(credDir, f))].flat() as Record<string, Json>[]) : [];
	const verifyToken = exampleSecrets(rawCreds).verifyToken;
	const triggerOk = await triggerAnswers(demo, verifyToken);
	const phone = demo.sim.phoneNumberIds[0] ?? '';
	const post = (url: string, body: Record<string, string>) => `curl -s -X POST ${url} -H 'content-type: application/json' -d '${JSON.stringify(body)}'`;
	const inbound = (body: Record<string, string>) => post(`${demo.sim.url}/_sim/inbound`, { phone_number_id: phone, ...body });
	// Production URLs of the published workflows' n8n Webhook nodes (example 2's CRM event, example 3's helpdesk).
	const webhookPaths = demo.workflows
		.filter((w) => w.published)
		.flatMap((w) => w.nodes.filter((n) => n.type === 'n8n-nodes-base.webhook' && typeof n.parameters?.path === 'string').map((n) => String(n.parameters?.path)));
	const crmPath = webhookPaths.find((p) => /crm/.test(p));
	const agentPath = webhookPaths.find((p) => /agent/.test(p));

	const say = (line = '') => process.stdout.write(`${line}\n`);
	say('');
	say('================================================================================');
	say(` n8n ${n8nVersion(demo.n8nDir)} with ${PACKAGE} is running (ready in ${Math.round((Date.now() - started) / 1000)} s)`);
	say('================================================================================');
	say(` Editor:    ${demo.n8n.url}/`);
	say(` Log in:    ${demo.email}  /  ${demo.password}`);
	say('');
	say(' Example workflows (● published and listening, ○ run it from the editor: "Execute workflow"):');
	for (const wf of demo.workflows) say(`   ${wf.published ? '●' : '○'} ${wf.name}\n       ${demo.n8n.url}/workflow/${wf.id}`);
	say('');
	say(` Cloud API simulator: ${demo.sim.url}  (WABA ${demo.sim.wabaId}, phone number ${phone})`);
	if (demo.triggerUrl) say(` WhatsApp trigger:    ${demo.triggerUrl}  (${triggerOk ? 'answers the verification handshake' : 'NOT answering yet: see the n8n log'})`);
	say('');
	say(' Send inbound WhatsApp messages (the simulator signs them and posts them to the trigger, example 3).');
	say(' Leave 6 s between messages to one number: the simulator enforces Meta\'s pair rate limit (error 131056).');
	say('   menu with buttons:');
	say(`     ${inbound({ from: '919876543210', name: 'Asha', text: 'HELP' })}`);
	say('   tap "Talk to an agent" (handoff Active → Requesting):');
	say(`     ${inbound({ from: '919876543210', name: 'Asha', type: 'button_reply', id: 'agent', title: 'Talk to an agent' })}`);
	if (agentPath) {
		say('   your helpdesk answers (→ Intervened):');
		say(`     ${post(`${demo.n8n.url}/webhook/${agentPath}`, { to: '919876543210', text: 'Hi Asha, Priya here. Let me check your order.', agent: 'Priya' })}`);
	}
	say('   the customer says thanks (→ Resolved):');
	say(`     ${inbound({ from: '919876543210', name: 'Asha', text: 'thanks' })}`);
	say('   opt out:');
	say(`     ${inbound({ from: '919876543211', name: 'Ravi', text: 'STOP' })}`);
	if (crmPath) {
		say(' A CRM event (example 2): Asha wrote within 24 h → a session message; a number that never wrote → template order_update:');
		say(`     ${post(`${demo.n8n.url}/webhook/${crmPath}`, { event_id: 'evt-1001', phone: '+91 98765 43210', name: 'Asha', order_id: 'A-1001', tracking_code: 'TRK1001' })}`);
	}
	say(` What was sent: curl -s ${demo.sim.url}/_sim/messages   ·   executions: the editor's Executions tab`);
	say('');
	say(` Files: ${demo.n8n.tmp} (n8n.log, simulator.log, n8n's SQLite database, the store, n8n-files/)${args.keep ? '; kept after Ctrl-C' : '; deleted at Ctrl-C (--keep keeps them)'}`);
	say(' Press Ctrl-C to stop n8n and the simulator.');
	say('================================================================================');

	// Until Ctrl-C (the lib's SIGINT handler stops n8n and the simulator and removes the temp folder);
	// if n8n dies on its own, stop too.
	await new Promise<void>((resolve) => demo.n8n.process.once('exit', () => resolve()));
	console.error('[demo --ui] n8n exited; last log lines:');
	console.error(demo.n8n.tail());
	await demo.stop();
	process.exit(1);
}

if (/demo-ui\.ts$/.test(process.argv[1] ?? '')) {
	main().catch((error: Error) => {
		console.error(`[demo --ui] ERROR: ${error.message}`);
		process.exit(1);
	});
}
