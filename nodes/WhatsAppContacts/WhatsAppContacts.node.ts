/**
 * WhatsApp Contacts: import contacts from CSV/TXT/XLSX, upsert from items, get, list, opt out / in,
 * delete and export — against the package's store (embedded SQLite by default, or the optional
 * WhatsApp Store credential). A thin adapter: phone rules live in core/phone, file reading in
 * core/csv, the import pipeline in core/contacts, storage rules in core/store (an import never
 * clears an opt-out; tags merge or replace; attributes merge).
 *
 * Output 1: results (Import: one summary item per file, optionally followed by the contacts; a file
 * whose import stopped part-way gives, with Continue On Fail, its summary with `complete: false`,
 * `error` and `stoppedAt` — without it, an error with the counts written).
 * Output 2: Import's failed rows (line, raw value, reason).
 */
import type { IExecuteFunctions, ILoadOptionsFunctions, INodeExecutionData, INodePropertyOptions, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { countryOptions } from '../../core/phone';
import type { Store } from '../../core/store/types';
import { STORE_CREDENTIAL } from '../shared/credentials';
import { failedItem } from '../shared/items';
import { getStore } from '../shared/store';
import * as block from './actions/block.operation';
import * as consent from './actions/consent.operation';
import * as remove from './actions/delete.operation';
import * as exportOp from './actions/export.operation';
import * as get from './actions/get.operation';
import * as importOp from './actions/import.operation';
import * as list from './actions/list.operation';
import type { ContactOperation, Outputs } from './actions/shared';
import * as upsert from './actions/upsert.operation';
import { contactProperties } from './description';

/** One module per operation (actions/<op>.operation.ts); paired operations share one. */
const operations: Record<string, ContactOperation> = {
	import: importOp.execute,
	upsert: upsert.execute,
	get: get.execute,
	list: list.execute,
	optOut: consent.execute,
	optIn: consent.execute,
	block: block.execute,
	unblock: block.execute,
	delete: remove.execute,
	export: exportOp.execute,
};

export class WhatsAppContacts implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Contacts',
		name: 'whatsAppContacts',
		icon: 'file:whatsAppContacts.svg',
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description: 'Import, update, list, export and opt contacts in or out for WhatsApp campaigns',
		defaults: { name: 'WhatsApp Contacts' },
		usableAsTool: true,
		inputs: ['main'],
		// Two outputs on purpose: results, and Import's failed rows (line, raw value, reason).
		// eslint-disable-next-line n8n-nodes-base/node-class-description-outputs-wrong
		outputs: ['main', 'main'],
		outputNames: ['Result', 'Failed Rows'],
		credentials: [{ name: STORE_CREDENTIAL, required: false }],
		properties: contactProperties,
	};

	methods = {
		loadOptions: {
			async getCountries(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				return [
					{ name: 'None (Numbers Must Have a Country Code)', value: '' },
					...countryOptions().map((c) => ({ name: `${c.name} (+${c.callingCode})`, value: c.code, description: c.code })),
				];
			},
		},
	};

	/** The router: each item goes to its operation; with Continue On Fail a failing item becomes its error item. */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const input = this.getInputData();
		const out: Outputs = { main: [], failed: [] };
		let store: Store | undefined;
		for (let i = 0; i < input.length; i++) {
			try {
				store ??= await getStore(this);
				const operation = this.getNodeParameter('operation', i) as string;
				const run = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
				if (!run) throw new NodeOperationError(this.getNode(), `Unknown operation ${JSON.stringify(operation)}`, { itemIndex: i });
				await run(this, store, i, out, operation);
			} catch (error) {
				out.main.push(failedItem(this, error, i));
			}
		}
		return [out.main, out.failed];
	}
}
