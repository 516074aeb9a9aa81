/**
 * The Send and Wait store (core/sendAndWait/waits.ts) on SQLite and Postgres: a reply quoting the
 * question claims only that wait, another message claims every open wait of the contact, expired
 * waits are never claimed, and concurrent claims (several n8n processes receiving the same answer)
 * never hand one wait out twice.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MemoryWaitStore, openWaitStore, PostgresWaitStore, SqliteWaitStore, type PendingWait, type WaitStore } from '../../core/sendAndWait/waits';
import { dropSchemas, pgOptions, pgSkipped, runPrefix, startPostgres } from '../helpers/pg';
import { tmpDir } from '../helpers/simWithWebhooks';

const NOW = 1_780_000_000_000;
const wait = (id: string, extra: Partial<PendingWait> = {}): PendingWait => ({
	id,
	phoneNumberId: '106540352242922',
	waId: '4915100000001',
	resumeUrl: `http://127.0.0.1:5678/webhook-waiting/${id}/node?signature=abc`,
	messageId: `wamid.${id}`,
	executionId: id,
	createdAt: NOW,
	expiresAt: NOW + 3_600_000,
	...extra,
});

function contract(name: string, open: () => Promise<WaitStore>) {
	describe(name, () => {
		let store: WaitStore;
		beforeEach(async () => {
			store = await open();
		});
		afterEach(async () => store.close());

		it('a reply quoting a question claims only its wait; another message claims every open wait of the contact, oldest first', async () => {
			await store.add(wait('e1', { createdAt: NOW }));
			await store.add(wait('e2', { createdAt: NOW + 1 }));
			await store.add(wait('e3', { createdAt: NOW + 2 }));
			await store.add(wait('other', { waId: '4915100000002' }));
			expect((await store.claim('106540352242922', '4915100000001', NOW + 10, 'wamid.e2')).map((w) => w.id)).toEqual(['e2']);
			// A quote of an unknown message: every open wait of the contact.
			const rest = await store.claim('106540352242922', '4915100000001', NOW + 10, 'wamid.unknown');
			expect(rest.map((w) => w.id)).toEqual(['e1', 'e3']);
			expect(rest[0]).toEqual(wait('e1'));
			expect(await store.claim('106540352242922', '4915100000001', NOW + 10)).toEqual([]);
			// Another contact's and another number's waits are untouched.
			expect(await store.claim('999', '4915100000002', NOW + 10)).toEqual([]);
			expect((await store.pending('106540352242922', '4915100000002', NOW + 10)).map((w) => w.id)).toEqual(['other']);
		});

		it('expired waits are never claimed (n8n resumes them on the timeout path) and are removed by the next add', async () => {
			await store.add(wait('old', { expiresAt: NOW + 5 }));
			expect(await store.claim('106540352242922', '4915100000001', NOW + 5)).toEqual([]);
			await store.add(wait('new', { createdAt: NOW + 10 }));
			expect((await store.pending('106540352242922', '4915100000001', NOW)).map((w) => w.id)).toEqual(['new']);
		});

		it('concurrent claims hand each wait out once', async () => {
			for (let i = 0; i < 20; i++) await store.add(wait(`c${i}`, { createdAt: NOW + i, waId: '4915100000077' }));
			const second = await open();
			try {
				const results = await Promise.all([0, 1, 2, 3].map((k) => (k % 2 ? second : store).claim('106540352242922', '4915100000077', NOW + 100)));
				const ids = results.flat().map((w) => w.id);
				expect(ids.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `c${i}`).sort());
			} finally {
				if (second !== store) await second.close();
			}
		});
	});
}

contract('memory', async () => new MemoryWaitStore());

const dir = tmpDir('wa-waits-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let file = '';
contract('sqlite (two connections on one file)', async () => {
	file ||= path.join(dir, `waits-${Date.now()}.sqlite`);
	return SqliteWaitStore.open(file);
});

it('openWaitStore picks the backend from the store options', async () => {
	const s = await openWaitStore({ backend: 'sqlite', path: path.join(dir, 'x.sqlite') });
	expect(s).toBeInstanceOf(SqliteWaitStore);
	await s.close();
	expect(await openWaitStore({ backend: 'sqlite', path: ':memory:' })).toBeInstanceOf(MemoryWaitStore);
});

const describePg = pgSkipped() ? describe.skip : describe;
describePg('postgres', () => {
	let url = '';
	const prefix = runPrefix();
	const schema = `${prefix}_waits`;
	beforeAll(() => {
		url = startPostgres();
	}, 600_000);
	afterAll(async () => dropSchemas(url, prefix));
	contract('postgres (two pools on one schema)', async () => PostgresWaitStore.open(pgOptions(url, schema)));
});
