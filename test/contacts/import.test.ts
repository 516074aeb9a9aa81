import { openCsv } from '../../core/csv';
import { importContacts, splitName, splitTags, type ImportOptions } from '../../core/contacts';
import { openStore } from '../../core/store';
import type { Store } from '../../core/store/types';

let store: Store;
beforeEach(async () => {
	store = await openStore({ backend: 'sqlite', path: ':memory:' });
});
afterEach(async () => {
	await store.close();
});

async function run(text: string, options: ImportOptions = {}) {
	const reader = await openCsv([text], { fileName: 'contacts.csv' });
	return importContacts(reader, store, options);
}

test('maps name/tags/source, keeps other columns as attributes, normalises phones with the default country', async () => {
	const s = await run(
		'Full Name,Mobile Number,Tags,Source,City\nAda Lovelace King,98765 43210,vip|early| lead ,web,Pune\nBob,+1 (541) 754-3010,,,\n',
		{ defaultCountry: 'IN' },
	);
	expect(s).toMatchObject({ rowsRead: 2, added: 2, updated: 0, unchanged: 0, failed: 0, duplicates: 0 });
	expect(s.mapping).toEqual({ name: 'Full Name', phone: 'Mobile Number', tags: 'Tags', source: 'Source' });
	const ada = await store.getContact('919876543210');
	expect(ada).toMatchObject({
		name: 'Ada Lovelace King',
		firstName: 'Ada',
		lastName: 'Lovelace King',
		country: 'IN',
		tags: ['early', 'lead', 'vip'],
		source: 'web',
		attributes: { City: 'Pune' },
	});
	const bob = await store.getContact('15417543010');
	expect(bob).toMatchObject({ firstName: 'Bob', country: 'US', tags: [], attributes: {} });
});

test('per-row failures carry line, raw value and reason; the import goes on', async () => {
	const s = await run('phone,name\n98765 43210,A\nabc,B\n123,C\n"x,D\n+44 20 7946 0958,E\n9876543211,F,extra\n', {
		defaultCountry: 'IN',
		requireMobile: true,
	});
	expect(s.added).toBe(1);
	expect(s.failed).toBe(5);
	expect(s.failures.map((f) => [f.line, f.raw, f.reason])).toEqual([
		[3, 'abc', expect.stringMatching(/^phone contains letters/)],
		[4, '123', expect.stringMatching(/^phone too short/)],
		[5, '"x,D', expect.stringMatching(/unclosed quote/)],
		[6, '+44 20 7946 0958', expect.stringMatching(/^phone not a mobile number \(fixed line/)],
		[7, '9876543211,F,extra', 'has 3 fields but the header has 2 (delimiter ",")'],
	]);
});

test('duplicates in one file: keep first skips later rows', async () => {
	const s = await run('phone,name\n9876543210,First\n+91 98765 43210,Second\n09876543210,Third\n', { defaultCountry: 'IN' });
	expect(s).toMatchObject({ rowsRead: 3, added: 1, duplicates: 2 });
	expect((await store.getContact('919876543210'))?.name).toBe('First');
});

test('duplicates in one file: keep last lets the last row win, also across batches', async () => {
	const rows = ['phone,name'];
	for (let i = 0; i < 5; i++) rows.push(`98765432${10 + i},Row${i}`);
	rows.push('9876543210,Last');
	const s = await run(rows.join('\n'), { defaultCountry: 'IN', duplicates: 'keepLast', batchSize: 2 });
	expect(s).toMatchObject({ rowsRead: 6, added: 5, updated: 0, duplicates: 1 });
	expect((await store.getContact('919876543210'))?.name).toBe('Last');
});

test('keep last: a later row that changes an unchanged contact counts as updated once', async () => {
	await run('phone,name\n9876543210,Same\n', { defaultCountry: 'IN' });
	const s = await run('phone,name\n9876543210,Same\n9876543210,Changed\n', { defaultCountry: 'IN', duplicates: 'keepLast' });
	expect(s).toMatchObject({ added: 0, updated: 1, unchanged: 0, duplicates: 1 });
});

test('re-import: unchanged vs updated, tags merged or replaced, attributes merged, opt-out kept', async () => {
	await run('phone,tags,city\n9876543210,a|b,Pune\n9876543211,x,Delhi\n', { defaultCountry: 'IN' });
	await store.setOptOut('919876543210', true, 'STOP keyword', 1000);
	const merged = await run('phone,tags,plan\n9876543210,c,gold\n9876543211,x,\n', { defaultCountry: 'IN' });
	expect(merged).toMatchObject({ added: 0, updated: 1, unchanged: 1 });
	const c = await store.getContact('919876543210');
	expect(c).toMatchObject({ tags: ['a', 'b', 'c'], attributes: { city: 'Pune', plan: 'gold' }, optedOut: true, optOutSource: 'STOP keyword' });
	await run('phone,tags\n9876543210,z\n', { defaultCountry: 'IN', tagsMode: 'replace' });
	expect((await store.getContact('919876543210'))?.tags).toEqual(['z']);
	expect((await store.getContact('919876543210'))?.optedOut).toBe(true);
});

test('map some: only chosen extra columns become attributes; keep none', async () => {
	await run('phone,city,email,notes\n9876543210,Pune,a@x.io,hi\n', { defaultCountry: 'IN', keepColumns: ['email'] });
	expect((await store.getContact('919876543210'))?.attributes).toEqual({ email: 'a@x.io' });
	await run('phone,city\n9876543211,Pune\n', { defaultCountry: 'IN', keepColumns: false });
	expect((await store.getContact('919876543211'))?.attributes).toEqual({});
});

test('column overrides, custom tag separator, default source and the onContact callback', async () => {
	const seen: Array<[string, string, number]> = [];
	const s = await run('Primary,Other,Groups\n9876543210,+1 541 754 3010,a;b\n', {
		defaultCountry: 'IN',
		mapping: { phone: 'Other', tags: 'Groups' },
		tagSeparator: ';',
		defaultSource: 'contacts.csv',
		onContact: (c, outcome, line) => seen.push([c.waId, outcome, line]),
	});
	expect(s.attributeColumns).toEqual(['Primary']);
	expect(seen).toEqual([['15417543010', 'added', 2]]);
	expect(await store.getContact('15417543010')).toMatchObject({ tags: ['a', 'b'], source: 'contacts.csv', attributes: { Primary: '9876543210' } });
});

test('a file without a phone column fails as a whole, listing its headers', async () => {
	await expect(run('Name,Email\nA,a@x.io\n')).rejects.toThrow('No phone column found. Columns found: "Name", "Email"');
});

test('failures kept are capped, all are counted', async () => {
	const s = await run('phone\n' + 'abc\n'.repeat(20), { maxFailuresKept: 5 });
	expect(s.failed).toBe(20);
	expect(s.failures).toHaveLength(5);
	expect(s.failuresTruncated).toBe(true);
});

test('splitName / splitTags', () => {
	expect(splitName('  Ada   Lovelace ')).toEqual({ firstName: 'Ada', lastName: 'Lovelace' });
	expect(splitName('Cher')).toEqual({ firstName: 'Cher' });
	expect(splitName(' ')).toEqual({});
	expect(splitTags(' a | b ||c ')).toEqual(['a', 'b', 'c']);
	expect(splitTags('a,b', ',')).toEqual(['a', 'b']);
});
