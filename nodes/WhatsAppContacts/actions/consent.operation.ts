/** Opt Out / Opt In: records marketing consent with its source and time (checked at every marketing send, core/campaign/gates.ts). */
import { NodeOperationError } from 'n8n-workflow';
import type { Store } from '../../../core/store/types';
import { item } from '../../shared/items';
import { contactJson, param, timeParam, waIdParam, type Ctx, type Outputs } from './shared';

export async function execute(fn: Ctx, store: Store, i: number, { main }: Outputs, operation: string): Promise<void> {
	const { waId } = waIdParam(fn, i);
	const source = param(fn, 'consentSource', i, 'manual') || 'manual';
	const at = timeParam(fn, i, param(fn, 'consentTime', i, ''), 'Time') ?? Date.now();
	const c = await store.setOptOut(waId, operation === 'optOut', source, at);
	if (!c) throw new NodeOperationError(fn.getNode(), `Item ${i}: no contact with phone +${waId}`, { itemIndex: i });
	main.push(item(contactJson(c), i));
}
