/**
 * Two processes writing one SQLite store file at the same time never lose a write: merged
 * upserts keep both sides, no ledger row is claimed twice, the 24 h budget is never exceeded,
 * a webhook key is "first seen" exactly once, and shared arrival slots (bookArrival) keep one
 * window across both. Children run the TypeScript store through
 * test/helpers/register-ts.js (@swc/core) under the same Node as jest (Node 24, node:sqlite).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openStore } from '../../core/store';
import { tmpDir } from '../helpers/tmp';

interface WorkerResult {
	role: string;
	charged: string[];
	claimed: string[];
	firstKeys: string[];
	slots: Array<{ seq: number; at: number }>;
	lostGuard: number;
	startedAt: number;
	endedAt: number;
}

const ROUNDS = 150;
const RECIPIENTS = 400;
const BUDGET = 25;

function startWorker(file: string, role: string) {
	const child = spawn(
		process.execPath,
		['-r', path.join(__dirname, '..', 'helpers', 'register-ts.js'), path.join(__dirname, '..', 'helpers', 'storeWorker.ts'), file, role, String(ROUNDS)],
		{ cwd: path.join(__dirname, '..', '..'), stdio: ['pipe', 'pipe', 'pipe'] },
	);
	let out = '';
	let err = '';
	child.stdout.setEncoding('utf8');
	child.stderr.setEncoding('utf8');
	const ready = new Promise<void>((resolve, reject) => {
		child.stdout.on('data', (chunk: string) => {
			out += chunk;
			if (out.startsWith('ready\n')) resolve();
		});
		child.on('exit', () => reject(new Error(`worker ${role} exited before ready: ${err}`)));
	});
	const done = new Promise<WorkerResult>((resolve, reject) => {
		child.stderr.on('data', (chunk: string) => (err += chunk));
		child.on('exit', (code) => {
			if (code !== 0) return reject(new Error(`worker ${role} exited with ${code}: ${err}`));
			const line = out.trim().split('\n').pop() as string;
			resolve(JSON.parse(line) as WorkerResult);
		});
	});
	ready.catch(() => undefined);
	return { child, ready, done };
}

describe('two processes on one SQLite file', () => {
	let dir: string;
	beforeAll(() => {
		dir = tmpDir('wa-concurrent-');
	});
	afterAll(() => {
		fs.rmSync(dir, { recursive: true, force: true });
	});

	it('lose no write', async () => {
		const file = path.join(dir, 'shared.db');
		const setup = await openStore({ backend: 'sqlite', path: file });
		await setup.createCampaign({ id: 'c', phoneNumberId: 'pn' }, 1);
		await setup.addRecipients('c', Array.from({ length: RECIPIENTS }, (_, i) => ({ waId: `r${i}` })), 1);
		await setup.close();

		const a = startWorker(file, 'A');
		const b = startWorker(file, 'B');
		await Promise.all([a.ready, b.ready]);
		a.child.stdin.end('go\n');
		b.child.stdin.end('go\n');
		const [ra, rb] = await Promise.all([a.done, b.done]);

		const store = await openStore({ backend: 'sqlite', path: file });
		try {
			// Every merged upsert kept both processes' tags and attributes.
			const shared = [];
			for await (const c of store.iterateContacts({ tagsAny: ['A', 'B'] }, 100)) shared.push(c);
			expect(shared).toHaveLength(ROUNDS * 10);
			for (const c of shared) {
				expect(c.tags).toEqual(['A', 'B']);
				expect(Object.keys(c.attributes).sort()).toEqual(['A', 'B']);
			}
			for (let round = 0; round < ROUNDS; round++) {
				const suffix = String(round).padStart(6, '0');
				expect((await store.getContact(`2${suffix}`))?.name).toBe('A');
				expect((await store.getContact(`3${suffix}`))?.name).toBe('B');
			}

			// Every recipient claimed exactly once, and every guarded update landed.
			// The two runs overlapped in time (which one wins the claims is up to SQLite's lock).
			expect(ra.startedAt).toBeLessThan(rb.endedAt);
			expect(rb.startedAt).toBeLessThan(ra.endedAt);
			const claimed = [...ra.claimed, ...rb.claimed];
			expect(claimed).toHaveLength(RECIPIENTS);
			expect(new Set(claimed).size).toBe(RECIPIENTS);
			expect(ra.lostGuard + rb.lostGuard).toBe(0);
			expect((await store.campaignReport('c')).byState).toEqual({ accepted: RECIPIENTS });

			// The budget was never exceeded and no recipient was charged twice.
			const charged = [...ra.charged, ...rb.charged];
			expect(charged).toHaveLength(BUDGET);
			expect(new Set(charged).size).toBe(BUDGET);
			expect(await store.budgetUsed('waba', 1_000_000)).toBe(BUDGET);

			// Each dedup key was "first seen" by exactly one process.
			const first = [...ra.firstKeys, ...rb.firstKeys];
			expect(first).toHaveLength(ROUNDS + 1);
			expect(new Set(first).size).toBe(ROUNDS + 1);

			// Shared arrival slots: distinct ids, and ≤ 5 slots in any 200 ms across both processes.
			const slots = [...ra.slots, ...rb.slots];
			expect(slots.map((g) => g.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 2 * ROUNDS }, (_, i) => i + 1));
			const at = slots.map((g) => g.at).sort((x, y) => x - y);
			for (let i = 0; i + 5 < at.length; i++) expect(at[i + 5] - at[i]).toBeGreaterThanOrEqual(200);
		} finally {
			await store.close();
		}
	});
});
