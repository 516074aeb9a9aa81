/**
 * Quote-aware record splitter that runs ahead of csv-parse. It owns line numbers (csv-parse
 * miscounts lines after a quoted CRLF), and it keeps one bad record from taking the whole file
 * down: csv-parse stops reading a chunk after `max_record_size` and swallows the rest of the file
 * after an unbalanced quote, so both are caught here and turned into per-row failures.
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

	constructor(
		private readonly delimiter: number,
		private readonly maxRecordSize: number,
	) {}

	push(chunk: string): void {
		let start = 0;
		let i = 0;
		const n = chunk.length;
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
				} else if (c === NL) {
					this.line++;
					if (!this.skipping && this.partsLength + (i - start) > this.maxRecordSize) {
						const rest = this.takeRecord(chunk, start, i + 1);
						this.oversized(rest, chunk.slice(i + 1));
						return;
					}
				}
				continue;
			}
			if (c === NL) {
				this.line++;
				if (this.skipping) {
					this.skipping = false;
				} else if (this.partsLength + (i - start) > this.maxRecordSize) {
					const text = this.takeRecord(chunk, start, i);
					this.failures.push({ line: this.recordLine, reason: this.tooLarge(), raw: preview(text) });
				} else {
					this.emit(this.takeRecord(chunk, start, i));
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
			if (this.quoting && text.indexOf('\n') >= 0) {
				this.oversized(text, '');
			} else {
				this.failures.push({ line: this.recordLine, reason: this.tooLarge(), raw: preview(text) });
				this.skipping = true;
			}
		}
	}

	/** End of input: the last record, or the failure of an unclosed quote. */
	end(): void {
		this.quoteAtEnd = false;
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
		const firstBreak = text.indexOf('\n');
		const reason = this.quoting || firstBreak >= 0 ? `unclosed quote: the quoted field that starts on this line never ends${text.length > this.maxRecordSize ? ` within ${this.maxRecordSize} characters` : ''}; line skipped` : this.tooLarge();
		this.failures.push({ line: this.recordLine, reason, raw: preview(firstBreak >= 0 ? text.slice(0, firstBreak) : text) });
		this.quoting = false;
		this.fieldStart = true;
		this.skipping = false;
		if (firstBreak < 0) {
			this.recordLine = this.line;
			if (remainder) this.push(remainder);
			return;
		}
		this.line = this.recordLine + 1;
		this.recordLine = this.line;
		this.push(text.slice(firstBreak + 1) + remainder);
	}
}
