/**
 * Contacts Import honours an opt-out column (core/contacts/mapping.ts): a yes-value opts the contact
 * out (source 'import', the import's time), a no-value or an empty cell changes nothing, an import
 * never clears an opt-out, and any other value fails the row (line + column). Same results through
 * the store in-process and through the worker-thread sink; the node's "Opt-Out Column" override.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { INodeExecutionData } from 'n8n-workflow';
import { openCsv } from '../../core/csv';
import { matchHeaders } from '../../core/csv/headers';
import { importContacts, type ImportOptions } from '../../core/contacts';
import { parseOptOut } from '../../core/contacts/mapping';
import { SqliteImportSink } from '../../core/store/sqliteImport/sink';
import { openStore } from '../../core/store';
import type { Store } from '../../core/store/types';
import { WhatsAppContacts } from '../../nodes/WhatsAppContacts/WhatsAppContacts.node';
import { closeAllStores } from '../../nodes/shared/store';
import { jsonOf, runNode } from '../harness';
import { tmpDir } from '../helpers/tmp';

const dir = tmpDir('wa-import-optout-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let store: Store;
beforeEach(async () => {
	store = await openStore({ backend: 'sqlite', path: ':memory:' });
});
afterEach(async () => {
	await store.close();
});

async function importCsv(target: Pick<Store, 'upsertContacts'>, text: string, options: ImportOptions = {}) {
	return importContacts(await openCsv([text], { fileName: 'crm.csv' }), target, { defaultCountry: 'DE', ...options });
}

async function optedOut(s: Store) {
	const out: Array<{ waId: string; optOutAt?: number; optOutSource?: string }> = [];
	for await (const c of s.iterateContacts({ optedOut: true }, 100)) out.push({ waId: c.waId, optOutAt: c.optOutAt, optOutSource: c.optOutSource });
	return out;
}

/** One row per value: +49 151 1000000<i>. */
function crmFile(header: string, values: string[]): string {
	return [`Name,Phone,${header}`, ...values.map((v, i) => `P${i},+49 151 ${10000000 + i},${v.includes(',') ? `"${v}"` : v}`)].join('\n') + '\n';
}
const waIdOf = (i: number) => `49151${10000000 + i}`;

const YES = ['true', 'YES', 'y', '1', 'x', 'Opted Out', 'opted_out', 'Unsubscribed', 'STOP', ' yes '];
const NO = ['false', 'No', 'n', '0', ''];

test('yes-values opt the contact out (source import, at the import time); no-values and empty cells do not; the column is no attribute', async () => {
	const s = await importCsv(store, crmFile('Unsubscribed', [...YES, ...NO]), { now: () => 5000 });
	expect(s).toMatchObject({ rowsRead: YES.length + NO.length, added: YES.length + NO.length, failed: 0, optedOut: YES.length });
	expect(s.mapping.optOut).toBe('Unsubscribed');
	expect(s.attributeColumns).toEqual([]);
	expect(await optedOut(store)).toEqual(YES.map((_, i) => ({ waId: waIdOf(i), optOutAt: 5000, optOutSource: 'import' })));
	for (let i = YES.length; i < YES.length + NO.length; i++) {
		const c = await store.getContact(waIdOf(i));
		expect(c).toMatchObject({ name: `P${i}`, optedOut: false, attributes: {} });
		expect(c?.optOutAt).toBeUndefined();
	}
	expect(YES.map(parseOptOut)).toEqual(YES.map(() => true));
	expect(NO.map(parseOptOut)).toEqual(NO.map(() => false));
});

test.each(['optedOut', 'opted_out', 'Opt Out', 'opt-out', 'OPTOUT', 'unsubscribed', 'Do Not Contact', 'do_not_contact', 'DNC'])(
	'header %j is recognised as the opt-out column',
	(header) => {
		expect(matchHeaders(['phone', 'city', header]).fields.optOut).toBe(header);
	},
);

test('an explicit opt-out column wins over auto-matching; one that is not in the file is an error naming the columns', async () => {
	const text = 'phone,unsubscribed,Blocked\n+4915110000000,yes,no\n+4915110000001,no,yes\n';
	const s = await importCsv(store, text, { mapping: { optOut: 'Blocked' } });
	expect(s).toMatchObject({ added: 2, optedOut: 1 });
	expect(s.mapping.optOut).toBe('Blocked');
	expect((await optedOut(store)).map((c) => c.waId)).toEqual(['4915110000001']);
	// the auto-matchable column, not chosen, stays an ordinary column (an attribute)
	expect((await store.getContact('4915110000000'))?.attributes).toEqual({ unsubscribed: 'yes' });
	await expect(importCsv(store, text, { mapping: { optOut: 'Nope' } })).rejects.toThrow(/Column "Nope" \(chosen for optOut\) is not in the file/);
});

test('re-importing the same numbers with the column empty or false (or absent) leaves them opted out, time and source kept', async () => {
	await importCsv(store, crmFile('opt_out', ['yes', 'yes', 'no']), { now: () => 1000 });
	const before = await optedOut(store);
	expect(before.map((c) => c.waId)).toEqual([waIdOf(0), waIdOf(1)]);

	const again = await importCsv(store, crmFile('opt_out', ['', 'false', 'no']), { now: () => 2000 });
	expect(again).toMatchObject({ optedOut: 0, failed: 0, unchanged: 3 });
	const without = await importCsv(store, 'Name,Phone\nRenamed,+49 151 10000000\n', { now: () => 3000 });
	expect(without).toMatchObject({ updated: 1 });
	expect(await optedOut(store)).toEqual(before);
	expect(before[0]).toEqual({ waId: waIdOf(0), optOutAt: 1000, optOutSource: 'import' });

	// Opting back in stays the explicit operation; a later yes opts out again.
	await store.setOptOut(waIdOf(0), false, 'web form', 4000);
	await importCsv(store, crmFile('opt_out', ['no']), { now: () => 5000 });
	expect((await store.getContact(waIdOf(0)))?.optedOut).toBe(false);
	const out = await importCsv(store, crmFile('opt_out', ['stop']), { now: () => 6000 });
	expect(out).toMatchObject({ updated: 1, optedOut: 1 });
	expect(await store.getContact(waIdOf(0))).toMatchObject({ optedOut: true, optOutAt: 6000, optOutSource: 'import', optInAt: 4000 });
});

test('a value that is neither yes nor no fails its row with the line and the column; the other rows are imported', async () => {
	const s = await importCsv(store, crmFile('DNC', ['yes', 'maybe', 'no', '2']));
	expect(s).toMatchObject({ rowsRead: 4, added: 2, failed: 2, optedOut: 1 });
	expect(s.failures).toEqual([
		{ line: 3, field: 'DNC', raw: 'maybe', reason: expect.stringMatching(/^opt-out column "DNC": "maybe" is neither a yes \(.*\) nor a no/) },
		{ line: 5, field: 'DNC', raw: '2', reason: expect.stringMatching(/^opt-out column "DNC": "2"/) },
	]);
	expect(await store.getContact(waIdOf(1))).toBeUndefined();
	expect(await store.getContact(waIdOf(3))).toBeUndefined();
	expect((await optedOut(store)).map((c) => c.waId)).toEqual([waIdOf(0)]);
});

test('duplicates: keep-first never drops a later row\'s opt-out (only the opt-out is written); keep-last applies it too', async () => {
	const text = 'Name,Phone,optout\nFirst,+4915110000000,no\nSecond,+49 151 10000000,yes\nOther,+4915110000001,\n';
	const s = await importCsv(store, text, { now: () => 7000 });
	expect(s).toMatchObject({ rowsRead: 3, added: 2, updated: 0, duplicates: 1, optedOut: 1 });
	expect(await store.getContact('4915110000000')).toMatchObject({ name: 'First', optedOut: true, optOutAt: 7000, optOutSource: 'import' });

	const other = await openStore({ backend: 'sqlite', path: ':memory:' });
	try {
		const last = await importCsv(other, text, { duplicates: 'keepLast', now: () => 7000 });
		expect(last).toMatchObject({ added: 2, duplicates: 1, optedOut: 1 });
		expect(await other.getContact('4915110000000')).toMatchObject({ name: 'Second', optedOut: true });
	} finally {
		await other.close();
	}
});

test('the worker-thread sink gives the same summary and the same opt-outs as an in-process import', async () => {
	const bootstrap = path.join(dir, 'boot.js');
	fs.writeFileSync(
		bootstrap,
		`require(${JSON.stringify(path.resolve(__dirname, '../helpers/register-ts.js'))});\nrequire(${JSON.stringify(path.resolve(__dirname, '../../core/store/sqliteImport/worker.ts'))});\n`,
	);
	const values = Array.from({ length: 1200 }, (_, i) => (i % 97 === 5 ? 'maybe' : i % 7 === 0 ? 'Unsubscribed' : i % 5 === 0 ? '' : 'no'));
	const text = crmFile('Do Not Contact', values);
	const inline = await openStore({ backend: 'sqlite', path: path.join(dir, 'inline.sqlite') });
	const workerFile = path.join(dir, 'worker.sqlite');
	const main = await openStore({ backend: 'sqlite', path: workerFile });
	// Already opted out by a webhook, with a "no" in the file: stays opted out, its own record kept.
	for (const s of [inline, main]) await s.setOptOut(waIdOf(1), true, 'STOP keyword', 1);
	const sink = await SqliteImportSink.open(workerFile, bootstrap);
	try {
		const options = { batchSize: 100, now: () => 9000 };
		const viaWorker = await importCsv(sink, text, options);
		const inProcess = await importCsv(inline, text, options);
		expect(viaWorker).toEqual(inProcess);
		const bad = values.filter((v) => v === 'maybe').length;
		const yes = values.filter((v) => v === 'Unsubscribed').length;
		expect(viaWorker).toMatchObject({ rowsRead: 1200, failed: bad, optedOut: yes, added: 1200 - bad - 1, updated: 1 });
		const workerOptOuts = await optedOut(main);
		expect(workerOptOuts).toEqual(await optedOut(inline));
		expect(workerOptOuts).toHaveLength(yes + 1);
		expect(workerOptOuts).toContainEqual({ waId: waIdOf(1), optOutAt: 1, optOutSource: 'STOP keyword' });
		expect(workerOptOuts).toContainEqual({ waId: waIdOf(7), optOutAt: 9000, optOutSource: 'import' });
	} finally {
		await sink.close();
		await main.close();
		await inline.close();
	}
});

describe('WhatsApp Contacts node', () => {
	const node = new WhatsAppContacts();
	afterEach(async () => {
		await closeAllStores();
	});

	test('"Opt-Out Column" picks the column; the summary counts the opt-outs; a bad value goes to the failed output', async () => {
		const dbPath = path.join(dir, 'node.sqlite');
		const csv = 'Name,Phone,unsubscribed,Blocked\nA,+4915110000000,no,yes\nB,+4915110000001,yes,no\nC,+4915110000002,no,perhaps\n';
		const binary: INodeExecutionData = { json: {}, binary: { data: { data: Buffer.from(csv).toString('base64'), mimeType: 'text/csv', fileName: 'crm.csv' } } };
		const r = await runNode(
			node,
			{ operation: 'import', binaryPropertyName: 'data', importOptions: { optOutColumn: 'Blocked' } },
			[binary],
			{ whatsAppCloudStoreApi: { backend: 'sqlite', path: dbPath } },
		);
		expect(r.status).toBe('success');
		expect(jsonOf(r.nodeOutputs[0])[0]).toMatchObject({ added: 2, failed: 1, optedOut: 1, mapping: { phone: 'Phone', optOut: 'Blocked' } });
		expect(jsonOf(r.nodeOutputs[1])).toEqual([{ fileName: 'crm.csv', line: 4, raw: 'perhaps', field: 'Blocked', reason: expect.stringMatching(/^opt-out column "Blocked"/) }]);
		await closeAllStores();
		const check = await openStore({ backend: 'sqlite', path: dbPath });
		try {
			expect(await check.getContact('4915110000000')).toMatchObject({ optedOut: true, optOutSource: 'import' });
			expect((await check.getContact('4915110000001'))?.optedOut).toBe(false);
		} finally {
			await check.close();
		}
	});
});
