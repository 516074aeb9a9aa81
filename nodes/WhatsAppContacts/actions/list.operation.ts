/** List: contacts matching the filters, one page (the next page's cursor on the last item) or all. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { PageCursorError } from '../../../core/store/cursor';
import { cursorField, limitField, returnAllField } from '../../shared/fields';
import type { ItemRun } from '../../shared/router';
import { filtersField } from './fields';
import { contactJson, executionStore, filterParam, param } from './shared';

export const description: INodeProperties[] = [
	filtersField,
	returnAllField({ operation: ['list'] }),
	limitField({ operation: ['list'], returnAll: [false] }),
	cursorField({ operation: ['list'], returnAll: [false] }),
];

export async function execute({ fn, i, emit }: ItemRun): Promise<IDataObject[] | void> {
	const store = await executionStore(fn);
	const filter = filterParam(fn, i);
	if (param(fn, 'returnAll', i, false)) {
		for await (const c of store.iterateContacts(filter, 1000)) emit(contactJson(c));
		return;
	}
	const limit = param(fn, 'limit', i, 50);
	const cursor = param(fn, 'cursor', i, '') || undefined;
	let page;
	try {
		page = await store.listContacts(filter, { limit, cursor });
	} catch (error) {
		// core/store/cursor.ts: a cursor it did not hand out is a PageCursorError (the "Page Cursor" field).
		if (error instanceof PageCursorError) throw new NodeOperationError(fn.getNode(), `Item ${i}, field "Page Cursor": ${error.message}`, { itemIndex: i });
		throw error;
	}
	return page.items.map((c, k) => {
		const json = contactJson(c);
		// The cursor of the next page rides on the last item (n8n's usual paging shape).
		if (k === page.items.length - 1 && page.next) json.nextCursor = page.next;
		return json;
	});
}
