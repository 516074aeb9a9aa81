/**
 * The Store contract on Postgres (a throwaway server from scripts/pg.sh, a fresh random schema per
 * test), plus what queue mode needs from Postgres specifically: migrations under an advisory lock,
 * schema isolation, and the cross-process guarantees — no recipient claimed twice, the 24 h budget
 * never exceeded, a token bucket never over-granted, a webhook key first-seen once — checked with
 * two pools in this process and with two Node processes.
 * Skipped only when asked (WA_SKIP_PG=1); WA_PG_URL points at an existing server instead.
 */
import * as path from 'node:path';
import { Pool, types as pgTypes } from 'pg';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../core/store/migrations';
import { migratePostgres, openPostgresStore, postgresSchemaVersion } from '../../core/store/postgres';
import type { Store } from '../../core/store/types';
import { ROOT, dropSchemas, pgOptions, pgSkipped, runPrefix, startPostgres } from '../helpers/pg';
import { expectExactlyOnce, runTwoStoreChildren } from '../helpers/storeChildren';
import { describeStoreContract } from './contract';

const describePg = pgSkipped() ? describe.skip : describe;
const DAY = 24 * 3600_000;
const prefix = runPrefix();
let url = '';
let counter = 0;
const freshSchema = (): string => `${prefix}_${++counter}`;
const open = (schema: string, poolSize?: number): Promise<Store> => openPostgresStore({ ...pgOptions(url, schema), poolSize });

describePg('Postgres store', () => {
	let admin: Pool;
	beforeAll(async () => {
		url = startPostgres();
		admin = new Pool({ connectionString: url, max: 2 });
	}, 10 * 60_000);
	afterAll(async () => {
		await admin?.end();
		if (url) await dropSchemas(url, prefix);
	});

	describeStoreContract('postgres', () => open(freshSchema(), 4));

	describe('schema and migrations', () => {
		it('creates its schema, applies every migration once even when four processes open it at once', async () => {
			const schema = freshSchema();
			const stores = await Promise.all([open(schema), open(schema), open(schema), open(schema)]);
			try {
				const { rows } = await admin.query(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`);
				expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
				expect(await postgresSchemaVersion(admin, schema)).toBe(LATEST_SCHEMA_VERSION);
				// The tables live in the store's schema, not in public.
				const tables = await admin.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [schema]);
				expect(tables.rows.map((r) => r.table_name)).toEqual(
					expect.arrayContaining(['budget', 'campaigns', 'contact_tags', 'contacts', 'processed', 'recipients', 'windows']),
				);
				// v10 dropped the unused token buckets (issue 18)
				expect(tables.rows.map((r) => r.table_name)).not.toContain('buckets');
				// JSON columns are JSONB.
				const types = await admin.query(
					`SELECT table_name, column_name, data_type FROM information_schema.columns
					WHERE table_schema = $1 AND table_name IN ('contacts', 'campaigns', 'recipients') AND column_name IN ('tags', 'attributes', 'payload', 'config') ORDER BY 1, 2`,
					[schema],
				);
				expect(types.rows.map((r) => r.data_type)).toEqual(['jsonb', 'jsonb', 'jsonb', 'jsonb']);
			} finally {
				await Promise.all(stores.map((s) => s.close()));
			}
		});

		it('upgrades from every earlier version with data in it, without losing a row', async () => {
			for (const from of MIGRATIONS.map((m) => m.version).filter((v) => v < LATEST_SCHEMA_VERSION)) {
				const schema = freshSchema();
				const pool = new Pool({ connectionString: url, max: 2 });
				try {
					expect(await migratePostgres(pool, schema, from)).toEqual(MIGRATIONS.filter((m) => m.version <= from).map((m) => m.version));
					expect(await postgresSchemaVersion(pool, schema)).toBe(from);
					// Version-1 tables exist at every version: a contact, a campaign and a ledger row.
					await pool.query(
						`INSERT INTO "${schema}".contacts (wa_id, tags, attributes, created_at, updated_at) VALUES ('4915100000001', '["vip"]', '{"city":"Berlin"}', 1, 1)`,
					);
					await pool.query(`INSERT INTO "${schema}".contact_tags (wa_id, tag) VALUES ('4915100000001', 'vip')`);
					await pool.query(`INSERT INTO "${schema}".campaigns (id, phone_number_id, state, created_at, updated_at) VALUES ('c', 'pn', 'running', 1, 1)`);
					await pool.query(`INSERT INTO "${schema}".recipients (campaign_id, wa_id, state, updated_at) VALUES ('c', '4915100000001', 'queued', 1)`);
				} finally {
					await pool.end();
				}
				const store = await open(schema);
				try {
					expect(await postgresSchemaVersion(admin, schema)).toBe(LATEST_SCHEMA_VERSION);
					expect(await store.getContact('4915100000001')).toMatchObject({ tags: ['vip'], attributes: { city: 'Berlin' } });
					expect((await store.listContacts({ tagsAny: ['vip'] })).items).toHaveLength(1);
					const claimed = await store.claimRecipients({ campaignId: 'c', workerId: 'w', limit: 5, now: 2, leaseMs: 1000 });
					expect(claimed.map((r) => r.waId)).toEqual(['4915100000001']);
					// The shared arrival window (version 4: tables + book_arrival) works after the upgrade.
					expect((await store.bookArrival('pn', { ratePerS: 10, toleranceMs: 0, windowCount: 5, windowMs: 1000, at: 5, maxAheadMs: 0, keepMs: 2000 })).seq).toBe(1);
				} finally {
					await store.close();
				}
			}
		});

		it('keeps stores in different schemas apart', async () => {
			const a = await open(freshSchema());
			const b = await open(freshSchema());
			try {
				await a.upsertContacts([{ waId: '4915100000001', name: 'Ann' }], { now: 1 });
				expect((await a.getContact('4915100000001'))?.name).toBe('Ann');
				expect(await b.getContact('4915100000001')).toBeUndefined();
				// book_arrival works on its own schema's tables: each store counts its own bookings.
				const booking = { ratePerS: 10, toleranceMs: 0, windowCount: 5, windowMs: 1000, at: 1, maxAheadMs: 1000, keepMs: 2000 };
				expect(await a.bookArrival('pn', booking)).toEqual({ seq: 1, at: 1 });
				expect(await a.bookArrival('pn', booking)).toEqual({ seq: 2, at: 101 });
				expect(await b.bookArrival('pn', booking)).toEqual({ seq: 1, at: 1 });
			} finally {
				await a.close();
				await b.close();
			}
		});

		it('refuses a schema written by a newer version of the package', async () => {
			const schema = freshSchema();
			await (await open(schema)).close();
			await admin.query(`INSERT INTO "${schema}".schema_migrations (version, name, applied_at) VALUES ($1, 'future', 0)`, [
				LATEST_SCHEMA_VERSION + 1,
			]);
			await expect(open(schema)).rejects.toThrow(/newer than this package knows/);
		});

		it('names the target but never the password when it cannot connect; rejects a bad schema name', async () => {
			const options = { ...pgOptions(url, freshSchema()), port: 1, password: 'sekrit-pass-123', connectTimeoutMs: 3000 };
			const error = await openPostgresStore(options).then(
				() => undefined,
				(e: Error) => e,
			);
			expect(error?.message).toMatch(/cannot open postgres@127\.0\.0\.1:1\//);
			expect(error?.message).not.toContain('sekrit');
			await expect(openPostgresStore({ ...pgOptions(url), schema: 'x; DROP TABLE y' })).rejects.toThrow(/schema must be/);
			await expect(openPostgresStore({ ...pgOptions(url), host: '' })).rejects.toThrow(/host is required/);
		});

		it('parses BIGINT to numbers on its own pool only (the global pg parsers stay as they were)', async () => {
			const store = await open(freshSchema());
			try {
				await store.upsertContacts([{ waId: '1' }], { now: 1_700_000_000_123 });
				expect((await store.getContact('1'))?.createdAt).toBe(1_700_000_000_123);
				expect(pgTypes.getTypeParser(pgTypes.builtins.INT8, 'text')('42')).toBe('42');
			} finally {
				await store.close();
			}
		});
	});

	describe('two pools at once', () => {
		let schema: string;
		let a: Store;
		let b: Store;
		beforeEach(async () => {
			schema = freshSchema();
			a = await open(schema, 6);
			b = await open(schema, 6);
		});
		afterEach(async () => {
			await a.close();
			await b.close();
		});

		it('never claim the same recipient (FOR UPDATE SKIP LOCKED)', async () => {
			const N = 1500;
			await a.createCampaign({ id: 'c', phoneNumberId: 'pn' }, 1);
			await a.addRecipients('c', Array.from({ length: N }, (_, i) => ({ waId: String(100000 + i) })), 1);
			const claimed: Record<string, string[]> = {};
			const loop = async (store: Store, worker: string) => {
				claimed[worker] = [];
				for (;;) {
					const batch = await store.claimRecipients({ campaignId: 'c', workerId: worker, limit: 20, now: 10, leaseMs: 60_000 });
					if (batch.length === 0) return;
					for (const r of batch) {
						expect(r).toMatchObject({ state: 'sending', claimedBy: worker, claimExpiresAt: 60_010 });
						claimed[worker].push(r.waId);
					}
				}
			};
			await Promise.all([1, 2, 3, 4].flatMap((i) => [loop(a, `a${i}`), loop(b, `b${i}`)]));
			const all = Object.values(claimed).flat();
			expect(all).toHaveLength(N);
			expect(new Set(all).size).toBe(N);
			expect(Object.values(claimed).filter((list) => list.length > 0).length).toBeGreaterThan(1);
			expect((await a.campaignReport('c')).byState).toEqual({ sending: N });
		});

		it('never exceed the rolling 24 h budget (advisory lock per portfolio)', async () => {
			const LIMIT = 30;
			const now = 5 * DAY;
			const waIds = Array.from({ length: 80 }, (_, i) => `r${i}`);
			// Both pools try every recipient, interleaved, all at once.
			const calls = waIds.flatMap((w, i) => [
				(i % 2 ? a : b).reserveBudget('waba', w, LIMIT, now).then((r) => ({ w, r })),
				(i % 2 ? b : a).reserveBudget('waba', w, LIMIT, now).then((r) => ({ w, r })),
			]);
			const results = await Promise.all(calls);
			const charged = results.filter((x) => x.r.charged).map((x) => x.w);
			expect(charged).toHaveLength(LIMIT);
			expect(new Set(charged).size).toBe(LIMIT);
			for (const { r } of results) expect(r.used).toBeLessThanOrEqual(LIMIT);
			const refused = results.filter((x) => !x.r.ok);
			expect(refused.length).toBeGreaterThan(0);
			for (const { r } of refused) expect(r.availableAt).toBe(now + DAY);
			expect(await a.budgetUsed('waba', now)).toBe(LIMIT);
			expect(await b.budgetUsed('waba', now)).toBe(LIMIT);
		});

		it('see a webhook key first exactly once', async () => {
			const keys = Array.from({ length: 200 }, (_, i) => `wamid.${i}`);
			const batches = Array.from({ length: 20 }, (_, i) => keys.slice(i * 10, i * 10 + 30));
			const results = await Promise.all(
				batches.flatMap((batch, i) => [
					a.markProcessedMany(batch, 1000 + i).then((r) => ({ batch, r })),
					b.markProcessedMany([...batch].reverse(), 1000 + i).then((r) => ({ batch: [...batch].reverse(), r })),
				]),
			);
			const first = results.flatMap(({ batch, r }) => batch.filter((_, j) => r[j]));
			expect(first.sort()).toEqual([...keys].sort());
		});

		it('merge concurrent upserts of the same contacts without losing either side', async () => {
			const N = 300;
			const batch = (role: string) => Array.from({ length: N }, (_, i) => ({ waId: String(700000 + i), tags: [role], attributes: { [role]: i } }));
			await Promise.all([a.upsertContacts(batch('A')), b.upsertContacts(batch('B')), a.upsertContacts(batch('C')), b.upsertContacts(batch('D'))]);
			const page = await a.listContacts({}, { limit: N + 1 });
			expect(page.items).toHaveLength(N);
			for (const c of page.items) {
				expect(c.tags).toEqual(['A', 'B', 'C', 'D']);
				expect(Object.keys(c.attributes).sort()).toEqual(['A', 'B', 'C', 'D']);
			}
			expect((await a.listContacts({ tagsAll: ['A', 'D'] }, { limit: N + 1 })).items).toHaveLength(N);
		});
	});

	describe('two Node processes', () => {
		const ROUNDS = 60;
		const RECIPIENTS = 600;

		it('claim, charge, take tokens and dedup exactly once between them', async () => {
			const schema = freshSchema();
			const helper = path.join(ROOT, 'test', 'helpers', 'pg.ts');
			const script = (role: string) =>
				`require(${JSON.stringify(helper)}).runPgWorker(${JSON.stringify(url)}, ${JSON.stringify(schema)}, ${JSON.stringify(role)}, ${ROUNDS})` +
				`.catch((e) => { process.stderr.write(String(e && e.stack || e) + '\\n'); process.exit(1); });`;
			const [ra, rb] = await runTwoStoreChildren(await open(schema), RECIPIENTS, (role) => ['-e', script(role)]);

			const store = await open(schema);
			try {
				// Both processes claimed; budget of 40 over 60 shared recipients; 5 merged contacts a round.
				expect(ra.claimed.length).toBeGreaterThan(0);
				expect(rb.claimed.length).toBeGreaterThan(0);
				await expectExactlyOnce(store, [ra, rb], { recipients: RECIPIENTS, budget: 40, keys: ROUNDS + 1, sharedContacts: ROUNDS * 5 });
			} finally {
				await store.close();
			}
		});
	});
});
