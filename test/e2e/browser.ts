/**
 * The browser check of issue #8: a real n8n 2.x editor in Debian's headless Chromium (playwright-core).
 *
 * For each workflow it logs in (owner cookie, or e-mail + password through POST /rest/login), opens
 * /workflow/<id>, waits for the canvas, zooms to fit, saves a screenshot, then asserts from the DOM:
 *  - every node of the workflow is on the canvas, sticky notes included (`.vue-flow__node` → `[data-node-name]`);
 *  - no node is in n8n's unknown-node state: no `[data-test-id="node-not-installed"]` badge, no
 *    `?` icon placeholder (`nodeIconPlaceholder` class), no "Install this node" text;
 *  - the workflow holds at least one node of this package (`<typePrefix>.<name>`), else it proves nothing;
 *  - each of our nodes shows an <img> icon whose src is the `iconUrl` n8n registered for its type
 *    (GET /types/nodes.json), that the browser loaded (complete, naturalWidth > 0, drawn at a non-zero size),
 *    and that answers HTTP 200 with an SVG content type and an <svg> body;
 *  - no icon request of the page failed (HTTP >= 400).
 * Then it opens one of our nodes' parameter panel (NDV: double-click), screenshots it and asserts: the
 * panel's header shows the node's icon, the parameter list renders at least one parameter input, no
 * unknown-node text, and every credential icon of the package in the panel answers 200 + SVG.
 * Optionally (`run`, `--run`) it clicks "Execute workflow" on given workflows, waits for the execution
 * (GET /rest/executions), asserts `success` and screenshots the canvas with the run's item counts.
 *
 * Two ways to run it:
 *  - as a function: `runBrowserCheck({ url, cookie | email + password, workflowIds, outDir })` (test/e2e/run.ts);
 *  - as a script: `node test/e2e/browser.ts --url <n8n> (--cookie <v> | --email <e> --password <p>)
 *    --workflow <id>[=<screenshot name>] … [--out <dir>] [--prefix <type prefix>] [--panel <workflow id>:<node name>|none]`.
 *    Without --url, test/e2e/browser.sh starts its own n8n with the examples and calls this (see there).
 *
 * Chromium: Debian's /usr/bin/chromium (scripts/chromium.sh installs it), or WA_CHROMIUM; flags from
 * /work/.library/env/machines/node.md (no background networking: this machine's network is closed).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export interface BrowserCheckOptions {
	/** n8n's base URL, e.g. http://127.0.0.1:5678 */
	url: string;
	/** The `n8n-auth` cookie: its value, or a `Cookie`/`Set-Cookie` header text that contains `n8n-auth=…`. */
	cookie?: string;
	/** Used when no cookie is given: POST /rest/login. */
	email?: string;
	password?: string;
	workflowIds: string[];
	/** Folder for the screenshots (created). */
	outDir: string;
	/** Screenshot base names by workflow id (default: the workflow's name, slugged). */
	names?: Record<string, string>;
	/** Node type prefix of the package (default `n8n-nodes-whatsapp-cloud`, i.e. package load mode; `CUSTOM` for custom extensions). */
	typePrefix?: string;
	/**
	 * The node whose parameter panel is opened and screenshotted. Default: the first of our non-trigger nodes
	 * of the first workflow (`false`: skip the panel).
	 */
	panel?: false | { workflowId: string; nodeName: string };
	/**
	 * Workflows (ids, among workflowIds) to execute from the editor after the checks: click "Execute workflow",
	 * wait for the execution to finish (GET /rest/executions), assert it succeeded, screenshot `<name>-run.png`.
	 */
	run?: string[];
	/** After a run, open this node's panel (its output) and screenshot `<name>-run-<node>.png`, e.g. `Campaign Report`. */
	runPanelNode?: string;
	/** Milliseconds one executed workflow may take (default 360 s: example 1 on the 1,000-row sample imports, sends, then polls its report up to 2 min while the status webhooks arrive). */
	runTimeoutMs?: number;
	/** Chromium binary (default WA_CHROMIUM, then /usr/bin/chromium). */
	chromiumPath?: string;
	viewport?: { width: number; height: number };
	/** Milliseconds to wait for the canvas of one workflow (default 90 s: the first editor load compiles a lot). */
	timeoutMs?: number;
	log?: (message: string) => void;
}

export interface NodeIconReport {
	name: string;
	type: string;
	iconSrc: string;
	httpStatus: number;
	contentType: string;
}

export interface WorkflowReport {
	id: string;
	name: string;
	screenshot: string;
	nodeCount: number;
	ourNodes: NodeIconReport[];
	/** Milliseconds from navigation to a canvas with every node and icon loaded. */
	loadMs: number;
}

export interface BrowserCheckResult {
	workflows: WorkflowReport[];
	panel?: { workflowId: string; nodeName: string; screenshot: string; parameterInputs: number; credentialIcons: string[] };
	runs: { workflowId: string; executionId: string; status: string; ms: number; screenshot: string }[];
	ms: number;
}

export class BrowserCheckError extends Error {
	readonly problems: string[];
	readonly result: BrowserCheckResult;
	constructor(problems: string[], result: BrowserCheckResult) {
		super(`browser check failed:\n  - ${problems.join('\n  - ')}`);
		this.name = 'BrowserCheckError';
		this.problems = problems;
		this.result = result;
	}
}

/** Flags that work on these machines (node.md): no sandbox as root, no GPU, no background connections. */
export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-dev-shm-usage',
];

const DEFAULT_PREFIX = 'n8n-nodes-whatsapp-cloud';
const UNKNOWN_NODE_TEXT = /install this node|not currently installed|node is not installed|unknown node/i;

// Minimal shapes of the DOM objects used inside page.evaluate callbacks (the project's tsconfig has no DOM lib).
interface DomRect {
	width: number;
	height: number;
}
interface DomEl {
	getAttribute(name: string): string | null;
	querySelector(selector: string): DomEl | null;
	querySelectorAll(selector: string): ArrayLike<DomEl>;
	getBoundingClientRect(): DomRect;
	textContent: string | null;
	complete?: boolean;
	naturalWidth?: number;
}

interface CanvasNodeInfo {
	name: string;
	type: string;
	notInstalled: boolean;
	placeholder: boolean;
	unknownText: boolean;
	img?: { src: string; complete: boolean; naturalWidth: number; width: number; height: number };
}

interface WorkflowJson {
	id: string;
	name: string;
	nodes: { name: string; type: string }[];
}

interface NodeTypeJson {
	name: string;
	iconUrl?: string | { light?: string; dark?: string };
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

function slug(text: string): string {
	return (
		text
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, '-')
			.replace(/^-+|-+$/g, '')
			.slice(0, 60) || 'workflow'
	);
}

/** `n8n-auth` cookie value from a raw value or a Cookie / Set-Cookie header text. */
export function authCookieValue(cookie: string): string {
	const match = /(?:^|[;,\s])n8n-auth=([^;,\s]+)/.exec(cookie);
	return match ? match[1] : cookie.trim();
}

/** Logs in through n8n's REST API (2.x: `emailOrLdapLoginId`; 1.x: `email`) and returns the `n8n-auth` value. */
export async function loginCookie(url: string, email: string, password: string): Promise<string> {
	const base = url.replace(/\/+$/, '');
	let lastStatus = 0;
	for (const body of [{ emailOrLdapLoginId: email, password }, { email, password }]) {
		const res = await fetch(`${base}/rest/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
		await res.arrayBuffer();
		lastStatus = res.status;
		const setCookie = res.headers.get('set-cookie') ?? '';
		if (res.ok && /n8n-auth=/.test(setCookie)) return authCookieValue(setCookie);
	}
	// Never echo the password (house rule): name the account and the status only.
	throw new Error(`login to ${base} as ${email} failed (HTTP ${lastStatus})`);
}

function chromiumExecutable(explicit?: string): string {
	const candidates = [explicit, process.env.WA_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((c): c is string => !!c);
	const found = candidates.find((c) => fs.existsSync(c));
	if (!found) throw new Error(`no Chromium found (tried ${candidates.join(', ')}): run 'bash scripts/chromium.sh' (installs Debian's chromium)`);
	return found;
}

export async function launchChromium(executablePath?: string): Promise<Browser> {
	// playwright-core's launch() already uses a fresh temporary profile (it refuses --user-data-dir).
	return chromium.launch({ executablePath: chromiumExecutable(executablePath), headless: true, args: CHROMIUM_ARGS });
}

/** Reads what the canvas shows for every node (runs in the page). */
function readCanvasNodes(page: Page): Promise<CanvasNodeInfo[]> {
	// Every vue-flow node: regular nodes carry data-node-name/-type on their `canvas-node` element, sticky
	// notes on an inner element (they have no `canvas-node` test id).
	return page.$$eval(
		'.vue-flow__node',
		(elements: unknown[], unknownSource: string) => {
			const unknownText = new RegExp(unknownSource, 'i');
			return (elements as DomEl[]).map((el) => {
				const named = el.querySelector('[data-node-name][data-node-type]');
				const img = el.querySelector('.n8n-node-icon img');
				const rect = img?.getBoundingClientRect();
				return {
					name: named?.getAttribute('data-node-name') ?? '',
					type: named?.getAttribute('data-node-type') ?? '',
					notInstalled: el.querySelector('[data-test-id="node-not-installed"]') !== null,
					placeholder: el.querySelector('[class*="nodeIconPlaceholder"]') !== null,
					unknownText: unknownText.test(el.textContent ?? ''),
					img: img
						? {
								src: img.getAttribute('src') ?? '',
								complete: img.complete === true,
								naturalWidth: img.naturalWidth ?? 0,
								width: rect?.width ?? 0,
								height: rect?.height ?? 0,
							}
						: undefined,
				};
			});
		},
		UNKNOWN_NODE_TEXT.source,
	);
}

function iconUrlOf(type: NodeTypeJson | undefined): string | undefined {
	if (!type?.iconUrl) return undefined;
	return typeof type.iconUrl === 'string' ? type.iconUrl : (type.iconUrl.light ?? type.iconUrl.dark);
}

/** Same path, whatever the form: `icons/x.svg`, `/icons/x.svg`, `http://host/icons/x.svg`. */
function iconPath(src: string, base: string): string {
	return new URL(src, `${base}/`).pathname;
}

async function fetchIcon(context: BrowserContext, base: string, src: string): Promise<{ status: number; contentType: string; isSvg: boolean }> {
	const res = await context.request.get(new URL(src, `${base}/`).toString());
	const body = await res.text();
	const contentType = res.headers()['content-type'] ?? '';
	return { status: res.status(), contentType, isSvg: /svg/i.test(contentType) && /<svg[\s>]/i.test(body) };
}

/**
 * Playwright errors carry a "Call log" with the request headers, the auth cookie among them: keep the first
 * part of the message and redact any cookie value (secrets never reach logs).
 */
export function cleanError(error: unknown): Error {
	if (error instanceof BrowserCheckError) return error;
	const message = (error instanceof Error ? error.message : String(error)).split(/\n\s*Call log:/)[0];
	return new Error(message.replace(/(n8n-auth=)[^;\s]+/g, '$1<redacted>'));
}

export async function runBrowserCheck(options: BrowserCheckOptions): Promise<BrowserCheckResult> {
	try {
		return await runChecks(options);
	} catch (error) {
		throw cleanError(error);
	}
}

async function runChecks(options: BrowserCheckOptions): Promise<BrowserCheckResult> {
	const started = Date.now();
	const log = options.log ?? ((message: string) => console.log(`[browser] ${message}`));
	const base = options.url.replace(/\/+$/, '');
	const prefix = options.typePrefix ?? DEFAULT_PREFIX;
	const timeoutMs = options.timeoutMs ?? 90000;
	const problems: string[] = [];
	const result: BrowserCheckResult = { workflows: [], runs: [], ms: 0 };
	if (!options.workflowIds.length) throw new Error('runBrowserCheck: no workflowIds given');
	fs.mkdirSync(options.outDir, { recursive: true });

	let cookie: string;
	if (options.cookie) cookie = authCookieValue(options.cookie);
	else if (options.email && options.password) cookie = await loginCookie(base, options.email, options.password);
	else throw new Error('runBrowserCheck: give cookie, or email and password');

	const browser = await launchChromium(options.chromiumPath);
	try {
		const context = await browser.newContext({ viewport: options.viewport ?? { width: 1600, height: 900 } });
		await context.addCookies([{ name: 'n8n-auth', value: cookie, url: base }]);

		// The icon URL n8n registered for each of our types: what the editor must render.
		const typesRes = await context.request.get(`${base}/types/nodes.json`);
		if (!typesRes.ok()) throw new Error(`GET /types/nodes.json answered ${typesRes.status()} (is the cookie valid?)`);
		const types = new Map(((await typesRes.json()) as NodeTypeJson[]).map((t) => [t.name, t]));

		const page = await context.newPage();
		const failedIcons: string[] = [];
		page.on('response', (res) => {
			if (new URL(res.url()).pathname.startsWith('/icons/') && res.status() >= 400) failedIcons.push(`${res.status()} ${res.url()}`);
		});
		page.on('pageerror', (error) => log(`  (page error: ${error.message.split('\n')[0].slice(0, 160)})`));

		for (const id of options.workflowIds) {
			const wfRes = await context.request.get(`${base}/rest/workflows/${encodeURIComponent(id)}`);
			if (!wfRes.ok()) {
				problems.push(`workflow ${id}: GET /rest/workflows/${id} answered ${wfRes.status()}`);
				continue;
			}
			const workflow = ((await wfRes.json()) as { data: WorkflowJson }).data;
			const label = `workflow ${id} (${workflow.name})`;
			const screenshot = path.join(options.outDir, `${options.names?.[id] ?? slug(workflow.name)}.png`);
			const expectedNames = workflow.nodes.map((n) => n.name);
			const ourExpected = workflow.nodes.filter((n) => n.type.startsWith(`${prefix}.`));
			log(`${label}: ${workflow.nodes.length} node(s), ${ourExpected.length} of the package`);

			const t0 = Date.now();
			await page.goto(`${base}/workflow/${encodeURIComponent(id)}`, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
			// Wait until every node is drawn and every node icon has finished loading (or failed).
			let nodes: CanvasNodeInfo[] = [];
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				nodes = await readCanvasNodes(page).catch(() => []);
				const drawn = expectedNames.every((name) => nodes.some((n) => n.name === name));
				const iconsSettled = nodes.every((n) => !n.img || n.img.complete);
				if (drawn && iconsSettled) break;
				if (Date.now() > deadline) {
					const missing = expectedNames.filter((name) => !nodes.some((n) => n.name === name));
					problems.push(`${label}: canvas incomplete after ${timeoutMs / 1000} s (missing: ${missing.join(', ') || 'none'}; icons still loading)`);
					break;
				}
				await sleep(250);
			}
			const loadMs = Date.now() - t0;
			await takeEditLock(page, log);
			// Fit the whole workflow in view (n8n does on open; the button makes it certain), let it settle.
			await page
				.locator('[data-test-id="zoom-to-fit"]')
				.click({ timeout: 5000 })
				.catch(() => undefined);
			await page.mouse.move(2, options.viewport?.height ? options.viewport.height / 2 : 450); // no hover toolbar in the shot
			await sleep(800);
			await clearFloatingButtons(page);
			await page.screenshot({ path: screenshot });
			log(`  canvas ready in ${loadMs} ms; screenshot ${screenshot}`);

			for (const n of nodes) {
				if (n.notInstalled) problems.push(`${label}: node "${n.name}" (${n.type}) shows n8n's not-installed badge`);
				if (n.placeholder) problems.push(`${label}: node "${n.name}" (${n.type}) shows the "?" icon placeholder`);
				if (n.unknownText && n.type !== 'n8n-nodes-base.stickyNote') problems.push(`${label}: node "${n.name}" (${n.type}) says it is not installed`);
			}
			if (!ourExpected.length) problems.push(`${label}: has no node of type ${prefix}.* (nothing of the package to check)`);

			const report: WorkflowReport = { id, name: workflow.name, screenshot, nodeCount: nodes.length, ourNodes: [], loadMs };
			for (const expected of ourExpected) {
				const shown = nodes.find((n) => n.name === expected.name);
				if (!shown) continue; // reported above as missing
				const where = `${label}: node "${expected.name}" (${expected.type})`;
				const registered = iconUrlOf(types.get(expected.type));
				if (!types.has(expected.type)) problems.push(`${where}: type not registered in n8n (/types/nodes.json)`);
				else if (!registered) problems.push(`${where}: n8n registered no iconUrl for the type`);
				if (!shown.img) {
					problems.push(`${where}: no icon <img> on the canvas`);
					continue;
				}
				if (registered && iconPath(shown.img.src, base) !== iconPath(registered, base)) {
					problems.push(`${where}: icon src ${shown.img.src} is not the registered ${registered}`);
				}
				if (!shown.img.complete || shown.img.naturalWidth <= 0) problems.push(`${where}: icon ${shown.img.src} did not load in the browser`);
				if (shown.img.width <= 0 || shown.img.height <= 0) problems.push(`${where}: icon drawn at ${shown.img.width}×${shown.img.height}`);
				const icon = await fetchIcon(context, base, shown.img.src);
				if (icon.status !== 200) problems.push(`${where}: icon ${shown.img.src} answered HTTP ${icon.status}`);
				else if (!icon.isSvg) problems.push(`${where}: icon ${shown.img.src} is not an SVG (content-type ${icon.contentType})`);
				report.ourNodes.push({ name: expected.name, type: expected.type, iconSrc: shown.img.src, httpStatus: icon.status, contentType: icon.contentType });
			}
			log(`  ${report.ourNodes.length} node(s) of the package with icons: ${report.ourNodes.map((n) => `${n.name} ${n.httpStatus}`).join(', ') || 'none'}`);
			result.workflows.push(report);
		}

		// ---- one node's parameter panel (NDV) ----
		const panelTarget = options.panel === false ? undefined : (options.panel ?? defaultPanel(result, options.workflowIds[0], types));
		if (panelTarget) {
			const { workflowId, nodeName } = panelTarget;
			const where = `panel of "${nodeName}" (workflow ${workflowId})`;
			const node = result.workflows.find((w) => w.id === workflowId)?.ourNodes.find((n) => n.name === nodeName);
			await page.goto(`${base}/workflow/${encodeURIComponent(workflowId)}`, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
			const canvasNode = page.locator(`[data-test-id="canvas-node"][data-node-name=${JSON.stringify(nodeName)}]`);
			await canvasNode.waitFor({ timeout: timeoutMs });
			await takeEditLock(page, log);
			await canvasNode.dblclick();
			const ndv = page.locator('[data-test-id="ndv"]');
			try {
				await ndv.waitFor({ state: 'visible', timeout: 20000 });
				await page.locator('[data-test-id="node-parameters"] [data-test-id^="parameter-input-"]').first().waitFor({ timeout: 20000 });
			} catch {
				problems.push(`${where}: the parameter panel did not open with parameters`);
			}
			await sleep(800);
			const panelShot = path.join(options.outDir, `${options.names?.[workflowId] ?? slug(result.workflows.find((w) => w.id === workflowId)?.name ?? workflowId)}-panel.png`);
			await page.screenshot({ path: panelShot });
			const info = await page.evaluate(
				(unknownSource: string) => {
					const doc = (globalThis as unknown as { document: DomEl }).document;
					const ndvEl = doc.querySelector('[data-test-id="ndv"]');
					if (!ndvEl) return undefined;
					const header = ndvEl.querySelector('header .n8n-node-icon img');
					return {
						headerIcon: header ? { src: header.getAttribute('src') ?? '', complete: header.complete === true, naturalWidth: header.naturalWidth ?? 0 } : undefined,
						parameterInputs: ndvEl.querySelectorAll('[data-test-id="node-parameters"] [data-test-id^="parameter-input-"]').length,
						images: Array.from(ndvEl.querySelectorAll('img')).map((img) => img.getAttribute('src') ?? ''),
						unknownText: new RegExp(unknownSource, 'i').test(ndvEl.textContent ?? ''),
						notInstalled: ndvEl.querySelector('[data-test-id="node-not-installed"]') !== null,
					};
				},
				UNKNOWN_NODE_TEXT.source,
			);
			if (!info) problems.push(`${where}: no NDV element`);
			else {
				if (info.unknownText || info.notInstalled) problems.push(`${where}: the panel says the node is not installed`);
				if (!info.headerIcon) problems.push(`${where}: no node icon in the panel header`);
				else {
					if (node && iconPath(info.headerIcon.src, base) !== iconPath(node.iconSrc, base)) problems.push(`${where}: header icon ${info.headerIcon.src} is not the canvas icon ${node.iconSrc}`);
					if (!info.headerIcon.complete || info.headerIcon.naturalWidth <= 0) problems.push(`${where}: header icon ${info.headerIcon.src} did not load`);
				}
				if (info.parameterInputs < 1) problems.push(`${where}: no parameter inputs rendered`);
				// Credential icons of the package shown in the panel (credential slots).
				const credentialIcons = [...new Set(info.images.filter((src) => src.includes(`/${DEFAULT_PACKAGE_DIR}/`) && src.includes('/credentials/')))];
				for (const src of credentialIcons) {
					const icon = await fetchIcon(context, base, src);
					if (icon.status !== 200 || !icon.isSvg) problems.push(`${where}: credential icon ${src} answered ${icon.status} ${icon.contentType}`);
				}
				result.panel = { workflowId, nodeName, screenshot: panelShot, parameterInputs: info.parameterInputs, credentialIcons };
				log(`${where}: ${info.parameterInputs} parameter input(s), ${credentialIcons.length} credential icon(s); screenshot ${panelShot}`);
			}
		}

		// ---- workflows executed from the editor ----
		for (const workflowId of options.run ?? []) {
			const wf = result.workflows.find((w) => w.id === workflowId);
			const where = `run of workflow ${workflowId}${wf ? ` (${wf.name})` : ''}`;
			// n8n's main process is busy while the workflow runs: slow answers are retried, not fatal.
			const latest = async (): Promise<{ id: string; status: string } | undefined> => {
				const res = await context.request
					.get(`${base}/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}&limit=1`, { timeout: 15000 })
					.catch(() => undefined);
				if (!res?.ok()) return undefined;
				const body = (await res.json()) as { data?: { results?: { id: string; status: string }[] } | { id: string; status: string }[] };
				const list = Array.isArray(body.data) ? body.data : (body.data?.results ?? []);
				return list[0];
			};
			const before = (await latest())?.id;
			await page.goto(`${base}/workflow/${encodeURIComponent(workflowId)}`, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
			const button = page.locator('[data-test-id="execute-workflow-button"]');
			await button.waitFor({ state: 'visible', timeout: timeoutMs });
			await takeEditLock(page, log);
			const t0 = Date.now();
			await button.click();
			log(`${where}: clicked "Execute workflow"`);
			let execution: { id: string; status: string } | undefined;
			const deadline = Date.now() + (options.runTimeoutMs ?? 360000);
			for (;;) {
				execution = await latest();
				if (execution && execution.id !== before && !['new', 'running', 'waiting', 'unknown'].includes(execution.status)) break;
				if (Date.now() > deadline) break;
				await sleep(1000);
			}
			await sleep(1500); // the canvas shows the run's item counts and checkmarks
			await page.mouse.move(2, 450);
			const shot = path.join(options.outDir, `${options.names?.[workflowId] ?? slug(wf?.name ?? workflowId)}-run.png`);
			await page.screenshot({ path: shot });
			const ms = Date.now() - t0;
			if (!execution || execution.id === before) problems.push(`${where}: no execution finished within ${(options.runTimeoutMs ?? 360000) / 1000} s`);
			else {
				if (execution.status !== 'success') problems.push(`${where}: execution ${execution.id} ended with status ${execution.status}`);
				result.runs.push({ workflowId, executionId: execution.id, status: execution.status, ms, screenshot: shot });
				log(`${where}: execution ${execution.id} ${execution.status} in ${(ms / 1000).toFixed(1)} s; screenshot ${shot}`);
				const nodeName = options.runPanelNode;
				if (nodeName && wf && (await page.locator(`[data-node-name=${JSON.stringify(nodeName)}]`).count()) > 0) {
					// The node's output after the run (the editor keeps the run's data on the canvas).
					await page.locator(`[data-test-id="canvas-node"][data-node-name=${JSON.stringify(nodeName)}]`).dblclick();
					const output = page.locator('[data-test-id="output-panel"]');
					const shown = await output
						.waitFor({ state: 'visible', timeout: 20000 })
						.then(() => true)
						.catch(() => false);
					if (!shown) problems.push(`${where}: the panel of "${nodeName}" did not open`);
					await sleep(1000);
					const outShot = path.join(options.outDir, `${options.names?.[workflowId] ?? slug(wf.name)}-run-${slug(nodeName)}.png`);
					await page.screenshot({ path: outShot });
					log(`${where}: output of "${nodeName}"; screenshot ${outShot}`);
					await page.keyboard.press('Escape');
				}
			}
		}

		for (const failed of failedIcons) problems.push(`an icon request failed: ${failed}`);
		await context.close();
	} finally {
		await browser.close();
	}
	result.ms = Date.now() - started;
	if (problems.length) throw new BrowserCheckError(problems, result);
	log(`OK: ${result.workflows.length} workflow(s), ${result.workflows.reduce((s, w) => s + w.ourNodes.length, 0)} node(s) of the package with their SVG icons, in ${(result.ms / 1000).toFixed(1)} s`);
	return result;
}

/**
 * n8n 2.x holds a per-workflow write lock for its editing tab (2 min TTL, collaboration.state.js). A tab of an
 * earlier run (or the demo user's own browser) may still hold it: the canvas then shows "Editing in another
 * tab" over the nodes. Take the lock over ("Edit here") so the screenshot shows the plain canvas.
 */
async function takeEditLock(page: Page, log: (message: string) => void): Promise<void> {
	const button = page.getByRole('button', { name: 'Edit here' });
	await sleep(500);
	if (await button.isVisible().catch(() => false)) {
		log('  (the workflow was locked by another editor tab: taking over with "Edit here")');
		await button.click({ timeout: 5000 }).catch(() => undefined);
		await sleep(500);
	}
}

/**
 * Zoom-to-fit can leave nodes under the canvas's floating buttons ("Execute workflow" at the bottom, the
 * zoom controls): zoom out a step (at most 3) while a node's box overlaps one of them, for a readable shot.
 */
async function clearFloatingButtons(page: Page): Promise<void> {
	for (let step = 0; step < 3; step++) {
		const overlaps = await page.evaluate(() => {
			const doc = (globalThis as unknown as { document: DomEl }).document;
			type Box = { left: number; right: number; top: number; bottom: number; width: number; height: number };
			const box = (el: DomEl) => el.getBoundingClientRect() as unknown as Box;
			const floating = ['[data-test-id="execute-workflow-button"]', '[data-test-id="canvas-controls"]']
				.flatMap((sel) => Array.from(doc.querySelectorAll(sel)))
				.map(box)
				.filter((b) => b.width > 0 && b.height > 0);
			const nodes = Array.from(doc.querySelectorAll('.vue-flow__node')).map(box);
			return nodes.some((n) => floating.some((f) => n.left < f.right && n.right > f.left && n.top < f.bottom && n.bottom + 24 > f.top));
		});
		if (!overlaps) return;
		const zoomOut = page.locator('[data-test-id="zoom-out-button"]');
		if (!(await zoomOut.isVisible().catch(() => false))) return;
		await zoomOut.click({ timeout: 5000 }).catch(() => undefined);
		await page.mouse.move(2, 450);
		await sleep(500);
	}
}

/** The package's folder name in icon URLs (`/icons/<package>/dist/...`). */
const DEFAULT_PACKAGE_DIR = 'n8n-nodes-whatsapp-cloud';

/** First of our nodes in the first workflow that is not a trigger (its panel has the most to show), else the first. */
function defaultPanel(result: BrowserCheckResult, firstId: string, _types: Map<string, NodeTypeJson>): { workflowId: string; nodeName: string } | undefined {
	const wf = result.workflows.find((w) => w.id === firstId) ?? result.workflows[0];
	if (!wf || !wf.ourNodes.length) return undefined;
	const pick = wf.ourNodes.find((n) => !/trigger/i.test(n.type)) ?? wf.ourNodes[0];
	return { workflowId: wf.id, nodeName: pick.name };
}

// ---- standalone ---------------------------------------------------------------------------------------

function parseArgs(argv: string[]): BrowserCheckOptions {
	const value = (flag: string): string | undefined => {
		const i = argv.indexOf(flag);
		return i >= 0 ? argv[i + 1] : undefined;
	};
	const url = value('--url');
	const workflowArgs = argv.flatMap((arg, i) => (arg === '--workflow' ? [argv[i + 1]] : []));
	if (!url || !workflowArgs.length) {
		console.error(
			'usage: node test/e2e/browser.ts --url <n8n url> (--cookie <n8n-auth> | --email <e> --password <p>) --workflow <id>[=<name>] … [--out <dir>] [--prefix <type prefix>] [--panel <workflow id>:<node name>|none] [--run <id>,…]\n' +
				'   or: bash test/e2e/browser.sh   (starts its own n8n with the examples and writes docs/screenshots/)',
		);
		process.exit(2);
	}
	const names: Record<string, string> = {};
	const workflowIds = workflowArgs.map((arg) => {
		const [id, name] = arg.split('=');
		if (name) names[id] = name;
		return id;
	});
	const panelArg = value('--panel');
	let panel: BrowserCheckOptions['panel'];
	if (panelArg === 'none') panel = false;
	else if (panelArg) {
		const colon = panelArg.indexOf(':');
		panel = { workflowId: panelArg.slice(0, colon), nodeName: panelArg.slice(colon + 1) };
	}
	return {
		url,
		cookie: value('--cookie') ?? process.env.WA_N8N_COOKIE,
		email: value('--email') ?? process.env.WA_N8N_EMAIL,
		password: value('--password') ?? process.env.WA_N8N_PASSWORD,
		workflowIds,
		names,
		outDir: path.resolve(value('--out') ?? 'docs/screenshots'),
		typePrefix: value('--prefix'),
		panel,
		run: value('--run')?.split(','),
		runPanelNode: value('--run-panel'),
	};
}

/**
 * Without --url: starts the demo's n8n (scripts/demo-ui.ts: simulator, package-mode n8n, examples/ and their
 * credentials imported, an owner), checks every example workflow, writes `<out>/<example file name>.png`
 * (+ `-panel.png` for the first one), stops everything. `--only <substring>` picks examples by file name.
 */
async function selfHosted(argv: string[]): Promise<void> {
	const value = (flag: string): string | undefined => {
		const i = argv.indexOf(flag);
		return i >= 0 ? argv[i + 1] : undefined;
	};
	const log = (message: string) => console.log(`[browser] ${message}`);
	const { startDemo } = await import('../../scripts/demo-ui.ts');
	const demo = await startDemo({ port: 0, log: (message: string) => console.log(`[browser:n8n] ${message}`) });
	try {
		const only = value('--only');
		const workflows = demo.workflows.filter((w) => !only || w.file.includes(only));
		if (!workflows.length) throw new Error(`no example matches --only ${only}`);
		const names = Object.fromEntries(workflows.map((w) => [w.id, w.file.replace(/\.json$/, '')]));
		const panelArg = value('--panel');
		let panel: BrowserCheckOptions['panel'];
		if (panelArg === 'none') panel = false;
		else if (panelArg) {
			// <example file substring or workflow id>:<node name>
			const colon = panelArg.indexOf(':');
			const key = panelArg.slice(0, colon);
			const wf = workflows.find((w) => w.id === key || w.file.includes(key));
			if (!wf) throw new Error(`--panel: no example ${key}`);
			panel = { workflowId: wf.id, nodeName: panelArg.slice(colon + 1) };
		}
		// --run <substring>[,<substring>…]: examples to execute from the editor (e.g. --run 1-).
		const runArg = value('--run');
		const run = runArg ? workflows.filter((w) => runArg.split(',').some((key) => w.file.includes(key) || w.id === key)).map((w) => w.id) : undefined;
		await runBrowserCheck({
			url: demo.n8n.url,
			cookie: demo.cookie,
			run,
			runPanelNode: value('--run-panel'),
			workflowIds: workflows.map((w) => w.id),
			names,
			outDir: path.resolve(value('--out') ?? path.join(demo.n8n.prepared.root, 'docs', 'screenshots')),
			typePrefix: demo.n8n.typePrefix,
			panel,
			log,
		});
	} finally {
		await demo.stop();
	}
}

// Run as a script (node test/e2e/browser.ts …), not when imported by test/e2e/run.ts.
if (/browser\.ts$/.test(process.argv[1] ?? '')) {
	const argv = process.argv.slice(2);
	(argv.includes('--url') ? runBrowserCheck(parseArgs(argv)).then(() => undefined) : selfHosted(argv))
		.then(() => process.exit(0))
		.catch((error: Error) => {
			console.error(`[browser] ${error instanceof BrowserCheckError ? error.message : `ERROR: ${cleanError(error).message}`}`);
			process.exit(1);
		});
}
