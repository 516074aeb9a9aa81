/**
 * Streaming CSV / TXT reader for contact files. Never holds all rows: input chunks are decoded,
 * split into records (scanner.ts) and parsed by csv-parse in small batches.
 *
 *  - UTF-8 only (BOM stripped); NUL bytes or invalid UTF-8 → file-level error (binary / UTF-16 /
 *    Latin-1 files), checked chunk by chunk with a streaming fatal TextDecoder so a character split
 *    across two chunks is fine.
 *  - Delimiter sniffed among `,` `;` tab `|` on the first lines (outside quotes); none found → one
 *    column (TXT: one number per line, with or without a header line).
 *  - Per-row failures (ragged rows, unclosed quotes, oversized records) name the line and go on.
 */
import { parse } from 'csv-parse/sync';
import { CsvFileError, type FilePosition } from './errors';
import { uniqueHeaders } from './headers';
import { preview, RecordScanner, type ScanFailure } from './scanner';
import { takeAtLeast } from './take';
import { Utf8Checker } from './utf8';

export type CsvDelimiter = ',' | ';' | '\t' | '|';
export type CsvFormat = 'csv' | 'txt' | 'xlsx';

export interface CsvReadOptions {
	/** 'auto' (default): sniffed; 'txt' = one value per line. */
	format?: 'csv' | 'txt' | 'auto';
	/** 'auto' (default) or one of , ; tab | */
	delimiter?: CsvDelimiter | 'auto';
	/** Largest record accepted, in characters (default 1 MiB); larger → per-row failure. */
	maxRecordSize?: number;
	/** File name, for error messages. */
	fileName?: string;
	/**
	 * A row with fewer fields than the header: 'pad' (default) reads the missing trailing fields as
	 * empty (spreadsheets drop trailing empty cells); 'fail' makes it a failed row.
	 */
	shortRows?: 'pad' | 'fail';
}

export interface CsvRow {
	line: number;
	/** Header → value. */
	record: Record<string, string>;
}

export interface CsvRowFailure {
	line: number;
	reason: string;
	/** The raw line (shortened). */
	raw: string;
}

export type CsvEntry = ({ ok: true } & CsvRow) | ({ ok: false } & CsvRowFailure);

export interface CsvReader {
	format: CsvFormat;
	delimiter: CsvDelimiter | undefined;
	/** Column names (TXT without a header line: ['phone']). */
	headers: string[];
	/** Line of the header row, or 0 when the file has none. */
	headerLine: number;
	entries: AsyncIterable<CsvEntry>;
	/** Where reading is now (the line being read, bytes of the file read so far). */
	position(): FilePosition;
}

export { CsvFileError } from './errors';

export type ByteSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

const CANDIDATES: CsvDelimiter[] = [',', ';', '\t', '|'];
const SNIFF_CHARS = 64 * 1024;
const SNIFF_LINES = 50;
const BATCH_RECORDS = 500;
const SCAN_SLICE = 32 * 1024;
export const DEFAULT_MAX_RECORD_SIZE = 1024 * 1024;

function describeDelimiter(d: CsvDelimiter | undefined): string {
	return d === undefined ? 'none' : d === '\t' ? 'tab' : d;
}

/** Decodes UTF-8 chunk by chunk; rejects NUL bytes (binary / UTF-16) and invalid sequences (utf8.ts). */
async function* decodeUtf8(source: ByteSource, fileName: string, checker: Utf8Checker): AsyncGenerator<string> {
	let first = true;
	for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
		let text: string;
		if (typeof chunk === 'string') {
			const nul = chunk.indexOf('\u0000');
			if (nul >= 0) throw new CsvFileError(`${fileName} is not a text file: it contains a NUL character at position ${checker.bytes + nul}`, { line: checker.line, byte: checker.bytes + nul });
			checker.push(Buffer.from(chunk, 'utf8'), false);
			text = chunk;
		} else {
			try {
				text = checker.push(chunk, true);
			} catch (error) {
				// Take in the text before the bad byte first: the rows before it are read.
				const valid = (error as { validText?: string }).validText;
				if (valid) yield first && valid.charCodeAt(0) === 0xfeff ? valid.slice(1) : valid;
				throw error;
			}
		}
		if (first && text) {
			first = false;
			if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // BOM
		}
		if (text) yield text;
	}
	checker.end();
}

/** Delimiter with the most consistent non-zero count per line, counted outside quotes. */
export function sniffDelimiter(sample: string): CsvDelimiter | undefined {
	const lines: Array<Record<string, number>> = [];
	let counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0, '|': 0 };
	let quoting = false;
	let any = false;
	for (let i = 0; i < sample.length && lines.length < SNIFF_LINES; i++) {
		const ch = sample[i];
		if (ch === '"') quoting = !quoting;
		else if (!quoting && (ch === '\n' || ch === '\r')) {
			if (any) lines.push(counts);
			counts = { ',': 0, ';': 0, '\t': 0, '|': 0 };
			any = false;
		} else if (!quoting && ch in counts) counts[ch]++;
		if (ch !== '\n' && ch !== '\r') any = true;
	}
	if (any && lines.length < SNIFF_LINES) lines.push(counts);
	if (lines.length === 0) return undefined;
	let best: CsvDelimiter | undefined;
	let bestScore = 0;
	for (const d of CANDIDATES) {
		const first = lines[0][d];
		if (first === 0) continue;
		const same = lines.filter((l) => l[d] === first).length / lines.length;
		const score = same * 1000 + Math.min(first, 999);
		if (score > bestScore) {
			bestScore = score;
			best = d;
		}
	}
	return best;
}

/** A TXT first line that is a column title rather than a number ("phone", "Mobile Number"). */
function looksLikeHeader(value: string): boolean {
	const digits = value.replace(/\D/g, '').length;
	return /\p{L}/u.test(value) && digits < 5;
}

/**
 * Opens a contact file. Reads just enough to sniff the format and the header row; rows are read
 * as `entries` is iterated (once).
 */
export async function openCsv(source: ByteSource, options: CsvReadOptions = {}): Promise<CsvReader> {
	const fileName = options.fileName ? JSON.stringify(options.fileName) : 'The file';
	const maxRecordSize = options.maxRecordSize ?? DEFAULT_MAX_RECORD_SIZE;
	const checker = new Utf8Checker(fileName);
	const chunks = decodeUtf8(source, fileName, checker);
	const { taken: head, done: exhausted } = await takeAtLeast(chunks, SNIFF_CHARS, (text) => text.length);
	const sample = head.join('');
	if (sample.trim() === '') throw new CsvFileError(`${fileName} is empty`);

	let delimiter: CsvDelimiter | undefined;
	let format: CsvFormat;
	if (options.format === 'txt') {
		format = 'txt';
	} else {
		delimiter = options.delimiter && options.delimiter !== 'auto' ? options.delimiter : sniffDelimiter(sample.slice(0, SNIFF_CHARS));
		format = delimiter === undefined && options.format !== 'csv' ? 'txt' : 'csv';
	}
	const delimiterCode = delimiter === undefined ? -1 : delimiter.charCodeAt(0);
	const scanner = new RecordScanner(delimiterCode, maxRecordSize);

	async function* texts(): AsyncGenerator<string> {
		yield sample;
		if (!exhausted) yield* chunks;
	}
	const textIterator = texts();
	let textsDone = false;

	/** Text taken from the input but not yet scanned (chunks are scanned in small slices). */
	let pending = '';
	let pendingAt = 0;

	/**
	 * Pulls text until the scanner holds at least `want` records (or the input ends). Large input
	 * chunks are scanned 32 KB at a time so batches stay small and short-lived (less GC promotion).
	 */
	async function fill(want: number): Promise<void> {
		while (!textsDone && scanner.records.length < want && scanner.failures.length < want) {
			if (pendingAt < pending.length) {
				const end = Math.min(pending.length, pendingAt + SCAN_SLICE);
				scanner.push(pendingAt === 0 && end === pending.length ? pending : pending.slice(pendingAt, end));
				pendingAt = end;
				continue;
			}
			const next = await textIterator.next();
			if (next.done) {
				scanner.end();
				textsDone = true;
			} else {
				pending = next.value;
				pendingAt = 0;
			}
		}
	}

	const parseOptions = {
		delimiter: delimiter ?? '\u0000',
		relax_quotes: true,
		relax_column_count: true,
		skip_empty_lines: false,
		// The scanner has already split the records; they are joined with LF for csv-parse.
		record_delimiter: '\n',
	};

	function parseRecord(text: string): string[] | string {
		try {
			const rows = parse(text, parseOptions) as string[][];
			return rows[0] ?? [''];
		} catch (error) {
			return (error as Error).message;
		}
	}

	// Header row (CSV always; TXT when the first line is a title).
	await fill(1);
	const pendingFailures: ScanFailure[] = [];
	let headers: string[];
	let headerLine = 0;
	const first = scanner.records[0];
	if (!first) {
		if (scanner.failures.length > 0) {
			const f = scanner.failures[0];
			throw new CsvFileError(`${fileName}: the header row on line ${f.line} cannot be read: ${f.reason}`);
		}
		throw new CsvFileError(`${fileName} is empty`);
	}
	const firstFields = parseRecord(first.text);
	if (typeof firstFields === 'string') throw new CsvFileError(`${fileName}: the header row on line ${first.line} cannot be read: ${firstFields}`);
	if (format === 'txt' && !(firstFields.length === 1 && looksLikeHeader(firstFields[0]))) {
		headers = ['phone'];
	} else {
		headers = uniqueHeaders(firstFields);
		headerLine = first.line;
		scanner.records.shift();
		// Failures before the header line (e.g. an oversized first line) stay per-row.
		pendingFailures.push(...scanner.failures.splice(0));
	}
	const width = headers.length;
	const padShortRows = (options.shortRows ?? 'pad') === 'pad';
	/** Any record with a letter or digit in it (a file without one has no record structure). */
	let anyContent = false;
	const CONTENT = /[\p{L}\p{N}]/u;

	async function* entries(): AsyncGenerator<CsvEntry> {
		let rows = 0;
		const toRecord = (fields: string[]): Record<string, string> => {
			const record: Record<string, string> = {};
			for (let k = 0; k < width; k++) record[headers[k]] = fields[k] ?? '';
			return record;
		};
		const check = (line: number, text: string, fields: string[]): CsvEntry => {
			if (fields.length !== width && format === 'csv') {
				// A trailing delimiter with nothing after it is a common export quirk: tolerated.
				const extraEmpty = fields.length > width && fields.slice(width).every((f) => f === '');
				// A row missing its trailing fields (spreadsheets drop trailing empty cells): empty.
				const short = fields.length < width && padShortRows;
				if (!extraEmpty && !short) {
					return {
						ok: false,
						line,
						raw: preview(text),
						reason: `has ${fields.length} field${fields.length === 1 ? '' : 's'} but the header has ${width} (delimiter "${describeDelimiter(delimiter)}")`,
					};
				}
			}
			return { ok: true, line, record: toRecord(fields) };
		};
		for (;;) {
			await fill(BATCH_RECORDS);
			const batch = scanner.records.splice(0);
			const failures = pendingFailures.splice(0).concat(scanner.failures.splice(0));
			if (batch.length === 0 && failures.length === 0) break;
			const out: CsvEntry[] = failures.map((f) => ({ ok: false as const, line: f.line, reason: f.reason, raw: f.raw }));
			if (batch.length > 0) {
				let parsed: string[][] | undefined;
				try {
					parsed = parse(batch.map((r) => r.text).join('\n'), parseOptions) as string[][];
				} catch {
					parsed = undefined;
				}
				if (parsed && parsed.length === batch.length) {
					for (let k = 0; k < batch.length; k++) out.push(check(batch[k].line, batch[k].text, parsed[k]));
				} else {
					// Rare: a record csv-parse rejects. Parse one by one to name the line.
					for (const r of batch) {
						const fields = parseRecord(r.text);
						out.push(typeof fields === 'string' ? { ok: false, line: r.line, raw: preview(r.text), reason: fields } : check(r.line, r.text, fields));
					}
				}
			}
			if (!anyContent) {
				for (const r of batch) if (CONTENT.test(r.text)) anyContent = true;
				for (const f of failures) if (CONTENT.test(f.raw)) anyContent = true;
			}
			if (failures.length > 0) out.sort((a, b) => a.line - b.line);
			for (const e of out) {
				rows++;
				yield e;
			}
		}
		// A header-only file is a 0-row import, not an error. A file whose records hold no letter or
		// digit at all (e.g. 4,096 quote characters) is not a contact list: a file-level error (no row
		// of it can have been written, since a phone number needs digits).
		if (rows > 0 && !anyContent && !(headerLine > 0 && CONTENT.test(headers.join('')))) {
			throw new CsvFileError(
				`${fileName} has no record structure: its ${rows} line${rows === 1 ? '' : 's'} hold no letter or digit (only quotes, delimiters or punctuation)`,
				{ line: scanner.currentLine, byte: checker.bytes },
			);
		}
	}

	return { format, delimiter, headers, headerLine, entries: entries(), position: () => ({ line: scanner.currentLine, byte: checker.bytes }) };
}
