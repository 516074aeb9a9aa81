/**
 * The importer fuzzer (issue 15): `count` seeded, malformed CSV / TXT / XLSX files, each imported
 * through the entry point the Contacts node calls (core/contacts/importContactFile) into a fresh
 * temp SQLite store, asserting for every file:
 *  - no crash: the import either returns a summary or throws the file-level error type
 *    (CsvFileError); anything else — a TypeError, a hang past the time limit, an unhandled
 *    rejection — is a violation;
 *  - a file-level error wrote nothing (the store is still empty);
 *  - a summary's counts are what the store gained (fresh store: `added` = contacts in the store,
 *    nothing updated or unchanged), every row read is accounted for once (added + updated +
 *    unchanged + failed + duplicates + notWritten = rowsRead), and an incomplete summary says
 *    why (`error`) and where (`stoppedAt`).
 *
 * Files: valid bases (CSV with , ; tab |, TXT, XLSX, BOMs, quotes, "Last, First" names, phone
 * formats, duplicates, opt-out columns) put through mutations — truncation, bad and NUL bytes,
 * UTF-16, mixed line endings, stray and unbalanced quotes, huge fields, short and long rows,
 * empty / blank / header-only / quotes-only files, random binary; for workbooks: cut or
 * corrupted ZIPs, broken sheet XML, a ZIP that is no workbook, a workbook named .csv. A share of
 * the text files is read from a source that can be read only once, in random chunk sizes (then
 * problems are found while batches are being written: the partial-summary path), and a small
 * batch size makes most files span several batches.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CsvFileError } from '../core/csv/errors';
import { importContactFile, type ContactFile, type ImportFileOptions } from '../core/contacts/importFile';
import type { ImportSummary } from '../core/contacts/import';
import { seededRng, type Rng } from '../core/shared/random';
import { openStore } from '../core/store';
import type { Store } from '../core/store/types';
import { editWorkbook, workbookBuffer, type WorkbookCell } from './workbooks';

export interface FuzzFilesOptions {
	seed: number;
	count: number;
	log?: (s: string) => void;
	/** Per-file time limit (default 30 s): past it the file is a violation (a hang). */
	fileTimeoutMs?: number;
}

export interface FuzzFilesResult {
	files: number;
	fileErrors: number;
	summaries: number;
	/** Summaries with complete: false (a problem found after batches were written). */
	incomplete: number;
	violations: string[];
}

interface Case {
	label: string;
	file: ContactFile;
	options: ImportFileOptions;
	/** A well-formed file (not mutated): it must give a summary, never a file-level error. */
	valid: boolean;
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

const FIRST = ['Ada', 'Bob', 'Zoë', 'José', 'Łukasz', 'Aarav', '美咲', 'O\'Neil', 'Anne-Marie', ''];
const LAST = ['Lovelace', 'Doe', 'van der Berg', 'Müller', 'Singh', '', 'Smith, Jr.'];

function phone(rng: Rng, i: number): string {
	const n = String(10_000_000 + i * 7919 + int(rng, 0, 6)).padStart(8, '0');
	switch (int(rng, 0, 9)) {
		case 0:
			return `+91 98${n.slice(0, 3)} ${n.slice(3)}`;
		case 1:
			return `98${n}`;
		case 2:
			return `+1 (541) ${n.slice(0, 3)}-${n.slice(3, 7)}`;
		case 3:
			return `0044 7400 ${n.slice(0, 6)}`;
		case 4:
			return `+49 151 ${n}`;
		case 5:
			return pick(rng, ['abc', '123', '', '+', '0000000000', '+91 00000 00000', '٩٨٧٦٥٤٣٢١٠']);
		default:
			return `+9197${n}`;
	}
}

function name(rng: Rng): string {
	const f = pick(rng, FIRST);
	const l = pick(rng, LAST);
	return rng() < 0.3 && l ? `${l}, ${f}` : `${f} ${l}`.trim();
}

function csvField(v: string, delimiter: string, rng: Rng): string {
	return /["\r\n]/.test(v) || v.includes(delimiter) || rng() < 0.1 ? `"${v.replace(/"/g, '""')}"` : v;
}

/** A valid-looking contact CSV / TXT text. */
function baseText(rng: Rng): { text: string; ext: string } {
	const rows = pick(rng, [0, 1, 2, 5, 20, 120, 400, 1500]);
	if (rng() < 0.2) {
		const lines = rng() < 0.5 ? ['phone'] : [];
		for (let i = 0; i < rows; i++) lines.push(phone(rng, i));
		return { text: lines.join('\n') + (rng() < 0.7 ? '\n' : ''), ext: 'txt' };
	}
	const delimiter = pick(rng, [',', ',', ';', '\t', '|']);
	const header = ['Name', 'Phone', 'Tags', 'City'];
	if (rng() < 0.3) header.push('Opted Out');
	if (rng() < 0.2) header.reverse();
	const lines = [header.join(delimiter)];
	const seen: string[] = [];
	for (let i = 0; i < rows; i++) {
		const cells: Record<string, string> = {
			Name: name(rng),
			Phone: rng() < 0.05 && seen.length ? pick(rng, seen) : phone(rng, i),
			Tags: pick(rng, ['', 'vip', 'vip|new', 'a;b', 'x,y']),
			City: pick(rng, ['Pune', '', 'São Paulo', 'line\nbreak', 'say "hi"']),
			'Opted Out': pick(rng, ['', 'yes', 'no', 'maybe', 'TRUE']),
		};
		if (rng() < 0.3) seen.push(cells.Phone);
		lines.push(header.map((h) => csvField(cells[h], delimiter, rng)).join(delimiter));
	}
	return { text: (rng() < 0.1 ? '\uFEFF' : '') + lines.join(pick(rng, ['\n', '\r\n', '\r'])) + (rng() < 0.8 ? '\n' : ''), ext: 'csv' };
}

/** Mutations of a text file (bytes). */
function mutateText(rng: Rng, bytes: Buffer): { bytes: Buffer; what: string } {
	const at = (n = bytes.length) => int(rng, 0, Math.max(0, n));
	const splice = (pos: number, insert: Buffer, remove = 0) => Buffer.concat([bytes.subarray(0, pos), insert, bytes.subarray(pos + remove)]);
	switch (int(rng, 0, 17)) {
		case 0:
			return { bytes: bytes.subarray(0, at()), what: 'truncated' };
		case 1:
			return { bytes: splice(at(), Buffer.from([int(rng, 0x80, 0xff)])), what: 'bad byte' };
		case 2:
			return { bytes: splice(Math.floor(bytes.length * (0.8 + rng() * 0.2)), Buffer.from('Jos\xe9,+919812345678\n', 'latin1')), what: 'Latin-1 row near the end' };
		case 3:
			return { bytes: splice(at(), Buffer.from([0])), what: 'NUL byte' };
		case 4: {
			const cut = Buffer.from('Zoë').subarray(0, 3);
			return { bytes: Buffer.concat([bytes, cut]), what: 'ends mid-character' };
		}
		case 5: {
			const text = bytes.toString('utf8').replace(/\r?\n|\r/g, () => pick(rng, ['\n', '\r\n', '\r', '\n\r']));
			return { bytes: Buffer.from(text), what: 'mixed line endings' };
		}
		case 6: {
			let text = bytes.toString('utf8');
			for (let k = int(rng, 1, 6); k > 0; k--) {
				const p = at(text.length);
				text = text.slice(0, p) + '"' + text.slice(p);
			}
			return { bytes: Buffer.from(text), what: 'stray quotes' };
		}
		case 7:
			return { bytes: Buffer.from('"'.repeat(pick(rng, [1, 2, 3, 4096, 70_000]))), what: 'quotes only' };
		case 8:
			return { bytes: splice(at(), Buffer.from(`,"${'x'.repeat(rng() < 0.5 ? 1_100_000 : 70_000)}`)), what: 'huge field' };
		case 9:
			return { bytes: Buffer.from(pick(rng, ['', ' ', '\n\n', '\r\r\r', '\uFEFF', ',,,\n,,\n'])), what: 'empty / blank' };
		case 10: {
			const firstBreak = bytes.toString('utf8').search(/\r|\n/);
			return { bytes: firstBreak < 0 ? bytes : bytes.subarray(0, firstBreak + 1), what: 'header only' };
		}
		case 11: {
			const text = bytes
				.toString('utf8')
				.split('\n')
				.map((l) => (rng() < 0.3 ? l.split(',').slice(0, int(rng, 1, 3)).join(',') : rng() < 0.1 ? l + ',extra,more' : l))
				.join('\n');
			return { bytes: Buffer.from(text), what: 'short and long rows' };
		}
		case 12:
			return { bytes: Buffer.from('\uFEFF' + bytes.toString('utf8'), 'utf16le'), what: 'UTF-16' };
		case 13: {
			const random = Buffer.alloc(int(rng, 1, 3000));
			for (let k = 0; k < random.length; k++) random[k] = int(rng, 0, 255);
			return { bytes: random, what: 'random binary' };
		}
		case 14: {
			const b = Buffer.from(bytes);
			for (let k = int(rng, 1, 20); k > 0 && b.length > 0; k--) b[at(b.length - 1)] = int(rng, 0, 127);
			return { bytes: b, what: 'ASCII byte flips' };
		}
		case 15:
			return { bytes: Buffer.concat([Buffer.from('PK\u0003\u0004'), bytes]), what: 'ZIP magic on text' };
		default:
			return { bytes, what: 'unchanged' };
	}
}

async function baseWorkbook(rng: Rng): Promise<{ xlsx: Buffer; rows: number }> {
	const rows: WorkbookCell[][] = [['Name', 'Phone', 'Joined', 'Spend']];
	const n = pick(rng, [0, 1, 3, 40, 300, 1200]);
	for (let i = 0; i < n; i++) {
		const p = phone(rng, i);
		rows.push([
			name(rng),
			rng() < 0.4 && /^\+?\d+$/.test(p.replace(/\s/g, '')) ? Number(p.replace(/\D/g, '')) : rng() < 0.1 ? { value: 987654321 + i, numFmt: '00000000000' } : p,
			rng() < 0.5 ? { value: new Date(Date.UTC(2020, 0, 1 + i)), numFmt: pick(rng, ['dd/mm/yyyy', 'mmm d, yyyy', 'yyyy-mm-dd hh:mm']) } : null,
			rng() < 0.5 ? { value: rng() * 10_000, numFmt: pick(rng, ['#,##0.00', '0%', 'General', '0.00E+00']) } : null,
		]);
	}
	const xlsx = await workbookBuffer([
		...(rng() < 0.2 ? [{ name: 'Hidden', state: 'hidden' as const, rows: [['phone'], [919000000001]] }] : []),
		{ name: 'Contacts', rows, startRow: rng() < 0.2 ? 3 : 1 },
	]);
	return { xlsx, rows: n };
}

async function mutateWorkbook(rng: Rng, { xlsx, rows }: { xlsx: Buffer; rows: number }): Promise<{ bytes: Buffer; what: string }> {
	switch (int(rng, 0, 7)) {
		case 0:
			return { bytes: xlsx.subarray(0, int(rng, 0, xlsx.length - 1)), what: 'cut' };
		case 1: {
			const b = Buffer.from(xlsx);
			const from = int(rng, 0, b.length - 1);
			for (let k = from; k < Math.min(b.length, from + int(rng, 1, 40)); k++) b[k] ^= int(rng, 1, 255);
			return { bytes: b, what: 'corrupted bytes' };
		}
		case 2: {
			const row = int(rng, 2, rows + 4); // sheet rows (the header may start on row 3)
			const broken = await editWorkbook(xlsx, (n, data) => (n === 'xl/worksheets/sheet1.xml' || (n.startsWith('xl/worksheets/') && n.endsWith('.xml')) ? data.toString('utf8').replace(`<row r="${row}"`, `<row r="${row}"><c><<`) : data));
			return { bytes: broken, what: `sheet XML broken at row ${row}` };
		}
		case 3: {
			const b = await editWorkbook(xlsx, (n, data) => (n === 'xl/sharedStrings.xml' ? data.toString('utf8').slice(0, Math.floor(data.length / 2)) : data));
			return { bytes: b, what: 'shared strings cut' };
		}
		case 4: {
			const b = await editWorkbook(xlsx, (n, data) => (n === 'xl/workbook.xml' ? Buffer.from('<workbook') : data));
			return { bytes: b, what: 'workbook.xml broken' };
		}
		case 5:
			return { bytes: Buffer.concat([Buffer.from('PK\u0005\u0006'), Buffer.alloc(18)]), what: 'empty ZIP' };
		default:
			return { bytes: xlsx, what: 'valid workbook' };
	}
}

function chunksOf(rng: Rng, bytes: Buffer): () => AsyncGenerator<Uint8Array> {
	const size = pick(rng, [1, 7, 64, 4096, 65_536, 1 << 20]);
	return async function* () {
		for (let o = 0; o < bytes.length; o += size) yield bytes.subarray(o, o + size);
	};
}

async function makeCase(rng: Rng, index: number): Promise<Case> {
	const options: ImportFileOptions = {
		defaultCountry: pick(rng, ['IN', 'IN', 'US', undefined]),
		batchSize: pick(rng, [7, 50, 500, 4000]),
		duplicates: rng() < 0.5 ? 'keepFirst' : 'keepLast',
		shortRows: rng() < 0.2 ? 'fail' : 'pad',
		maxRecordSize: rng() < 0.3 ? 64 * 1024 : undefined,
		maxFailuresKept: rng() < 0.2 ? 5 : undefined,
	};
	if (rng() < 0.25) {
		const { bytes, what } = await mutateWorkbook(rng, await baseWorkbook(rng));
		const fileName = rng() < 0.2 ? `book-${index}.csv` : `book-${index}.xlsx`;
		return { label: `#${index} xlsx ${what} (${bytes.length} B)`, file: { fileName, buffer: bytes }, options, valid: what === 'valid workbook' };
	}
	const base = baseText(rng);
	const { bytes, what } = rng() < 0.85 ? mutateText(rng, Buffer.from(base.text)) : { bytes: Buffer.from(base.text), what: 'unchanged' };
	const fileName = `file-${index}.${base.ext}`;
	// Read-once sources meet encoding problems while batches are written: the partial-summary path.
	const once = rng() < (/byte|Latin-1|mid-character/.test(what) ? 0.7 : 0.2);
	const file: ContactFile = once ? { fileName, open: chunksOf(rng, bytes), once: true } : { fileName, buffer: bytes };
	return { label: `#${index} ${base.ext} ${what}${once ? ' (read once)' : ''} (${bytes.length} B)`, file, options, valid: what === 'unchanged' && /[\p{L}\p{N}]/u.test(base.text) };
}

async function contactsIn(store: Store): Promise<number> {
	let n = 0;
	for await (const c of store.iterateContacts({}, 1000)) if (c) n++;
	return n;
}

function checkSummary(s: ImportSummary, stored: number): string[] {
	const problems: string[] = [];
	if (s.added !== stored) problems.push(`summary says ${s.added} added but the store gained ${stored}`);
	if (s.updated !== 0 || s.unchanged !== 0) problems.push(`fresh store, yet updated ${s.updated} / unchanged ${s.unchanged}`);
	const accounted = s.added + s.updated + s.unchanged + s.failed + s.duplicates + s.notWritten;
	if (accounted !== s.rowsRead) problems.push(`rows read ${s.rowsRead} ≠ added+updated+unchanged+failed+duplicates+notWritten ${accounted}`);
	if (!s.failuresTruncated && s.failures.length !== s.failed) problems.push(`${s.failed} failed but ${s.failures.length} failures listed`);
	if (!s.complete && (typeof s.error !== 'string' || !s.stoppedAt)) problems.push('incomplete summary without error or stoppedAt');
	if (s.complete && (s.error !== undefined || s.notWritten !== 0)) problems.push('complete summary with an error or rows not written');
	for (const f of s.failures) if (!(f.line >= 1) || typeof f.reason !== 'string' || !f.reason) problems.push(`failure without line or reason: ${JSON.stringify(f).slice(0, 200)}`);
	return problems;
}

export async function fuzzFiles(opts: { seed: number; count: number; log?: (s: string) => void; fileTimeoutMs?: number }): Promise<FuzzFilesResult> {
	const rng = seededRng(opts.seed);
	const result: FuzzFilesResult = { files: 0, fileErrors: 0, summaries: 0, incomplete: 0, violations: [] };
	const timeoutMs = opts.fileTimeoutMs ?? 30_000;
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wa-fuzz-files-'));
	const stray: string[] = [];
	const onRejection = (reason: unknown) => stray.push(`unhandled rejection: ${(reason as Error)?.message ?? String(reason)}`);
	const onException = (error: Error) => stray.push(`uncaught exception: ${error.message}`);
	process.on('unhandledRejection', onRejection);
	process.on('uncaughtException', onException);
	try {
		for (let i = 0; i < opts.count; i++) {
			const c = await makeCase(rng, i);
			result.files++;
			const dir = fs.mkdtempSync(path.join(root, `f${i}-`));
			const store = await openStore({ backend: 'sqlite', path: path.join(dir, 'store.sqlite') });
			const violation = (what: string) => result.violations.push(`seed ${opts.seed} ${c.label}: ${what}`);
			let timer: NodeJS.Timeout | undefined;
			try {
				const outcome = await Promise.race([
					importContactFile(c.file, store, { ...c.options, tempDir: dir }).then(
						(summary) => ({ summary }),
						(error: unknown) => ({ error }),
					),
					new Promise<{ hang: true }>((resolve) => {
						timer = setTimeout(() => resolve({ hang: true }), timeoutMs);
					}),
				]);
				const stored = await contactsIn(store);
				if ('hang' in outcome) violation(`no answer within ${timeoutMs} ms (hang)`);
				else if ('error' in outcome) {
					const error = outcome.error;
					if (error instanceof CsvFileError) {
						result.fileErrors++;
						if (c.valid) violation(`a well-formed file was refused: ${error.message}`);
					}
					else violation(`crashed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
					if (stored !== 0) violation(`file-level error, yet ${stored} contacts were written: ${(error as Error)?.message}`);
				} else {
					result.summaries++;
					if (!outcome.summary.complete) {
						result.incomplete++;
						if (c.valid) violation(`a well-formed file stopped part-way: ${outcome.summary.error}`);
					}
					for (const p of checkSummary(outcome.summary, stored)) violation(p);
				}
			} finally {
				clearTimeout(timer);
				await store.close().catch(() => undefined);
				fs.rmSync(dir, { recursive: true, force: true });
			}
			for (const s of stray.splice(0)) violation(s);
			if (opts.log && (i + 1) % 100 === 0) opts.log(`files ${i + 1}/${opts.count}: ${result.fileErrors} file-level errors, ${result.summaries} summaries (${result.incomplete} incomplete), ${result.violations.length} violations`);
		}
	} finally {
		process.off('unhandledRejection', onRejection);
		process.off('uncaughtException', onException);
		fs.rmSync(root, { recursive: true, force: true });
	}
	return result;
}
