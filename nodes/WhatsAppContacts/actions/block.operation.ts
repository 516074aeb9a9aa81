/** Block / Unblock: the block list, checked at every campaign send whatever the template's category (core/campaign/gates.ts). */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import type { ItemRun } from '../../shared/router';
import { defaultCountryField, phoneField } from './fields';
import { contactJson, executionStore, param, waIdParam } from './shared';

export const description: INodeProperties[] = [
	defaultCountryField,
	phoneField,
	{
		displayName: 'Block Reason',
		name: 'blockReason',
		type: 'string',
		default: 'blocked by hand',
		displayOptions: { show: { operation: ['block'] } },
		description: 'Why the contact is blocked (shown on every skipped campaign message)',
	},
];

export async function execute({ fn, i, operation }: ItemRun): Promise<IDataObject> {
	const store = await executionStore(fn);
	const { waId } = waIdParam(fn, i);
	const reason = param(fn, 'blockReason', i, 'blocked by hand') || 'blocked by hand';
	const c = await store.setBlocked(waId, operation === 'block', reason, Date.now());
	return c ? contactJson(c) : { waId, blocked: false, found: false };
}
