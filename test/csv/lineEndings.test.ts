/**
 * Line endings LF, CRLF and CR — alone and mixed in one file, outside and inside quoted fields —
 * read the same whatever the chunk boundaries: every chunk size from 1 to 64 bytes.
 */
import { openCsv, type CsvEntry, type CsvReadOptions } from '../../core/csv';

function chunked(bytes: Uint8Array, size: number): Uint8Array[] {
	const out: Uint8Array[] = [];
	for (let o = 0; o < bytes.length; o += size) out.push(bytes.subarray(o, o + size));
	return out;
}

async function read(chunks: Array<Uint8Array | string>, options: CsvReadOptions = {}) {
	const reader = await openCsv(chunks, options);
	const entries: CsvEntry[] = [];
	for await (const e of reader.entries) entries.push(e);
	return { headers: reader.headers, delimiter: reader.delimiter, entries: entries.map((e) => (e.ok ? { line: e.line, record: e.record } : { line: e.line, reason: e.reason })) };
}

const enc = (s: string) => new TextEncoder().encode(s);

/** Per case: label and file text; the header row; each row as [line number, ...its values in header order]. */
const CASES: Array<[string, string, string[], Array<[number, ...string[]]>]> = [
	[
		'the issue’s bare CR between LF rows', 'phone,name\n+4915112345678,A\r+4915112345679,B\n+4915112345670,C\n',
		['phone', 'name'],
		[[2, '+4915112345678', 'A'], [3, '+4915112345679', 'B'], [4, '+4915112345670', 'C']],
	],
	[
		'CR only (Excel "CSV (Macintosh)")', 'Name;Phone\rZoë;+33 6 12 34 56 78\rJosé;+33 6 98 76 54 32\r',
		['Name', 'Phone'],
		[[2, 'Zoë', '+33 6 12 34 56 78'], [3, 'José', '+33 6 98 76 54 32']],
	],
	[
		'CRLF, a BOM, and a blank CRLF line', '\uFEFFphone,city\r\n9876543210,Pune\r\n\r\n9876543211,Mumbai\r\n',
		['phone', 'city'],
		[[2, '9876543210', 'Pune'], [4, '9876543211', 'Mumbai']],
	],
	[
		'all three mixed, with quoted fields holding each kind of break', 'name,phone,notes\r\n"Ada",1,"a\rb"\n"Bob",2,"c\r\nd"\r"Cy",3,"e\nf"\r\nDi,4,\rEd,5,"""q"""',
		['name', 'phone', 'notes'],
		[[2, 'Ada', '1', 'a\rb'], [4, 'Bob', '2', 'c\r\nd'], [6, 'Cy', '3', 'e\nf'], [8, 'Di', '4', ''], [9, 'Ed', '5', '"q"']],
	],
	[
		'TXT, one number per line, CR and CRLF, no trailing break', '9876543210\r+1 (541) 754-3010\r\n\r0044 7400 123456',
		['phone'],
		[[1, '9876543210'], [2, '+1 (541) 754-3010'], [4, '0044 7400 123456']],
	],
	[
		'short rows (missing trailing fields) under CR breaks', 'name,phone,tags\rR One,+919876543210\rR Two,+919876543211,vip\r',
		['name', 'phone', 'tags'],
		[[2, 'R One', '+919876543210', ''], [3, 'R Two', '+919876543211', 'vip']],
	],
];

describe.each(CASES)('%s', (_label, text, headers, rows) => {
	const bytes = enc(text);
	test('one chunk', async () => {
		const r = await read([bytes]);
		expect(r.headers).toEqual(headers);
		expect(r.entries).toEqual(rows.map(([line, ...values]) => ({ line, record: Object.fromEntries(headers.map((h, k) => [h, values[k]])) })));
	});
	test('every chunk size from 1 to 64 bytes gives the same rows and line numbers', async () => {
		const want = (await read([bytes])).entries;
		for (let size = 1; size <= 64; size++) {
			const r = await read(chunked(bytes, size));
			if (JSON.stringify(r.entries) !== JSON.stringify(want)) throw new Error(`chunk size ${size}: ${JSON.stringify(r.entries)} ≠ ${JSON.stringify(want)}`);
			expect(r.headers).toEqual(headers);
		}
	});
});

test('an unclosed quote under CR / CRLF breaks fails its own line only, at every chunk size', async () => {
	const text = 'name,phone\r\nA,1\rB,"2\r\nC,3\rD,4\r\n';
	const bytes = enc(text);
	for (let size = 1; size <= 64; size++) {
		const r = await read(chunked(bytes, size));
		const summary = r.entries.map((e) => (e.record ? [e.line, e.record.name] : [e.line, 'failed']));
		if (JSON.stringify(summary) !== JSON.stringify([[2, 'A'], [3, 'failed'], [4, 'C'], [5, 'D']])) throw new Error(`chunk size ${size}: ${JSON.stringify(summary)}`);
	}
});
