/**
 * WhatsApp Contacts node through n8n-core's engine (test/harness): Import (mapping, rules, bad
 * files, failed-rows output), Create or Update, Get, List (filters, paging), Opt Out / In, Delete,
 * Export, continueOnFail and pairedItem.
 */
import { WhatsAppContacts } from '../../nodes/WhatsAppContacts/WhatsAppContacts.node';
import { jsonOf, runLoadOptions, runNode, runWorkflow } from '../harness';
import { useTempStore } from '../helpers/tempStore';
import { fileItem, storeCreds } from '../helpers/contactImport';

const node = new WhatsAppContacts();
const t = useTempStore('wa-contacts-');
const creds = () => storeCreds(t.dbPath);

const file = (text: string | Buffer, fileName?: string) => fileItem(text, fileName);

function importParams(extra: Record<string, unknown> = {}) {
	return { operation: 'import', binaryPropertyName: 'data', defaultCountry: 'IN', ...extra };
}


describe('Import', () => {
	test('summary on output 1, failed rows (line, raw value, reason) on output 2, contacts in the store', async () => {
		const csv = [
			'Full Name;Mobile Number;Labels;City',
			'Ada Lovelace;98765 43210;vip|early;Pune',
			'Bob;+1 (541) 754-3010;;',
			'Bad;abc;;',
			'Dup;+91 98765-43210;;',
			'Short;123;;',
			'Uk;0044 7400 123456;x;London',
		].join('\r\n');
		const r = await runNode(node, importParams(), [file(csv)], creds());
		expect(r.status).toBe('success');
		const [summary] = jsonOf(r.nodeOutputs[0]);
		expect(summary).toMatchObject({ operation: 'import', fileName: 'contacts.csv', rowsRead: 6, added: 3, updated: 0, unchanged: 0, failed: 2, duplicates: 1, delimiter: ';' });
		expect(jsonOf(r.nodeOutputs[1])).toEqual([
			{ fileName: 'contacts.csv', line: 4, raw: 'abc', reason: expect.stringMatching(/^phone contains letters/), field: 'Mobile Number' },
			{ fileName: 'contacts.csv', line: 6, raw: '123', reason: expect.stringMatching(/^phone too short/), field: 'Mobile Number' },
		]);
		for (const out of [r.nodeOutputs[0], r.nodeOutputs[1]]) for (const it of out) expect(it.pairedItem).toEqual({ item: 0 });
		expect(await t.store.getContact('919876543210')).toMatchObject({
			firstName: 'Ada',
			lastName: 'Lovelace',
			tags: ['early', 'vip'],
			attributes: { City: 'Pune' },
			source: 'contacts.csv',
		});
		expect(await t.store.getContact('447400123456')).toMatchObject({ country: 'GB', tags: ['x'] });
	});

	test('re-import never clears an opt-out; tags replace mode; keep last; emit contacts', async () => {
		await runNode(node, importParams(), [file('phone,tags\n9876543210,a|b\n')], creds());
		await t.store.setOptOut('919876543210', true, 'STOP keyword', 1000);
		const r = await runNode(
			node,
			importParams({ tagsMode: 'replace', duplicates: 'keepLast', emitContacts: true }),
			[file('phone,tags,name\n9876543210,c,First\n9876543210,c,Last\n')],
			creds(),
		);
		const out = jsonOf(r.nodeOutputs[0]);
		expect(out[0]).toMatchObject({ rowsRead: 2, updated: 1, duplicates: 1 });
		expect(out.slice(1).map((c) => [c.waId, c.outcome, c.line])).toEqual([
			['919876543210', 'updated', 2],
			['919876543210', 'updated', 3],
		]);
		expect(await t.store.getContact('919876543210')).toMatchObject({ tags: ['c'], name: 'Last', optedOut: true, optOutSource: 'STOP keyword' });
	});

	test('require mobile: a landline row fails with the reason; TXT file with one number per line', async () => {
		const r = await runNode(node, importParams({ requireMobile: true }), [file('9876543210\n011 2345 6789\n\n+1 541 754 3010\n', 'numbers.txt')], creds());
		expect(jsonOf(r.nodeOutputs[0])[0]).toMatchObject({ format: 'txt', rowsRead: 3, added: 2, failed: 1 });
		expect(jsonOf(r.nodeOutputs[1])).toEqual([
			{ fileName: 'numbers.txt', line: 2, raw: '011 2345 6789', field: 'phone', reason: expect.stringMatching(/not a mobile number \(fixed line in India/) },
		]);
	});

	test('column overrides and options (listed attribute columns, extra tags, source)', async () => {
		const r = await runNode(
			node,
			importParams({
				importOptions: { phoneColumn: 'Alt', tagsColumn: 'Groups', tagSeparator: ';', keepColumns: 'listed', columnsToKeep: 'email', extraTags: 'imported', source: 'crm' },
			}),
			[file('Phone,Alt,Groups,email,city\n111,9876543210,a;b,x@y.io,Pune\n')],
			creds(),
		);
		expect(jsonOf(r.nodeOutputs[0])[0]).toMatchObject({ added: 1, mapping: { phone: 'Alt', tags: 'Groups' }, attributeColumns: ['email'] });
		expect(await t.store.getContact('919876543210')).toMatchObject({ tags: ['a', 'b', 'imported'], source: 'crm', attributes: { email: 'x@y.io' } });
	});

	test('ragged rows, unclosed quote and a 2 MB field are per-row failures; the rest is imported', async () => {
		const csv = `name,phone\nA,9876543210\nB,9876543211,extra\nC,"9876543212\nD,9876543213\nE,${'9'.repeat(2 * 1024 * 1024)}\nF,9876543214\n`;
		const r = await runNode(node, importParams(), [file(csv)], creds());
		expect(jsonOf(r.nodeOutputs[0])[0]).toMatchObject({ added: 3, failed: 3 });
		const failures = jsonOf(r.nodeOutputs[1]);
		expect(failures.map((f) => f.line)).toEqual([3, 4, 6]);
		expect(String(failures[0].reason)).toMatch(/has 3 fields but the header has 2/);
		expect(String(failures[1].reason)).toMatch(/unclosed quote/);
		expect(String(failures[2].reason)).toMatch(/larger than/);
	});

	test.each([
		['an empty file', '', /file "contacts.csv": "contacts.csv" is empty/],
		['a file without a phone column', 'Name,Email\nA,a@x.io\n', /No phone column found\. Columns found: "Name", "Email"/],
		['a binary file', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]), /not a CSV\/TXT text file: it contains a NUL byte at byte 8 \(line 3\)/],
		['a cut-off ZIP (read as a workbook, not as text)', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08]), /not a complete \.xlsx workbook/],
		['a Latin-1 file', Buffer.from('name,phone\nJos\xe9,9876543210\n', 'latin1'), /not UTF-8 text/],
	])('%s fails the item with a clear NodeOperationError', async (_label, content, message) => {
		const r = await runNode(node, importParams(), [file(content as string | Buffer)], creds());
		expect(r.status).toBe('error');
		expect(r.nodeError?.message).toMatch(message);
		expect(r.nodeError?.message).toMatch(/^Item 0/);
	});

	test('continueOnFail: a bad file gives an error item, the next file is still imported', async () => {
		const r = await runNode(node, importParams(), [file('Name\nA\n', 'bad.csv'), file('phone\n9876543210\n', 'good.csv')], creds(), { continueOnFail: true });
		const out = r.nodeOutputs[0];
		expect(out[0].json.error).toMatch(/No phone column found/);
		expect(out[0].pairedItem).toEqual({ item: 0 });
		expect(out[1].json).toMatchObject({ fileName: 'good.csv', added: 1 });
		expect(out[1].pairedItem).toEqual({ item: 1 });

	});

	test('a missing binary property names the field', async () => {
		const r = await runNode(node, importParams({ binaryPropertyName: 'file' }), [file('phone\n1\n')], creds());
		expect(r.status).toBe('error');
		expect(r.nodeError?.message).toMatch(/file/);
	});
});

describe('other operations', () => {
	test('Create or Update from items (one item = one contact), paired; a bad phone names the item and field', async () => {
		const items = [
			{ json: { phone: '98765 43210', name: 'Ada Lovelace', tags: 'vip, new', attrs: '{"plan":"gold"}' } },
			{ json: { phone: 'n/a', name: 'Nobody', tags: '', attrs: '{}' } },
		];
		const params = {
			operation: 'upsert',
			phone: '={{ $json.phone }}',
			defaultCountry: 'IN',
			fields: { name: '={{ $json.name }}', tags: '={{ $json.tags }}', attributes: '={{ $json.attrs }}' },
		};
		const r = await runNode(node, params, items, creds(), { continueOnFail: true });
		const out = r.nodeOutputs[0];
		expect(out[0].json).toMatchObject({ outcome: 'added', waId: '919876543210', firstName: 'Ada', lastName: 'Lovelace', tags: ['new', 'vip'], attributes: { plan: 'gold' } });
		expect(out[0].pairedItem).toEqual({ item: 0 });
		expect(out[1].json.error).toMatch(/contains letters/);
		expect(out[1].pairedItem).toEqual({ item: 1 });
		const failing = await runNode(node, params, items, creds());
		expect(failing.status).toBe('error');
		expect(failing.nodeError?.message).toMatch(/Phone Number "n\/a": contains letters/);
		const again = await runNode(node, params, [items[0]], creds());
		expect(jsonOf(again.items)[0].outcome).toBe('unchanged');
	});

	test('Get, Opt Out, Opt In, Delete', async () => {
		await t.store.upsertContacts([{ waId: '919876543210', name: 'Ada' }]);
		const got = await runNode(node, { operation: 'get', phone: '+91 98765 43210' }, undefined, creds());
		expect(jsonOf(got.items)[0]).toMatchObject({ found: true, name: 'Ada', phone: '+919876543210' });
		const missing = await runNode(node, { operation: 'get', phone: '+1 541 754 3010' }, undefined, creds());
		expect(jsonOf(missing.items)[0]).toEqual({ found: false, waId: '15417543010' });

		const out = await runNode(node, { operation: 'optOut', phone: '9876543210', defaultCountry: 'IN', consentSource: 'web form', consentTime: '2026-01-02T03:04:05Z' }, undefined, creds());
		expect(jsonOf(out.items)[0]).toMatchObject({ optedOut: true, optOutSource: 'web form', optOutAt: '2026-01-02T03:04:05.000Z' });
		const back = await runNode(node, { operation: 'optIn', phone: '9876543210', defaultCountry: 'IN', consentSource: 'double opt-in' }, undefined, creds());
		expect(jsonOf(back.items)[0]).toMatchObject({ optedOut: false, optInSource: 'double opt-in' });

		const badTime = await runNode(node, { operation: 'optOut', phone: '+919876543210', consentTime: 'yesterday-ish' }, undefined, creds());
		expect(badTime.nodeError?.message).toMatch(/Time: "yesterday-ish" is not a date\/time/);

		const del = await runNode(node, { operation: 'delete', phone: '+919876543210' }, undefined, creds());
		expect(jsonOf(del.items)[0]).toEqual({ waId: '919876543210', deleted: true });
		expect(await t.store.getContact('919876543210')).toBeUndefined();

		const needsCountry = await runNode(node, { operation: 'get', phone: '98765 43210' }, undefined, creds());
		expect(needsCountry.nodeError?.message).toMatch(/needs a default country/);
	});

	test('List: tag / consent / attribute filters and paging with a cursor', async () => {
		await t.store.upsertContacts([
			{ waId: '919000000001', tags: ['a'], attributes: { city: 'Pune' } },
			{ waId: '919000000002', tags: ['a', 'b'] },
			{ waId: '919000000003', tags: ['b'] },
		]);
		await t.store.setOptOut('919000000003', true, 'STOP');
		const anyA = await runNode(node, { operation: 'list', filters: { tagsAny: 'a' }, returnAll: true }, undefined, creds());
		expect(jsonOf(anyA.items).map((c) => c.waId)).toEqual(['919000000001', '919000000002']);
		const allAB = await runNode(node, { operation: 'list', filters: { tagsAll: 'a, b' }, returnAll: true }, undefined, creds());
		expect(jsonOf(allAB.items).map((c) => c.waId)).toEqual(['919000000002']);
		const optedOut = await runNode(node, { operation: 'list', filters: { consent: 'optedOut' }, returnAll: true }, undefined, creds());
		expect(jsonOf(optedOut.items).map((c) => c.waId)).toEqual(['919000000003']);
		const pune = await runNode(node, { operation: 'list', filters: { attributes: { attribute: [{ name: 'city', value: 'Pune' }] } }, returnAll: true }, undefined, creds());
		expect(jsonOf(pune.items).map((c) => c.waId)).toEqual(['919000000001']);

		const page1 = await runNode(node, { operation: 'list', returnAll: false, limit: 2 }, undefined, creds());
		const p1 = jsonOf(page1.items);
		expect(p1.map((c) => c.waId)).toEqual(['919000000001', '919000000002']);
		expect(typeof p1[1].nextCursor).toBe('string');
		const page2 = await runNode(node, { operation: 'list', returnAll: false, limit: 2, cursor: String(p1[1].nextCursor) }, undefined, creds());
		expect(jsonOf(page2.items).map((c) => [c.waId, c.nextCursor])).toEqual([['919000000003', undefined]]);
		const bad = await runNode(node, { operation: 'list', returnAll: false, limit: 2, cursor: 'nope' }, undefined, creds());
		expect(bad.nodeError?.message).toMatch(/Page Cursor/);
	});

	test('Export: CSV binary honouring the filters; it re-imports to the same contacts', async () => {
		await t.store.upsertContacts([
			{ waId: '919000000001', name: 'A, "quoted"', tags: ['x', 'y'], attributes: { city: 'Pune' } },
			{ waId: '919000000002', tags: ['z'] },
		]);
		const r = await runNode(node, { operation: 'export', filters: { tagsAny: 'x' }, exportFileName: 'out.csv' }, undefined, creds());
		const [out] = r.items;
		expect(out.json).toEqual({ operation: 'export', fileName: 'out.csv', rows: 1 });
		const text = Buffer.from(out.binary?.data.data as string, 'base64').toString('utf8');
		const lines = text.trim().split('\n');
		expect(lines).toHaveLength(2);
		expect(lines[1]).toContain('919000000001,+919000000001,"A, ""quoted""",,,,x|y,');
		expect(lines[1]).toContain('x|y');

		await t.store.deleteContact('919000000001');
		const again = await runNode(node, importParams({ importOptions: { phoneColumn: 'phone' } }), [file(text)], creds());
		expect(jsonOf(again.nodeOutputs[0])[0]).toMatchObject({ added: 1, failed: 0 });
		expect(await t.store.getContact('919000000001')).toMatchObject({ name: 'A, "quoted"', tags: ['x', 'y'] });
	});

	test('the default-country list is searchable by name with calling codes', async () => {
		const options = (await runLoadOptions(node, { operation: 'import' }, 'getCountries', creds())) as Array<{ name: string; value: string }>;
		expect(options[0].value).toBe('');
		expect(options.find((o) => o.value === 'IN')?.name).toBe('India (+91)');
		expect(options.length).toBeGreaterThan(200);
	});
});

describe('workflow JSON', () => {
	test('Import → the failed-rows output feeds its own branch', async () => {
		const r = await runWorkflow({
			nodes: [
				{ name: 'Start', type: 'manualTrigger' },
				{ name: 'Contacts', type: 'whatsAppContacts', parameters: importParams() },
				{ name: 'Imported', type: 'n8n-nodes-base.noOp' },
				{ name: 'Failed', type: 'n8n-nodes-base.noOp' },
			],
			connections: {
				Start: { main: [[{ node: 'Contacts', type: 'main', index: 0 }]] },
				Contacts: {
					main: [[{ node: 'Imported', type: 'main', index: 0 }], [{ node: 'Failed', type: 'main', index: 0 }]],
				},
			},
			credentials: creds(),
			nodeTypes: [node],
			inputItems: [file('phone,name\n9876543210,A\nnot a number,B\n')],
		});
		expect(r.status).toBe('success');
		expect(jsonOf(r.outputs.Imported[0])[0]).toMatchObject({ rowsRead: 2, added: 1, failed: 1 });
		expect(jsonOf(r.outputs.Failed[0])).toEqual([{ fileName: 'contacts.csv', line: 3, raw: 'not a number', field: 'phone', reason: expect.stringMatching(/contains letters/) }]);
	});
});

test('without a WhatsApp Store credential the embedded default store is used', async () => {
	const up = await runNode(node, { operation: 'upsert', phone: '+91 98765 43210', fields: { name: 'Default' } }, undefined, {});
	expect(up.status).toBe('success');
	expect(up.credentialsRequested).toBeDefined();
	const got = await runNode(node, { operation: 'get', phone: '+919876543210' }, undefined, {});
	expect(jsonOf(got.items)[0]).toMatchObject({ found: true, name: 'Default' });
	expect(await t.store.getContact('919876543210')).toBeUndefined(); // not the test's own store file
});
