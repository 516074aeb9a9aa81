/**
 * Excel workbooks (.xlsx) as contact files, read as a stream: the same CsvReader shape as a CSV file
 * (headers, then one entry per row), so the import pipeline does not care which it got.
 *
 *  - exceljs's streaming WorkbookReader parses the sheet XML row by row (it never builds the
 *    workbook in memory; a sheet stored before the shared strings — Excel's own order — is spooled
 *    to a temp file first). Shared strings are kept in memory, as every streaming reader must.
 *  - Before any row is read, the ZIP is checked with yauzl: the central directory is there (a file
 *    cut short is caught), every entry inflates to its declared size and CRC-32 (a damaged file is
 *    caught), and it is a workbook (xl/workbook.xml). So these are file-level errors with nothing
 *    written, and exceljs never sees a damaged ZIP (it can stall on one).
 *  - Cells become the text the user sees (numfmt renders the cell's number format: dates as
 *    formatted, "1,234.50", "25%"), except that a whole number in General or scientific format is
 *    written out in full — a phone number typed as a number must not become "9.18765E+11" — and a
 *    zero-padded format ("0000000000") keeps its leading zeros.
 *  - The sheet: the first visible one, or the one named by `sheet`. The header row: the first
 *    non-empty row at or below `headerRow` (default 1). Rows are numbered as in Excel.
 */
import * as zlib from 'node:zlib';
import { Readable } from 'node:stream';
import * as ExcelJS from 'exceljs';
import * as numfmt from 'numfmt';
import * as yauzl from 'yauzl';
import { CsvFileError, type FilePosition } from './errors';
import { uniqueHeaders } from './headers';
import type { CsvEntry, CsvReader } from './reader';
import { preview } from './scanner';
import { completeLength } from './utf8';

export interface XlsxReadOptions {
	fileName?: string;
	/** Sheet name (case-insensitive); empty: the first visible sheet. */
	sheet?: string;
	/** 1-based row where the header row is (or starts to be looked for); default 1. */
	headerRow?: number;
}

/** A workbook on disk or in memory. */
export type XlsxInput = { path: string } | { buffer: Uint8Array };

/** "PK\x03\x04": a ZIP archive (xlsx, ods, docx…). "PK\x05\x06": an empty one. */
export function looksLikeZip(head: Uint8Array): boolean {
	return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}

/** An OLE2 compound file: Excel 97–2003 .xls (or .doc…). */
export function looksLikeOle(head: Uint8Array): boolean {
	const sig = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
	return head.length >= 8 && sig.every((b, i) => head[i] === b);
}

function openZip(input: XlsxInput, autoClose = true): Promise<yauzl.ZipFile> {
	return new Promise((resolve, reject) => {
		const done = (error: Error | null, zip?: yauzl.ZipFile) => (error || !zip ? reject(error ?? new Error('cannot open')) : resolve(zip));
		if ('path' in input) yauzl.open(input.path, { lazyEntries: true, autoClose }, done);
		else yauzl.fromBuffer(Buffer.from(input.buffer.buffer, input.buffer.byteOffset, input.buffer.byteLength), { lazyEntries: true }, done);
	});
}

const crc32 = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/**
 * Checks the ZIP structure of a workbook before any row is read (see the module comment). Returns
 * the entry names. Throws CsvFileError.
 */
export async function checkXlsx(input: XlsxInput, fileName: string): Promise<string[]> {
	let zip: yauzl.ZipFile;
	try {
		zip = await openZip(input);
	} catch (error) {
		const message = (error as Error).message;
		throw new CsvFileError(
			/central directory|signature/i.test(message)
				? `${fileName} is not a complete .xlsx workbook: its ZIP directory is missing or damaged (the file may have been cut short): ${message}`
				: `${fileName} is not a readable .xlsx workbook: ${message}`,
		);
	}
	const names: string[] = [];
	await new Promise<void>((resolve, reject) => {
		const fail = (message: string) => {
			zip.close();
			reject(new CsvFileError(`${fileName} is a damaged .xlsx workbook: ${message}`));
		};
		zip.on('error', (error: Error) => fail(error.message));
		zip.on('end', () => resolve());
		zip.on('entry', (entry: yauzl.Entry) => {
			names.push(entry.fileName);
			if (entry.fileName.endsWith('/')) return zip.readEntry();
			zip.openReadStream(entry, (error, stream) => {
				if (error || !stream) return fail(`entry ${entry.fileName}: ${error?.message ?? 'cannot be read'}`);
				let crc = 0;
				stream.on('data', (chunk: Buffer) => {
					if (crc32) crc = crc32(chunk, crc);
				});
				stream.on('error', (e: Error) => fail(`entry ${entry.fileName}: ${e.message}`));
				stream.on('end', () => {
					if (crc32 && crc >>> 0 !== entry.crc32 >>> 0) return fail(`entry ${entry.fileName} does not match its CRC-32 (its data is corrupt)`);
					zip.readEntry();
				});
			});
		});
		zip.readEntry();
	});
	if (!names.includes('xl/workbook.xml')) {
		throw new CsvFileError(
			`${fileName} is a ZIP archive but not an Excel .xlsx workbook (it has no xl/workbook.xml${names.includes('mimetype') ? '; an OpenDocument .ods file?' : ''}): save it as .xlsx or CSV UTF-8`,
		);
	}
	if (!names.some((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n))) throw new CsvFileError(`${fileName} is an .xlsx workbook without a worksheet`);
	return names;
}

const GENERAL = /^general$/i;

/** Whole number (within float noise): phone numbers typed into a cell. */
function wholeNumber(v: number): boolean {
	return Number.isFinite(v) && Math.abs(v - Math.round(v)) <= 1e-9 * Math.max(1, Math.abs(v));
}

/** A number as the user sees it in the cell, except that long whole numbers are never shortened. */
export function formatNumber(v: number, numFmt?: string): string {
	const fmt = numFmt && numFmt.trim() ? numFmt : 'General';
	if (wholeNumber(v) && Math.abs(v) < 1e21) {
		// General shows 918765432100 as 9.18765E+11 in a narrow column; a scientific format too.
		if (GENERAL.test(fmt) || (/E[+-]/i.test(fmt) && Math.abs(v) >= 1e6)) return String(Math.round(v));
	}
	try {
		return numfmt.format(fmt, v);
	} catch {
		return String(v);
	}
}

/** exceljs turned a date-formatted number into a Date (UTC); format it with the cell's format. */
export function formatDate(d: Date, numFmt?: string): string {
	const serial = d.getTime() / 86_400_000 + 25569;
	try {
		return numfmt.format(numFmt && numFmt.trim() ? numFmt : 'yyyy-mm-dd', serial);
	} catch {
		return d.toISOString().slice(0, 10);
	}
}

/** One cell value (exceljs's CellValue) → text. */
export function cellText(value: unknown, numFmt?: string): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'string') return value;
	if (typeof value === 'number') return formatNumber(value, numFmt);
	if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : formatDate(value, numFmt);
	if (typeof value === 'object') {
		const v = value as Record<string, unknown>;
		if (Array.isArray(v.richText)) return (v.richText as Array<{ text?: string }>).map((r) => r.text ?? '').join('');
		if ('formula' in v || 'sharedFormula' in v) return cellText(v.result, numFmt);
		if ('error' in v) return String(v.error ?? '');
		if ('text' in v) return cellText(v.text, numFmt);
	}
	return '';
}

function columnName(col: number): string {
	let s = '';
	for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
	return s;
}

/** The row's cells as text, by column (index 0 = column A); trailing empty cells dropped. */
function rowFields(row: ExcelJS.Row): string[] {
	const fields: string[] = [];
	row.eachCell({ includeEmpty: false }, (cell, col) => {
		const text = cellText(cell.value, cell.numFmt).trim();
		if (text === '') return;
		while (fields.length < col - 1) fields.push('');
		fields[col - 1] = text;
	});
	return fields;
}

/** Parts of the workbook exceljs needs, in the order it must see them; then the sheets. */
const FIRST_PARTS = ['xl/_rels/workbook.xml.rels', 'xl/workbook.xml', 'xl/styles.xml', 'xl/sharedStrings.xml'];
const SHEET = /^xl\/worksheets\/sheet(\d+)\.xml$/;

/** A ZIP local file header for a stored (uncompressed) entry of known size. */
function storedHeader(name: string, size: number, crc: number): Buffer {
	const nameBytes = Buffer.from(name, 'utf8');
	const h = Buffer.alloc(30 + nameBytes.length);
	h.writeUInt32LE(0x04034b50, 0);
	h.writeUInt16LE(20, 4);
	h.writeUInt16LE(0x0800, 6); // UTF-8 names; sizes in this header (no data descriptor)
	h.writeUInt16LE(0, 8); // stored
	h.writeUInt32LE(crc >>> 0, 14);
	h.writeUInt32LE(size, 18);
	h.writeUInt32LE(size, 22);
	h.writeUInt16LE(nameBytes.length, 26);
	nameBytes.copy(h, 30);
	return h;
}

/**
 * What exceljs reads: the workbook re-framed as a ZIP stream of stored entries — workbook, rels,
 * styles and shared strings first, then the sheets — inflated by yauzl and cut only between
 * UTF-8 characters. Why:
 *  - exceljs decodes each chunk it gets on its own (a non-streaming TextDecoder), so a character
 *    cut by an inflate chunk boundary turns into "��" (seen on 2 of 5,000 non-Latin names);
 *  - with the shared strings before the sheets (Excel writes them after), exceljs never spools a
 *    sheet to a temp file (it leaves those files and their descriptors open) and the cells get
 *    their number formats;
 *  - a part whose XML stops early (no closing root tag) is noted (`problems`): exceljs would just
 *    stop reading it.
 */
interface WorkbookFeed {
	chunks: () => AsyncGenerator<Buffer>;
	/** Part name → what is wrong with it (its XML stops before the closing tag). */
	problems: Map<string, string>;
}

async function workbookFeed(input: XlsxInput, fileName: string): Promise<WorkbookFeed> {
	const zip = await openZip(input, false).catch((error: Error) => {
		throw new CsvFileError(`${fileName} is not a readable .xlsx workbook: ${error.message}`);
	});
	const entries = new Map<string, yauzl.Entry>();
	await new Promise<void>((resolve, reject) => {
		zip.on('entry', (e: yauzl.Entry) => {
			entries.set(e.fileName, e);
			zip.readEntry();
		});
		zip.on('end', () => resolve());
		zip.on('error', reject);
		zip.readEntry();
	});
	const sheets = [...entries.keys()].filter((n) => SHEET.test(n)).sort((x, y) => Number(SHEET.exec(x)?.[1]) - Number(SHEET.exec(y)?.[1]));
	const order = [...FIRST_PARTS, ...sheets];
	const feed: WorkbookFeed = {
		problems: new Map(),
		chunks: async function* (): AsyncGenerator<Buffer> {
			try {
				for (const name of order) {
					const entry = entries.get(name);
					if (!entry) {
						// No shared strings at all: an empty table, so exceljs reads the sheets as they come.
						if (name === 'xl/sharedStrings.xml') {
							const empty = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>');
							yield storedHeader(name, empty.length, crc32 ? crc32(empty) : 0);
							yield empty;
						}
						continue;
					}
					yield storedHeader(name, entry.uncompressedSize, entry.crc32);
					const data = await new Promise<Readable>((resolve, reject) => zip.openReadStream(entry, (error, s) => (error || !s ? reject(error ?? new Error('cannot read')) : resolve(s))));
					// The last piece is held back until the part's end has been checked, so a problem is
					// known before exceljs has read the whole part.
					let carry: Buffer | undefined;
					let held: Buffer | undefined;
					let tail = '';
					for await (const chunk of data as AsyncIterable<Buffer>) {
						const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
						const cut = completeLength(buf);
						carry = cut < buf.length ? buf.subarray(cut) : undefined;
						if (cut > 0) {
							tail = (tail + buf.subarray(Math.max(0, cut - 64), cut).toString('utf8')).slice(-64);
							if (held) yield held;
							held = buf.subarray(0, cut);
						}
					}
					if (name.endsWith('.xml') && !/<\/[\w:]*(worksheet|sst|workbook|styleSheet|Relationships)>\s*$/.test(tail) && entry.uncompressedSize > 0) {
						feed.problems.set(name, `${name} stops before its closing tag (the workbook is damaged or was cut short when it was written)`);
					}
					if (held) yield held;
					if (carry) yield carry;
				}
				// An empty central directory: the end of the archive for the ZIP parser.
				const end = Buffer.alloc(22);
				end.writeUInt32LE(0x06054b50, 0);
				yield end;
			} finally {
				zip.close();
			}
		},
	};
	return feed;
}

/**
 * Opens a workbook that checkXlsx has accepted. Reads up to the header row; the rows are read as
 * `entries` is iterated (once).
 */
export async function openXlsx(input: XlsxInput, options: XlsxReadOptions = {}): Promise<CsvReader> {
	const fileName = options.fileName ? JSON.stringify(options.fileName) : 'The workbook';
	const headerRow = Math.max(1, Math.floor(options.headerRow ?? 1));
	const wantedSheet = options.sheet?.trim().toLowerCase() || undefined;

	const feed = await workbookFeed(input, fileName);
	const stream = Readable.from(feed.chunks(), { highWaterMark: 1 });
	let line = 0;
	// For a workbook, where reading stopped is a sheet row (byte offsets of compressed XML mean nothing to a user).
	const position = (): FilePosition => ({ line });
	const readFailed = (error: unknown): CsvFileError =>
		error instanceof CsvFileError
			? error
			: new CsvFileError(`${fileName}: the workbook cannot be read${line ? ` past sheet row ${line}` : ''}: ${(error as Error)?.message ?? String(error)}`, position());

	const workbook = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
		worksheets: 'emit',
		sharedStrings: 'cache',
		styles: 'cache',
		hyperlinks: 'ignore',
		entries: 'ignore',
	});
	// A cell pointing past the end of the shared-string table (a damaged xl/sharedStrings.xml)
	// would silently read as empty: note it, and stop there (see sharedStringProblem below).
	let missingString: number | undefined;
	let strings: unknown[] | undefined;
	Object.defineProperty(workbook, 'sharedStrings', {
		configurable: true,
		get: () => strings,
		set: (table: unknown[]) => {
			strings = new Proxy(table, {
				get(target, key, receiver) {
					if (typeof key === 'string' && key.length < 12 && /^\d+$/.test(key) && Number(key) >= target.length) missingString ??= Number(key);
					return Reflect.get(target, key, receiver) as unknown;
				},
			});
		},
	});
	/** The chosen sheet's part name (xl/worksheets/sheetN.xml), from the workbook's rels. */
	let sheetPart: string | undefined;
	const damage = (): CsvFileError | undefined => {
		for (const [part, problem] of feed.problems) {
			if (FIRST_PARTS.includes(part) || part === sheetPart || (sheetPart === undefined && SHEET.test(part))) return new CsvFileError(`${fileName}: ${problem}`, position());
		}
		if (missingString !== undefined) {
			return new CsvFileError(
				`${fileName}: a cell in sheet row ${line} uses shared string #${missingString}, but the workbook's string table (xl/sharedStrings.xml) has only ${strings?.length ?? 0}: the workbook is damaged`,
				position(),
			);
		}
		return undefined;
	};
	type SheetReader = ExcelJS.stream.xlsx.WorksheetReader & { id?: number; name?: string; state?: string };
	const model = () => (workbook as unknown as { model?: { sheets?: Array<{ id: number; name: string; state?: string }> } }).model;
	const sheets = workbook[Symbol.asyncIterator]() as AsyncGenerator<SheetReader>;
	const seenNames: string[] = [];
	let firstYielded = true;
	const close = () => {
		void sheets.return(undefined).catch(() => undefined);
		stream.destroy();
	};
	/** Runs one read of the workbook; a failure closes it and becomes a file-level error (readFailed). */
	const reading = async <T>(read: () => Promise<T>): Promise<T> => {
		try {
			return await read();
		} catch (error) {
			close();
			throw readFailed(error);
		}
	};
	const sheet = await reading(async (): Promise<SheetReader | undefined> => {
		for (;;) {
			const next = await sheets.next();
			if (next.done) return undefined;
			const ws = next.value;
			if (ws.name) seenNames.push(ws.name);
			let wanted: boolean;
			if (wantedSheet) wanted = (ws.name ?? '').trim().toLowerCase() === wantedSheet;
			else {
				const first = model()?.sheets?.find((s) => (s.state ?? 'visible') === 'visible') ?? model()?.sheets?.[0];
				wanted = first ? ws.id === first.id : firstYielded;
			}
			firstYielded = false;
			if (wanted) return ws;
		}
	});
	if (!sheet) {
		close();
		const names = (model()?.sheets ?? []).map((s) => s.name);
		const list = (names.length ? names : seenNames).map((n) => JSON.stringify(n)).join(', ');
		throw new CsvFileError(wantedSheet ? `${fileName} has no sheet named ${JSON.stringify(options.sheet)}; its sheets: ${list || 'none'}` : `${fileName} has no worksheet to read`);
	}
	const sheetName = sheet.name ?? 'the first sheet';
	{
		const wb = workbook as unknown as { workbookRels?: Array<{ Id: string; Target: string }>; model?: { sheets?: Array<{ id: number; rId: string }> } };
		const rId = wb.model?.sheets?.find((s) => s.id === sheet?.id)?.rId;
		const target = wb.workbookRels?.find((r) => r.Id === rId)?.Target;
		if (target) sheetPart = target.startsWith('/') ? target.slice(1) : `xl/${target}`;
	}
	const rows = sheet[Symbol.asyncIterator]();

	const headerRowFound = await reading(async (): Promise<{ headers: string[]; headerLine: number } | undefined> => {
		for (;;) {
			const next = await rows.next();
			if (next.done) return undefined;
			const row = next.value;
			line = row.number;
			if (row.number < headerRow) continue;
			const fields = rowFields(row);
			const problem = damage();
			if (problem) throw problem;
			if (fields.length === 0) continue;
			return { headers: uniqueHeaders(fields, (i) => `column ${columnName(i + 1)}`), headerLine: row.number };
		}
	});
	if (!headerRowFound) {
		close();
		const problem = damage();
		if (problem) throw problem;
		throw new CsvFileError(`${fileName}: sheet ${JSON.stringify(sheetName)} is empty${headerRow > 1 ? ` from row ${headerRow} on` : ''}`);
	}
	const { headers, headerLine } = headerRowFound;
	const width = headers.length;
	const names = headers;

	async function* entries(): AsyncGenerator<CsvEntry> {
		try {
			for (;;) {
				let next: IteratorResult<ExcelJS.Row>;
				try {
					next = await rows.next();
				} catch (error) {
					throw readFailed(error);
				}
				if (next.done) {
					const problem = damage(); // e.g. the sheet's XML stops before </worksheet>
					if (problem) throw problem;
					break;
				}
				const row = next.value;
				line = row.number;
				const fields = rowFields(row);
				const problem = damage();
				if (problem) throw problem;
				if (fields.length === 0) continue; // an empty row
				if (fields.length > width) {
					yield {
						ok: false,
						line: row.number,
						raw: preview(fields.join(',')),
						reason: `has a value in column ${columnName(fields.length)} (cell ${columnName(fields.length)}${row.number}) but the header row (row ${headerLine}) has ${width} column${width === 1 ? '' : 's'}`,
					};
					continue;
				}
				const record: Record<string, string> = {};
				for (let k = 0; k < width; k++) record[names[k]] = fields[k] ?? '';
				yield { ok: true, line: row.number, record };
			}
		} finally {
			close();
		}
	}

	return { format: 'xlsx', delimiter: undefined, headers, headerLine, entries: entries(), position };
}
