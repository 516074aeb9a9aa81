/** Get: the person by any of their identifiers — the number in either national form, Meta's wa_id, a BSUID (issue 14). */
import type { Store } from '../../../core/store/types';
import { item } from '../../shared/items';
import { contactJson, waIdParam, type Ctx, type Outputs } from './shared';

export async function execute(fn: Ctx, store: Store, i: number, { main }: Outputs): Promise<void> {
	const { waId } = waIdParam(fn, i);
	const key = (await store.resolveContacts([waId])).get(waId) ?? waId;
	const c = await store.getContact(key);
	const identities = c ? (await store.contactIdentities(key)).map((x) => ({ ...x, createdAt: new Date(x.createdAt).toISOString() })) : [];
	main.push(item(c ? { found: true, ...contactJson(c), identities } : { found: false, waId }, i));
}
