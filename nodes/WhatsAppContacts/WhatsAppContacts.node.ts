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
import { countryOptions } from '../../core/phone';
import { STORE_CREDENTIAL } from '../shared/credentials';
import { operationProperties, routeItems } from '../shared/router';
import * as block from './actions/block.operation';
import * as consent from './actions/consent.operation';
import * as remove from './actions/delete.operation';
import * as exportOp from './actions/export.operation';
import * as get from './actions/get.operation';
import * as importOp from './actions/import.operation';
import * as list from './actions/list.operation';
import * as upsert from './actions/upsert.operation';

/** One module per operation (actions/<op>.operation.ts: its fields and its execute); paired operations share one. */
const operations = {
	import: importOp,
	upsert,
	get,
	list,
	optOut: consent,
	optIn: consent,
	block,
	unblock: block,
	delete: remove,
	export: exportOp,
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
		properties: operationProperties(
			{
				options: [
					{ name: 'Block', value: 'block', action: 'Block a contact', description: 'Put a contact on the block list: no campaign message of any category is sent to them' },
					{
						name: 'Create or Update',
						value: 'upsert',
						action: 'Create or update a contact',
						description: 'Create a new record, or update the current one if it already exists (upsert)',
					},
					{ name: 'Delete', value: 'delete', action: 'Delete a contact', description: 'Delete a contact from the store' },
					{ name: 'Export', value: 'export', action: 'Export contacts to CSV', description: 'Write matching contacts to a CSV file' },
					{ name: 'Get', value: 'get', action: 'Get a contact', description: 'Get one contact by phone number' },
					{ name: 'Import', value: 'import', action: 'Import contacts from a file', description: 'Import contacts from a CSV or TXT file' },
					{ name: 'List', value: 'list', action: 'List contacts', description: 'List contacts matching filters' },
					{ name: 'Opt In', value: 'optIn', action: 'Opt a contact in', description: 'Record a marketing opt-in' },
					{ name: 'Opt Out', value: 'optOut', action: 'Opt a contact out', description: 'Record a marketing opt-out' },
					{ name: 'Unblock', value: 'unblock', action: 'Unblock a contact', description: 'Take a contact off the block list' },
				],
				default: 'import',
			},
			operations,
		),
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

	/** The router (nodes/shared/router.ts): output 1 results, output 2 Import's failed rows. */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return routeItems(this, operations, { outputs: 2 });
	}
}
