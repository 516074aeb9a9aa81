/**
 * WhatsApp Templates: list, get, create, edit, delete, wait for review and preview message
 * templates (cloud-api.md §1). A thin adapter: rules, validation, building and Graph calls live in
 * core/templates. Every definition is validated before any API call (NodeOperationError naming the
 * field and rule); Meta's own errors surface with code, subcode and user message (NodeApiError).
 */
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { CLOUD_API_CREDENTIAL } from '../shared/credentials';
import { operationProperties, routeItems } from '../shared/router';
import { templateListSearch } from '../shared/templatePicker';
import * as create from './actions/create.operation';
import * as remove from './actions/delete.operation';
import * as edit from './actions/edit.operation';
import * as get from './actions/get.operation';
import * as list from './actions/list.operation';
import * as preview from './actions/preview.operation';
import * as waitForReview from './actions/waitForReview.operation';

/** One module per operation (actions/<op>.operation.ts: its fields and its execute); List returns several items, the others one. */
const operations = { list, get, delete: remove, create, edit, waitForReview, preview };

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
		properties: operationProperties(
			{
				default: 'list',
				options: [
					{ name: 'Create', value: 'create', action: 'Create a template', description: 'Submit a new template (one language per item) for review' },
					{ name: 'Delete', value: 'delete', action: 'Delete a template', description: 'Delete a template name (all languages) or one language' },
					{ name: 'Edit', value: 'edit', action: 'Edit a template', description: "Change a template's components (and category while rejected)" },
					{ name: 'Get', value: 'get', action: 'Get a template', description: 'Get one template by ID or by name and language' },
					{ name: 'List', value: 'list', action: 'List templates', description: 'List templates with filters' },
					{ name: 'Preview', value: 'preview', action: 'Preview a template', description: 'Render a template with values and build the send components' },
					{ name: 'Wait for Review', value: 'waitForReview', action: 'Wait for a template review', description: 'Poll until the template is approved, rejected or the timeout passes' },
				],
			},
			operations,
		),
	};

	methods = { listSearch: { ...templateListSearch } };

	/** The router (nodes/shared/router.ts): each item to its operation, paired, Continue On Fail handled once. */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return routeItems(this, operations);
	}
}
