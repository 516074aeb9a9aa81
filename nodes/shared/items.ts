/** Small helpers every node uses to shape its output items. */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

export function item(json: IDataObject, itemIndex: number): INodeExecutionData {
	return { json, pairedItem: { item: itemIndex } };
}

export function items(jsons: IDataObject[], itemIndex: number): INodeExecutionData[] {
	return jsons.map((json) => item(json, itemIndex));
}
