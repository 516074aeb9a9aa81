/**
 * The Store contract on the embedded SQLite backend (in memory and on a WAL file), plus what is
 * specific to SQLite: pragmas and the openStore entry point.
 */
import { openStore } from '../../core/store';
import { openSqliteDatabase } from '../../core/store/sqlite';
import { describeStoreContract } from './contract';
import { tmpStorePath } from '../helpers/tmp';

describeStoreContract('sqlite (memory)', () => openStore({ backend: 'sqlite', path: ':memory:' }));

describe('SQLite store on a file', () => {
	it('uses WAL, synchronous=NORMAL and a busy timeout, and keeps data across reopen', async () => {
		const file = tmpStorePath();
		const store = await openStore({ backend: 'sqlite', path: file });
		await store.upsertContacts([{ waId: '4915100000001', tags: ['vip'] }], { now: 1 });
		await store.close();

		const db = openSqliteDatabase(file);
		expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
		expect(db.prepare('PRAGMA synchronous').get()).toEqual({ synchronous: 1 });
		expect(db.prepare('PRAGMA busy_timeout').get()).toEqual({ timeout: 5000 });
		db.close();

		const again = await openStore({ backend: 'sqlite', path: file });
		expect((await again.getContact('4915100000001'))?.tags).toEqual(['vip']);
		expect(again.backend).toBe('sqlite');
		await again.close();
	});

	it('openStore rejects unknown backends and names the Postgres server it could not reach', async () => {
		await expect(openStore({ backend: 'postgres', host: '127.0.0.1', port: 1, database: 'x', user: 'u', password: 'pw-secret-1' })).rejects.toThrow(/u@127\.0\.0\.1:1\/x/);
		await expect(openStore({ backend: 'postgres', host: '127.0.0.1', port: 1, database: 'x', user: 'u', password: 'pw-secret-1' })).rejects.not.toThrow(/pw-secret-1/);
		await expect(openStore({ backend: 'mysql' } as never)).rejects.toThrow(/Unknown store backend "mysql"/);
		await expect(openStore({ backend: 'sqlite', path: '' })).rejects.toThrow(/path/);
	});
});
