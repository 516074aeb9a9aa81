/** Export: contacts matching the filters → a CSV file (core/contacts contactsToCsv), streamed into n8n's binary store. */
import { Readable } from 'node:stream';
import type { INodeProperties } from 'n8n-workflow';
import { contactsToCsv } from '../../../core/contacts';
import { binaryPropertyField } from '../../shared/fields';
import type { ItemRun } from '../../shared/router';
import { filtersField } from './fields';
import { executionStore, filterParam, param } from './shared';

export const description: INodeProperties[] = [
	filtersField,
	binaryPropertyField({ name: 'outputBinaryPropertyName', displayName: 'Put Output File in Field', show: { operation: ['export'] } }),
	{
		displayName: 'File Name',
		name: 'exportFileName',
		type: 'string',
		default: 'contacts.csv',
		displayOptions: { show: { operation: ['export'] } },
	},
];

export async function execute({ fn, i, emitItem }: ItemRun): Promise<void> {
	const store = await executionStore(fn);
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
	emitItem({ json: { operation: 'export', fileName, rows: counter.rows }, binary: { [property]: binary } });
}
