/** Upsert: one contact from the item's fields (tags merge or replace, attributes merge; core/store rules). */
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { splitName } from '../../../core/contacts';
import type { ContactInput, Store } from '../../../core/store/types';
import { item } from '../../shared/items';
import { commaList, contactJson, param, waIdParam, type Ctx, type Outputs } from './shared';

async function upsert(fn: Ctx, store: Store, i: number): Promise<IDataObject> {
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

export async function execute(fn: Ctx, store: Store, i: number, { main }: Outputs): Promise<void> {
	main.push(item(await upsert(fn, store, i), i));
}
