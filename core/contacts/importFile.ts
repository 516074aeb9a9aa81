/**
 * One contact file (CSV, TXT or XLSX) → the store: the entry point the Contacts node's Import and
 * the file fuzzer (fuzz/files.ts) call.
 *
 *  - The kind is decided by content first: a ZIP signature is an .xlsx workbook whatever its name
 *    or MIME type (so a workbook is never refused as "contains a NUL byte"); an OLE2 signature is an
 *    old .xls (refused with a clear message); anything else is CSV/TXT text.
 *  - File-level problems are found before anything is written wherever the file can be read twice
 *    (an in-memory buffer, or `open` callable again — n8n's filesystem / S3 binary mode): text is
 *    checked for NUL bytes and invalid or cut UTF-8 in a first pass (utf8.ts: fast, no parsing);
 *    a workbook's ZIP is checked entry by entry (xlsx.ts). Only what cannot be seen without
 *    parsing (a sheet's XML broken half-way, a store error) can stop an import after batches were
 *    written — then importContacts returns a summary with `complete: false` (import.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CsvFileError } from '../csv/errors';
import { openCsv, type ByteSource, type CsvDelimiter, type CsvReader } from '../csv/reader';
import { takeAtLeast } from '../csv/take';
import { checkTextFile } from '../csv/utf8';
import { checkXlsx, looksLikeOle, looksLikeZip, openXlsx, type XlsxInput } from '../csv/xlsx';
import { importContacts, type ContactSink, type ImportOptions, type ImportSummary } from './import';

export interface ContactFile {
	fileName: string;
	mimeType?: string;
	/** The whole file in memory (n8n's default binary mode). */
	buffer?: Uint8Array;
	/** Opens the file as chunks. Called twice (check pass, then import) unless `once` is set. */
	open?: () => ByteSource | Promise<ByteSource>;
	/** `open` can be called only once: text is then checked as it is imported. */
	once?: boolean;
}

export type ContactFileFormat = 'auto' | 'csv' | 'txt' | 'xlsx';

export interface ImportFileOptions extends ImportOptions {
	format?: ContactFileFormat;
	delimiter?: CsvDelimiter | 'auto';
	/** CSV rows shorter than the header: 'pad' (default: missing trailing fields empty) or 'fail'. */
	shortRows?: 'pad' | 'fail';
	maxRecordSize?: number;
	/** XLSX: sheet name (default: the first visible sheet). */
	sheet?: string;
	/** XLSX: row of the header (default 1). */
	headerRow?: number;
	/** Where a streamed workbook is spooled (default: the OS temp folder). */
	tempDir?: string;
}

const XLSX_MIME = /spreadsheetml|ms-excel/i;
const XLSX_NAME = /\.(xlsx|xlsm)$/i;
const CHUNK = 1 << 20;

function bufferChunks(buf: Uint8Array): Uint8Array[] {
	const chunks: Uint8Array[] = [];
	for (let o = 0; o < buf.length; o += CHUNK) chunks.push(buf.subarray(o, Math.min(buf.length, o + CHUNK)));
	return chunks;
}

function toBytes(chunk: Uint8Array | string): Uint8Array {
	return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
}

/** Reads the first bytes of a source; returns them and a source that replays them. */
async function peek(source: ByteSource, want: number): Promise<{ head: Uint8Array; source: ByteSource }> {
	const iterator = (source as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]
		? (source as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]()
		: (source as Iterable<Uint8Array | string>)[Symbol.iterator]();
	const { taken, done } = await takeAtLeast<Uint8Array | string>(iterator, want, (c) => toBytes(c).length);
	const head = Buffer.concat(taken.map((c) => toBytes(c))).subarray(0, want);
	async function* replay(): AsyncGenerator<Uint8Array | string> {
		yield* taken;
		if (done) return;
		for (;;) {
			const next = await iterator.next();
			if (next.done) return;
			yield next.value;
		}
	}
	return { head, source: replay() };
}

async function spool(source: ByteSource, dir: string): Promise<string> {
	const file = path.join(dir, 'workbook.xlsx');
	const out = fs.createWriteStream(file);
	try {
		for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
			if (!out.write(toBytes(chunk))) await new Promise<void>((resolve) => out.once('drain', resolve));
		}
	} finally {
		await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
	}
	return file;
}

/** Opens the file as a reader (CSV/TXT or XLSX) after its file-level checks. `cleanup` removes temp files. */
export async function openContactFile(
	file: ContactFile,
	options: Omit<ImportFileOptions, keyof ImportOptions> = {},
): Promise<{ reader: CsvReader; cleanup: () => void }> {
	const name = JSON.stringify(file.fileName);
	if (!file.buffer && !file.open) throw new CsvFileError(`${name}: no file content`);
	let first: ByteSource | undefined;
	let head: Uint8Array;
	if (file.buffer) head = file.buffer.subarray(0, 8);
	else {
		const peeked = await peek(await (file.open as () => ByteSource | Promise<ByteSource>)(), 8);
		head = peeked.head;
		first = peeked.source;
	}
	const format = options.format ?? 'auto';
	const zip = looksLikeZip(head);
	const namedXlsx = XLSX_NAME.test(file.fileName) || XLSX_MIME.test(file.mimeType ?? '');
	if (looksLikeOle(head)) {
		throw new CsvFileError(`${name} is an Excel 97–2003 (.xls) workbook or another binary Office file: save it as .xlsx or CSV UTF-8`, { line: 1, byte: 0 });
	}
	if (format === 'xlsx' || (format === 'auto' && zip)) {
		if (!zip) {
			throw new CsvFileError(`${name} is not an .xlsx workbook (it does not start with a ZIP signature): the file is damaged, or choose File Format CSV / TXT`, { line: 1, byte: 0 });
		}
		let dir: string | undefined;
		const cleanup = () => {
			if (dir) fs.rmSync(dir, { recursive: true, force: true });
		};
		try {
			let input: XlsxInput;
			if (file.buffer) input = { buffer: file.buffer };
			else {
				dir = fs.mkdtempSync(path.join(options.tempDir ?? os.tmpdir(), 'wa-xlsx-'));
				input = { path: await spool(first as ByteSource, dir) };
			}
			await checkXlsx(input, name);
			const reader = await openXlsx(input, { fileName: file.fileName, sheet: options.sheet, headerRow: options.headerRow });
			return { reader, cleanup };
		} catch (error) {
			cleanup();
			throw error;
		}
	}
	if (zip) {
		throw new CsvFileError(`${name} is an .xlsx workbook (a ZIP archive), not ${format.toUpperCase()} text: choose File Format Auto-Detect or XLSX`, { line: 1, byte: 0 });
	}
	const csvOptions = {
		fileName: file.fileName,
		format: format === 'auto' ? ('auto' as const) : format,
		delimiter: options.delimiter ?? 'auto',
		shortRows: options.shortRows,
		maxRecordSize: options.maxRecordSize,
	};
	const namedHint = (error: unknown) => {
		if (namedXlsx && error instanceof CsvFileError && /not a CSV\/TXT text file|not UTF-8/.test(error.message)) {
			return new CsvFileError(`${name} is named or typed as an Excel workbook but is not one (no ZIP signature), and it is not UTF-8 text either: ${error.message}`, error.at);
		}
		return error;
	};
	try {
		let source: ByteSource;
		if (file.buffer) {
			await checkTextFile(bufferChunks(file.buffer), name);
			source = bufferChunks(file.buffer);
		} else if (file.once) {
			source = first as ByteSource; // checked while it is read
		} else {
			await checkTextFile(first as ByteSource, name);
			source = await (file.open as () => ByteSource | Promise<ByteSource>)();
		}
		return { reader: await openCsv(source, csvOptions), cleanup: () => undefined };
	} catch (error) {
		throw namedHint(error);
	}
}

/**
 * Imports one contact file. File-level problems throw CsvFileError with nothing written; a failure
 * after batches were written gives a summary with `complete: false` (see import.ts).
 */
export async function importContactFile(file: ContactFile, sink: ContactSink, options: ImportFileOptions = {}): Promise<ImportSummary> {
	const { reader, cleanup } = await openContactFile(file, options);
	try {
		return await importContacts(reader, sink, options);
	} finally {
		cleanup();
	}
}
