/** Delete: removes a contact from the store. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import type { ItemRun } from '../../shared/router';
import { defaultCountryField, phoneField } from './fields';
import { executionStore, waIdParam } from './shared';

export const description: INodeProperties[] = [defaultCountryField, phoneField];

export async function execute({ fn, i }: ItemRun): Promise<IDataObject> {
	const store = await executionStore(fn);
	const { waId } = waIdParam(fn, i);
	return { waId, deleted: await store.deleteContact(waId) };
}
