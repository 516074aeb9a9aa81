/** Export: contacts matching the filters → a CSV file (core/contacts contactsToCsv), streamed into n8n's binary store. */
import { Readable } from 'node:stream';
import { contactsToCsv } from '../../../core/contacts';
import type { Store } from '../../../core/store/types';
import { filterParam, param, type Ctx, type Outputs } from './shared';

export async function execute(fn: Ctx, store: Store, i: number, { main }: Outputs): Promise<void> {
	const filter = filterParam(fn, i);
	const counter = { rows: 0 };
	const csv = contactsToCsv(store.iterateContacts(filter, 1000), counter);
	const stream = Readable.from(
		(async function* () {
			for await (const chunk of csv) yield Buffer.from(chunk, 'utf8');
		})(),
	);
	const fileName = param(fn, 'exportFileName', i, 'contacts.csv') || 'contacts.csv';
	const binary = await fn.helpers.prepareBinaryData(stream, fileName, 'text/csv');
	const property = param(fn, 'outputBinaryPropertyName', i, 'data') || 'data';
	main.push({ json: { operation: 'export', fileName, rows: counter.rows }, binary: { [property]: binary }, pairedItem: { item: i } });
}
