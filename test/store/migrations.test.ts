/**
 * Schema migrations (core/store/migrations.ts): from an empty file, and from every earlier version
 * with data in it, to the latest — without losing a row.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openStore } from '../../core/store';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, MIGRATIONS_TABLE } from '../../core/store/migrations';
import { migrateSqlite, openSqliteDatabase, sqliteSchemaVersion } from '../../core/store/sqlite';
import { tmpDir } from '../helpers/tmp';

const T0 = 1_700_000_000_000;
const HOUR = 3600_000;

let dir: string;
beforeAll(() => {
	dir = tmpDir('wa-migrate-');
});
afterAll(() => {
	fs.rmSync(dir, { recursive: true, force: true });
});

function tables(file: string): string[] {
	const db = openSqliteDatabase(file);
	const names = db
		.prepare(`SELECT name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' ORDER BY name`)
		.all()
		.map((r) => r.name as string);
	db.close();
	return names;
}

describe('migration list', () => {
	it('has consecutive versions from 1, each with a step list per dialect (a dialect-only change leaves the other empty)', () => {
		expect(MIGRATIONS.length).toBeGreaterThanOrEqual(2);
		MIGRATIONS.forEach((m, i) => {
			expect(m.version).toBe(i + 1);
			expect(m.name).not.toBe('');
			expect(Array.isArray(m.sqlite) && Array.isArray(m.postgres)).toBe(true);
			expect(m.sqlite.length + m.postgres.length).toBeGreaterThan(0);
		});
		// the schema-creating first migration has SQL for both
		expect(MIGRATIONS[0].sqlite.length).toBeGreaterThan(0);
		expect(MIGRATIONS[0].postgres.length).toBeGreaterThan(0);
		expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
	});
});

describe('SQLite migrations', () => {
	it('creates the latest schema in an empty file, once', async () => {
		const file = path.join(dir, 'empty.db');
		const store = await openStore({ backend: 'sqlite', path: file });
		await store.close();
		expect(tables(file)).toEqual(
			expect.arrayContaining(['contacts', 'contact_tags', 'campaigns', 'recipients', 'windows', 'processed', 'budget', MIGRATIONS_TABLE]),
		);
		// v10 dropped the unused token buckets (issue 18)
		expect(tables(file)).not.toContain('buckets');
		const db = openSqliteDatabase(file);
		expect(db.prepare(`SELECT version, name FROM ${MIGRATIONS_TABLE} ORDER BY version`).all()).toEqual(
			MIGRATIONS.map((m) => ({ version: m.version, name: m.name })),
		);
		// re-running is a no-op
		expect(migrateSqlite(db)).toEqual([]);
		db.close();
	});

	it('refuses a file written by a newer package', async () => {
		const file = path.join(dir, 'newer.db');
		const db = openSqliteDatabase(file);
		migrateSqlite(db);
		db.prepare(`INSERT INTO ${MIGRATIONS_TABLE} (version, name, applied_at) VALUES (?, 'future', 0)`).run(LATEST_SCHEMA_VERSION + 1);
		db.close();
		await expect(openStore({ backend: 'sqlite', path: file })).rejects.toThrow(/newer than this package/);
	});

	// Data written with the v1 tables only (the columns every later version keeps).
	function seedV1(file: string): void {
		const db = openSqliteDatabase(file);
		const contact = db.prepare(
			`INSERT INTO contacts (wa_id, name, tags, attributes, opted_out, opt_out_at, opt_out_source, source, created_at, updated_at, last_active_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		);
		const tag = db.prepare(`INSERT INTO contact_tags (wa_id, tag) VALUES (?, ?)`);
		for (let i = 0; i < 50; i++) {
			const waId = String(4915100000000 + i);
			const tags = i % 2 ? ['even', 'vip'] : ['even'];
			contact.run(waId, `N${i}`, JSON.stringify(tags.slice().sort()), JSON.stringify({ i, city: i % 5 ? 'Berlin' : 'Bonn' }), i === 7 ? 1 : 0, i === 7 ? T0 : null, i === 7 ? 'STOP' : null, 'seed.csv', T0 + i, T0 + i, i === 3 ? T0 + HOUR : null);
			for (const t of tags) tag.run(waId, t);
		}
		db.prepare(
			`INSERT INTO campaigns (id, phone_number_id, template_name, category, state, config, created_at, updated_at)
			VALUES ('c1', 'pn', 'promo', 'MARKETING', 'paused', '{"rate":5}', ?, ?)`,
		).run(T0, T0);
		const rec = db.prepare(
			`INSERT INTO recipients (campaign_id, wa_id, state, payload, message_id, attempts, next_attempt_at, error_code, updated_at)
			VALUES ('c1', ?, ?, '{}', ?, ?, ?, ?, ?)`,
		);
		rec.run('1', 'accepted', 'wamid.1', 1, null, null, T0);
		rec.run('2', 'retry', null, 1, T0 + 10, 130429, T0);
		rec.run('3', 'queued', null, 0, null, null, T0);
		rec.run('4', 'unknown', null, 1, null, null, T0);
		db.prepare(`INSERT INTO windows (phone_number_id, wa_id, last_inbound_at, free_entry_point_at) VALUES ('pn', '1', ?, ?)`).run(T0, T0);
		db.prepare(`INSERT INTO processed (key, at) VALUES ('evt-1', ?)`).run(T0);
		db.close();
	}

	for (const from of MIGRATIONS.map((m) => m.version).filter((v) => v < LATEST_SCHEMA_VERSION)) {
		it(`upgrades a v${from} file with data to v${LATEST_SCHEMA_VERSION} without loss`, async () => {
			const file = path.join(dir, `from-v${from}.db`);
			const db = openSqliteDatabase(file);
			expect(migrateSqlite(db, 1)).toEqual([1]);
			db.close();
			seedV1(file);
			if (from > 1) {
				const mid = openSqliteDatabase(file);
				migrateSqlite(mid, from);
				mid.close();
			}
			const check = openSqliteDatabase(file);
			expect(sqliteSchemaVersion(check)).toBe(from);
			check.close();

			const store = await openStore({ backend: 'sqlite', path: file });
			const all: string[] = [];
			for await (const c of store.iterateContacts({}, 7)) all.push(c.waId);
			expect(all).toHaveLength(50);
			expect(await store.getContact('4915100000007')).toMatchObject({ optedOut: true, optOutAt: T0, optOutSource: 'STOP', source: 'seed.csv' });
			expect((await store.listContacts({ tagsAll: ['even', 'vip'] }, { limit: 1000 })).items).toHaveLength(25);
			expect((await store.listContacts({ attributes: { city: 'Bonn' } }, { limit: 1000 })).items).toHaveLength(10);
			expect((await store.listContacts({ lastActiveFrom: T0 })).items.map((c) => c.waId)).toEqual(['4915100000003']);
			expect(await store.getCampaign('c1')).toMatchObject({ state: 'paused', config: { rate: 5 }, templateName: 'promo' });
			expect(await store.campaignReport('c1')).toMatchObject({ total: 4, byState: { accepted: 1, retry: 1, queued: 1, unknown: 1 } });
			expect(await store.nextDueAt('c1')).toBe(T0 + 10);
			expect((await store.applyStatus({ messageId: 'wamid.1', status: 'delivered', at: T0 + 1 }))?.state).toBe('delivered');
			expect((await store.applyStatus({ messageId: 'wamid.4', status: 'sent', at: T0 + 1, callbackData: 'c1|4' }))?.state).toBe('accepted');
			expect(await store.getWindow('pn', '1')).toEqual({ phoneNumberId: 'pn', waId: '1', lastInboundAt: T0, freeEntryPointAt: T0 });
			expect(await store.markProcessed('evt-1', T0 + 1)).toBe(false);
			// tables added by later versions work
			expect(await store.reserveBudget('waba', '1', 10, T0)).toEqual({ ok: true, used: 1, charged: true });
			expect(await store.bookArrival('pn', { ratePerS: 10, toleranceMs: 0, windowCount: 10, windowMs: 1000, at: T0, maxAheadMs: 0, keepMs: 2000 })).toEqual({
				seq: 1,
				at: T0,
			});
			expect((await store.claimRecipients({ campaignId: 'c1', workerId: 'w', limit: 10, now: T0 + 10, leaseMs: 1000 })).map((r) => r.waId)).toEqual([
				'2',
				'3',
			]);
			await store.close();

			const after = openSqliteDatabase(file);
			expect(sqliteSchemaVersion(after)).toBe(LATEST_SCHEMA_VERSION);
			after.close();
			expect(tables(file)).not.toContain('buckets');
		});
	}
});
