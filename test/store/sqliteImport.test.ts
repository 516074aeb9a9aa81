/**
 * The worker-thread sink used by large imports: same outcomes as writing in-process, batches in
 * file order, opt-outs kept, and a clear error when the worker cannot open the store.
 * Under jest the worker runs the TypeScript source through the project's swc require hook.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openCsv } from '../../core/csv';
import { importContacts } from '../../core/contacts';
import { SqliteImportSink } from '../../core/store/sqliteImport/sink';
import { openStore } from '../../core/store';
import { tmpDir } from '../helpers/tmp';

const dir = tmpDir('wa-worker-sink-');
const bootstrap = path.join(dir, 'boot.js');
fs.writeFileSync(
	bootstrap,
	`require(${JSON.stringify(path.resolve(__dirname, '../helpers/register-ts.js'))});\nrequire(${JSON.stringify(path.resolve(__dirname, '../../core/store/sqliteImport/worker.ts'))});\n`,
);

function csv(rows: number): string {
	const lines = ['Name,Phone,Tags'];
	for (let i = 0; i < rows; i++) lines.push(`Person ${i},+49 151 ${String(20000000 + (i % (rows - 50))).padStart(8, '0')},${i % 3 ? 'vip' : 'new|vip'}`);
	lines.push('Broken,12,x');
	return lines.join('\n') + '\n';
}

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it('imports exactly what an in-process import does, keeping opt-outs, with batches written in order', async () => {
	const text = csv(3000);
	const inlineStore = await openStore({ backend: 'sqlite', path: path.join(dir, 'inline.sqlite') });
	const workerFile = path.join(dir, 'worker.sqlite');
	const mainStore = await openStore({ backend: 'sqlite', path: workerFile });
	await mainStore.setOptOut('4915120000007', true, 'STOP', 1);
	await inlineStore.setOptOut('4915120000007', true, 'STOP', 1);
	const sink = await SqliteImportSink.open(workerFile, bootstrap);
	try {
		const options = { defaultCountry: 'DE', batchSize: 250, now: () => 1000 };
		const viaWorker = await importContacts(await openCsv([text]), sink, options);
		const inline = await importContacts(await openCsv([text]), inlineStore, options);
		expect(viaWorker).toEqual(inline);
		// the opted-out number already existed (a bare contact): updated, not added
		expect(viaWorker).toMatchObject({ rowsRead: 3001, failed: 1, duplicates: 50, added: 2949, updated: 1 });
		const c = await mainStore.getContact('4915120000007');
		expect(c).toMatchObject({ optedOut: true, tags: ['vip'] }); // row 7: 7 % 3 ≠ 0 → vip only
		expect((await mainStore.listContacts({ tagsAll: ['new'] }, { limit: 5000 })).items).toHaveLength((await inlineStore.listContacts({ tagsAll: ['new'] }, { limit: 5000 })).items.length);
	} finally {
		await sink.close();
		await mainStore.close();
		await inlineStore.close();
	}
});

it('a worker that cannot open the store fails clearly, and the compiled script is found only when built', async () => {
	await expect(SqliteImportSink.open(path.join(dir, 'no-such-dir', 'x', 'store.sqlite'), bootstrap)).rejects.toThrow();
	expect(SqliteImportSink.available(path.join(dir, 'missing.js'))).toBe(false);
	expect(SqliteImportSink.available(bootstrap)).toBe(true);
});
