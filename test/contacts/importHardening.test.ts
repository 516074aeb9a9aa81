/**
 * Issue 15's importer cases through the WhatsApp Contacts node (test/harness), plus the partial
 * import path of the core pipeline (a source read once; a store that fails part-way):
 *  - a bad byte / NUL / cut character near the end of a large file is a file-level error and
 *    nothing is written;
 *  - bare CR, CR-only files, short rows, header-only files, files without record structure,
 *    "Last, First" names;
 *  - a failure found after batches were written gives a summary that counts them (complete:false,
 *    error, stoppedAt), and re-running the fixed file is idempotent.
 */
import { importContactFile } from '../../core/contacts';
import type { ContactSink } from '../../core/contacts/import';
import { WhatsAppContacts } from '../../nodes/WhatsAppContacts/WhatsAppContacts.node';
import { jsonOf, runNode } from '../harness';
import { useTempStore } from '../helpers/tempStore';
import { countContacts, fileItem, importParams, storeCreds } from '../helpers/contactImport';

const node = new WhatsAppContacts();
const t = useTempStore('wa-harden-');
const creds = () => storeCreds(t.dbPath);

const file = (content: string | Buffer, fileName?: string) => fileItem(content, fileName);
const params = importParams;
const count = () => countContacts(t.store);

/** `rows` valid rows (≈ 25 bytes each): 45,000 rows ≈ 1.1 MB, more than one 1 MiB read chunk. */
function bigCsv(rows: number): string {
	const parts = ['phone,name\n'];
	for (let i = 0; i < rows; i++) parts.push(`+9198${String(i).padStart(8, '0')},Person ${i}\n`);
	return parts.join('');
}


describe('a problem near the end of a large file: file-level error, nothing written', () => {
	const head = bigCsv(45_000);
	test.each([
		['a Latin-1 row', Buffer.concat([Buffer.from(head), Buffer.from('+919999999999,Jos\xe9\n', 'latin1')]), /is not UTF-8 text: invalid byte 0xE9 at byte \d+ \(line 45002\)/],
		['a NUL byte', Buffer.concat([Buffer.from(head), Buffer.from('+919999999999,A\u0000B\n')]), /contains a NUL byte at byte \d+ \(line 45002\)/],
		['a file cut in the middle of a character', Buffer.concat([Buffer.from(head), Buffer.from('+919999999999,Zo'), Buffer.from([0xc3])]), /ends in the middle of a character \(byte \d+, line 45002\)/],
	])('%s', async (_label, content, message) => {
		expect(content.length).toBeGreaterThan(1 << 20);
		const r = await runNode(node, params(), [file(content)], creds());
		expect(r.status).toBe('error');
		expect(r.nodeError?.message).toMatch(message);
		expect(r.nodeError?.message).toMatch(/^Item 0, file "contacts.csv": "contacts.csv" is/);
		expect(await count()).toBe(0);
	});
});

describe('line endings, short rows, structure (workflow executions)', () => {
	test('the issue’s bare CR: 3 rows read, 3 added', async () => {
		const r = await runNode(node, params(), [file('phone,name\n+4915112345678,A\r+4915112345679,B\n+4915112345670,C\n')], creds());
		expect(jsonOf(r.nodeOutputs[0])[0]).toMatchObject({ rowsRead: 3, added: 3, failed: 0, complete: true });
		expect(await t.store.getContact('4915112345679')).toMatchObject({ name: 'B' });
	});

	test('a CR-only file (Excel "CSV (Macintosh)") is imported', async () => {
		const r = await runNode(node, params(), [file('Name;Mobile\rAda;98765 43210\rBob;98765 43211\r', 'mac.csv')], creds());
		expect(jsonOf(r.nodeOutputs[0])[0]).toMatchObject({ rowsRead: 2, added: 2, delimiter: ';' });
	});

	test('a row missing its trailing empty fields is imported (missing fields empty); strict mode fails it', async () => {
		const csv = 'name,phone,tags\nR One,+919876543210\nR Two,+919876543211,vip\n';
		const r = await runNode(node, params(), [file(csv)], creds());
		expect(jsonOf(r.nodeOutputs[0])[0]).toMatchObject({ rowsRead: 2, added: 2, failed: 0 });
		expect(await t.store.getContact('919876543210')).toMatchObject({ name: 'R One', tags: [] });
		await t.store.deleteContact('919876543210');
		const strict = await runNode(node, params({ shortRows: 'fail' }), [file(csv)], creds());
		expect(jsonOf(strict.nodeOutputs[0])[0]).toMatchObject({ rowsRead: 2, added: 0, unchanged: 1, failed: 1 });
		expect(jsonOf(strict.nodeOutputs[1])[0]).toMatchObject({ line: 2, reason: 'has 2 fields but the header has 3 (delimiter ",")' });
	});

	test('4,096 quote characters: a file-level error (no record structure), nothing written', async () => {
		const r = await runNode(node, params(), [file('"'.repeat(4096), 'quotes.txt')], creds());
		expect(r.status).toBe('error');
		expect(r.nodeError?.message).toBe('Item 0, file "quotes.txt": "quotes.txt" has no record structure: its 1 line hold no letter or digit (only quotes, delimiters or punctuation)');
		expect(await count()).toBe(0);
	});

	test('a TXT file’s title line names its one column, whatever it says: that column is the phone', async () => {
		const r = await runNode(node, params(), [file('Clients\r98765 43210\r98765 43211\r', 'list.txt')], creds());
		expect(jsonOf(r.nodeOutputs[0])[0]).toMatchObject({ format: 'txt', headers: ['Clients'], mapping: { phone: 'Clients' }, added: 2 });
	});

	test('a header-only file: a 0-row summary, the workflow succeeds', async () => {
		const r = await runNode(node, params(), [file('Name,Phone\r\n')], creds());
		expect(r.status).toBe('success');
		expect(jsonOf(r.nodeOutputs[0])).toEqual([expect.objectContaining({ operation: 'import', rowsRead: 0, added: 0, failed: 0, complete: true, headers: ['Name', 'Phone'] })]);
	});

	test('"Doe, John" in a Name column → first John, last Doe (and "John Doe, Jr." stays first/last)', async () => {
		const r = await runNode(node, params(), [file('Name,Phone\n"Doe, John",9876543210\n"John Smith, Jr.",9876543211\nvan der Berg  ,9876543212\n')], creds());
		expect(jsonOf(r.nodeOutputs[0])[0]).toMatchObject({ added: 3 });
		expect(await t.store.getContact('919876543210')).toMatchObject({ name: 'John Doe', firstName: 'John', lastName: 'Doe' });
		expect(await t.store.getContact('919876543211')).toMatchObject({ firstName: 'John', lastName: 'Smith, Jr.' });
		expect(await t.store.getContact('919876543212')).toMatchObject({ firstName: 'van', lastName: 'der Berg' });
	});
});

describe('partial imports (core pipeline the node calls)', () => {
	test('a source read once with a Latin-1 row after two batches: summary counts what was written; the fixed file re-runs idempotently', async () => {
		const head = bigCsv(45_000);
		const bad = Buffer.concat([Buffer.from(head), Buffer.from('+919999999999,Jos\xe9\n+919999999998,Z\n', 'latin1')]);
		async function* once() {
			for (let o = 0; o < bad.length; o += 1 << 20) yield bad.subarray(o, o + (1 << 20));
		}
		const summary = await importContactFile({ fileName: 'big.csv', open: () => once(), once: true }, t.store, { batchSize: 4000 });
		expect(summary.complete).toBe(false);
		expect(summary.error).toMatch(/"big.csv" is not UTF-8 text: invalid byte 0xE9 at byte \d+ \(line 45002\)/);
		expect(summary.stoppedAt).toEqual({ line: 45002, byte: Buffer.byteLength(head) + '+919999999999,Jos'.length });
		// Every row before the bad one was written and is counted; nothing else was.
		expect(summary).toMatchObject({ rowsRead: 45_000, added: 45_000, failed: 0 });
		expect(await count()).toBe(45_000);

		const fixed = Buffer.from(head + '+919999999999,José\n+919999999998,Z\n');
		const again = await importContactFile({ fileName: 'big.csv', buffer: fixed }, t.store, { batchSize: 4000 });
		expect(again).toMatchObject({ complete: true, rowsRead: 45_002, unchanged: summary.added, added: 45_002 - summary.added, updated: 0 });
		expect(await count()).toBe(45_002);
	});

	test('a store that fails on the third batch: the batches it committed are counted, the rest are not written', async () => {
		let calls = 0;
		const flaky: ContactSink = {
			upsertContacts: async (inputs, options) => {
				calls++;
				if (calls === 3) throw new Error('database is locked');
				return t.store.upsertContacts(inputs, options);
			},
		};
		const csv = bigCsv(1000);
		const summary = await importContactFile({ fileName: 'c.csv', buffer: Buffer.from(csv) }, flaky, { batchSize: 100 });
		expect(summary).toMatchObject({ complete: false, error: 'database is locked', rowsRead: expect.any(Number) });
		expect(summary.added).toBe(await count());
		expect(summary.added).toBeGreaterThanOrEqual(200);
		expect(summary.added + summary.notWritten).toBe(summary.rowsRead);
	});

	test('a store that fails on the first batch: the error is thrown, nothing is counted as written', async () => {
		const broken: ContactSink = { upsertContacts: async () => Promise.reject(new Error('no such table: contacts')) };
		await expect(importContactFile({ fileName: 'c.csv', buffer: Buffer.from(bigCsv(10)) }, broken)).rejects.toThrow('no such table: contacts');
	});
});
