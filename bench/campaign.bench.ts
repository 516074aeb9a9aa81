/**
 * Campaign benchmark (issue #7): the engine against the project's simulator in a separate process.
 *
 *   npm run bench:campaign -- --case a|c|d|all [--scale 0.1] [--heap-cap-mb 192]
 *
 * Cases: (a) 10,000 recipients, 80 mps cap, 200 ms latency; (c) 20,000 recipients, 1,000 mps cap,
 * 50 ms latency; (d) 100,000 recipients streamed from the store (memory ≤ 300 MB), 1,000 mps, 50 ms.
 * The simulator enforces the cap over a sliding 1 s window (130429 beyond it) and counts duplicate
 * sends per (recipient, biz_opaque_callback_data); its /_sim/stats give the figures. Each case prints its figures and ends with one
 * JSON line `{"bench":"campaign",…}`.
 */
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GraphClient, type GraphRequest } from '../core/graph/client';
import { createSimulator, DEFAULT_PHONE_NUMBERS } from '../simulator';
import { openStore } from '../core/store';
import { runCampaign } from '../core/campaign/engine';
import type { CampaignTemplate, RecipientSpec } from '../core/campaign/types';

interface SimStats {
	accepted: { total: number };
	maxAcceptedPerSecond: Record<string, number>;
	duplicateSends: { total: number };
	errors: Record<string, number>;
}

// ───────────── server mode (child process): the project's simulator ─────────────

function serve(cap: number, latencyMs: number): void {
	// Strict cap over a sliding 1 s window (130429 beyond it, cloud-api.md §5), fixed latency, a
	// messaging limit that never binds, no webhooks.
	const sim = createSimulator({ mps: cap, latencyMs, tier: 1e9, maxLog: 10, statusDelays: { sent: 0, delivered: 0, read: 0 }, deliveredRate: 0, readRate: 0 });
	sim.start().then((running) => process.send?.({ url: running.url }));
}

// ───────────── bench mode ─────────────

/** The simulator's preloaded UTILITY template (body {{1}} {{2}}, URL button with a suffix). */
const TEMPLATE: CampaignTemplate = {
	name: 'order_update',
	language: 'en_US',
	category: 'UTILITY',
	components: [
		{ type: 'BODY', text: 'Hi {{1}}, your order {{2}} has shipped.', example: { body_text: [['Mark', '860198']] } },
		{ type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Track order', url: 'https://example.com/track/{{1}}', example: ['https://example.com/track/860198'] }] },
	],
};

interface Case {
	name: 'a' | 'c' | 'd';
	recipients: number;
	capMps: number;
	latencyMs: number;
	fromStore: boolean;
}

const CASES: Record<string, Case> = {
	a: { name: 'a', recipients: 10_000, capMps: 80, latencyMs: 200, fromStore: false },
	c: { name: 'c', recipients: 20_000, capMps: 1000, latencyMs: 50, fromStore: false },
	d: { name: 'd', recipients: 100_000, capMps: 1000, latencyMs: 50, fromStore: true },
};

/** Optional V8 old-space cap for case d (MB): `--heap-cap-mb 192`. */
const HEAP_CAP_MB = ((): number => {
	const i = process.argv.indexOf('--heap-cap-mb');
	if (i >= 0) return Number(process.argv[i + 1]) || 0;
	const flag = process.execArgv.find((a) => a.startsWith('--max-old-space-size='));
	return flag ? Number(flag.split('=')[1]) || 0 : 0;
})();

function arg(name: string): string | undefined {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? process.argv[i + 1] : undefined;
}

function startServer(cap: number, latencyMs: number): Promise<{ url: string; stop: () => void }> {
	const child = fork(__filename, ['--serve', String(cap), String(latencyMs)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: process.execArgv });
	return new Promise((resolve, reject) => {
		child.once('message', (m: { url: string }) => resolve({ url: m.url, stop: () => child.kill() }));
		child.once('error', reject);
	});
}

async function getStats(url: string): Promise<SimStats> {
	const client = new GraphClient({ accessToken: 'sim-token', baseUrl: url });
	return client.request<SimStats>({ method: 'GET', path: '/_sim/stats', unversioned: true });
}

const PHONE = DEFAULT_PHONE_NUMBERS[0].id;

function* itemAudience(n: number): Generator<RecipientSpec> {
	for (let i = 0; i < n; i++) yield { phone: String(16505000000 + i), itemIndex: i, values: { body: [`n${i}`, String(i)], buttons: { 0: String(i) } } };
}

async function runCase(c: Case, scale: number): Promise<void> {
	const n = Math.max(10, Math.round(c.recipients * scale));
	const server = await startServer(c.capMps, c.latencyMs);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wa-bench-'));
	const store = await openStore({ backend: 'sqlite', path: path.join(dir, 'store.sqlite') });
	let peakRss = process.memoryUsage().rss;
	const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
	try {
		let audience: Iterable<RecipientSpec> | AsyncIterable<RecipientSpec>;
		let loadRssMb: number | undefined;
		if (c.fromStore) {
			// Case d: the audience lives in the store (contacts with a tag), streamed without holding it in memory.
			const batch = 5000;
			for (let i = 0; i < n; i += batch) {
				const rows = [];
				for (let j = i; j < Math.min(n, i + batch); j++) rows.push({ waId: String(16505000000 + j), tags: ['bench'], attributes: { name: `n${j}` } });
				await store.upsertContacts(rows);
			}
			loadRssMb = Math.round(Math.max(peakRss, process.memoryUsage().rss) / 1048576);
			audience = (async function* () {
				for await (const contact of store.iterateContacts({ tagsAny: ['bench'] }, 1000)) {
					yield { phone: contact.waId, optedOut: contact.optedOut, values: { body: [String(contact.attributes.name ?? ''), '1'], buttons: { 0: contact.waId } } };
				}
			})();
		} else audience = itemAudience(n);
		const graph = new GraphClient({ accessToken: 'sim-token', baseUrl: server.url, maxSockets: 1024 });
		// Sending span: first request out → last answer in (achieved mps excludes audience loading).
		let firstAt = 0;
		let lastAt = 0;
		const client = {
			async request<T>(req: GraphRequest): Promise<T> {
				if (!firstAt) firstAt = Date.now();
				try {
					return await graph.request<T>(req);
				} finally {
					lastAt = Date.now();
				}
			},
		};
		const cpu0 = process.cpuUsage();
		const t0 = Date.now();
		let lastLog = t0;
		const result = await runCampaign({
			client,
			store,
			campaignId: `bench-${c.name}`,
			phoneNumberId: PHONE,
			template: TEMPLATE,
			recipients: audience,
			limits: { mps: c.capMps },
			onProgress: (p) => {
				if (Date.now() - lastLog >= 10_000) {
					lastLog = Date.now();
					console.log(`  [${c.name}] ${p.accepted}/${n} accepted, ${p.inFlight} in flight, rate ${p.rateMps} mps`);
				}
			},
			progressEveryMs: 1000,
		});
		const wallS = (Date.now() - t0) / 1000;
		const cpu = process.cpuUsage(cpu0);
		const stats = await getStats(server.url);
		peakRss = Math.max(peakRss, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
		const accepted = stats.accepted.total;
		const throttled = stats.errors['130429'] ?? 0;
		const maxPerSecond = stats.maxAcceptedPerSecond[PHONE] ?? 0;
		const duplicates = stats.duplicateSends.total;
		const sendSpanS = Math.max(0.001, (lastAt - firstAt) / 1000);
		const achievedMps = Math.round((accepted / sendSpanS) * 10) / 10;
		const out = {
			bench: 'campaign',
			case: c.name,
			recipients: n,
			capMps: c.capMps,
			latencyMs: c.latencyMs,
			achievedMps,
			ratio: Math.round((achievedMps / c.capMps) * 1000) / 1000,
			maxAcceptedPer1s: maxPerSecond,
			accepted,
			throttleErrors: throttled,
			duplicates,
			state: result.state,
			ledger: result.report.byState,
			...(loadRssMb !== undefined ? { rssAfterStoreLoadMb: loadRssMb } : {}),
			...(c.fromStore && HEAP_CAP_MB ? { heapCapMb: HEAP_CAP_MB } : {}),
			wallS: Math.round(wallS * 10) / 10,
			cpuMsPerMsg: Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, accepted)) * 100) / 100,
			peakRssMb: Math.round(peakRss / 1048576),
		};
		console.log(
			`case ${c.name}: ${n} recipients, cap ${c.capMps} mps, latency ${c.latencyMs} ms → ${achievedMps} mps (${out.ratio} × cap), ` +
				`max ${maxPerSecond} in any 1 s, 130429: ${throttled}, duplicates: ${duplicates}, wall ${out.wallS} s, ` +
				`CPU ${out.cpuMsPerMsg} ms/msg, peak RSS ${out.peakRssMb} MB`,
		);
		if (result.state !== 'completed') console.log(`  campaign ended ${result.state}${result.reason ? `: ${result.reason}` : ''}`);
		console.log(JSON.stringify(out));
	} finally {
		clearInterval(sampler);
		await store.close();
		server.stop();
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

async function main(): Promise<void> {
	if (process.argv.includes('--serve')) {
		const i = process.argv.indexOf('--serve');
		serve(Number(process.argv[i + 1]), Number(process.argv[i + 2]));
		return;
	}
	const which = arg('case') ?? 'all';
	const scale = Number(arg('scale') ?? '1');
	if (!(scale > 0)) throw new Error(`--scale must be a positive number (got ${arg('scale')})`);
	const names = which === 'all' ? ['a', 'c', 'd'] : which.split(',');
	for (const name of names) {
		const c = CASES[name];
		if (!c) throw new Error(`Unknown case "${name}": use a, c, d or all`);
		if (c.fromStore && HEAP_CAP_MB && !process.execArgv.some((a) => a.startsWith('--max-old-space-size'))) {
			// --heap-cap-mb N: run case d under a V8 old-space cap, as a memory-bounded n8n worker would
			// (V8 otherwise lets garbage pile up before a major GC; the heap stays flat under a cap).
			await new Promise<void>((resolve, reject) => {
				const child = fork(__filename, ['--case', 'd', '--scale', String(scale)], { execArgv: [...process.execArgv, `--max-old-space-size=${HEAP_CAP_MB}`], stdio: 'inherit' });
				child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`case d exited with ${code}`))));
			});
			continue;
		}
		await runCase(c, scale);
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
