/**
 * What the two contact-import benchmarks (import.bench.ts: CSV, xlsx.bench.ts: XLSX) share: the row
 * count argument, the input file written by the same script in a child process (so the measured
 * process's peak RSS is the import's alone) in a temp folder removed afterwards, the RSS sampler,
 * and the figures both print.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { ImportSummary } from '../core/contacts';

/** The row count from the command line (argv[2], default `fallback`); a positive integer. */
export function rowCountArg(fallback: number): number {
	const rows = Number(process.argv[2] ?? fallback);
	if (!Number.isInteger(rows) || rows < 1) throw new Error(`Row count must be a positive integer, got ${process.argv[2]}`);
	return rows;
}

/**
 * Runs `script --generate <file> <rows>` in a child process to write `fileName` in a fresh temp
 * folder (`prefix`), logs its size (`kind`, e.g. "MB .xlsx") and time, then calls `measure`; the
 * folder is removed afterwards, also on failure.
 */
export async function withGeneratedFile(
	script: string,
	o: { prefix: string; fileName: string; rows: number; kind: string },
	measure: (file: string, dir: string) => Promise<void>,
): Promise<void> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), o.prefix));
	const file = path.join(dir, o.fileName);
	try {
		const genStart = Date.now();
		execFileSync(process.execPath, [script, '--generate', file, String(o.rows)], { stdio: 'inherit' });
		console.log(`generated ${o.rows} rows (${(fs.statSync(file).size / 1e6).toFixed(1)} ${o.kind}) in ${((Date.now() - genStart) / 1000).toFixed(1)} s`);
		await measure(file, dir);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

/** Samples the process's RSS every 50 ms from now; `stop()` ends it and returns the peak (MB, 0.1). */
export function sampleRss(): { stop(): number } {
	let peakRss = process.memoryUsage().rss;
	const sampler = setInterval(() => {
		peakRss = Math.max(peakRss, process.memoryUsage().rss);
	}, 50);
	return {
		stop() {
			clearInterval(sampler);
			peakRss = Math.max(peakRss, process.memoryUsage().rss);
			return Math.round((peakRss / (1024 * 1024)) * 10) / 10;
		},
	};
}

/** The figures both import benchmarks report in their JSON line. */
export function importFigures(summary: ImportSummary, wallS: number, peakRssMb: number) {
	return {
		rows: summary.rowsRead,
		wallS: Math.round(wallS * 100) / 100,
		rowsPerS: Math.round(summary.rowsRead / wallS),
		peakRssMb,
		added: summary.added,
		failed: summary.failed,
	};
}

/** Runs a benchmark's `main`; a failure is printed and sets exit code 1. */
export function runBench(main: () => Promise<void>): void {
	main().catch((error) => {
		console.error(error);
		process.exitCode = 1;
	});
}
