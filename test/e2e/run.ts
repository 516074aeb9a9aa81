/**
 * npm run test:e2e → test/e2e/run.sh → this script (Node 24, type stripping).
 *
 * The examples end to end in a real n8n 2.x with the built package installed as a community package:
 *  1. the Cloud API simulator, a throwaway n8n user folder, the examples' credentials (examples/credentials,
 *     pointing at the simulator and a SQLite store file in the temp folder) and the four examples
 *     imported through the n8n CLI; examples 2 and 3 published (active);
 *  2. `n8n start`: example 3's WhatsApp Cloud Trigger registers its production URL with the simulator
 *     (subscribed_apps override_callback_uri + the GET verification handshake);
 *  3. example 1 (CSV → Contacts Import → tag campaign → report) run as the editor's "Execute workflow"
 *     button does (REST, as the owner); statuses come back as signed webhooks through example 3's trigger;
 *  4. signed inbound messages (simulator /_sim/inbound → n8n's production webhook): STOP, HELP → buttons →
 *     "Talk to an agent" → agent reply → "thanks" (handoff Active → Requesting → Intervened → Resolved),
 *     quick-reply taps on the campaign (replied);
 *  5. example 2 (CRM webhook) for a contact whose window is open and one whose window is closed, and a CRM retry;
 *  6. example 1 again (same campaign ID: nobody messaged again) and with a new campaign ID (the STOP honoured);
 *  7. example 4 (create template → wait for review → campaign to a tag);
 *  8. the browser check (test/e2e/browser.ts, Debian's headless Chromium): the editor opens every example,
 *     our nodes render with their icons, screenshots in the temp folder;
 *  9. campaign 1's HTML report (issue 17) opened in the same Chromium (test/e2e/htmlReport.ts).
 * WA_E2E_RECEIVER=1 (npm run test:e2e -- --receiver): Meta's side (the simulator) posts every webhook to the webhook
 * receiver (dist/receiver/cli.js, issue 19) instead of n8n; the receiver applies the store side effects (example 1's
 * statuses reach the ledger without n8n) and forwards only example 3's subscribed events (messages) to its trigger,
 * signed with the credential's Receiver Secret.
 * WA_E2E_LISTENER=1 (npm run test:e2e -- --listener): example 3 starts on the WhatsApp Cloud Listener Trigger (issue 19)
 * instead of the WhatsApp Cloud Trigger: Meta's side posts every webhook to the listener's own port inside n8n, which
 * applies the store side effects and starts example 3 only for messages; Send and Wait answers resume through it.
 * Outcomes are asserted through the store file (opened with dist/core/store, read methods only) and the
 * simulator's /_sim/messages and /_sim/stats. Any failed check → exit 1. Always stops everything and
 * deletes the temp folder (WA_N8N_KEEP=1 keeps it, with n8n.log and simulator.log).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { findN8nDir, findRoot, freePort, n8nVersion, onInterrupt, prepare, sleep, startN8n, startProcess, startSimulator, substitute, waitFor, waitForHandshake } from '../n8n/lib/n8n.ts';
import type { ExecutionResult, N8n, Simulator } from '../n8n/lib/n8n.ts';
import { BrowserCheckError, runBrowserCheck } from './browser.ts';
import { checkHtmlReport } from './htmlReport.ts';

type Json = Record<string, unknown>;
interface SimMessage {
	id: string;
	to: string;
	type: string;
	status: string;
	template?: { name: string };
	biz_opaque_callback_data?: string;
}

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const log = (message: string) => console.log(`[test:e2e +${elapsed()}] ${message}`);

// ---- fixed ids of the examples (examples/README.md) -------------------------------------------------
const WF = { csv: 'waExCsvCampaign1', csvSecond: 'waExCsvCampaign2', crm: 'waExCrmWindow002', bot: 'waExInboundBot03', template: 'waExTplReview004' };
const TRIGGER_WEBHOOK_ID = '8d6b4a3e-2f0c-4d8a-b1e7-3c9a5f2e6d03';
/** The simulator's defaults the examples name (seed 1): WABA, phone number, template ids. */
const SIM = { token: 'sim-token', appSecret: 'sim-app-secret', wabaId: '102290129340398', phoneNumberId: '106540352242922', promoNamed: '1000000000023757', orderUpdate: '1000000000015838' };
const CAMPAIGN_1 = 'diwali-2026';
const CAMPAIGN_1_SECOND = 'diwali-2026-second';
const CAMPAIGN_4 = 'vip-spring-sale-2026';
const NEW_CONTACT = '4915123456789'; // never wrote in: its window is closed
/** Send and Wait for Response (issue 16): one workflow answered through the trigger, one left to time out. */
const SAW = { answered: 'waE2eSendWait05', timeout: 'waE2eSendWait06', answerer: '4915123450051', silent: '4915123450052' };

/** Manual Trigger → WhatsApp Campaign (Send and Wait for Response) → No Operation, with the examples' credentials. */
function sendAndWaitWorkflow(id: string, to: string, ask: Json): Json & { id: string; name: string; nodes: Json[] } {
	const credentials = {
		whatsAppCloudApi: { id: 'waDemoCloudApi01', name: 'WhatsApp Cloud API (simulator)' },
		whatsAppCloudStoreApi: { id: 'waDemoStore00001', name: 'WhatsApp Store (demo)' },
	};
	return {
		id,
		name: `e2e: send and wait (${id})`,
		nodes: [
			{ id: `${id}-start`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: `${id}-ask`,
				name: 'Ask',
				type: 'n8n-nodes-whatsapp-cloud.whatsAppCampaign',
				typeVersion: 1,
				position: [220, 0],
				parameters: { operation: 'sendAndWait', phoneNumber: { __rl: true, mode: 'id', value: SIM.phoneNumberId }, to: `+${to}`, ...ask },
				credentials,
			},
			{ id: `${id}-after`, name: 'After', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [440, 0], parameters: {} },
		],
		connections: { Start: { main: [[{ node: 'Ask', type: 'main', index: 0 }]] }, Ask: { main: [[{ node: 'After', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

// ---- checks ------------------------------------------------------------------------------------------
const failures: string[] = [];
let passed = 0;
function check(what: string, ok: boolean, detail = ''): boolean {
	if (ok) {
		passed++;
		console.log(`  PASS ${what}${detail ? ` (${detail})` : ''}`);
	} else {
		failures.push(`${what}${detail ? `: ${detail}` : ''}`);
		console.log(`  FAIL ${what}${detail ? `: ${detail}` : ''}`);
	}
	return ok;
}
function section(title: string): void {
	console.log('');
	log(`── ${title}`);
}

/** Polls `probe` until it returns a value that is not undefined/false; returns the last value (or undefined). */
async function until<T>(timeoutMs: number, probe: () => Promise<T | undefined | false>): Promise<T | undefined> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = await probe().catch(() => undefined);
		if (v !== undefined && v !== false) return v as T;
		if (Date.now() > deadline) return undefined;
		await sleep(300);
	}
}

// ---- the run -----------------------------------------------------------------------------------------
const root = findRoot(path.dirname(process.argv[1]));
const argv = process.argv.slice(2);
const keep = process.env.WA_N8N_KEEP === '1';
const viaReceiver = process.env.WA_E2E_RECEIVER === '1' || argv.includes('--receiver');
const viaListener = process.env.WA_E2E_LISTENER === '1' || argv.includes('--listener');
const RECEIVER_SECRET = `e2e-receiver-${Math.random().toString(36).slice(2)}`;
let tmp = '';
let sim: Simulator | undefined;
let n8n: N8n | undefined;
let store: { close(): Promise<void> } | undefined;

async function main(): Promise<void> {
	const n8nDir = argv.includes('--n8n-dir') ? argv[argv.indexOf('--n8n-dir') + 1] : await findN8nDir(root);
	log(`n8n ${n8nVersion(n8nDir)} on Node ${process.version}; package loaded as an installed community package`);
	tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wa-e2e-'));
	onInterrupt(() => !keep && fs.rmSync(tmp, { recursive: true, force: true }));
	const filesDir = path.join(tmp, 'n8n-files'); // n8n 2.x reads files only under N8N_RESTRICT_FILE_ACCESS_TO
	fs.mkdirSync(filesDir);
	const csvPath = path.join(filesDir, 'contacts-sample.csv');
	// The first WA_E2E_ROWS rows of the shipped sample (default 60, max 1000): every recipient's sent, delivered
	// and read statuses come back as signed webhooks through n8n, ~3 per message per campaign. n8n 2.41 spends
	// 125-160 ms CPU on each (its default `vm` expression engine acquires an isolate per request and per credential
	// read; ~7 ms with N8N_EXPRESSION_ENGINE=legacy; see README): 60 rows ≈ 85 campaign messages ≈ 250 webhooks.
	const sample = fs.readFileSync(path.join(root, 'examples', 'data', 'contacts-sample.csv'), 'utf8').split('\n').filter(Boolean);
	const rows = Math.min(sample.length - 1, Number(process.env.WA_E2E_ROWS) || 60);
	fs.writeFileSync(csvPath, `${sample.slice(0, rows + 1).join('\n')}\n`);
	const storePath = path.join(tmp, 'store', 'whatsapp-cloud.sqlite');

	// 1. simulator + n8n user folder + imports -----------------------------------------------------
	sim = await startSimulator({
		root,
		token: SIM.token,
		appSecret: SIM.appSecret,
		seed: 1,
		logFile: path.join(tmp, 'simulator.log'),
		log,
		// 1 s pair rate so the bot's replies to one customer a second apart pass (Meta: ~6 s, cloud-api.md §5 [U]);
		// up to 8 delivery attempts (Meta redelivers for days): a loaded machine answers some webhooks late.
		config: { pairRateMs: 1000, webhookRetry: { maxAttempts: 8, baseMs: 1000, factor: 2 } },
	});
	const s = sim;
	const info = await s.control<{ wabaId?: string; waba_id?: string; templates: { id: string; name: string }[]; phoneNumbers?: { id: string }[] }>('GET', 'info');
	const tplId = (name: string) => info.templates.find((t) => t.name === name)?.id;
	log(`simulator ${s.url} (log ${s.logFile})`);
	if (!check('the simulator has the ids the examples name (WABA, phone number, promo_named, order_update)', s.wabaId === SIM.wabaId && s.phoneNumberIds[0] === SIM.phoneNumberId && tplId('promo_named') === SIM.promoNamed && tplId('order_update') === SIM.orderUpdate, `WABA ${s.wabaId}, phone ${s.phoneNumberIds[0]}, promo_named ${tplId('promo_named')}, order_update ${tplId('order_update')}`)) {
		throw new Error('the examples no longer match the simulator defaults: update examples/*.json');
	}

	const p = await prepare({ n8nDir, load: 'package', root, tmp, userFolder: path.join(tmp, 'user'), env: { N8N_RESTRICT_FILE_ACCESS_TO: filesDir }, log });
	const values = { SIMULATOR_URL: s.url, STORE_PATH: storePath };
	const credDir = path.join(root, 'examples', 'credentials');
	const credentials = fs
		.readdirSync(credDir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.flatMap((f) => JSON.parse(substitute(fs.readFileSync(path.join(credDir, f), 'utf8'), values)) as Json[]);
	if (viaReceiver) {
		// The trigger accepts the receiver's signed batches (credential field Receiver Secret).
		const hook = credentials.find((c) => (c as { type?: string }).type === 'whatsAppCloudWebhookApi') as { data: Record<string, string> } | undefined;
		if (!hook) throw new Error('examples/credentials has no WhatsApp Cloud Webhook credential');
		hook.data.receiverSecret = RECEIVER_SECRET;
	}
	fs.writeFileSync(path.join(tmp, 'credentials.json'), JSON.stringify(credentials));
	log(`importing ${credentials.length} credentials (examples/credentials) and the examples`);
	p.importCredentials(path.join(tmp, 'credentials.json'));

	const exampleFiles = fs.readdirSync(path.join(root, 'examples')).filter((f) => /^\d-.*\.json$/.test(f)).sort();
	const workflows = exampleFiles.map((f) => JSON.parse(fs.readFileSync(path.join(root, 'examples', f), 'utf8')) as Json & { id: string; name: string; nodes: Json[] });
	const byId = (id: string) => {
		const wf = workflows.find((w) => w.id === id);
		if (!wf) throw new Error(`no example with id ${id} in examples/`);
		return wf;
	};
	const setSetting = (wf: { nodes: Json[] }, name: string, value: string) => {
		const settings = wf.nodes.find((n) => n.name === 'Settings') as { parameters: { assignments: { assignments: { name: string; value: string }[] } } };
		const a = settings.parameters.assignments.assignments.find((x) => x.name === name);
		if (!a) throw new Error(`Settings has no ${name}`);
		a.value = value;
	};
	// Example 1 reads the CSV from the allowed folder; a copy with another campaign ID is the "second campaign".
	setSetting(byId(WF.csv), 'csvPath', csvPath);
	const second = JSON.parse(JSON.stringify(byId(WF.csv))) as Json & { id: string; name: string; nodes: Json[] };
	second.id = WF.csvSecond;
	second.name = `${second.name} (e2e: second campaign)`;
	for (const n of second.nodes) {
		n.id = `${String(n.id).slice(0, -4)}e2e2`;
		if (n.webhookId) n.webhookId = `${String(n.webhookId).slice(0, -4)}e2e2`;
	}
	setSetting(second, 'campaignId', CAMPAIGN_1_SECOND);
	// --listener: example 3 starts on the Listener Trigger (same node name, events and credentials, its own port).
	const listenerPort = viaListener ? await freePort() : 0;
	if (viaListener) {
		const trigger = byId(WF.bot).nodes.find((x) => String(x.type).endsWith('.whatsAppCloudTrigger')) as Json & { parameters: Json };
		trigger.type = String(trigger.type).replace(/\.whatsAppCloudTrigger$/, '.whatsAppCloudListenerTrigger');
		trigger.parameters = { events: trigger.parameters.events, port: listenerPort, host: '127.0.0.1', options: trigger.parameters.options ?? {} };
		delete trigger.webhookId;
		delete (trigger.credentials as Json).whatsAppCloudApi; // registration and media downloads are the webhook trigger's
	}
	const wfDir = path.join(tmp, 'workflows');
	fs.mkdirSync(wfDir);
	const sawAnswered = sendAndWaitWorkflow(SAW.answered, SAW.answerer, {
		waitMessageType: 'buttons',
		waitMessage: 'Approve the refund of 20 EUR?',
		waitButtons: { button: [{ id: 'approve', title: 'Approve' }, { id: 'reject', title: 'Reject' }] },
		waitAmount: 10,
		waitUnit: 'minutes',
	});
	const sawTimeout = sendAndWaitWorkflow(SAW.timeout, SAW.silent, { waitMessage: 'Still interested?', waitAmount: 1, waitUnit: 'minutes' });
	for (const wf of [...workflows, second, sawAnswered, sawTimeout]) fs.writeFileSync(path.join(wfDir, `${wf.id}.json`), JSON.stringify(wf));
	p.importWorkflow(wfDir);
	for (const id of [WF.bot, WF.crm]) p.publish(id);
	log(`imported ${workflows.length} examples (+ the second-campaign copy of example 1), published ${WF.bot} and ${WF.crm}`);

	// 2. n8n start: the trigger registers with the simulator ---------------------------------------------
	const n = await startN8n({ n8nDir, load: 'package', prepared: p, log });
	n8n = n;
	const triggerUrl = `${n.url}/webhook/${TRIGGER_WEBHOOK_ID}/webhook`;
	const webhookCred = credentials.find((c) => (c as { type?: string }).type === 'whatsAppCloudWebhookApi') as { data: Record<string, string> };
	const wabaPointsAt = (url: string, ms: number) =>
		until(ms, async () => {
			const res = await fetch(`${s.url}/v23.0/${SIM.wabaId}/subscribed_apps`, { headers: { authorization: `Bearer ${SIM.token}` } });
			const body = (await res.json()) as { data?: { override_callback_uri?: string }[] };
			return body.data?.some((a) => a.override_callback_uri === url) ? true : undefined;
		});
	// As the Meta app dashboard would: point the WABA's callback URL at `url` (the simulator verifies it with the GET handshake).
	const pointWabaAt = async (url: string, what: string) => {
		const moved = await fetch(`${s.url}/v23.0/${SIM.wabaId}/subscribed_apps`, {
			method: 'POST',
			headers: { authorization: `Bearer ${SIM.token}`, 'content-type': 'application/json' },
			body: JSON.stringify({ override_callback_uri: url, verify_token: webhookCred.data.verifyToken }),
		});
		const pointed = await wabaPointsAt(url, 10000);
		if (!check(`the WABA points at the ${what} (handshake answered by the ${what})`, moved.ok && pointed === true, `${url} (HTTP ${moved.status})`)) throw new Error(`${what} not registered`);
	};
	if (viaListener) {
		section("listener trigger (issue 19): Meta's webhooks go to example 3's Listener Trigger on its own port inside n8n");
		const listenerUrl = `http://127.0.0.1:${listenerPort}/`;
		await waitForHandshake('listener trigger', listenerUrl, webhookCred.data.verifyToken, n.process);
		await pointWabaAt(listenerUrl, 'listener trigger');
	} else {
		section('example 3 active: the trigger registers its production URL (subscribed_apps override + handshake)');
		const registered = await wabaPointsAt(triggerUrl, 60000);
		if (!check('the WABA points at the trigger production URL', registered === true, triggerUrl)) {
			console.log(n.tail(40));
			throw new Error('trigger not registered');
		}
	}
	if (viaReceiver) {
		section('webhook receiver (issue 19): Meta\'s webhooks go to the receiver, only example 3\'s messages reach n8n');
		const port = await freePort();
		const receiverLog = path.join(tmp, 'receiver.log');
		const child = startProcess(
			'receiver',
			process.execPath,
			[path.join(root, 'dist', 'receiver', 'cli.js'), '--port', String(port), '--host', '127.0.0.1', '--store', `sqlite:${storePath}`, '--forward', triggerUrl, '--events', 'message'],
			{ ...process.env, WHATSAPP_APP_SECRET: webhookCred.data.appSecret, WHATSAPP_VERIFY_TOKEN: webhookCred.data.verifyToken, WHATSAPP_RECEIVER_SECRET: RECEIVER_SECRET },
			receiverLog,
			log,
		);
		await waitFor('receiver', 30000, child, async () => /receiver listening/.test(fs.readFileSync(receiverLog, 'utf8')));
		await pointWabaAt(`http://127.0.0.1:${port}/`, 'receiver');
	}
	await n.ownerLogin();
	const { openStore } = createRequire(path.join(root, 'package.json'))(path.join(root, 'dist', 'core', 'store')) as {
		openStore(o: { backend: 'sqlite'; path: string }): Promise<StoreApi>;
	};

	// 3. example 1 ---------------------------------------------------------------------------------------
	section('example 1: CSV → Contacts Import → campaign to tag "diwali" → report');
	const run1 = await runExample(n, WF.csv, 'Run Campaign');
	const imp = (run1.outputs['Import Contacts']?.[0]?.[0] ?? {}) as Json;
	const failedRows = run1.outputs['Import Contacts']?.[1] ?? [];
	check(`Import Contacts read the ${rows} rows, reported invalid rows with a reason`, imp.rowsRead === rows && Number(imp.failed) > 0 && failedRows.length === imp.failed && failedRows.every((r) => typeof (r as Json).reason === 'string'), `added ${imp.added}, failed ${imp.failed}, duplicates ${imp.duplicates}`);
	const st = await openStore({ backend: 'sqlite', path: storePath });
	store = st;
	const diwali = await contacts(st, 'diwali');
	const send1 = (run1.outputs['Send Campaign']?.[0]?.[0] ?? {}) as Json & { thisRun?: Json };
	check('Send Campaign accepted one message per "diwali" contact', send1.thisRun?.accepted === diwali.length && send1.campaignState === 'completed', `${send1.thisRun?.accepted} accepted, ${diwali.length} contacts tagged diwali, state ${send1.campaignState}`);
	const msgs1 = await campaignMessages(s, CAMPAIGN_1);
	exactlyOnce('campaign 1', msgs1, diwali.map((c) => c.waId));
	const wfReport = (run1.outputs['Campaign Report']?.[0]?.[0] ?? {}) as { byState?: Record<string, number>; total?: number };
	const wfDelivered = (wfReport.byState?.delivered ?? 0) + (wfReport.byState?.read ?? 0);
	check("the workflow's Campaign Report (after its wait loop) shows delivered/read statuses", wfDelivered > 0, `byState ${JSON.stringify(wfReport.byState)}, ${run1.runs['Campaign Report'] ?? 0} report run(s)`);
	await drained(s);
	await reconcile(s, st, CAMPAIGN_1);

	// 4. inbound messages through the trigger ----------------------------------------------------------
	section('example 3: signed inbound webhooks → opt-out, keyword routing, buttons, agent handoff');
	const [a, b, d] = [diwali[0].waId, diwali[1].waId, diwali[2].waId];
	log(`customers: +${a} (STOP), +${b} (HELP → agent → thanks), +${d} (writes in, then a CRM event)`);
	const tappers = diwali.slice(10, 15).map((c) => c.waId);
	const inbound = (body: Json) => s.control<Json>('POST', 'inbound', body);
	await inbound({ from: a, type: 'stop' });
	const optedOut = await until(20000, async () => ((await st.getContact(a))?.optedOut ? true : undefined));
	check(`STOP from +${a}: contact opted out in the store`, optedOut === true);
	const confirm = await until(20000, async () => (await messagesTo(s, a)).find((m) => m.type === 'text'));
	check('… and got the opt-out confirmation (Confirm Opt-out)', confirm !== undefined);

	const handoff = async (waId: string, state: string) => until(20000, async () => ((await st.getContact(waId))?.attributes?.handoff === state ? state : undefined));
	await inbound({ from: b, type: 'text', text: 'HELP' });
	check(`HELP from +${b}: handoff Active`, (await handoff(b, 'Active')) === 'Active');
	const menu = await until(10000, async () => (await messagesTo(s, b)).find((m) => m.type === 'interactive'));
	check('… and the menu with reply buttons was sent', menu !== undefined, menu ? `message ${menu.id}` : 'no interactive message');
	await sleep(1100);
	await inbound({ from: b, type: 'button_reply', id: 'agent', title: 'Talk to an agent' });
	check('button "Talk to an agent": handoff Requesting', (await handoff(b, 'Requesting')) === 'Requesting');
	await sleep(1100);
	const agentAnswer = await n.webhook('support/agent-reply', { body: { to: `+${b}`, text: 'Hi, this is Maya from support. How can I help?', agent: 'Maya' } });
	const agentJson = (await agentAnswer.json().catch(() => ({}))) as { attributes?: Json };
	check('Agent Reply webhook: 200, handoff Intervened, agent recorded', agentAnswer.status === 200 && (await handoff(b, 'Intervened')) === 'Intervened' && agentJson.attributes?.agent === 'Maya', `HTTP ${agentAnswer.status}`);
	const beforeQuiet = (await messagesTo(s, b)).length;
	await sleep(1100);
	await inbound({ from: b, type: 'text', text: 'HELP' }); // while an agent is on it, the bot stays quiet
	await sleep(1100);
	await inbound({ from: b, type: 'text', text: 'thanks' });
	check('"thanks": handoff Resolved', (await handoff(b, 'Resolved')) === 'Resolved');
	const afterQuiet = await until(10000, async () => {
		const list = await messagesTo(s, b);
		return list.length > beforeQuiet ? list.slice(beforeQuiet) : undefined;
	});
	check('while Intervened the bot did not answer HELP; "thanks" got one goodbye', afterQuiet?.length === 1 && afterQuiet[0].type === 'text', `${afterQuiet?.length ?? 0} message(s) after the agent's reply`);
	for (const from of tappers) await inbound({ from, type: 'button', text: 'Shop now', payload: 'SHOP' });
	// Every tapper is "replied"; so is any campaign recipient who typed to us after it (issue 13: typed
	// replies count too — the STOP / HELP / write-in senders above).
	const replied = await until(20000, async () => {
		const states = await Promise.all(tappers.map(async (t) => (await st.getRecipient(CAMPAIGN_1, t))?.state));
		return states.every((x) => x === 'replied') ? (await st.campaignReport(CAMPAIGN_1)).byState.replied : undefined;
	});
	check(`${tappers.length} quick-reply taps on the campaign message → recipients "replied"`, replied !== undefined && replied >= tappers.length, `replied ${replied ?? (await st.campaignReport(CAMPAIGN_1)).byState.replied} (incl. typed replies)`);

	// 5. example 2 -------------------------------------------------------------------------------------
	section('example 2: CRM webhook → Contacts Upsert → 24 h window → session message / template');
	await inbound({ from: d, type: 'text', text: 'Where is my order?' });
	await until(20000, async () => ((await st.getWindow(SIM.phoneNumberId, d)) ? true : undefined));
	const crm = async (event: Json) => {
		const res = await n.webhook('crm/order-shipped', { body: event });
		return { status: res.status, json: (await res.json().catch(() => ({}))) as Json };
	};
	await sleep(1100);
	const open = await crm({ event_id: 'evt-1001', phone: `+${d}`, name: 'Divya', order_id: 'A-1001', tracking_code: 'TRK1001' });
	const toD = await messagesTo(s, d);
	const openMsg = toD.find((m) => m.id === open.json.messageId);
	check(`open window (+${d} wrote in): a session text message`, open.status === 200 && open.json.type === 'text' && open.json.recontact === false && openMsg?.type === 'text' && !toD.some((m) => m.template?.name === 'order_update'), `answer ${JSON.stringify(open.json).slice(0, 160)}`);
	const closed = await crm({ event_id: 'evt-1002', phone: `+${NEW_CONTACT}`, name: 'Ana', order_id: 'A-1002', tracking_code: 'TRK1002' });
	check(`closed window (+${NEW_CONTACT} never wrote): the order_update template`, closed.status === 200 && closed.json.campaignId === 'crm-order-shipped-evt-1002' && closed.json.state === 'accepted', `answer ${JSON.stringify(closed.json).slice(0, 200)}`);
	const retry = await crm({ event_id: 'evt-1002', phone: `+${NEW_CONTACT}`, name: 'Ana', order_id: 'A-1002', tracking_code: 'TRK1002' });
	const toNew = await messagesTo(s, NEW_CONTACT);
	check('the CRM retrying the same event sends nothing again', retry.status === 200 && toNew.length === 1 && toNew[0].template?.name === 'order_update', `${toNew.length} message(s) to +${NEW_CONTACT}: ${toNew.map((m) => m.template?.name ?? m.type).join(', ')}`);
	const crmContact = await st.getContact(NEW_CONTACT);
	check('the CRM contact is in the store (tag crm)', Boolean(crmContact?.tags?.includes('crm')), JSON.stringify(crmContact?.tags));

	// 5b. Send and Wait for Response (issue 16) ------------------------------------------------------------
	section('Send and Wait for Response: the execution waits; the answer through the trigger resumes it; the other times out');
	for (const from of [SAW.answerer, SAW.silent]) await inbound({ from, type: 'text', text: 'Hello, I have a question' });
	await until(20000, async () => ((await st.getWindow(SIM.phoneNumberId, SAW.answerer)) && (await st.getWindow(SIM.phoneNumberId, SAW.silent)) ? true : undefined));
	await drained(s);
	await sleep(1100);
	const status = async (id: string) => (await n.rest<{ status?: string }>('GET', `executions/${id}`).catch(() => undefined))?.status;
	const timeoutId = await n.runManually(SAW.timeout, 'Start');
	const askedAt = Date.now();
	const answeredId = await n.runManually(SAW.answered, 'Start');
	const bothWaiting = await until(60000, async () => ((await status(answeredId)) === 'waiting' && (await status(timeoutId)) === 'waiting' ? true : undefined));
	check('both executions are waiting after sending their question', bothWaiting === true, `answered ${await status(answeredId)}, timeout ${await status(timeoutId)}`);
	const question = (await messagesTo(s, SAW.answerer)).find((m) => m.type === 'interactive');
	check('the question went out as reply buttons', question !== undefined, JSON.stringify((await messagesTo(s, SAW.answerer)).map((m) => m.type)));
	await sleep(1100);
	await inbound({ from: SAW.answerer, type: 'button_reply', id: 'approve', title: 'Approve', context_id: question?.id });
	const answered = await n.waitForExecution(answeredId, 60000).catch((error: Error) => ({ status: error.message, outputs: {} as Record<string, unknown[][]> }));
	const answer = (answered.outputs.After?.[0]?.[0] ?? {}) as Json;
	check(
		'the tapped button resumed the execution: answered, buttonId "approve", the answer\'s wamid',
		answered.status === 'success' && answer.answered === true && answer.buttonId === 'approve' && answer.text === 'Approve' && String(answer.messageId).startsWith('wamid.') && answer.replyToMessageId === question?.id,
		`${answered.status}: ${JSON.stringify(answer).slice(0, 240)}`,
	);
	const timedOut = await n.waitForExecution(timeoutId, 180000).catch((error: Error) => ({ status: error.message, outputs: {} as Record<string, unknown[][]> }));
	const late = (timedOut.outputs.After?.[0]?.[0] ?? {}) as Json;
	check(
		'no answer: n8n resumed the other one after its 1-minute limit with timedOut: true',
		timedOut.status === 'success' && late.timedOut === true && late.answered === false && late.to === SAW.silent,
		`${timedOut.status} after ${((Date.now() - askedAt) / 1000).toFixed(0)} s: ${JSON.stringify(late).slice(0, 240)}`,
	);

	// 6. example 1 again ----------------------------------------------------------------------------------
	section('example 1 again: same campaign ID (exactly once), then a new campaign ID (the STOP honoured)');
	const rerun = await runExample(n, WF.csv, 'Run Campaign');
	const rerunSend = (rerun.outputs['Send Campaign']?.[0]?.[0] ?? {}) as { thisRun?: Json };
	const msgs1b = await campaignMessages(s, CAMPAIGN_1);
	check('re-run of campaign 1: nobody messaged again', rerunSend.thisRun?.accepted === 0 && msgs1b.length === msgs1.length, `accepted ${rerunSend.thisRun?.accepted}, ${msgs1b.length} campaign-1 messages in total`);
	await drained(s);
	const run2 = await runExample(n, WF.csvSecond, 'Run Campaign');
	const send2 = (run2.outputs['Send Campaign']?.[0]?.[0] ?? {}) as { thisRun?: Json; added?: Json };
	const diwali2 = (await contacts(st, 'diwali')).filter((c) => !c.optedOut);
	const msgs2 = await campaignMessages(s, CAMPAIGN_1_SECOND);
	check(`second campaign skips the opted-out +${a}`, !msgs2.some((m) => m.to === a) && diwali2.length === diwali.length - 1, `added ${JSON.stringify(send2.added)}`);
	exactlyOnce('campaign 2', msgs2, diwali2.map((c) => c.waId));
	const rowA = (await st.listRecipients(CAMPAIGN_1_SECOND, {}, { limit: 5000 })).items.find((r) => r.waId === a);
	check('… its ledger row says skipped', rowA?.state === 'skipped', `state ${rowA?.state}`);

	await drained(s);

	// 7. example 4 ------------------------------------------------------------------------------------
	section('example 4: create template → wait for review → campaign to tag "vip"');
	const run4 = await runExample(n, WF.template, 'Run');
	const created = (run4.outputs['Create Template']?.[0]?.[0] ?? {}) as Json;
	const review = (run4.outputs['Wait for Review']?.[0]?.[0] ?? {}) as Json;
	check('template created and approved by the review', typeof created.id === 'string' && review.approved === true && review.status === 'APPROVED', `id ${created.id}, status ${review.status} after ${review.waitedSeconds} s`);
	const vip = (await contacts(st, 'vip')).filter((c) => !c.optedOut);
	const send4 = (run4.outputs['Send Campaign']?.[0]?.[0] ?? {}) as { thisRun?: Json };
	const msgs4 = (await campaignMessages(s, CAMPAIGN_4)).filter((m) => m.template?.name === 'spring_sale_2026');
	check('the campaign sent the new template to every "vip" contact not opted out', send4.thisRun?.accepted === vip.length, `${send4.thisRun?.accepted} accepted, ${vip.length} vip contacts`);
	exactlyOnce('campaign 4', msgs4, vip.map((c) => c.waId));
	await drained(s);
	await reconcile(s, st, CAMPAIGN_4);

	// 8. the simulator's view of the whole run ------------------------------------------------------------
	section('the simulator over the whole run');
	const stats = await s.control<{ duplicateSends: { total: number }; webhooks: Record<string, number>; accepted: { total: number }; statuses: Json; errors: Json; asyncFailures: Json }>('GET', 'stats');
	check('no duplicate campaign sends (same recipient + campaign)', stats.duplicateSends.total === 0, `${stats.duplicateSends.total}`);
	// A slow answer (> 10 s on a loaded machine) is a failed attempt that Meta — and the simulator — redelivers.
	check('every signed webhook was eventually accepted by n8n (none given up)', stats.webhooks.givenUp === 0 && stats.webhooks.delivered > 0, `delivered ${stats.webhooks.delivered}, redelivered after a failed attempt ${stats.webhooks.failedAttempts}, given up ${stats.webhooks.givenUp}`);
	if (viaReceiver || viaListener) {
		// The receiver's (or the listener trigger's) outbox (store migration v8): what it handed to n8n. Only messages (example 3 subscribes to
		// messages), every one delivered; the statuses stayed in the receiver (the ledgers above are reconciled).
		const { DatabaseSync } = process.getBuiltinModule('node:sqlite') as typeof import('node:sqlite');
		const db = new DatabaseSync(path.join(tmp, 'store', 'whatsapp-cloud.sqlite'), { readOnly: true });
		const rows = db.prepare('SELECT payload, delivered_at FROM webhook_outbox').all();
		db.close();
		const kinds = new Set(rows.map((r) => (JSON.parse(String(r.payload)) as { kind?: string }).kind));
		const pending = rows.filter((r) => r.delivered_at === null).length;
		check(
			`through the ${viaListener ? 'listener trigger' : 'receiver'}, n8n got only the messages (every one delivered), no status`,
			rows.length > 0 && pending === 0 && kinds.size === 1 && kinds.has('message'),
			`${rows.length} forwarded (${[...kinds].join(', ')}), ${pending} pending, of ${stats.webhooks.delivered} webhooks it took`,
		);
	}
	log(`simulator: ${stats.accepted.total} messages accepted, statuses ${JSON.stringify(stats.statuses)}, sync errors ${JSON.stringify(stats.errors)}, async failures ${JSON.stringify(stats.asyncFailures)}`);

	// 9. the browser check (issue #8) --------------------------------------------------------------------------
	section('browser: the editor (Debian\'s headless Chromium) renders every example with our node icons');
	const shots = path.join(tmp, 'screenshots');
	try {
		const browser = await runBrowserCheck({
			url: n.url,
			cookie: await n.ownerLogin(),
			workflowIds: workflows.map((w) => w.id),
			names: Object.fromEntries(exampleFiles.map((f, i) => [workflows[i].id, f.replace(/\.json$/, '')])),
			outDir: shots,
			typePrefix: n.typePrefix,
			log,
		});
		for (const wf of browser.workflows) {
			check(`${wf.name}: ${wf.nodeCount} nodes on the canvas, our ${wf.ourNodes.length} node(s) with their SVG icons`, wf.ourNodes.length > 0 && wf.ourNodes.every((x) => x.httpStatus === 200 && /svg/.test(x.contentType)), `${path.basename(wf.screenshot)}, ${(wf.loadMs / 1000).toFixed(1)} s`);
		}
		if (browser.panel) check(`parameter panel of "${browser.panel.nodeName}" renders (${browser.panel.parameterInputs} inputs)`, browser.panel.parameterInputs > 0, path.basename(browser.panel.screenshot));
	} catch (error) {
		if (error instanceof BrowserCheckError) for (const problem of error.problems) check('browser check', false, problem);
		else check('browser check', false, (error as Error).message);
	}

	// 10. campaign 1's HTML report (issue 17) in headless Chromium ----------------------------------------
	// Built from this run's store file by the code the Campaign Report operation runs (dist/core/campaign).
	section("browser: campaign 1's HTML report (Campaign Report → HTML Report) in headless Chromium");
	try {
		const load = createRequire(path.join(root, 'package.json'));
		const { campaignProgressReport } = load(path.join(root, 'dist', 'core', 'campaign', 'progressReport')) as { campaignProgressReport(store: unknown, id: string): Promise<Parameters<typeof checkHtmlReport>[0]['report']> };
		const { renderCampaignReportHtml } = load(path.join(root, 'dist', 'core', 'campaign', 'htmlReport')) as { renderCampaignReportHtml(report: unknown): string };
		const report = await campaignProgressReport(st, CAMPAIGN_1);
		const r = await checkHtmlReport({ html: renderCampaignReportHtml(report), report, screenshot: path.join(shots, 'campaign-html-report.png') });
		check(`campaign 1's HTML report renders the funnel ${JSON.stringify(r.funnel)}, errors with Meta's titles, ${r.bars} hourly bars and the per-number table; no outside request`, r.problems.length === 0, r.problems.join('; ') || path.basename(r.screenshot));
	} catch (error) {
		check("campaign 1's HTML report in Chromium", false, (error as Error).message);
	}
	log(`screenshots: ${shots}${keep ? '' : ' (deleted at the end; WA_N8N_KEEP=1 keeps them)'}`);
}

// ---- helpers -----------------------------------------------------------------------------------------

interface StoreApi {
	getContact(waId: string): Promise<{ waId: string; optedOut?: boolean; tags?: string[]; attributes?: Record<string, unknown> } | undefined>;
	getWindow(phoneNumberId: string, waId: string): Promise<unknown>;
	iterateContacts(filter: { tagsAny?: string[] }, batch?: number): AsyncIterable<{ waId: string; optedOut?: boolean }>;
	campaignReport(campaignId: string): Promise<{ total: number; byState: Record<string, number>; byErrorCode: Record<string, number> }>;
	listRecipients(campaignId: string, filter: Json, page: { limit: number; cursor?: string }): Promise<{ items: { waId: string; state: string; messageId?: string }[]; next?: string }>;
	getRecipient(campaignId: string, waId: string): Promise<{ waId: string; state: string } | undefined>;
	close(): Promise<void>;
}

async function runExample(n: N8n, workflowId: string, trigger: string): Promise<ExecutionResult> {
	const t = Date.now();
	const id = await n.runManually(workflowId, trigger);
	const result = await n.waitForExecution(id, 300000);
	const ok = check(`execution ${id} of ${workflowId} succeeded`, result.status === 'success', `${result.status}${result.error ? `: ${result.error}` : ''} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
	if (!ok) {
		console.log(n.tail(30));
		throw new Error(`${workflowId} failed`);
	}
	return result;
}

async function contacts(st: StoreApi, tag: string): Promise<{ waId: string; optedOut?: boolean }[]> {
	const out: { waId: string; optedOut?: boolean }[] = [];
	for await (const c of st.iterateContacts({ tagsAny: [tag] }, 1000)) out.push({ waId: c.waId, optedOut: c.optedOut });
	return out;
}

async function allMessages(s: Simulator): Promise<SimMessage[]> {
	return (await s.control<{ data: SimMessage[] }>('GET', 'messages?limit=100000')).data;
}
async function campaignMessages(s: Simulator, campaignId: string): Promise<SimMessage[]> {
	return (await allMessages(s)).filter((m) => m.biz_opaque_callback_data?.startsWith(`${campaignId}|`));
}
async function messagesTo(s: Simulator, waId: string): Promise<SimMessage[]> {
	return (await s.control<{ data: SimMessage[] }>('GET', `messages?to=${waId}`)).data;
}

/** Every expected recipient got exactly one message of the campaign, and nobody else got one. */
function exactlyOnce(label: string, msgs: SimMessage[], expected: string[]): void {
	const count = new Map<string, number>();
	for (const m of msgs) count.set(m.to, (count.get(m.to) ?? 0) + 1);
	const missing = expected.filter((w) => !count.has(w));
	const twice = [...count].filter(([, c]) => c > 1).map(([w]) => w);
	const extra = [...count.keys()].filter((w) => !expected.includes(w));
	check(`${label}: every recipient exactly once (simulator message log)`, missing.length === 0 && twice.length === 0 && extra.length === 0, `${msgs.length} messages, ${expected.length} recipients${missing.length ? `, missing ${missing.slice(0, 3).join(' ')}` : ''}${twice.length ? `, twice ${twice.slice(0, 3).join(' ')}` : ''}${extra.length ? `, unexpected ${extra.slice(0, 3).join(' ')}` : ''}`);
}

/** Waits until the simulator has no webhook left to (re)deliver, so later events reach n8n in order. */
async function drained(s: Simulator): Promise<void> {
	const t = Date.now();
	const ok = await until(180000, async () => ((await s.control<{ data: unknown[] }>('GET', 'webhooks?state=pending&limit=1')).data.length === 0 ? true : undefined));
	const pending = ok ? 0 : (await s.control<{ data: unknown[] }>('GET', 'webhooks?state=pending&limit=100000')).data.length;
	log(ok ? `webhook backlog drained in ${((Date.now() - t) / 1000).toFixed(1)} s` : `WARNING: ${pending} webhooks still pending after 180 s`);
}

/** Waits for the status webhooks to settle, then compares the store's ledger with the simulator's statuses. */
async function reconcile(s: Simulator, st: StoreApi, campaignId: string): Promise<void> {
	const settled = await until(180000, async () => {
		const msgs = await campaignMessages(s, campaignId);
		if (msgs.some((m) => m.status === 'accepted' || m.status === 'sent')) return undefined;
		const r = await st.campaignReport(campaignId);
		return (r.byState.accepted ?? 0) + (r.byState.sent ?? 0) + (r.byState.sending ?? 0) === 0 ? r : undefined;
	});
	const msgs = await campaignMessages(s, campaignId);
	const rows = new Map<string, { state: string; messageId?: string }>();
	let cursor: string | undefined;
	do {
		const page = await st.listRecipients(campaignId, {}, { limit: 1000, cursor });
		for (const r of page.items) rows.set(r.waId, r);
		cursor = page.next;
	} while (cursor);
	const rank: Record<string, number> = { accepted: 0, sent: 1, delivered: 2, read: 3, replied: 4 };
	const mismatches = msgs.filter((m) => {
		const row = rows.get(m.to);
		if (!row || row.messageId !== m.id) return true;
		// replied (a reply webhook) ranks above read; otherwise the ledger holds the simulator's last status.
		return row.state === 'replied' ? false : row.state !== m.status && !(rank[row.state] >= rank[m.status]);
	});
	const report = settled ?? (await st.campaignReport(campaignId));
	const b = report.byState;
	check(`${campaignId}: statuses reconciled (store ledger = simulator statuses for every message)`, settled !== undefined && mismatches.length === 0 && (b.delivered ?? 0) + (b.read ?? 0) + (b.replied ?? 0) === msgs.length, `delivered ${b.delivered ?? 0}, read ${b.read ?? 0}, replied ${b.replied ?? 0}, failed ${b.failed ?? 0}, skipped ${b.skipped ?? 0}${mismatches.length ? `; ${mismatches.length} mismatches, e.g. ${mismatches[0].to}: simulator ${mismatches[0].status}, store ${rows.get(mismatches[0].to)?.state}` : ''}`);
}

async function shutdown(): Promise<void> {
	await store?.close().catch(() => undefined);
	await n8n?.stop();
	await sim?.stop();
	if (!tmp) return;
	if (keep) log(`kept ${tmp} (n8n.log, simulator.log, store/whatsapp-cloud.sqlite)`);
	else fs.rmSync(tmp, { recursive: true, force: true });
}

main()
	.catch((error: Error) => {
		failures.push(`aborted: ${error.message}`);
		console.error(`[test:e2e] ERROR: ${error.message}`);
	})
	.then(async () => {
		if (failures.length && n8n) {
			console.log('--- n8n log (tail) ---');
			console.log(n8n.tail(40));
		}
		log('stopping n8n and the simulator');
		await shutdown();
		console.log('');
		if (failures.length) {
			log(`test:e2e FAILED: ${failures.length} failed, ${passed} passed`);
			for (const f of failures) console.log(`  - ${f}`);
			process.exit(1);
		}
		log(`test:e2e OK: ${passed} checks passed in ${elapsed()}`);
		process.exit(0);
	});
