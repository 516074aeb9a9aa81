/** Opt Out / Opt In: records marketing consent with its source and time (checked at every marketing send, core/campaign/gates.ts). */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { ItemRun } from '../../shared/router';
import { defaultCountryField, phoneField } from './fields';
import { contactJson, executionStore, param, timeParam, waIdParam } from './shared';

export const description: INodeProperties[] = [
	defaultCountryField,
	phoneField,
	{
		displayName: 'Source',
		name: 'consentSource',
		type: 'string',
		default: 'manual',
		displayOptions: { show: { operation: ['optOut', 'optIn'] } },
		description: 'Where the consent change came from (STOP keyword, web form, support call…)',
	},
	{
		displayName: 'Time',
		name: 'consentTime',
		type: 'dateTime',
		default: '',
		displayOptions: { show: { operation: ['optOut', 'optIn'] } },
		description: 'When it happened (default: now)',
	},
];

export async function execute({ fn, i, operation }: ItemRun): Promise<IDataObject> {
	const store = await executionStore(fn);
	const { waId } = waIdParam(fn, i);
	const source = param(fn, 'consentSource', i, 'manual') || 'manual';
	const at = timeParam(fn, i, param(fn, 'consentTime', i, ''), 'Time') ?? Date.now();
	const c = await store.setOptOut(waId, operation === 'optOut', source, at);
	if (!c) throw new NodeOperationError(fn.getNode(), `Item ${i}: no contact with phone +${waId}`, { itemIndex: i });
	return contactJson(c);
}
