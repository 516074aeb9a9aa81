import { openCsv, CsvFileError, sniffDelimiter, type CsvEntry, type CsvReadOptions } from '../../core/csv';

async function readAll(chunks: Array<string | Uint8Array>, options: CsvReadOptions = {}) {
	const reader = await openCsv(chunks, options);
	const entries: CsvEntry[] = [];
	for await (const e of reader.entries) entries.push(e);
	return { reader, entries, rows: entries.filter((e) => e.ok), failures: entries.filter((e) => !e.ok) };
}

function bytes(text: string): Uint8Array {
	return new TextEncoder().encode(text);
}

describe('delimiter sniffing', () => {
	test.each([
		['name,phone\nA,1\n', ','],
		['name;phone\nA;1\n', ';'],
		['name\tphone\nA\t1\n', '\t'],
		['name|phone\nA|1\n', '|'],
		['"a,b";phone;x\n"c,d";1;2\n', ';'], // commas inside quotes do not count
		['phone\n9876543210\n', undefined],
	])('%j → %j', (sample, expected) => {
		expect(sniffDelimiter(sample)).toBe(expected);
	});
});

describe('openCsv', () => {
	test('header row, BOM, CRLF, quoted fields with embedded newlines and delimiters, empty lines skipped', async () => {
		const text = '\uFEFFName,Phone,Notes\r\nAda,+91 98765 43210,"likes ""tea"", cake"\r\n\r\nBob,541.754.3010,"line one\r\nline two"\r\nCy,0044 7400 123456,\r\n';
		const { reader, rows, failures } = await readAll([bytes(text)]);
		expect(reader.format).toBe('csv');
		expect(reader.delimiter).toBe(',');
		expect(reader.headers).toEqual(['Name', 'Phone', 'Notes']);
		expect(failures).toEqual([]);
		expect(rows.map((r) => r.ok && [r.line, r.record.Name, r.record.Notes])).toEqual([
			[2, 'Ada', 'likes "tea", cake'],
			[4, 'Bob', 'line one\r\nline two'],
			[6, 'Cy', ''],
		]);
	});

	test('semicolon file split into one-byte chunks (UTF-8 characters across chunk boundaries)', async () => {
		const text = 'Nom;Téléphone\nZoë;+33 6 12 34 56 78\nJosé;"+33 6 98 76 54 32"\n';
		const all = bytes(text);
		const chunks = Array.from(all, (b) => Uint8Array.of(b));
		const { reader, rows } = await readAll(chunks);
		expect(reader.delimiter).toBe(';');
		expect(reader.headers).toEqual(['Nom', 'Téléphone']);
		expect(rows.map((r) => r.ok && r.record.Nom)).toEqual(['Zoë', 'José']);
		expect(rows.map((r) => r.ok && r.record['Téléphone'])).toEqual(['+33 6 12 34 56 78', '+33 6 98 76 54 32']);
	});

	test('tab and pipe delimiters', async () => {
		expect((await readAll(['phone\tname\n1\tA\n'])).reader.delimiter).toBe('\t');
		const pipe = await readAll(['phone|tags\n1|"a|b"\n']);
		expect(pipe.reader.delimiter).toBe('|');
		expect(pipe.rows[0].ok && pipe.rows[0].record.tags).toBe('a|b');
	});

	test('TXT: one number per line, no header', async () => {
		const { reader, rows } = await readAll(['9876543210\n+1 (541) 754-3010\n\n0044 7400 123456']);
		expect(reader.format).toBe('txt');
		expect(reader.headers).toEqual(['phone']);
		expect(reader.headerLine).toBe(0);
		expect(rows.map((r) => r.ok && [r.line, r.record.phone])).toEqual([
			[1, '9876543210'],
			[2, '+1 (541) 754-3010'],
			[4, '0044 7400 123456'],
		]);
	});

	test('TXT with a title line, and explicit TXT format keeps commas in the value', async () => {
		const titled = await readAll(['Mobile Number\n9876543210\n']);
		expect(titled.reader.headers).toEqual(['Mobile Number']);
		expect(titled.rows).toHaveLength(1);
		const explicit = await readAll(['98765,43210\n'], { format: 'txt' });
		expect(explicit.rows[0].ok && explicit.rows[0].record.phone).toBe('98765,43210');
	});

	test('ragged rows: too many fields fail per row; a trailing empty field is tolerated; a short row is padded (or fails when strict)', async () => {
		const text = 'name,phone\nA,1\nB,2,extra\nC\nD,4,\n';
		const { rows, failures } = await readAll([text]);
		expect(rows.map((r) => r.ok && [r.line, r.record])).toEqual([
			[2, { name: 'A', phone: '1' }],
			[4, { name: 'C', phone: '' }],
			[5, { name: 'D', phone: '4' }],
		]);
		expect(failures.map((f) => !f.ok && [f.line, f.reason])).toEqual([[3, 'has 3 fields but the header has 2 (delimiter ",")']]);
		expect(!failures[0].ok && failures[0].raw).toBe('B,2,extra');
		const strict = await readAll([text], { shortRows: 'fail' });
		expect(strict.rows.map((r) => r.line)).toEqual([2, 5]);
		expect(strict.failures.map((f) => !f.ok && [f.line, f.reason])).toEqual([
			[3, 'has 3 fields but the header has 2 (delimiter ",")'],
			[4, 'has 1 field but the header has 2 (delimiter ",")'],
		]);
	});

	test('an unclosed quote fails that line only; the lines after it are still read', async () => {
		const { rows, failures } = await readAll(['name,phone\nA,1\nB,"2\nC,3\nD,4\n']);
		expect(failures).toHaveLength(1);
		expect(!failures[0].ok && failures[0].line).toBe(3);
		expect(!failures[0].ok && failures[0].reason).toMatch(/unclosed quote/);
		expect(rows.map((r) => r.ok && r.record.name)).toEqual(['A', 'C', 'D']);
	});

	test('a 10 MB field is a per-row failure, not a crash; rows after it are read', async () => {
		const huge = 'x'.repeat(10 * 1024 * 1024);
		const chunks = ['name,phone\nA,1\n', 'B,"', huge.slice(0, 5e6), huge.slice(5e6), '"\n', 'C,3\n'];
		const { rows, failures } = await readAll(chunks);
		expect(rows.map((r) => r.ok && r.record.name)).toEqual(['A', 'C']);
		expect(failures).toHaveLength(1);
		expect(!failures[0].ok && [failures[0].line, failures[0].reason]).toEqual([3, expect.stringMatching(/larger than 1048576 characters/)]);
		expect(!failures[0].ok && failures[0].raw.length).toBeLessThan(300);
	});

	test('an unquoted 2 MB line is a per-row failure with a small maxRecordSize too', async () => {
		const { rows, failures } = await readAll(['name,phone\n', 'A,' + '9'.repeat(2_000_000) + '\nB,2\n'], { maxRecordSize: 1000 });
		expect(rows.map((r) => r.ok && r.record.name)).toEqual(['B']);
		expect(failures.map((f) => f.line)).toEqual([2]);
	});

	test('a header-only file is 0 rows, not an error', async () => {
		const { reader, entries } = await readAll(['Name,Phone\n'], { fileName: 'list.csv' });
		expect(reader.headers).toEqual(['Name', 'Phone']);
		expect(entries).toEqual([]);
	});

	test('file-level errors: empty, blank, binary, not UTF-8, truncated UTF-8, no record structure', async () => {
		await expect(readAll([])).rejects.toThrow(/is empty/);
		await expect(readAll(['\n\n  \n'])).rejects.toThrow(/is empty/);
		await expect(readAll(['"'.repeat(4096)], { fileName: 'q.txt' })).rejects.toThrow('"q.txt" has no record structure: its 1 line hold no letter or digit (only quotes, delimiters or punctuation)');
		await expect(readAll(['""\n' + '"'.repeat(3) + '\n--\n'])).rejects.toThrow(/no record structure: its 3 lines/);
		await expect(readAll([Uint8Array.of(0x50, 0x4b, 0x03, 0x04, 0x00, 0x00)])).rejects.toThrow(/NUL byte at byte 4/);
		const utf16 = Buffer.from('\uFEFFphone\n123\n', 'utf16le');
		await expect(readAll([utf16])).rejects.toThrow(/is UTF-16 text \(it starts with a UTF-16 byte-order mark\)/);
		await expect(readAll([Buffer.from('phone\n123\n', 'utf16le')])).rejects.toThrow(/not a CSV\/TXT text file: it contains a NUL byte at byte 1 \(line 1\)/);
		await expect(readAll([bytes('name,phone\n'), Uint8Array.of(0x4a, 0xe9, 0x2c, 0x31, 0x0a)])).rejects.toThrow('not UTF-8 text: invalid byte 0xE9 at byte 12 (line 2)');
		await expect(readAll([bytes('name,phone\nA,1\n'), Uint8Array.of(0xc3)])).rejects.toThrow('ends in the middle of a character (byte 15, line 3)');
		expect((await readAll([bytes('x')])).entries).toEqual([]); // a title line only: 0 rows
		const err = await readAll([]).catch((e) => e);
		expect(err).toBeInstanceOf(CsvFileError);
	});

	test('streams: rows come out before the whole input has been read', async () => {
		let produced = 0;
		async function* source() {
			yield 'phone\n';
			for (let i = 0; i < 100_000; i++) {
				produced++;
				yield `98765${String(i).padStart(5, '0')}\n`;
			}
		}
		const reader = await openCsv(source());
		let firstSeenAt = -1;
		let count = 0;
		for await (const e of reader.entries) {
			if (firstSeenAt < 0 && e.ok) firstSeenAt = produced;
			count++;
		}
		expect(count).toBe(100_000);
		expect(firstSeenAt).toBeLessThan(10_000);
	});

	test('duplicate and blank header names are made unique', async () => {
		const { reader } = await readAll(['phone,,Phone,x\n1,2,3,4\n']);
		expect(reader.headers).toEqual(['phone', 'column 2', 'Phone (2)', 'x']);
	});
});
