/**
 * Campaign benchmark (issue #7): the engine against the project's simulator in a separate process.
 *
 *   npm run bench:campaign -- --case a|c|d|pg|all [--scale 0.1] [--heap-cap-mb 192] [--young-mb 16|0]
 *
 * Cases: (a) 10,000 recipients, 80 mps cap, 200 ms latency; (c) 20,000 recipients, 1,000 mps cap,
 * 50 ms latency; (d) 100,000 recipients streamed from the store (memory ≤ 300 MB), 1,000 mps, 50 ms;
 * (pg, issue #9) 10,000 recipients, 80 mps, 200 ms, the store on Postgres (scripts/pg.sh, database
 * wa_bench_pg, a fresh schema per run) and two worker processes running the same campaign at once,
 * sharing the number's throughput bucket, the budget and the claims through the store.
 * The simulator (its own process) enforces the cap over a sliding 1 s window (130429 beyond it) and
 * counts duplicate sends per (recipient, biz_opaque_callback_data); its /_sim/stats give the figures.
 *
 * achievedMps = accepted ÷ (last answer − first request) of the sending span, measured by the
 * client(s); it leaves out audience loading (wallS, wallMps include it) and includes the warm-up,
 * every back-off and the last answer's latency. Each case prints its figures and ends with one JSON
 * line `{"bench":"campaign",…}`.
 */
import { execFileSync, fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GraphClient, type GraphRequest } from '../core/graph/client';
import { createSimulator, DEFAULT_PHONE_NUMBERS, preloadedTemplate } from '../simulator';
import { openStore, postgresOptionsFromUrl } from '../core/store';
import { runCampaign } from '../core/campaign/engine';
import { addAudience } from '../core/campaign/audience';
import { readNumberInfo } from '../core/numbers/info';
import type { CampaignRunResult } from '../core/campaign/types';
import type { PostgresStoreOptions, Store } from '../core/store/types';
import type { CampaignTemplate, RecipientSpec } from '../core/campaign/types';

interface SimStats {
	accepted: { total: number };
	maxAcceptedPerSecond: Record<string, number>;
	duplicateSends: { total: number };
	errors: Record<string, number>;
}

// ───────────── server mode (child process): the project's simulator ─────────────

function serve(cap: number, latencyMs: number, numbers = 0): void {
	// Strict cap over a sliding 1 s window (130429 beyond it, cloud-api.md §5), fixed latency, a
	// messaging limit that never binds, no webhooks. `numbers` > 0: that many business numbers, each
	// with the cap (sender-pool case).
	const phoneNumbers = numbers > 0 ? POOL_NUMBERS.slice(0, numbers).map((id, i) => ({ id, display_phone_number: `1555078${3900 + i}`, verified_name: `Pool ${i + 1}`, quality_rating: 'GREEN' as const, mps: cap })) : undefined;
	const sim = createSimulator({ mps: cap, latencyMs, tier: 1e9, maxLog: numbers > 0 ? 100_000 : 10, statusDelays: { sent: 0, delivered: 0, read: 0 }, deliveredRate: 0, readRate: 0, ...(phoneNumbers ? { phoneNumbers } : {}) });
	sim.start().then((running) => process.send?.({ url: running.url }));
}

// ───────────── bench mode ─────────────

/** The simulator's preloaded UTILITY template (body {{1}} {{2}}, URL button with a suffix). */
const TEMPLATE: CampaignTemplate = preloadedTemplate('order_update');

/** Sender-pool case: three business numbers of one WABA. */
const POOL_NUMBERS = ['106540352242931', '106540352242932', '106540352242933'];

interface Case {
	name: 'a' | 'c' | 'd' | 'pg' | 'pool';
	recipients: number;
	capMps: number;
	latencyMs: number;
	fromStore: boolean;
	/** Worker processes sharing one Postgres store (pg case). */
	workers?: number;
}

const CASES: Record<string, Case> = {
	a: { name: 'a', recipients: 10_000, capMps: 80, latencyMs: 200, fromStore: false },
	c: { name: 'c', recipients: 20_000, capMps: 1000, latencyMs: 50, fromStore: false },
	d: { name: 'd', recipients: 100_000, capMps: 1000, latencyMs: 50, fromStore: true },
	pg: { name: 'pg', recipients: 10_000, capMps: 80, latencyMs: 200, fromStore: false, workers: 2 },
	/** Issue 17: a sender pool of 3 numbers at 80 mps each (cap 240), then the same with one forced RED mid-run. */
	pool: { name: 'pool', recipients: 20_000, capMps: 240, latencyMs: 200, fromStore: false },
};

/** Achieved-rate figures (see the header): the sending span and the whole wall time. */
/**
 * The Graph client timed for the "sending span": first request out → last answer in (achieved mps
 * excludes audience loading), with a count of requests.
 */
function timedClient(graph: GraphClient) {
	const span = { firstAt: 0, lastAt: 0, sends: 0 };
	const client = {
		async request<T>(req: GraphRequest): Promise<T> {
			span.sends++;
			if (!span.firstAt) span.firstAt = Date.now();
			try {
				return await graph.request<T>(req);
			} finally {
				span.lastAt = Date.now();
			}
		},
	};
	return { client, span };
}

/** The simulator's verdict: accepted sends, 130429s, most accepted in any 1 s, duplicate sends. */
function verdict(stats: SimStats) {
	return {
		accepted: stats.accepted.total,
		throttled: stats.errors['130429'] ?? 0,
		maxPerSecond: stats.maxAcceptedPerSecond[PHONE] ?? 0,
		duplicates: stats.duplicateSends.total,
	};
}

/** The fields every case's JSON line starts with: the case, then how fast against the cap. */
function headFields(c: Case, n: number, extra: Record<string, unknown>, achievedMps: number, sendSpanS: number, wallMps: number, loadStart: number, v: ReturnType<typeof verdict>) {
	return {
		bench: 'campaign',
		case: c.name,
		recipients: n,
		capMps: c.capMps,
		latencyMs: c.latencyMs,
		...extra,
		achievedMps,
		ratio: Math.round((achievedMps / c.capMps) * 1000) / 1000,
		sendSpanS,
		wallMps,
		load1: [Math.round(loadStart * 100) / 100, Math.round(os.loadavg()[0] * 100) / 100],
		maxAcceptedPer1s: v.maxPerSecond,
		accepted: v.accepted,
	};
}

function rates(accepted: number, firstAt: number, lastAt: number, wallS: number) {
	const sendSpanS = Math.max(0.001, (lastAt - firstAt) / 1000);
	return {
		achievedMps: Math.round((accepted / sendSpanS) * 10) / 10,
		sendSpanS: Math.round(sendSpanS * 10) / 10,
		wallMps: Math.round((accepted / Math.max(0.001, wallS)) * 10) / 10,
	};
}

/**
 * V8 young-generation cap for case d (MB per semi-space): `--young-mb 16` (the default for case d),
 * `--young-mb 0` = V8's own sizing. On a large machine V8 grows the young generation to 2 × 64 MB in any
 * long busy run, and that garbage, not live data (≈ 14 MB after a full GC), is most of the peak RSS.
 * 16 MB is the setting the README recommends for memory-bounded n8n workers
 * (`NODE_OPTIONS=--max-semi-space-size=16`); it cost no measurable throughput or CPU here.
 */
const YOUNG_MB = ((): number => {
	const i = process.argv.indexOf('--young-mb');
	if (i >= 0) return Number(process.argv[i + 1]) || 0;
	const flag = process.execArgv.find((a) => a.startsWith('--max-semi-space-size='));
	return flag ? Number(flag.split('=')[1]) || 0 : 16;
})();

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

function startServer(cap: number, latencyMs: number, numbers = 0): Promise<{ url: string; stop: () => void }> {
	const child = fork(__filename, ['--serve', String(cap), String(latencyMs), String(numbers)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: process.execArgv });
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
	const loadStart = os.loadavg()[0];
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
		const { client, span } = timedClient(graph);
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
		const v = verdict(stats);
		const { accepted, throttled, maxPerSecond, duplicates } = v;
		const { achievedMps, sendSpanS, wallMps } = rates(accepted, span.firstAt, span.lastAt, wallS);
		const out = {
			...headFields(c, n, {}, achievedMps, sendSpanS, wallMps, loadStart, v),
			throttleErrors: throttled,
			duplicates,
			state: result.state,
			ledger: result.report.byState,
			...(loadRssMb !== undefined ? { rssAfterStoreLoadMb: loadRssMb } : {}),
			...(c.fromStore && HEAP_CAP_MB ? { heapCapMb: HEAP_CAP_MB } : {}),
			...(c.fromStore ? { v8Flags: process.execArgv.filter((a) => /^--max-(old|semi)-space-size=/.test(a)).join(' ') || 'default' } : {}),
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

// ───────────── case pool (issue 17): one campaign from a sender pool of three numbers ─────────────

async function runPoolCase(c: Case, scale: number, forceRed: boolean): Promise<void> {
	const n = Math.max(30, Math.round(c.recipients * scale));
	const perNumber = c.capMps / POOL_NUMBERS.length;
	const loadStart = os.loadavg()[0];
	const server = await startServer(perNumber, c.latencyMs, POOL_NUMBERS.length);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wa-bench-'));
	const store = await openStore({ backend: 'sqlite', path: path.join(dir, 'store.sqlite') });
	try {
		const graph = new GraphClient({ accessToken: 'sim-token', baseUrl: server.url, maxSockets: 1024 });
		const { client, span } = timedClient(graph);
		const red = POOL_NUMBERS[2];
		let redAt: number | undefined;
		const cpu0 = process.cpuUsage();
		const t0 = Date.now();
		// pool-red: 40 % into the expected sending time, one number turns RED (the simulator's control
		// API; Graph's quality_rating says so from then on): it must be drained, the others go on.
		const redTimer = forceRed
			? setTimeout(() => {
					redAt = Date.now();
					void fetch(`${server.url}/_sim/phone-numbers/${red}`, { method: 'POST', body: JSON.stringify({ quality_rating: 'RED' }), headers: { 'content-type': 'application/json' } });
				}, (n / c.capMps) * 400)
			: undefined;
		const result = await runCampaign({
			client,
			store,
			campaignId: `bench-pool${forceRed ? '-red' : ''}`,
			phoneNumberId: POOL_NUMBERS[0],
			template: TEMPLATE,
			recipients: itemAudience(n),
			limits: { mps: perNumber },
			pool: POOL_NUMBERS.map((id) => ({
				phoneNumberId: id,
				mps: perNumber,
				// Graph's quality re-read (every refreshMs): how a RED number is noticed without webhooks.
				refreshNumber: async () => ({ ...(await readInfo(graph, id)) }),
			})),
			refreshMs: 1000,
		});
		clearTimeout(redTimer);
		const wallS = (Date.now() - t0) / 1000;
		const cpu = process.cpuUsage(cpu0);
		const stats = await getStats(server.url);
		const messages = (await graph.request<{ data: Array<{ to: string; phone_number_id: string; acceptedAt: number }> }>({ method: 'GET', path: '/_sim/messages', unversioned: true, query: { limit: 100000 } })).data;
		const byNumber: Record<string, number> = {};
		const recipientsOn = new Map<string, Set<string>>();
		let afterRed = 0;
		for (const m of messages) {
			byNumber[m.phone_number_id] = (byNumber[m.phone_number_id] ?? 0) + 1;
			if (!recipientsOn.has(m.to)) recipientsOn.set(m.to, new Set());
			(recipientsOn.get(m.to) as Set<string>).add(m.phone_number_id);
			if (redAt !== undefined && m.phone_number_id === red && m.acceptedAt > redAt + 2000) afterRed++;
		}
		const maxPerSecond = Math.max(...Object.values(stats.maxAcceptedPerSecond));
		const accepted = stats.accepted.total;
		const { achievedMps, sendSpanS, wallMps } = rates(accepted, span.firstAt, span.lastAt, wallS);
		const out = {
			bench: 'campaign',
			case: forceRed ? 'pool-red' : 'pool',
			recipients: n,
			numbers: POOL_NUMBERS.length,
			capMps: c.capMps,
			latencyMs: c.latencyMs,
			achievedMps,
			ratio: Math.round((achievedMps / c.capMps) * 1000) / 1000,
			sendSpanS,
			wallMps,
			load1: [Math.round(loadStart * 100) / 100, Math.round(os.loadavg()[0] * 100) / 100],
			maxAcceptedPer1sPerNumber: maxPerSecond,
			accepted,
			throttleErrors: stats.errors['130429'] ?? 0,
			duplicates: stats.duplicateSends.total,
			recipientsOnOneNumber: [...recipientsOn.values()].every((s) => s.size === 1),
			byNumber,
			...(forceRed ? { drained: result.perNumber?.filter((p) => p.drained).map((p) => `${p.phoneNumberId}: ${p.drained}`), sentByRedNumberAfterDrain: afterRed } : {}),
			state: result.state,
			ledger: result.report.byState,
			wallS: Math.round(wallS * 10) / 10,
			cpuMsPerMsg: Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, accepted)) * 100) / 100,
		};
		console.log(
			`case ${out.case}: ${n} recipients over ${POOL_NUMBERS.length} numbers × ${perNumber} mps, latency ${c.latencyMs} ms → ${achievedMps} mps (${out.ratio} × ${c.capMps}), ` +
				`max ${maxPerSecond} per number in any 1 s, 130429: ${out.throttleErrors}, duplicates: ${out.duplicates}, by number ${JSON.stringify(byNumber)}` +
				(forceRed ? `, drained ${JSON.stringify(out.drained)}, sent by the RED number after it was noticed: ${afterRed}` : ''),
		);
		console.log(JSON.stringify(out));
	} finally {
		await store.close();
		server.stop();
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

/** Graph's number info (quality rating, throughput) for the pool's refresh. */
function readInfo(graph: GraphClient, id: string) {
	return readNumberInfo(graph, id);
}

// ───────────── case pg (issue #9): two worker processes, one campaign, the store on Postgres ─────────────

const PG_DB = 'wa_bench_pg';

/** scripts/pg.sh ensure <db> → options for a fresh schema (dropped after the run). */
function pgStoreOptions(schema: string): PostgresStoreOptions {
	// dist/bench → the package root (or the working directory, as `npm run` sets it).
	const up = path.join(__dirname, '..', '..');
	const root = fs.existsSync(path.join(up, 'scripts', 'pg.sh')) ? up : process.cwd();
	const url =
		process.env.WA_PG_URL ??
		execFileSync('bash', [path.join(root, 'scripts', 'pg.sh'), 'ensure', PG_DB], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
			.trim()
			.split('\n')
			.pop() ??
		'';
	if (!/^postgres(ql)?:\/\//.test(url)) throw new Error(`scripts/pg.sh ensure printed no URL (got ${JSON.stringify(url)})`);
	return postgresOptionsFromUrl(url, schema);
}

interface WorkerJob {
	store: PostgresStoreOptions;
	simUrl: string;
	campaignId: string;
	capMps: number;
	workerId: string;
}

interface WorkerReport {
	result: Pick<CampaignRunResult, 'state' | 'reason' | 'accepted' | 'throttleErrors' | 'unknown' | 'failed'>;
	firstAt: number;
	lastAt: number;
	cpuMs: number;
	peakRssMb: number;
	/** Shared-pace calls (Store.bookArrival, one per send plus re-bookings) and slots booked (booked − sends = slots left unused). */
	bucketCalls: number;
	bucketGrants: number;
	sends: number;
}

/** Worker process: runs the (already loaded) campaign with the shared bucket, reports to the parent. */
async function worker(job: WorkerJob): Promise<void> {
	const store = await openStore(job.store);
	// Count the shared-pace traffic (store round trips, and slots booked but left unused).
	let bucketCalls = 0;
	let bucketGrants = 0;
	const bookArrival = store.bookArrival.bind(store);
	store.bookArrival = async (...args: Parameters<Store['bookArrival']>) => {
		const grant = await bookArrival(...args);
		bucketCalls++;
		if (grant.seq > 0) bucketGrants++;
		return grant;
	};
	const graph = new GraphClient({ accessToken: 'sim-token', baseUrl: job.simUrl, maxSockets: 1024 });
	const { client, span } = timedClient(graph);
	const cpu0 = process.cpuUsage();
	try {
		const r = await runCampaign({
			client,
			store,
			campaignId: job.campaignId,
			workerId: job.workerId,
			phoneNumberId: PHONE,
			template: TEMPLATE,
			limits: { mps: job.capMps, sharedThroughput: true },
		});
		const cpu = process.cpuUsage(cpu0);
		const report: WorkerReport = {
			result: { state: r.state, reason: r.reason, accepted: r.accepted, throttleErrors: r.throttleErrors, unknown: r.unknown, failed: r.failed },
			firstAt: span.firstAt,
			lastAt: span.lastAt,
			cpuMs: (cpu.user + cpu.system) / 1000,
			peakRssMb: Math.round((process.resourceUsage().maxRSS * 1024) / 1048576),
			bucketCalls,
			bucketGrants,
			sends: span.sends,
		};
		await new Promise<void>((resolve) => process.send?.(report, () => resolve()));
	} finally {
		await store.close();
	}
}

async function runPgCase(c: Case, scale: number): Promise<void> {
	const n = Math.max(10, Math.round(c.recipients * scale));
	const workers = c.workers ?? 2;
	const loadStart = os.loadavg()[0];
	const schema = `bench_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
	const storeOptions = pgStoreOptions(schema);
	const server = await startServer(c.capMps, c.latencyMs);
	let store: Store | undefined;
	try {
		// The audience is loaded once (as the first execution would); then both workers start at once.
		const t0 = Date.now();
		store = await openStore(storeOptions);
		const campaignId = `bench-pg-${Date.now()}`;
		await store.createCampaign({ id: campaignId, phoneNumberId: PHONE, templateName: TEMPLATE.name, templateLanguage: TEMPLATE.language, category: TEMPLATE.category, config: { template: TEMPLATE } }, t0);
		await addAudience(store, campaignId, itemAudience(n), { scope: undefined, now: t0 });
		const reports = await Promise.all(
			Array.from({ length: workers }, (_, i) => {
				const job: WorkerJob = { store: storeOptions, simUrl: server.url, campaignId, capMps: c.capMps, workerId: `bench-worker-${i + 1}` };
				const child = fork(__filename, ['--worker', JSON.stringify(job)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: process.execArgv });
				return new Promise<WorkerReport>((resolve, reject) => {
					let report: WorkerReport | undefined;
					child.on('message', (m: WorkerReport) => (report = m));
					child.once('error', reject);
					child.once('exit', (code) => (report && code === 0 ? resolve(report) : reject(new Error(`worker ${i + 1} exited with ${code}`))));
				});
			}),
		);
		const wallS = (Date.now() - t0) / 1000;
		const stats = await getStats(server.url);
		const report = await store.campaignReport(campaignId);
		const finalState = (await store.getCampaign(campaignId))?.state;
		const v = verdict(stats);
		const { accepted, throttled, maxPerSecond, duplicates } = v;
		const firstAt = Math.min(...reports.map((r) => r.firstAt).filter((t) => t > 0));
		const lastAt = Math.max(...reports.map((r) => r.lastAt));
		const { achievedMps, sendSpanS, wallMps } = rates(accepted, firstAt, lastAt, wallS);
		const cpuMs = reports.reduce((sum, r) => sum + r.cpuMs, 0);
		const out = {
			...headFields(c, n, { store: 'postgres', workers }, achievedMps, sendSpanS, wallMps, loadStart, v),
			acceptedByWorker: reports.map((r) => r.result.accepted),
			sharedBucket: { calls: reports.reduce((n, r) => n + r.bucketCalls, 0), unusedSlots: reports.reduce((n, r) => n + r.bucketGrants - r.sends, 0) },
			throttleErrors: throttled,
			duplicates,
			state: finalState,
			ledger: report.byState,
			wallS: Math.round(wallS * 10) / 10,
			cpuMsPerMsg: Math.round((cpuMs / Math.max(1, accepted)) * 100) / 100,
			peakRssMb: Math.max(...reports.map((r) => r.peakRssMb)),
		};
		console.log(
			`case pg: ${n} recipients, ${workers} workers on Postgres, cap ${c.capMps} mps, latency ${c.latencyMs} ms → ${achievedMps} mps (${out.ratio} × cap), ` +
				`max ${maxPerSecond} in any 1 s, 130429: ${throttled}, duplicates: ${duplicates}, accepted per worker ${out.acceptedByWorker.join(' + ')}, ` +
				`wall ${out.wallS} s, CPU ${out.cpuMsPerMsg} ms/msg, peak RSS ${out.peakRssMb} MB per worker`,
		);
		console.log(JSON.stringify(out));
	} finally {
		await store?.close();
		server.stop();
		// Drop the run's schema (the database is shared with other runs).
		const { Pool } = await import('pg');
		const pool = new Pool({ host: storeOptions.host, port: storeOptions.port, database: storeOptions.database, user: storeOptions.user, password: storeOptions.password, max: 1 });
		await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
		await pool.end();
	}
}

async function main(): Promise<void> {
	if (process.argv.includes('--serve')) {
		const i = process.argv.indexOf('--serve');
		serve(Number(process.argv[i + 1]), Number(process.argv[i + 2]), Number(process.argv[i + 3] ?? 0));
		return;
	}
	if (process.argv.includes('--worker')) {
		await worker(JSON.parse(process.argv[process.argv.indexOf('--worker') + 1]) as WorkerJob);
		process.exit(0); // keep-alive sockets must not hold the worker open
		return;
	}
	const which = arg('case') ?? 'all';
	const scale = Number(arg('scale') ?? '1');
	if (!(scale > 0)) throw new Error(`--scale must be a positive number (got ${arg('scale')})`);
	const names = which === 'all' ? ['a', 'c', 'd', 'pg'] : which.split(',');
	for (const name of names) {
		const c = CASES[name];
		if (!c) throw new Error(`Unknown case "${name}": use a, c, d, pg, pool or all`);
		const v8Flags = [
			...(HEAP_CAP_MB && !process.execArgv.some((a) => a.startsWith('--max-old-space-size')) ? [`--max-old-space-size=${HEAP_CAP_MB}`] : []),
			...(YOUNG_MB && !process.execArgv.some((a) => a.startsWith('--max-semi-space-size')) ? [`--max-semi-space-size=${YOUNG_MB}`] : []),
		];
		if (c.fromStore && v8Flags.length > 0) {
			// Case d under V8 memory flags, as a memory-bounded n8n worker runs (NODE_OPTIONS): the
			// flags must be set at start-up, so the case runs in a child process that has them.
			await new Promise<void>((resolve, reject) => {
				const child = fork(__filename, ['--case', 'd', '--scale', String(scale), '--young-mb', String(YOUNG_MB)], { execArgv: [...process.execArgv, ...v8Flags], stdio: 'inherit' });
				child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`case d exited with ${code}`))));
			});
			continue;
		}
		if (c.workers) await runPgCase(c, scale);
		else if (c.name === 'pool') {
			await runPoolCase(c, scale, false);
			await runPoolCase(c, scale, true);
		} else await runCase(c, scale);
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
