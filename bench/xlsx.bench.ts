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
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { importContactFile } from '../core/contacts/importFile';
import { WorkerStoreSink } from '../core/contacts/workerSink';
import { seededRng } from '../core/shared/random';
import { openStore } from '../core/store';
import { writeLargeWorkbook, type WorkbookCell } from '../fuzz/workbooks';

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
	const n = Number(process.argv[2] ?? 1_000_000);
	if (!Number.isInteger(n) || n < 1) throw new Error(`Row count must be a positive integer, got ${process.argv[2]}`);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wa-xlsx-bench-'));
	const file = path.join(dir, 'contacts.xlsx');
	const dbPath = path.join(dir, 'store.sqlite');
	try {
		const genStart = Date.now();
		// Written in a child process so the import's peak RSS is the import's alone.
		execFileSync(process.execPath, [__filename, '--generate', file, String(n)], { stdio: 'inherit' });
		console.log(`generated ${n} rows (${(fs.statSync(file).size / 1e6).toFixed(1)} MB .xlsx) in ${((Date.now() - genStart) / 1000).toFixed(1)} s`);
		const store = await openStore({ backend: 'sqlite', path: dbPath });
		const worker = WorkerStoreSink.available() ? await WorkerStoreSink.open(dbPath) : undefined;
		const baselineRssMb = process.memoryUsage().rss / (1024 * 1024);
		let peakRss = process.memoryUsage().rss;
		const sampler = setInterval(() => {
			peakRss = Math.max(peakRss, process.memoryUsage().rss);
		}, 50);
		const start = process.hrtime.bigint();
		const summary = await importContactFile(
			{ fileName: 'contacts.xlsx', open: () => fs.createReadStream(file, { highWaterMark: 1 << 20 }) },
			worker ?? store,
			{ defaultCountry: 'IN', tempDir: dir },
		);
		const wallS = Number(process.hrtime.bigint() - start) / 1e9;
		clearInterval(sampler);
		peakRss = Math.max(peakRss, process.memoryUsage().rss);
		await worker?.close();
		await store.close();
		const peakRssMb = Math.round((peakRss / (1024 * 1024)) * 10) / 10;
		const rowsPerS = Math.round(summary.rowsRead / wallS);
		console.log(`import: ${summary.rowsRead} rows in ${wallS.toFixed(2)} s = ${rowsPerS} rows/s; added ${summary.added}, failed ${summary.failed}, duplicates ${summary.duplicates}, complete ${summary.complete}`);
		console.log(`peak RSS during import ${peakRssMb} MB (before import ${baselineRssMb.toFixed(1)} MB)`);
		console.log(
			JSON.stringify({
				bench: 'xlsx-import',
				rows: summary.rowsRead,
				sink: worker ? 'worker' : 'inline',
				wallS: Math.round(wallS * 100) / 100,
				rowsPerS,
				peakRssMb,
				added: summary.added,
				failed: summary.failed,
				complete: summary.complete,
			}),
		);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
