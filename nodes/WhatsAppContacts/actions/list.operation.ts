/** List: contacts matching the filters, one page (the next page's cursor on the last item) or all. */
import type { Store } from '../../../core/store/types';
import { NodeOperationError } from 'n8n-workflow';
import { item } from '../../shared/items';
import { contactJson, filterParam, param, type Ctx, type Outputs } from './shared';

export async function execute(fn: Ctx, store: Store, i: number, { main }: Outputs): Promise<void> {
	const filter = filterParam(fn, i);
	if (param(fn, 'returnAll', i, false)) {
		for await (const c of store.iterateContacts(filter, 1000)) main.push(item(contactJson(c), i));
		return;
	}
	const limit = param(fn, 'limit', i, 50);
	const cursor = param(fn, 'cursor', i, '') || undefined;
	let page;
	try {
		page = await store.listContacts(filter, { limit, cursor });
	} catch (error) {
		throw new NodeOperationError(fn.getNode(), `Item ${i}, field "Page Cursor": ${(error as Error).message}`, { itemIndex: i });
	}
	page.items.forEach((c, k) => {
		const json = contactJson(c);
		// The cursor of the next page rides on the last item (n8n's usual paging shape).
		if (k === page.items.length - 1 && page.next) json.nextCursor = page.next;
		main.push(item(json, i));
	});
}
