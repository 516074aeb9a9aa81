/**
 * Contacts Export → Import (core/contacts/export.ts → core/contacts/mapping.ts): re-importing an
 * export gives back the same contacts. The export's bookkeeping columns (waId, opt-in/out, times)
 * never become attributes, its `attributes` JSON becomes the attributes again, its optedOut=true
 * opts the contact out in the target store (source 'import'), and a round trip never clears an opt-out.
 */
import { openCsv } from '../../core/csv';
import { contactsToCsv, EXPORT_COLUMNS, importContacts, type ImportOptions } from '../../core/contacts';
import { attributeColumnsOf, isContactsExport, RowMapper } from '../../core/contacts/mapping';
import { matchHeaders } from '../../core/csv/headers';
import { openStore } from '../../core/store';
import type { Contact, ContactInput, Store } from '../../core/store/types';

let source: Store;
let target: Store;
beforeEach(async () => {
	source = await openStore({ backend: 'sqlite', path: ':memory:' });
	target = await openStore({ backend: 'sqlite', path: ':memory:' });
});
afterEach(async () => {
	await source.close();
	await target.close();
});

/** Contacts as an import or an upsert from items leaves them (country from the phone). */
const CONTACTS: ContactInput[] = [
	{
		waId: '919876543210',
		country: 'IN',
		name: 'Ada Lovelace King',
		firstName: 'Ada',
		lastName: 'Lovelace King',
		tags: ['early', 'vip'],
		source: 'crm.csv',
		attributes: { city: 'Pune', orders: 3, vip: true, address: { line1: '1 "Main" St, Apt 2', zip: '411001' }, note: 'line one\nline two' },
	},
	// A name without first/last (upsert from items): stays so, is not split.
	{ waId: '15417543010', country: 'US', name: 'Bob Stone', tags: ['lead'], attributes: { plan: 'gold' } },
	// First name only: no name is made up.
	{ waId: '447400123456', country: 'GB', firstName: 'Cy', attributes: { 'created at (crm)': '2024-01-02' } },
	// Bare: no name, tags or attributes.
	{ waId: '4915123456789', country: 'DE' },
	{ waId: '919876543211', country: 'IN', name: 'Dee', firstName: 'Dee', tags: ['a b', 'c'], source: 'webhook' },
];

/** What a contact is, without the store's bookkeeping (times, opt-in/out). */
function essence(c: Contact | undefined) {
	if (!c) return undefined;
	return { waId: c.waId, name: c.name, firstName: c.firstName, lastName: c.lastName, country: c.country, tags: c.tags, source: c.source, attributes: c.attributes };
}

async function exportCsv(store: Store): Promise<string> {
	let text = '';
	for await (const chunk of contactsToCsv(store.iterateContacts({}, 2))) text += chunk;
	return text;
}

async function importCsv(store: Store, text: string, options: ImportOptions = {}) {
	return importContacts(await openCsv([text], { fileName: 'contacts.csv' }), store, options);
}

const BOOKKEEPING = ['optedOut', 'optOutAt', 'optOutSource', 'optInAt', 'optInSource', 'createdAt', 'updatedAt', 'lastActiveAt'];

/** An export's rows without the bookkeeping cells (opt-in/out, times), in waId order. */
async function exportedRows(store: Store) {
	const reader = await openCsv([await exportCsv(store)]);
	const rows: Record<string, string>[] = [];
	for await (const entry of reader.entries) {
		if (!entry.ok) throw new Error(entry.reason);
		rows.push(Object.fromEntries(Object.entries(entry.record).filter(([column]) => !BOOKKEEPING.includes(column))));
	}
	return rows.sort((a, b) => (a.waId < b.waId ? -1 : 1));
}

async function all(store: Store) {
	const out: ReturnType<typeof essence>[] = [];
	for await (const c of store.iterateContacts({}, 100)) out.push(essence(c));
	return out.sort((a, b) => (a!.waId < b!.waId ? -1 : 1));
}

test('Export → Import into a new store yields the same contacts: attributes (with their JSON types), tags, names, source', async () => {
	await source.upsertContacts(CONTACTS, { now: 1_700_000_000_000 });
	await source.setOptOut('15417543010', true, 'STOP keyword', 1_700_000_100_000);
	await source.touchContact('919876543210', 1_700_000_200_000);
	const csv = await exportCsv(source);
	expect(csv.split('\n')[0]).toBe(EXPORT_COLUMNS.join(','));

	const summary = await importCsv(target, csv, { now: () => 1_800_000_000_000 });
	expect(summary).toMatchObject({ rowsRead: CONTACTS.length, added: CONTACTS.length, failed: 0, duplicates: 0, optedOut: 1 });
	expect(summary.mapping).toMatchObject({ phone: 'phone', name: 'name', firstName: 'firstName', lastName: 'lastName', tags: 'tags', source: 'source', optOut: 'optedOut' });
	// The opt-out is carried (stamped by the import: source 'import', the import's time); nobody else is opted out.
	expect(await target.getContact('15417543010')).toMatchObject({ optedOut: true, optOutSource: 'import', optOutAt: 1_800_000_000_000 });
	expect((await target.listContacts({ optedOut: true })).items.map((c) => c.waId)).toEqual(['15417543010']);

	const before = await all(source);
	expect(before).toHaveLength(CONTACTS.length);
	expect(await all(target)).toEqual(before);
	// No bookkeeping column became an attribute.
	for (const c of await all(target)) for (const column of EXPORT_COLUMNS) expect(c!.attributes).not.toHaveProperty(column);

	// Exporting the new store gives the same file apart from the bookkeeping cells.
	expect(await exportedRows(target)).toEqual(await exportedRows(source));
});

test('a round trip carries opt-outs and never clears one; optedOut is not imported as an attribute', async () => {
	await source.upsertContacts(CONTACTS);
	await source.setOptOut('919876543210', true, 'STOP keyword', 1000);
	await target.upsertContacts(CONTACTS);
	// Opted out in the target, not in the source's export.
	await target.setOptOut('15417543010', true, 'user_preferences', 2000);
	const csv = await exportCsv(source);
	expect(csv).toMatch(/^15417543010,.*,false,/m);

	const summary = await importCsv(target, csv, { now: () => 3000 });
	expect(summary).toMatchObject({ optedOut: 1, failed: 0 });
	// optedOut=false in the export leaves the target's own opt-out as it was.
	expect(await target.getContact('15417543010')).toMatchObject({ optedOut: true, optOutSource: 'user_preferences', optOutAt: 2000 });
	// optedOut=true in the export opts the contact out in the target.
	const ada = await target.getContact('919876543210');
	expect(ada).toMatchObject({ optedOut: true, optOutSource: 'import', optOutAt: 3000 });
	expect(ada?.attributes).toEqual(CONTACTS[0].attributes);
	expect(ada?.attributes).not.toHaveProperty('optedOut');
});

test("bookkeeping columns are recognised only in an Export; other files keep such columns as attributes (optedOut is any file's opt-out column)", async () => {
	expect(isContactsExport([...EXPORT_COLUMNS])).toBe(true);
	expect(isContactsExport(['phone', 'createdAt', 'attributes', 'optedOut'])).toBe(false);

	await importCsv(target, 'phone,createdAt,attributes,optedOut\n+15417543010,2024-05-01,{"a":1},yes\n');
	const c = await target.getContact('15417543010');
	expect(c?.attributes).toEqual({ createdAt: '2024-05-01', attributes: '{"a":1}' });
	expect(c).toMatchObject({ optedOut: true, optOutSource: 'import' });
});

test('an Export with the phone column chosen as waId ignores phone; columns added to the export become attributes and win over the JSON', async () => {
	const text = [
		'waId,phone,name,tags,optedOut,createdAt,attributes,plan',
		'15417543010,+15417543010,Bob,x|y,true,2024-01-01T00:00:00.000Z,"{""plan"":""silver"",""n"":2}",gold',
		'919876543210,+919876543210,Ada,,false,,,',
	].join('\n');
	const headers = text.split('\n')[0].split(',');
	const mapping = matchHeaders(headers, { phone: 'waId' });
	expect(mapping.fields.phone).toBe('waId');
	expect(attributeColumnsOf(mapping)).toEqual(['attributes', 'plan']);
	expect(attributeColumnsOf(mapping, ['plan', 'createdAt'])).toEqual(['plan']);
	expect(attributeColumnsOf(mapping, false)).toEqual([]);

	const s = await importCsv(target, text, { mapping: { phone: 'waId' } });
	expect(s).toMatchObject({ added: 2, failed: 0, optedOut: 1 });
	expect(await target.getContact('15417543010')).toMatchObject({ name: 'Bob', firstName: 'Bob', tags: ['x', 'y'], attributes: { plan: 'gold', n: 2 }, optedOut: true });
	expect((await target.getContact('919876543210'))?.optedOut).toBe(false);
	expect((await target.getContact('919876543210'))?.attributes).toEqual({});
});

test("an Export's attributes cell that is not a JSON object fails that row, naming the line and the column", async () => {
	const header = EXPORT_COLUMNS.join(',');
	const row = (waId: string, attributes: string) => {
		const cells: Record<string, string> = { waId, phone: `+${waId}`, name: 'N', optedOut: 'false', attributes };
		return EXPORT_COLUMNS.map((c) => cells[c] ?? '').join(',');
	};
	const s = await importCsv(target, [header, row('15417543010', '"{""a"":1}"'), row('919876543210', 'not json'), row('447400123456', '"[1,2]"')].join('\n'));
	expect(s).toMatchObject({ added: 1, failed: 2 });
	expect(s.failures).toEqual([
		{ line: 3, field: 'attributes', raw: 'not json', reason: 'attributes is not a JSON object (a Contacts Export writes the attributes as JSON)' },
		{ line: 4, field: 'attributes', raw: '[1,2]', reason: 'attributes is not a JSON object (a Contacts Export writes the attributes as JSON)' },
	]);
	expect((await target.getContact('15417543010'))?.attributes).toEqual({ a: 1 });
});

test("RowMapper on an Export row: tags split on '|' whatever the separator option; names taken as they are", () => {
	const mapping = matchHeaders([...EXPORT_COLUMNS]);
	const mapper = new RowMapper(mapping, { tagSeparator: ';' });
	expect(mapper.isExport).toBe(true);
	expect(mapper.attributeColumns).toEqual(['attributes']);
	const record = Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, ''])) as Record<string, string>;
	Object.assign(record, { waId: '15417543010', phone: '+15417543010', name: 'Bob Stone', tags: 'a;b|c', optedOut: 'true', createdAt: '2024-01-01T00:00:00.000Z' });
	expect(mapper.map(record)).toEqual({ ok: true, phoneType: expect.any(String), contact: { waId: '15417543010', country: 'US', name: 'Bob Stone', tags: ['a;b', 'c'], optOut: { source: 'import' } } });
});
