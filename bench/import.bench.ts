/**
 * Contact import benchmark: generates an N-row CSV (default 1,000,000) — bare 10-digit Indian
 * numbers, `+1 (…) …-…`, `0044 …` with spaces, 2 % invalid, 1 % duplicates — into a temp dir and
 * imports it into the embedded SQLite store through the same pipeline the node uses
 * (openCsv → importContacts → Store.upsertContacts). Prints rows/s, wall time and peak RSS, then
 * one JSON line. Target: 1M rows ≤ 20 s and ≤ 400 MB peak RSS.
 *
 *   npm run bench:import -- 1000000            (IMPORT_BATCH=5000 for larger transactions)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { once } from 'node:events';
import { openCsv } from '../core/csv';
import { DEFAULT_IMPORT_BATCH_SIZE, importContacts } from '../core/contacts';
import { SqliteImportSink } from '../core/store/sqliteImport/sink';
import { openStore } from '../core/store';
import type { Store } from '../core/store/types';
import { seededRng } from '../core/shared/random';
import { importFigures, rowCountArg, runBench, sampleRss, withGeneratedFile } from './importRun';

const US_AREAS = ['201', '212', '305', '415', '541', '617', '646', '702', '713', '805', '917', '972'];

/** A deterministic integer generator in [0, n) (the package's seeded PRNG). */
function prng(seed: number): (n: number) => number {
	const next = seededRng(seed);
	return (n) => Math.floor(next() * n);
}

function pad(n: number, width: number): string {
	return String(n).padStart(width, '0');
}

async function generate(file: string, rows: number): Promise<void> {
	const rnd = prng(42);
	const out = fs.createWriteStream(file, { highWaterMark: 1 << 20 });
	const recent: string[] = [];
	let buf = 'Name,Phone,Tags,City\n';
	for (let i = 0; i < rows; i++) {
		const r = rnd(100);
		let phone: string;
		if (r < 2) phone = rnd(2) === 0 ? `abc${pad(rnd(100000), 5)}` : pad(rnd(1000), 3); // 2 % invalid
		else if (r < 3 && recent.length > 0) phone = recent[rnd(recent.length)]; // 1 % duplicates
		else if (r < 50) phone = `${6 + rnd(4)}${pad(rnd(1e9), 9)}`; // bare 10-digit IN
		else if (r < 78) phone = `+1 (${US_AREAS[rnd(US_AREAS.length)]}) ${2 + rnd(8)}${pad(rnd(100), 2)}-${pad(rnd(10000), 4)}`;
		else phone = `0044 74${pad(rnd(100), 2)} ${pad(rnd(1e6), 6)}`;
		if (r >= 3 && rnd(50) === 0) {
			if (recent.length < 1000) recent.push(phone);
			else recent[rnd(1000)] = phone;
		}
		buf += `Person ${i},${phone},${i % 7 === 0 ? 'vip|new' : 'new'},City ${i % 100}\n`;
		if (buf.length > 1 << 20) {
			if (!out.write(buf)) await once(out, 'drain');
			buf = '';
		}
	}
	out.end(buf);
	await once(out, 'finish');
}

async function main(): Promise<void> {
	if (process.argv[2] === '--generate') {
		await generate(process.argv[3], Number(process.argv[4]));
		return;
	}
	const rows = rowCountArg(1_000_000);
	const batchSize = process.env.IMPORT_BATCH ? Number(process.env.IMPORT_BATCH) : DEFAULT_IMPORT_BATCH_SIZE;
	await withGeneratedFile(__filename, { prefix: 'wa-import-bench-', fileName: 'contacts.csv', rows, kind: 'MB' }, async (file, dir) => {
		const dbPath = path.join(dir, 'store.sqlite');
		const baselineRssMb = process.memoryUsage().rss / (1024 * 1024);
		// IMPORT_STORE=none: a sink that writes nothing, to measure the pipeline (read, parse, phone, map) alone.
		const nullStore = process.env.IMPORT_STORE === 'none';
		// IMPORT_SINK=inline: write on the main thread (no overlap), to compare with the worker sink.
		const inline = process.env.IMPORT_SINK === 'inline';
		const storeSink = async (): Promise<Pick<Store, 'upsertContacts' | 'close'>> => {
			const store = await openStore({ backend: 'sqlite', path: dbPath }); // creates + migrates the file
			if (inline) return store;
			const sink = await SqliteImportSink.open(dbPath);
			return { upsertContacts: (i, o) => sink.upsertContacts(i, o), close: async () => { await sink.close(); await store.close(); } };
		};
		const store: Pick<Store, 'upsertContacts' | 'close'> = nullStore
			? { upsertContacts: async (inputs) => inputs.map(() => 'added' as const), close: async () => undefined }
			: await storeSink();
		const rss = sampleRss();
		const start = process.hrtime.bigint();
		const reader = await openCsv(fs.createReadStream(file, { highWaterMark: 1 << 20 }), { fileName: 'contacts.csv' });
		const summary = await importContacts(reader, store, { defaultCountry: 'IN', duplicates: 'keepFirst', batchSize });
		const wallS = Number(process.hrtime.bigint() - start) / 1e9;
		const peakRssMb = rss.stop();
		await store.close();
		// maxRSS covers the whole process (including generation); the sampled figure covers the import.
		const maxRssMb = process.resourceUsage().maxRSS / 1024;
		const figures = importFigures(summary, wallS, peakRssMb);
		console.log(
			`import: ${summary.rowsRead} rows in ${wallS.toFixed(2)} s = ${figures.rowsPerS} rows/s; added ${summary.added}, updated ${summary.updated}, unchanged ${summary.unchanged}, failed ${summary.failed}, duplicates ${summary.duplicates}`,
		);
		console.log(`peak RSS during import ${peakRssMb} MB (before import ${baselineRssMb.toFixed(1)} MB; process maxRSS ${maxRssMb.toFixed(1)} MB)`);
		const extra = { batchSize, store: nullStore ? 'none' : 'sqlite', maxRssMb: Math.round(maxRssMb * 10) / 10, duplicates: summary.duplicates };
		console.log(JSON.stringify({ bench: 'import', ...figures, ...extra }));
	});
}

runBench(main);
