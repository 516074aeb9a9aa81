/**
 * Quote-aware record splitter that runs ahead of csv-parse. It owns line numbers (csv-parse
 * miscounts lines after a quoted CRLF), and it keeps one bad record from taking the whole file
 * down: csv-parse stops reading a chunk after `max_record_size` and swallows the rest of the file
 * after an unbalanced quote, so both are caught here and turned into per-row failures.
 *
 * Line breaks: LF, CRLF and a bare CR (Excel's "CSV (Macintosh)") all end a record, mixed freely in
 * one file and wherever the input's chunks happen to be cut (a CRLF split over two chunks is one
 * break). The scanner, not csv-parse, decides where records end: csv-parse only ever sees one
 * record per line, joined with LF (reader.ts), so it never has to guess the file's line break.
 *
 * Quote rules match csv-parse with `relax_quotes`: a quote opens a field only at its start; inside,
 * `""` is a literal quote and any other quote closes the field.
 */

export interface ScannedRecord {
	/** 1-based line on which the record starts. */
	line: number;
	/** Record text without its line break (may contain quoted line breaks). */
	text: string;
}

export interface ScanFailure {
	line: number;
	reason: string;
	raw: string;
}

const QUOTE = 34;
const NL = 10;
const CR = 13;

export function preview(text: string, max = 200): string {
	return text.length > max ? text.slice(0, max) + `… (${text.length} characters)` : text;
}

/** The first line break in `text` (LF, CRLF or CR): [index, length], or [-1, 0]. */
function firstBreak(text: string): [number, number] {
	const lf = text.indexOf('\n');
	const cr = text.indexOf('\r');
	if (cr >= 0 && (lf < 0 || cr < lf)) return [cr, text.charCodeAt(cr + 1) === NL ? 2 : 1];
	return lf >= 0 ? [lf, 1] : [-1, 0];
}

export class RecordScanner {
	readonly records: ScannedRecord[] = [];
	readonly failures: ScanFailure[] = [];

	private line = 1;
	private recordLine = 1;
	private parts: string[] = [];
	private partsLength = 0;
	private quoting = false;
	private fieldStart = true;
	/** The previous chunk ended on a quote inside a quoted field (maybe the first of `""`). */
	private quoteAtEnd = false;
	/** Dropping an oversized record until its end. */
	private skipping = false;
	/** The previous chunk ended on a CR (maybe the first half of a CRLF). */
	private afterCR = false;

	constructor(
		private readonly delimiter: number,
		private readonly maxRecordSize: number,
	) {}

	push(chunk: string): void {
		let start = 0;
		let i = 0;
		const n = chunk.length;
		if (this.afterCR) {
			// The previous chunk ended on a CR: an LF starting this one is the rest of that CRLF.
			this.afterCR = false;
			if (n > 0 && chunk.charCodeAt(0) === NL) {
				if (!this.quoting) start = 1; // outside quotes: not part of any record
				i = 1;
			}
		}
		if (this.quoteAtEnd) {
			this.quoteAtEnd = false;
			if (n > 0 && chunk.charCodeAt(0) === QUOTE) {
				this.quoting = true; // `""` across the chunk boundary: a literal quote
				i = 1;
			}
		}
		for (; i < n; i++) {
			const c = chunk.charCodeAt(i);
			if (this.quoting) {
				if (c === QUOTE) {
					if (i + 1 === n) {
						this.quoting = false;
						this.quoteAtEnd = true;
					} else if (chunk.charCodeAt(i + 1) === QUOTE) {
						i++;
					} else {
						this.quoting = false;
					}
				} else if (c === NL || c === CR) {
					// A line break inside a quoted field: LF, CR or CRLF all count as one line.
					this.line++;
					if (c === CR) {
						if (i + 1 === n) this.afterCR = true;
						else if (chunk.charCodeAt(i + 1) === NL) i++;
					}
					if (!this.skipping && this.partsLength + (i - start) > this.maxRecordSize) {
						const rest = this.takeRecord(chunk, start, i + 1);
						this.oversized(rest, chunk.slice(i + 1));
						return;
					}
				}
				continue;
			}
			if (c === NL || c === CR) {
				// Record break: LF, CRLF or a bare CR (old Mac / Excel "CSV (Macintosh)"), mixed freely.
				const end = i;
				if (c === CR) {
					if (i + 1 === n) this.afterCR = true;
					else if (chunk.charCodeAt(i + 1) === NL) i++;
				}
				this.line++;
				if (this.skipping) {
					this.skipping = false;
				} else if (this.partsLength + (end - start) > this.maxRecordSize) {
					const text = this.takeRecord(chunk, start, end);
					this.failures.push({ line: this.recordLine, reason: this.tooLarge(), raw: preview(text) });
				} else {
					this.emit(this.takeRecord(chunk, start, end));
				}
				start = i + 1;
				this.recordLine = this.line;
				this.fieldStart = true;
				continue;
			}
			if (c === QUOTE && this.fieldStart) this.quoting = true;
			this.fieldStart = c === this.delimiter;
		}
		if (this.skipping) return;
		if (start < n) {
			this.parts.push(chunk.slice(start));
			this.partsLength += n - start;
		}
		if (this.partsLength > this.maxRecordSize) {
			const text = this.takeRecord('', 0, 0);
			if (this.quoting && firstBreak(text)[0] >= 0) {
				this.oversized(text, '');
			} else {
				this.failures.push({ line: this.recordLine, reason: this.tooLarge(), raw: preview(text) });
				this.skipping = true;
			}
		}
	}

	/** The line being read (1-based): where reading stopped when the input fails. */
	get currentLine(): number {
		return this.line;
	}

	/** End of input: the last record, or the failure of an unclosed quote. */
	end(): void {
		this.quoteAtEnd = false;
		this.afterCR = false;
		if (this.skipping) return;
		const text = this.takeRecord('', 0, 0);
		if (this.quoting) {
			this.oversized(text, '');
			this.end();
			return;
		}
		if (text.length > this.maxRecordSize) this.failures.push({ line: this.recordLine, reason: this.tooLarge(), raw: preview(text) });
		else this.emit(text);
	}

	private tooLarge(): string {
		return `record is larger than ${this.maxRecordSize} characters (a huge field, or a quote that is never closed); skipped`;
	}

	/** Joins the buffered parts and chunk[start, endExclusive) into one record text. */
	private takeRecord(chunk: string, start: number, endExclusive: number): string {
		let text: string;
		if (this.parts.length === 0) text = chunk.slice(start, endExclusive);
		else {
			if (endExclusive > start) this.parts.push(chunk.slice(start, endExclusive));
			text = this.parts.length === 1 ? this.parts[0] : this.parts.join('');
		}
		this.parts = [];
		this.partsLength = 0;
		return text;
	}

	private emit(text: string): void {
		const end = text.length > 0 && text.charCodeAt(text.length - 1) === CR ? text.length - 1 : text.length;
		if (end === 0) return; // empty line: skipped
		this.records.push({ line: this.recordLine, text: end === text.length ? text : text.slice(0, end) });
	}

	/**
	 * A quoted field ran over the size limit or to the end of the file: most likely an unbalanced
	 * quote. Report the record's first line and read again from the line after it.
	 */
	private oversized(text: string, remainder: string): void {
		this.afterCR = false; // a CR ending `text` sets it again when `text` is scanned again
		const [breakAt, breakLength] = firstBreak(text);
		const reason = this.quoting || breakAt >= 0 ? `unclosed quote: the quoted field that starts on this line never ends${text.length > this.maxRecordSize ? ` within ${this.maxRecordSize} characters` : ''}; line skipped` : this.tooLarge();
		this.failures.push({ line: this.recordLine, reason, raw: preview(breakAt >= 0 ? text.slice(0, breakAt) : text) });
		this.quoting = false;
		this.fieldStart = true;
		this.skipping = false;
		if (breakAt < 0) {
			this.recordLine = this.line;
			if (remainder) this.push(remainder);
			return;
		}
		this.line = this.recordLine + 1;
		this.recordLine = this.line;
		const rest = text.slice(breakAt + breakLength) + remainder;
		if (rest) this.push(rest);
		else if (text.charCodeAt(text.length - 1) === CR) this.afterCR = true; // its LF may start the next chunk
	}
}
