/** Get: the person by any of their identifiers — the number in either national form, Meta's wa_id, a BSUID (issue 14). */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import type { ItemRun } from '../../shared/router';
import { defaultCountryField, phoneField } from './fields';
import { contactJson, executionStore, waIdParam } from './shared';

export const description: INodeProperties[] = [defaultCountryField, phoneField];

export async function execute({ fn, i }: ItemRun): Promise<IDataObject> {
	const store = await executionStore(fn);
	const { waId } = waIdParam(fn, i);
	const key = (await store.resolveContacts([waId])).get(waId) ?? waId;
	const c = await store.getContact(key);
	const identities = c ? (await store.contactIdentities(key)).map((x) => ({ ...x, createdAt: new Date(x.createdAt).toISOString() })) : [];
	return c ? { found: true, ...contactJson(c), identities } : { found: false, waId };
}
