/**
 * WhatsApp Templates: list, get, create, edit, delete, wait for review and preview message
 * templates (cloud-api.md §1). A thin adapter: rules, validation, building and Graph calls live in
 * core/templates. Every definition is validated before any API call (NodeOperationError naming the
 * field and rule); Meta's own errors surface with code, subcode and user message (NodeApiError).
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { CLOUD_API_CREDENTIAL, getGraphClient } from '../shared/credentials';
import { failedItem, item, items } from '../shared/items';
import { templateListSearch } from '../shared/templatePicker';
import * as create from './actions/create.operation';
import * as remove from './actions/delete.operation';
import * as edit from './actions/edit.operation';
import * as get from './actions/get.operation';
import * as list from './actions/list.operation';
import * as preview from './actions/preview.operation';
import type { Ctx } from './actions/shared';
import * as waitForReview from './actions/waitForReview.operation';
import { templateProperties } from './description';

/** One module per operation (actions/<op>.operation.ts); List returns several items, the others one. */
const operations: Record<string, (ctx: Ctx) => Promise<IDataObject | IDataObject[]>> = {
	list: list.execute,
	get: get.execute,
	create: create.execute,
	edit: edit.execute,
	delete: remove.execute,
	waitForReview: waitForReview.execute,
	preview: preview.execute,
};

export class WhatsAppTemplates implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Templates',
		name: 'whatsAppTemplates',
		icon: 'file:whatsAppTemplates.svg',
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description: 'Create, validate, review and preview WhatsApp Cloud API message templates',
		defaults: { name: 'WhatsApp Templates' },
		usableAsTool: true,
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: CLOUD_API_CREDENTIAL, required: true }],
		properties: templateProperties,
	};

	methods = { listSearch: { ...templateListSearch } };

	/** The router: each item goes to its operation; with Continue On Fail a failing item becomes its error item. */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const input = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < input.length; i++) {
			try {
				const operation = this.getNodeParameter('operation', i) as string;
				const { client, credentials } = await getGraphClient(this, i);
				const run = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
				if (!run) throw new NodeOperationError(this.getNode(), `Unknown operation "${operation}"`, { itemIndex: i });
				const result = await run({ fn: this, i, client, credentials });
				if (Array.isArray(result)) out.push(...items(result, i));
				else out.push(item(result, i));
			} catch (error) {
				out.push(failedItem(this, error, i));
			}
		}
		return [out];
	}
}
