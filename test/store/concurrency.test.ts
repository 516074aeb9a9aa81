/**
 * Two processes writing one SQLite store file at the same time never lose a write: merged
 * upserts keep both sides, no ledger row is claimed twice, the 24 h budget is never exceeded,
 * a webhook key is "first seen" exactly once, and shared arrival slots (bookArrival) keep one
 * window across both. Children (test/helpers/storeWorker.ts) run the TypeScript store through
 * test/helpers/register-ts.js (@swc/core) under the same Node as jest (Node 24, node:sqlite).
 */
import * as path from 'node:path';
import { openStore } from '../../core/store';
import { expectExactlyOnce, runTwoStoreChildren, type StoreChildResult } from '../helpers/storeChildren';
import { tmpStorePath } from '../helpers/tmp';

/** storeWorker.ts also reports its arrival slots and when it ran. */
type SqliteChildResult = StoreChildResult & { slots: Array<{ seq: number; at: number }>; startedAt: number; endedAt: number };

const ROUNDS = 150;
const RECIPIENTS = 400;
const BUDGET = 25;

describe('two processes on one SQLite file', () => {
	it('lose no write', async () => {
		const file = tmpStorePath('wa-concurrent-');
		const worker = path.join(__dirname, '..', 'helpers', 'storeWorker.ts');
		const seed = await openStore({ backend: 'sqlite', path: file });
		const [ra, rb] = await runTwoStoreChildren<SqliteChildResult>(seed, RECIPIENTS, (role) => [worker, file, role, String(ROUNDS)]);

		const store = await openStore({ backend: 'sqlite', path: file });
		try {
			// The two runs overlapped in time (which one wins the claims is up to SQLite's lock).
			expect(ra.startedAt).toBeLessThan(rb.endedAt);
			expect(rb.startedAt).toBeLessThan(ra.endedAt);
			await expectExactlyOnce(store, [ra, rb], { recipients: RECIPIENTS, budget: BUDGET, keys: ROUNDS + 1, sharedContacts: ROUNDS * 10 });

			// Every merged upsert also kept both processes' attributes; own contacts kept their names.
			for await (const c of store.iterateContacts({ tagsAny: ['A', 'B'] }, 100)) expect(Object.keys(c.attributes).sort()).toEqual(['A', 'B']);
			for (let round = 0; round < ROUNDS; round++) {
				const suffix = String(round).padStart(6, '0');
				expect((await store.getContact(`2${suffix}`))?.name).toBe('A');
				expect((await store.getContact(`3${suffix}`))?.name).toBe('B');
			}

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
