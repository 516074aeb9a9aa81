/**
 * XLSX import through the WhatsApp Contacts node (test/harness): detection by content, first or
 * named sheet, header row, cells as the user sees them (dates, formatted numbers), phone numbers
 * typed as numbers (no 9.18E+11, zero-padded formats keep their zeros), damaged workbooks as
 * file-level errors with nothing written, and a sheet broken half-way as a partial summary.
 */
import { cellText, formatNumber } from '../../core/csv';
import { WhatsAppContacts } from '../../nodes/WhatsAppContacts/WhatsAppContacts.node';
import { editWorkbook, workbookBuffer } from '../../fuzz/workbooks';
import { jsonOf, runNode } from '../harness';
import { useTempStore } from '../helpers/tempStore';
import { countContacts, fileItem, importParams, storeCreds } from '../helpers/contactImport';

const node = new WhatsAppContacts();
const t = useTempStore('wa-xlsx-');
const creds = () => storeCreds(t.dbPath);
const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const file = (buf: Buffer, fileName = 'contacts.xlsx', mimeType = XLSX_MIME) => fileItem(buf, fileName, mimeType);
const params = importParams;
const count = () => countContacts(t.store);


describe('cell text as the user sees it', () => {
	test.each([
		[918765432100, undefined, '918765432100'], // General: never 9.18765E+11
		[918765432100, 'General', '918765432100'],
		[918765432100, '0.00E+00', '918765432100'],
		[987654321, '0000000000', '0987654321'], // leading zero kept by the zero-padded format
		[1234.5, '#,##0.00', '1,234.50'],
		[0.25, '0%', '25%'],
		[0.1 + 0.2, 'General', '0.3'],
		[42, '0', '42'],
	])('%p with %p → %p', (value, fmt, expected) => {
		expect(formatNumber(value as number, fmt as string | undefined)).toBe(expected);
	});
	test('dates with their format, booleans, rich text, formulas, errors', () => {
		expect(cellText(new Date(Date.UTC(2024, 2, 5)), 'dd/mm/yyyy')).toBe('05/03/2024');
		expect(cellText(new Date(Date.UTC(2024, 2, 5, 18, 30)), 'yyyy-mm-dd hh:mm')).toBe('2024-03-05 18:30');
		expect(cellText(new Date(Date.UTC(2024, 2, 5)), 'mmm d, yyyy')).toBe('Mar 5, 2024');
		expect(cellText(true)).toBe('TRUE');
		expect(cellText({ richText: [{ text: 'Ada ' }, { text: 'Lovelace' }] })).toBe('Ada Lovelace');
		expect(cellText({ formula: 'A1*1', result: 919876543210 })).toBe('919876543210');
		expect(cellText({ error: '#N/A' })).toBe('#N/A');
		expect(cellText(null)).toBe('');
	});
});

describe('XLSX import (workflow executions)', () => {
	test('first sheet: phones typed as numbers, zero-padded, as text; dates and numbers as shown; "Last, First" names', async () => {
		const xlsx = await workbookBuffer([
			{
				name: 'Contacts',
				rows: [
					['Name', 'Phone', 'Joined', 'Spend', 'Tags'],
					['Doe, John', 919876543210, { value: new Date(Date.UTC(2024, 0, 15)), numFmt: 'dd/mm/yyyy' }, { value: 1234.5, numFmt: '#,##0.00' }, 'vip'],
					['Ada Lovelace', { value: 9876543211, numFmt: '00000000000' }, { value: new Date(Date.UTC(2023, 11, 1)), numFmt: 'mmm d, yyyy' }, 12, null],
					['Bob', '+1 541 754 3010', null, null, 'a|b'],
					['Nobody', 'not a phone', null, null, null],
				],
			},
			{ name: 'Other', rows: [['phone'], [919999999999]] },
		]);
		const r = await runNode(node, params(), [file(xlsx)], creds());
		expect(r.nodeError).toBeUndefined();
		const [summary] = jsonOf(r.nodeOutputs[0]);
		expect(summary).toMatchObject({ operation: 'import', format: 'xlsx', rowsRead: 4, added: 3, failed: 1, complete: true, headers: ['Name', 'Phone', 'Joined', 'Spend', 'Tags'] });
		expect(jsonOf(r.nodeOutputs[1])).toEqual([{ fileName: 'contacts.xlsx', line: 5, raw: 'not a phone', field: 'Phone', reason: expect.stringMatching(/contains letters/) }]);
		expect(await t.store.getContact('919876543210')).toMatchObject({
			name: 'John Doe',
			firstName: 'John',
			lastName: 'Doe',
			attributes: { Joined: '15/01/2024', Spend: '1,234.50' },
			tags: ['vip'],
		});
		// 09876543211 under "00000000000" → the national number with its trunk 0 → +91 98765 43211
		expect(await t.store.getContact('919876543211')).toMatchObject({ firstName: 'Ada', attributes: { Joined: 'Dec 1, 2023', Spend: '12' } });
		expect(await t.store.getContact('15417543010')).toMatchObject({ tags: ['a', 'b'] });
		expect(await t.store.getContact('919999999999')).toBeUndefined(); // the second sheet is not read
	});

	test('a named sheet, a header row further down, a hidden first sheet is skipped by default', async () => {
		const xlsx = await workbookBuffer([
			{ name: 'Notes', state: 'hidden', rows: [['phone'], [919000000001]] },
			{ name: 'March List', startRow: 3, rows: [['Exported from CRM'], [], ['Mobile', 'City'], [919000000002, 'Pune']] },
			{ name: 'April', rows: [['WhatsApp'], [919000000003], [919000000004]] },
		]);
		const byDefault = await runNode(node, params({ headerRow: 5 }), [file(xlsx, 'book.xlsx')], creds());
		expect(jsonOf(byDefault.nodeOutputs[0])[0]).toMatchObject({ rowsRead: 1, added: 1, headers: ['Mobile', 'City'] });
		expect(await t.store.getContact('919000000002')).toMatchObject({ attributes: { City: 'Pune' } });
		const named = await runNode(node, params({ sheetName: 'april' }), [file(xlsx, 'book.xlsx')], creds());
		expect(jsonOf(named.nodeOutputs[0])[0]).toMatchObject({ rowsRead: 2, added: 2 });
		const missing = await runNode(node, params({ sheetName: 'May' }), [file(xlsx, 'book.xlsx')], creds());
		expect(missing.nodeError?.message).toMatch(/has no sheet named "May"; its sheets: "Notes", "March List", "April"/);
	});

	test('detected by content: a workbook named .csv with a text MIME type is still read as a workbook', async () => {
		const xlsx = await workbookBuffer([{ name: 'S', rows: [['phone'], [919000000009]] }]);
		const r = await runNode(node, params(), [file(xlsx, 'export.csv', 'text/csv')], creds());
		expect(jsonOf(r.nodeOutputs[0])[0]).toMatchObject({ format: 'xlsx', added: 1 });
		const forcedCsv = await runNode(node, params({ format: 'csv' }), [file(xlsx, 'export.csv', 'text/csv')], creds());
		expect(forcedCsv.nodeError?.message).toMatch(/is an \.xlsx workbook \(a ZIP archive\), not CSV text/);
	});

	test('header-only sheet → a 0-row summary; a value right of the header row fails that row', async () => {
		const empty = await runNode(node, params(), [file(await workbookBuffer([{ name: 'S', rows: [['Phone', 'Name']] }]))], creds());
		expect(empty.status).toBe('success');
		expect(jsonOf(empty.nodeOutputs[0])[0]).toMatchObject({ rowsRead: 0, added: 0, complete: true });
		const wide = await runNode(node, params(), [file(await workbookBuffer([{ name: 'S', rows: [['Phone'], [919000000011, 'stray note']] }]))], creds());
		expect(jsonOf(wide.nodeOutputs[1])[0]).toMatchObject({ line: 2, reason: 'has a value in column B (cell B2) but the header row (row 1) has 1 column' });
	});

	test('damaged workbooks are file-level errors and nothing is written: cut short, corrupt entry, .xls, not a workbook', async () => {
		const rows: Array<Array<string | number>> = [['phone']];
		for (let i = 0; i < 2000; i++) rows.push([919100000000 + i]);
		const xlsx = await workbookBuffer([{ name: 'S', rows }]);
		const cut = xlsx.subarray(0, xlsx.length - 300);
		const corrupt = Buffer.from(xlsx);
		const sheetAt = corrupt.indexOf('xl/worksheets/sheet1.xml');
		for (let k = sheetAt + 200; k < sheetAt + 260; k++) corrupt[k] ^= 0x5a;
		const xls = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]);
		const cases: Array<[Buffer, RegExp]> = [
			[cut, /not a complete \.xlsx workbook: its ZIP directory is missing or damaged/],
			[corrupt, /damaged \.xlsx workbook: entry xl\/worksheets\/sheet1\.xml/],
			[xls, /Excel 97–2003 \(\.xls\) workbook/],
		];
		for (const [buf, message] of cases) {
			const r = await runNode(node, params(), [file(buf)], creds());
			expect(r.nodeError?.message).toMatch(message);
			expect(r.nodeError?.message).toMatch(/^Item 0, file "contacts.xlsx"/);
		}
		expect(await count()).toBe(0);
	});

	test('a sheet whose XML breaks after batches were written: summary with complete false (Continue On Fail), an error with the counts otherwise; the fixed file re-runs idempotently', async () => {
		const rows: Array<Array<string | number>> = [['phone', 'name']];
		for (let i = 0; i < 3000; i++) rows.push([919200000000 + i, `P${i}`]);
		const good = await workbookBuffer([{ name: 'S', rows }]);
		const broken = await breakSheetXml(good, 2500);
		const opts = { batchSize: 1000 };
		const strict = await runNode(node, params(opts), [file(broken)], creds());
		expect(strict.status).toBe('error');
		// Rows read before the break (sax parses the XML in chunks, so it stops before row 2501) are all written and counted.
		const m = /^Item 0, file "contacts.xlsx": the import stopped at line (\d+): "contacts.xlsx": the workbook cannot be read past sheet row \d+: .*\. Written before it stopped: (\d+) rows read, (\d+) added, 0 updated, 0 unchanged, 0 failed, 0 duplicates$/.exec(
			strict.nodeError?.message ?? '',
		);
		expect(m).not.toBeNull();
		const [stoppedLine, read, added] = [Number(m?.[1]), Number(m?.[2]), Number(m?.[3])];
		expect(added).toBe(read);
		expect(read).toBeGreaterThanOrEqual(1000); // at least one batch was committed before the break was seen
		expect(stoppedLine).toBe(read + 1); // sheet row of the last data row read (row 1 is the header)
		expect(await count()).toBe(added);

		const lenient = await runNode(node, params(opts), [file(broken)], creds(), { continueOnFail: true });
		const [summary] = jsonOf(lenient.nodeOutputs[0]);
		expect(summary).toMatchObject({ complete: false, rowsRead: read, added: 0, unchanged: added, stoppedAt: { line: stoppedLine }, error: expect.stringMatching(/cannot be read past sheet row/) });
		expect(lenient.nodeOutputs[0]).toHaveLength(1);

		const fixed = await runNode(node, params(opts), [file(good)], creds());
		expect(jsonOf(fixed.nodeOutputs[0])[0]).toMatchObject({ complete: true, rowsRead: 3000, added: 3000 - added, unchanged: added, updated: 0 });
		expect(await count()).toBe(3000);
	});
});

/** The workbook with its sheet XML broken right before data row `row` (a valid ZIP, invalid XML). */
function breakSheetXml(xlsx: Buffer, row: number): Promise<Buffer> {
	return editWorkbook(xlsx, (name, data) => (name === 'xl/worksheets/sheet1.xml' ? data.toString('utf8').replace(`<row r="${row + 1}"`, `<row r="${row + 1}"><c><<`) : data));
}

describe('workbook content', () => {
	test('5,000 non-Latin names: none is cut at a chunk boundary (exceljs decodes chunk by chunk; the feed cuts between characters)', async () => {
		const rows: Array<Array<string | number>> = [['Name', 'Phone']];
		for (let i = 0; i < 5000; i++) rows.push([`美咲 Zoë ${i} ${'é'.repeat(i % 7)}`, 919300000000 + i]);
		const r = await runNode(node, params({}, { emitContacts: true }), [file(await workbookBuffer([{ name: 'S', rows }]))], creds());
		const out = jsonOf(r.nodeOutputs[0]);
		expect(out[0]).toMatchObject({ rowsRead: 5000, added: 5000 });
		const names = out.slice(1).map((c) => c.name);
		expect(names).toEqual(rows.slice(1).map((row) => String(row[0]).trim()));
	});

	test('a sheet or string table whose XML stops early inside a valid ZIP is a file-level error, not fewer rows', async () => {
		const rows: Array<Array<string | number>> = [['Name', 'Phone']];
		for (let i = 0; i < 50; i++) rows.push([`P${i}`, 919400000000 + i]);
		const xlsx = await workbookBuffer([{ name: 'S', rows }]);
		const cutSheet = await editWorkbook(xlsx, (name, data) => (name === 'xl/worksheets/sheet1.xml' ? data.subarray(0, Math.floor(data.length * 0.6)) : data));
		const cutStrings = await editWorkbook(xlsx, (name, data) => (name === 'xl/sharedStrings.xml' ? data.subarray(0, Math.floor(data.length / 2)) : data));
		const r1 = await runNode(node, params(), [file(cutSheet)], creds());
		expect(r1.nodeError?.message).toMatch(/xl\/worksheets\/sheet1\.xml stops before its closing tag/);
		const r2 = await runNode(node, params(), [file(cutStrings)], creds());
		expect(r2.nodeError?.message).toMatch(/xl\/sharedStrings\.xml stops before its closing tag/);
		expect(await count()).toBe(0);
	});
});
