/**
 * UTF-8 / NUL checking of a contact file, chunk by chunk, with the exact byte and line of the first
 * problem. Used twice: by the import's pre-pass (the whole file is checked before anything is
 * written, so a Latin-1 row near the end is a file-level error, not a half-done import) and by the
 * CSV reader itself (a source that cannot be read twice is checked as it is read).
 *
 * A character split across two chunks is fine (its first bytes are carried over). Line numbers
 * count LF, CRLF and a bare CR as one break each, like the record scanner.
 */
import { isUtf8 } from 'node:buffer';
import { CsvFileError } from './errors';

const LF = 10;
const CR = 13;

/** Length of `buf` without a trailing, not yet complete UTF-8 sequence (at most 3 bytes). */
export function completeLength(buf: Uint8Array): number {
	const n = buf.length;
	for (let j = n - 1; j >= 0 && j >= n - 4; j--) {
		const b = buf[j];
		if ((b & 0xc0) === 0x80) continue; // continuation byte
		const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
		return j + need > n ? j : n;
	}
	return n;
}

/** Index of the first byte of the first invalid UTF-8 sequence in buf[0, end), or -1. */
export function firstInvalidUtf8(buf: Uint8Array, end = buf.length): number {
	let i = 0;
	while (i < end) {
		const b = buf[i];
		if (b < 0x80) {
			i++;
			continue;
		}
		let need: number;
		let min: number;
		let cp: number;
		if (b >= 0xc2 && b <= 0xdf) [need, min, cp] = [1, 0x80, b & 0x1f];
		else if (b >= 0xe0 && b <= 0xef) [need, min, cp] = [2, 0x800, b & 0x0f];
		else if (b >= 0xf0 && b <= 0xf4) [need, min, cp] = [3, 0x10000, b & 0x07];
		else return i;
		for (let k = 1; k <= need; k++) {
			const c = buf[i + k];
			if (i + k >= end || (c & 0xc0) !== 0x80) return i;
			cp = (cp << 6) | (c & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
		i += need + 1;
	}
	return -1;
}

/** Line breaks in buf[from, to); `prevCR`: the byte before `from` was a CR. Returns [breaks, endsOnCR]. */
function countBreaks(buf: Uint8Array, from: number, to: number, prevCR: boolean): [number, boolean] {
	let breaks = 0;
	let cr = prevCR;
	for (let i = from; i < to; i++) {
		const b = buf[i];
		if (b === LF) {
			if (!cr) breaks++;
			cr = false;
		} else if (b === CR) {
			breaks++;
			cr = true;
		} else cr = false;
	}
	return [breaks, cr];
}

function hex(b: number): string {
	return '0x' + b.toString(16).toUpperCase().padStart(2, '0');
}

export class Utf8Checker {
	/** Bytes checked so far (whole characters only). */
	bytes = 0;
	/** The line the next byte is on. */
	line = 1;
	private carry: Uint8Array | undefined;
	private prevCR = false;
	private started = false;
	private readonly decoder = new TextDecoder('utf-8');

	constructor(private readonly fileName: string) {}

	/** Checks the next chunk; returns its text (whole characters) when `decode` is true, else ''. */
	push(chunk: Uint8Array, decode: boolean): string {
		if (!this.started && chunk.length > 0) {
			this.started = true;
			if (chunk.length >= 2 && ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))) {
				throw new CsvFileError(`${this.fileName} is UTF-16 text (it starts with a UTF-16 byte-order mark): save it as CSV UTF-8`, { line: 1, byte: 0 });
			}
		}
		let buf = chunk;
		if (this.carry) {
			buf = new Uint8Array(this.carry.length + chunk.length);
			buf.set(this.carry, 0);
			buf.set(chunk, this.carry.length);
			this.carry = undefined;
		}
		const nul = buf.indexOf(0);
		if (nul >= 0) {
			throw this.withPrefix(buf, nul, decode, new CsvFileError(
				`${this.fileName} is not a CSV/TXT text file: it contains a NUL byte at byte ${this.bytes + nul} (line ${this.lineAt(buf, nul)}) — a binary file, or UTF-16 text: save it as CSV UTF-8`,
				{ line: this.lineAt(buf, nul), byte: this.bytes + nul },
			));
		}
		const cut = completeLength(buf);
		const view = cut === buf.length ? buf : buf.subarray(0, cut);
		if (!isUtf8(view)) {
			const bad = Math.max(0, firstInvalidUtf8(buf, cut));
			const line = this.lineAt(buf, bad);
			throw this.withPrefix(
				buf,
				bad,
				decode,
				new CsvFileError(
					`${this.fileName} is not UTF-8 text: invalid byte ${hex(buf[bad])} at byte ${this.bytes + bad} (line ${line}) — Latin-1 / Windows-1252 text? Save it as CSV UTF-8`,
					{ line, byte: this.bytes + bad },
				),
			);
		}
		if (cut < buf.length) this.carry = buf.slice(cut);
		const [breaks, endsOnCR] = countBreaks(view, 0, view.length, this.prevCR);
		this.line += breaks;
		this.prevCR = endsOnCR;
		this.bytes += cut;
		return decode && cut > 0 ? this.decoder.decode(view) : '';
	}

	/** End of the file: a character cut in half is an error. */
	end(): void {
		if (this.carry && this.carry.length > 0) {
			throw new CsvFileError(
				`${this.fileName} is not UTF-8 text: it ends in the middle of a character (byte ${this.bytes}, line ${this.line}) — the file may have been cut short`,
				{ line: this.line, byte: this.bytes },
			);
		}
	}

	/**
	 * The text before the bad byte rides on the error (`validText`), so a reader can take it in
	 * before it stops: reading then stops exactly at the bad byte, not at the start of its chunk.
	 */
	private withPrefix(buf: Uint8Array, index: number, decode: boolean, error: CsvFileError): CsvFileError {
		if (decode && index > 0) (error as CsvFileError & { validText?: string }).validText = this.decoder.decode(buf.subarray(0, index));
		return error;
	}

	private lineAt(buf: Uint8Array, index: number): number {
		return this.line + countBreaks(buf, 0, index, this.prevCR)[0];
	}
}

/** Checks a whole text file (pre-pass). Throws CsvFileError naming the byte and line of the first problem. */
export async function checkTextFile(source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>, fileName: string): Promise<{ bytes: number; lines: number }> {
	const checker = new Utf8Checker(fileName);
	for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
		if (typeof chunk === 'string') {
			const nul = chunk.indexOf('\u0000');
			if (nul >= 0) throw new CsvFileError(`${fileName} is not a text file: it contains a NUL character at position ${checker.bytes + nul}`, { line: checker.line, byte: checker.bytes + nul });
			checker.push(Buffer.from(chunk, 'utf8'), false);
			continue;
		}
		checker.push(chunk, false);
	}
	checker.end();
	return { bytes: checker.bytes, lines: checker.line };
}
