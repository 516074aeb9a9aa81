/**
 * Contacts Import with n8n's filesystem binary-data mode (the n8n 2.x default): the item's binary has
 * an `id` and no inline data, and the node reads the file as a stream (`getBinaryStream(id, 1 MiB)`)
 * instead of loading it whole. Runs through n8n-core's engine with its real BinaryDataService
 * (test/harness/binaryData.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';
import type { IBinaryData, INodeExecutionData } from 'n8n-workflow';
import { openStore } from '../../core/store';
import type { Store } from '../../core/store/types';
import { WhatsAppContacts } from '../../nodes/WhatsAppContacts/WhatsAppContacts.node';
import { closeAllStores } from '../../nodes/shared/store';
import { jsonOf, runNode, runWorkflow, useFilesystemBinaryData, type FilesystemBinaryData } from '../harness';
import { closeTempStore, openTempStore } from '../helpers/tempStore';

const node = new WhatsAppContacts();
const MiB = 1 << 20;
let dir: string;
let dbPath: string;
let store: Store;
let fsMode: FilesystemBinaryData;
const creds = () => ({ whatsAppCloudStoreApi: { backend: 'sqlite', path: dbPath } });
const importParams = (extra: Record<string, unknown> = {}) => ({ operation: 'import', binaryPropertyName: 'data', defaultCountry: 'IN', ...extra });

const fileItem = (binary: IBinaryData): INodeExecutionData => ({ json: {}, binary: { data: binary } });

/** `rows` contacts with Indian mobile numbers 9800000000, 9800000001, … */
function csvRows(rows: number, name: (i: number) => string = (i) => `Person ${i}`): string {
	const lines = ['name,phone'];
	for (let i = 0; i < rows; i++) lines.push(`${name(i)},${9800000000 + i}`);
	return lines.join('\n') + '\n';
}

beforeEach(async () => {
	({ dir, dbPath, store } = await openTempStore('wa-contacts-fs-'));
	fsMode = await useFilesystemBinaryData();
});
afterEach(async () => {
	jest.restoreAllMocks();
	fsMode.restore();
	await closeTempStore({ dir, store });
});

test('a file kept on disk is streamed in 1 MiB chunks (never read whole); a character split across chunks survives', async () => {
	// ~3 MiB of rows, so rows cross chunk boundaries; the 2-byte "ë" of one name sits exactly across
	// the first boundary (its first byte is the last byte of chunk 1).
	const ROWS = 60_000;
	const line = (i: number, name = `Person number ${i} from the spring list`) => `${name},${9800000000 + i}\n`;
	const parts = ['name,phone\n'];
	let bytes = Buffer.byteLength(parts[0]);
	let i = 0;
	while (bytes < MiB - 200) {
		parts.push(line(i));
		bytes += Buffer.byteLength(line(i++));
	}
	// Padding row, then "Zoë …" with "ë" at byte MiB - 1: the padding row's name takes the slack.
	const padRow = line(i, 'P');
	const padName = 'P' + 'x'.repeat(MiB - 1 - 2 - bytes - Buffer.byteLength(padRow));
	parts.push(line(i++, padName));
	const straddling = `Zoë ${i}`;
	parts.push(line(i++, straddling));
	while (i < ROWS) parts.push(line(i++));
	const file = Buffer.from(parts.join(''), 'utf8');
	expect([file[MiB - 1], file[MiB]]).toEqual([0xc3, 0xab]);

	const binary = await fsMode.store(Readable.from([file]), { mimeType: 'text/csv', fileName: 'big.csv' });
	expect(binary.id).toMatch(/^filesystem(-v2)?:/);
	expect(fs.readFileSync(fsMode.pathOf(binary)).equals(file)).toBe(true);
	expect(binary.data).not.toBe(file.toString('base64'));

	const service = Container.get(BinaryDataService);
	// Pass the stream through, noting the chunk sizes the node receives.
	const original = service.getAsStream.bind(service);
	const chunkSizes: number[] = [];
	const asStream = jest.spyOn(service, 'getAsStream').mockImplementation(async (id, chunkSize) => {
		const stream = await original(id, chunkSize);
		return Readable.from(
			(async function* () {
				for await (const chunk of stream as AsyncIterable<Buffer>) {
					chunkSizes.push(chunk.length);
					yield chunk;
				}
			})(),
		);
	});
	const asBuffer = jest.spyOn(service, 'getAsBuffer');
	const r = await runNode(node, importParams(), [fileItem(binary)], creds());
	expect(r.nodeError).toBeUndefined();
	expect(asStream).toHaveBeenCalledWith(binary.id, MiB);
	expect(asBuffer).not.toHaveBeenCalled();
	// Two streamed passes: the UTF-8 / NUL check (nothing is written if it fails), then the import.
	expect(asStream).toHaveBeenCalledTimes(2);
	expect(chunkSizes.length).toBeGreaterThanOrEqual(6);
	expect(chunkSizes[0]).toBe(MiB);
	expect(chunkSizes.reduce((a, b) => a + b, 0)).toBe(2 * file.length);
	expect(jsonOf(r.nodeOutputs[0])[0]).toMatchObject({ operation: 'import', fileName: 'big.csv', rowsRead: ROWS, added: ROWS, failed: 0 });
	expect(r.nodeOutputs[1] ?? []).toHaveLength(0);
	const zoe = await store.getContact(`91${9800000000 + Number(straddling.slice(4))}`);
	expect(zoe).toMatchObject({ name: straddling });
	expect(await store.getContact(`91${9800000000 + ROWS - 1}`)).toMatchObject({ name: `Person number ${ROWS - 1} from the spring list` });
});

test('Export writes its CSV to a file in filesystem mode; Import streams it into another store (workflow JSON)', async () => {
	await store.upsertContacts([
		{ waId: '919876543210', name: 'Ada Lovelace', tags: ['vip'] },
		{ waId: '447400123456', name: 'Çelik Öz', tags: ['eu', 'new'] },
	]);
	const otherPath = path.join(dir, 'other.sqlite');
	const r = await runWorkflow({
		nodes: [
			{ name: 'Start', type: 'manualTrigger' },
			{
				name: 'Export',
				type: 'whatsAppContacts',
				parameters: { operation: 'export', exportFileName: 'all.csv' },
				credentials: { whatsAppCloudStoreApi: { id: 'storeA', name: 'A' } },
			},
			{
				name: 'Import',
				type: 'whatsAppContacts',
				parameters: importParams({ importOptions: { keepColumns: 'none' } }),
				credentials: { whatsAppCloudStoreApi: { id: 'storeB', name: 'B' } },
			},
		],
		connections: {
			Start: { main: [[{ node: 'Export', type: 'main', index: 0 }]] },
			Export: { main: [[{ node: 'Import', type: 'main', index: 0 }]] },
		},
		credentials: { storeA: { backend: 'sqlite', path: dbPath }, storeB: { backend: 'sqlite', path: otherPath } },
		nodeTypes: [node],
	});
	expect(r.status).toBe('success');
	const exported = r.outputs.Export[0][0].binary?.data as IBinaryData;
	expect(exported.id).toMatch(/^filesystem(-v2)?:/);
	expect(exported.data).not.toMatch(/Çelik/);
	expect(fs.readFileSync(fsMode.pathOf(exported), 'utf8')).toMatch(/Çelik Öz/);
	expect(jsonOf(r.outputs.Import[0])).toEqual([expect.objectContaining({ fileName: 'all.csv', rowsRead: 2, added: 2, failed: 0 })]);
	await closeAllStores();
	const other = await openStore({ backend: 'sqlite', path: otherPath });
	try {
		expect(await other.getContact('447400123456')).toMatchObject({ name: 'Çelik Öz', tags: ['eu', 'new'] });
		expect(await other.getContact('919876543210')).toMatchObject({ name: 'Ada Lovelace', tags: ['vip'] });
	} finally {
		await other.close();
	}
});

test('a stored binary whose file is gone fails the item with an error naming it', async () => {
	const binary = await fsMode.store(Buffer.from(csvRows(3)), { mimeType: 'text/csv', fileName: 'gone.csv' });
	fs.rmSync(fsMode.pathOf(binary));
	const r = await runNode(node, importParams(), [fileItem(binary)], creds());
	expect(r.status).toBe('error');
	expect(r.nodeError?.message).toMatch(/^Item 0, file "gone.csv"/);
	expect(await store.getContact('919800000000')).toBeUndefined();
});

test('a missing binary property names the item, the property and what the item has', async () => {
	const good = await fsMode.store(Buffer.from(csvRows(1)), { mimeType: 'text/csv', fileName: 'one.csv' });
	const r = await runNode(node, importParams(), [fileItem(good), { json: {}, binary: { upload: good } }, { json: {} }], creds(), { continueOnFail: true });
	const out = jsonOf(r.nodeOutputs[0]);
	expect(out[0]).toMatchObject({ fileName: 'one.csv', added: 1 });
	expect(out[1].error).toBe('Item 1: no binary property "data" (the item has "upload")');
	expect(out[2].error).toBe('Item 2: no binary property "data" (the item has no binary data)');
});

test('a Latin-1 row at the end of a 1.4 MB file on disk: a file-level error before anything is written; an .xlsx on disk is imported', async () => {
	const text = csvRows(60_000);
	expect(text.length).toBeGreaterThan(MiB); // more than one read chunk
	const bad = Buffer.concat([Buffer.from(text), Buffer.from('Jos\xe9,9899999999\n', 'latin1')]);
	const binary = await fsMode.store(Readable.from([bad]), { mimeType: 'text/csv', fileName: 'late-latin1.csv' });
	const r = await runNode(node, importParams(), [fileItem(binary)], creds());
	expect(r.status).toBe('error');
	expect(r.nodeError?.message).toMatch(/^Item 0, file "late-latin1.csv": "late-latin1.csv" is not UTF-8 text: invalid byte 0xE9 at byte \d+ \(line 60002\)/);
	let n = 0;
	for await (const c of store.iterateContacts({}, 1000)) if (c) n++;
	expect(n).toBe(0);

	const { workbookBuffer } = await import('../../fuzz/workbooks');
	const xlsx = await workbookBuffer([{ name: 'List', rows: [['Phone', 'Name'], [919800000001, 'Ada'], [919800000002, 'Bob']] }]);
	const book = await fsMode.store(Readable.from([xlsx]), { mimeType: 'application/octet-stream', fileName: 'list.xlsx' });
	const x = await runNode(node, importParams(), [fileItem(book)], creds());
	expect(jsonOf(x.nodeOutputs[0])[0]).toMatchObject({ format: 'xlsx', rowsRead: 2, added: 2, complete: true });
});
