/**
 * What the Contacts node's Import tests hand it: a file as the item's `data` binary property, the
 * Import parameters, the Store credential for a SQLite file, and how many contacts the store holds.
 */
import type { INodeExecutionData } from 'n8n-workflow';
import type { Store } from '../../core/store/types';

/** One item carrying `content` (text is written as UTF-8) in binary property `data`. */
export function fileItem(content: string | Buffer, fileName = 'contacts.csv', mimeType = 'text/csv'): INodeExecutionData {
	const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
	return { json: {}, binary: { data: { data: buf.toString('base64'), mimeType, fileName } } };
}

/** Import from binary property `data`, default country IN, with `importOptions`; `extra` overrides any. */
export function importParams(importOptions: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
	return { operation: 'import', binaryPropertyName: 'data', defaultCountry: 'IN', importOptions, ...extra };
}

/** The Store credential the nodes get for the SQLite file at `dbPath`. */
export function storeCreds(dbPath: string) {
	return { whatsAppCloudStoreApi: { backend: 'sqlite', path: dbPath } };
}

/** The number of contacts in the store (all of them, paged 1,000 at a time). */
export async function countContacts(store: Store): Promise<number> {
	let n = 0;
	for await (const c of store.iterateContacts({}, 1000)) if (c) n++;
	return n;
}
