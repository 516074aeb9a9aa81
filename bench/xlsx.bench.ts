/**
 * XLSX import benchmark: writes an N-row workbook (default 1,000,000; exceljs's streaming writer
 * with shared strings, as Excel stores text) — names as text, phone numbers typed as numbers (2 %
 * with a zero-padded format), a date column and a formatted amount — and imports it into the
 * embedded SQLite store through the entry point the Contacts node calls (importContactFile, the
 * workbook read as a stream as in n8n's filesystem binary mode, the worker-thread sink). Prints
 * rows/s, wall time and the import's peak RSS, then one JSON line.
 *
 *   npm run build && node dist/bench/xlsx.bench.js 1000000
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { importContactFile } from '../core/contacts/importFile';
import { SqliteImportSink } from '../core/store/sqliteImport/sink';
import { seededRng } from '../core/shared/random';
import { openStore } from '../core/store';
import { writeLargeWorkbook, type WorkbookCell } from '../fuzz/workbooks';
import { importFigures, rowCountArg, runBench, sampleRss, withGeneratedFile } from './importRun';

function* rows(n: number): Generator<WorkbookCell[]> {
	const rnd = seededRng(42);
	for (let i = 0; i < n; i++) {
		const national = 6_000_000_000 + Math.floor(rnd() * 3_999_999_999);
		const phone: WorkbookCell = i % 50 === 0 ? { value: national, numFmt: '00000000000' } : 910_000_000_000 + national;
		yield [`Person ${i}`, phone, { value: new Date(Date.UTC(2020, 0, 1) + (i % 1500) * 86_400_000), numFmt: 'dd/mm/yyyy' }, { value: Math.round(rnd() * 1e6) / 100, numFmt: '#,##0.00' }];
	}
}

async function main(): Promise<void> {
	if (process.argv[2] === '--generate') {
		await writeLargeWorkbook(process.argv[3], ['Name', 'Phone', 'Joined', 'Spend'], rows(Number(process.argv[4])));
		return;
	}
	const n = rowCountArg(1_000_000);
	await withGeneratedFile(__filename, { prefix: 'wa-xlsx-bench-', fileName: 'contacts.xlsx', rows: n, kind: 'MB .xlsx' }, async (file, dir) => {
		const dbPath = path.join(dir, 'store.sqlite');
		const store = await openStore({ backend: 'sqlite', path: dbPath });
		const worker = SqliteImportSink.available() ? await SqliteImportSink.open(dbPath) : undefined;
		const baselineRssMb = process.memoryUsage().rss / (1024 * 1024);
		const rss = sampleRss();
		const start = process.hrtime.bigint();
		const summary = await importContactFile(
			{ fileName: 'contacts.xlsx', open: () => fs.createReadStream(file, { highWaterMark: 1 << 20 }) },
			worker ?? store,
			{ defaultCountry: 'IN', tempDir: dir },
		);
		const wallS = Number(process.hrtime.bigint() - start) / 1e9;
		const peakRssMb = rss.stop();
		await worker?.close();
		await store.close();
		const figures = importFigures(summary, wallS, peakRssMb);
		console.log(`import: ${summary.rowsRead} rows in ${wallS.toFixed(2)} s = ${figures.rowsPerS} rows/s; added ${summary.added}, failed ${summary.failed}, duplicates ${summary.duplicates}, complete ${summary.complete}`);
		console.log(`peak RSS during import ${peakRssMb} MB (before import ${baselineRssMb.toFixed(1)} MB)`);
		console.log(JSON.stringify({ bench: 'xlsx-import', ...figures, sink: worker ? 'worker' : 'inline', complete: summary.complete }));
	});
}

runBench(main);
