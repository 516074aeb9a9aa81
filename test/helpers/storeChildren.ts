/**
 * Two Node processes writing one store at the same moment (test/store/concurrency.test.ts on a
 * SQLite file, test/store/postgres.test.ts on a Postgres schema): start the children, let both go
 * at once, collect their JSON lines, and check what neither may ever do twice.
 *
 * A child runs TypeScript through test/helpers/register-ts.js, prints "ready", waits for "go" on
 * stdin, works, and prints one JSON line last.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { Store } from '../../core/store/types';

const ROOT = path.join(__dirname, '..', '..');

/** What every child reports: ledger rows it claimed, guarded outcomes it lost, budget charges, dedup keys it saw first. */
export interface StoreChildResult {
	role: string;
	claimed: string[];
	lostGuard: number;
	charged: string[];
	firstKeys: string[];
}

/** Starts one child: `node -r register-ts.js <args…>` in the repository root. */
export function startStoreChild<R extends StoreChildResult>(role: string, args: string[]) {
	const child = spawn(process.execPath, ['-r', path.join(ROOT, 'test', 'helpers', 'register-ts.js'), ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
	let out = '';
	let err = '';
	child.stdout.setEncoding('utf8');
	child.stderr.setEncoding('utf8');
	child.stderr.on('data', (chunk: string) => (err += chunk));
	const ready = new Promise<void>((resolve, reject) => {
		child.stdout.on('data', (chunk: string) => {
			out += chunk;
			if (out.startsWith('ready\n')) resolve();
		});
		child.on('exit', () => reject(new Error(`worker ${role} exited before ready: ${err}`)));
	});
	const done = new Promise<R>((resolve, reject) => {
		child.on('exit', (code) => {
			if (code !== 0) return reject(new Error(`worker ${role} exited with ${code}: ${err}`));
			resolve(JSON.parse(out.trim().split('\n').pop() as string) as R);
		});
	});
	ready.catch(() => undefined);
	return { child, ready, done };
}

/**
 * Seeds campaign "c" with `recipients` ledger rows r0…, starts children A and B (`args(role)`),
 * lets them go at the same moment and returns both results.
 */
export async function runTwoStoreChildren<R extends StoreChildResult>(seed: Store, recipients: number, args: (role: string) => string[]): Promise<[R, R]> {
	await seed.createCampaign({ id: 'c', phoneNumberId: 'pn' }, 1);
	await seed.addRecipients('c', Array.from({ length: recipients }, (_, i) => ({ waId: `r${i}` })), 1);
	await seed.close();
	const a = startStoreChild<R>('A', args('A'));
	const b = startStoreChild<R>('B', args('B'));
	await Promise.all([a.ready, b.ready]);
	a.child.stdin.end('go\n');
	b.child.stdin.end('go\n');
	return Promise.all([a.done, b.done]);
}

/**
 * Exactly once across both children: every ledger row claimed by one of them and its guarded
 * outcome landed ('accepted'), `budget` distinct recipients charged to portfolio "waba", each of
 * the `keys` dedup keys first seen by one of them, and the merged upserts (`sharedContacts` rows
 * tagged by both) kept both tags.
 */
export async function expectExactlyOnce(
	store: Store,
	[ra, rb]: [StoreChildResult, StoreChildResult],
	counts: { recipients: number; budget: number; keys: number; sharedContacts: number },
): Promise<void> {
	const claimed = [...ra.claimed, ...rb.claimed];
	expect(claimed).toHaveLength(counts.recipients);
	expect(new Set(claimed).size).toBe(counts.recipients);
	expect(ra.lostGuard + rb.lostGuard).toBe(0);
	expect((await store.campaignReport('c')).byState).toEqual({ accepted: counts.recipients });

	const charged = [...ra.charged, ...rb.charged];
	expect(charged).toHaveLength(counts.budget);
	expect(new Set(charged).size).toBe(counts.budget);
	expect(await store.budgetUsed('waba', 1_000_000)).toBe(counts.budget);

	const first = [...ra.firstKeys, ...rb.firstKeys];
	expect(first).toHaveLength(counts.keys);
	expect(new Set(first).size).toBe(counts.keys);

	const shared = [];
	for await (const c of store.iterateContacts({ tagsAny: ['A', 'B'] }, 100)) shared.push(c);
	expect(shared).toHaveLength(counts.sharedContacts);
	for (const c of shared) expect(c.tags).toEqual(['A', 'B']);
}
