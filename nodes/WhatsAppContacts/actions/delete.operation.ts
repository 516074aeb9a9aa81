/** Delete: removes a contact from the store. */
import type { Store } from '../../../core/store/types';
import { item } from '../../shared/items';
import { waIdParam, type Ctx, type Outputs } from './shared';

export async function execute(fn: Ctx, store: Store, i: number, { main }: Outputs): Promise<void> {
	const { waId } = waIdParam(fn, i);
	main.push(item({ waId, deleted: await store.deleteContact(waId) }, i));
}
