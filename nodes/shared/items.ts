/** Small helpers every node uses to shape its output items. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { errorJson, toNodeError } from './errors';

export function item(json: IDataObject, itemIndex: number): INodeExecutionData {
	return { json, pairedItem: { item: itemIndex } };
}

/**
 * What a failed item becomes: with *Continue On Fail* its error as the item's output (paired to it),
 * otherwise the error is thrown as an n8n error naming the item.
 */
export function failedItem(ctx: IExecuteFunctions, error: unknown, itemIndex: number, base: IDataObject = {}): INodeExecutionData {
	if (ctx.continueOnFail()) return item({ ...base, ...errorJson(error) }, itemIndex);
	throw toNodeError(ctx.getNode(), error, itemIndex);
}
