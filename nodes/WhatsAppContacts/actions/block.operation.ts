/** Block / Unblock: the block list, checked at every campaign send whatever the template's category (core/campaign/gates.ts). */
import type { Store } from '../../../core/store/types';
import { item } from '../../shared/items';
import { contactJson, param, waIdParam, type Ctx, type Outputs } from './shared';

export async function execute(fn: Ctx, store: Store, i: number, { main }: Outputs, operation: string): Promise<void> {
	const { waId } = waIdParam(fn, i);
	const reason = param(fn, 'blockReason', i, 'blocked by hand') || 'blocked by hand';
	const c = await store.setBlocked(waId, operation === 'block', reason, Date.now());
	main.push(item(c ? contactJson(c) : { waId, blocked: false, found: false }, i));
}
