/** Upsert: one contact from the item's fields (tags merge or replace, attributes merge; core/store rules). */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { splitName } from '../../../core/contacts';
import type { ContactInput } from '../../../core/store/types';
import type { ItemRun } from '../../shared/router';
import { defaultCountryField, phoneField, requireMobileField, tagsModeField } from './fields';
import { commaList, contactJson, executionStore, param, waIdParam } from './shared';

export const description: INodeProperties[] = [
	defaultCountryField,
	requireMobileField,
	tagsModeField,
	phoneField,
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show: { operation: ['upsert'] } },
		options: [
			{ displayName: 'Attributes (JSON)', name: 'attributes', type: 'json', default: '{}', description: 'Custom attributes, merged key by key' },
			{ displayName: 'First Name', name: 'firstName', type: 'string', default: '' },
			{ displayName: 'Last Name', name: 'lastName', type: 'string', default: '' },
			{ displayName: 'Name', name: 'name', type: 'string', default: '', description: 'Full name (split into first and last name when those are empty)' },
			{ displayName: 'Source', name: 'source', type: 'string', default: '' },
			{ displayName: 'Tags', name: 'tags', type: 'string', default: '', description: 'Comma-separated tags' },
		],
	},
];

export async function execute({ fn, i }: ItemRun): Promise<IDataObject> {
	const store = await executionStore(fn);
	const { waId, country } = waIdParam(fn, i, param(fn, 'requireMobile', i, false));
	const fields = param<IDataObject>(fn, 'fields', i, {});
	const input: ContactInput = { waId, country };
	for (const key of ['name', 'firstName', 'lastName', 'source'] as const) {
		const v = fields[key];
		if (v !== undefined && v !== null && v !== '') input[key] = String(v).trim();
	}
	if (input.name && !input.firstName && !input.lastName) Object.assign(input, splitName(input.name));
	const tags = commaList(fields.tags);
	if (tags.length > 0) input.tags = tags;
	if (fields.attributes !== undefined && fields.attributes !== '') {
		let attributes: unknown = fields.attributes;
		if (typeof attributes === 'string') {
			try {
				attributes = JSON.parse(attributes);
			} catch (error) {
				throw new NodeOperationError(fn.getNode(), `Item ${i}, field "Attributes (JSON)": not valid JSON (${(error as Error).message})`, { itemIndex: i });
			}
		}
		if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
			throw new NodeOperationError(fn.getNode(), `Item ${i}, field "Attributes (JSON)": must be a JSON object`, { itemIndex: i });
		}
		if (Object.keys(attributes).length > 0) input.attributes = attributes as Record<string, unknown>;
	}
	// The person's existing contact under another form of the number (Meta's wa_id, a national variant).
	input.waId = (await store.resolveContacts([waId])).get(waId) ?? waId;
	const [outcome] = await store.upsertContacts([input], { tagsMode: param(fn, 'tagsMode', i, 'merge') });
	const contact = await store.getContact(input.waId);
	return { outcome, ...(contact ? contactJson(contact) : { waId: input.waId }) };
}
