/**
 * What the WhatsApp Contacts operations share: the execution's store, parameter readers that name
 * the item and field in their errors, the phone parameter (core/phone: any format → wa_id, or a
 * BSUID), list filters, and a contact as an output item. Storage rules live in core/store, not here.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { splitTags } from '../../../core/contacts';
import { contactKey } from '../../../core/phone';
import type { Contact, ContactFilter, Store } from '../../../core/store/types';
import { param } from '../../shared/params';
import { getStore } from '../../shared/store';

export type Ctx = IExecuteFunctions;

const stores = new WeakMap<Ctx, Promise<Store>>();

/** The store of this execution: opened by the first item that needs it, shared by the others (a failed open is tried again by the next item). */
export function executionStore(fn: Ctx): Promise<Store> {
	let store = stores.get(fn);
	if (!store) {
		store = getStore(fn);
		stores.set(fn, store);
		store.catch(() => stores.delete(fn));
	}
	return store;
}

export { param };

export function commaList(value: unknown): string[] {
	return typeof value === 'string' ? splitTags(value, ',') : [];
}

export function timeParam(fn: Ctx, i: number, value: unknown, field: string): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const t = typeof value === 'number' ? value : Date.parse(String(value));
	if (!Number.isFinite(t)) throw new NodeOperationError(fn.getNode(), `${field}: ${JSON.stringify(value)} is not a date/time`, { itemIndex: i });
	return t;
}

export function contactJson(c: Contact): IDataObject {
	return {
		...c,
		phone: '+' + c.waId,
		optOutAt: c.optOutAt === undefined ? undefined : new Date(c.optOutAt).toISOString(),
		optInAt: c.optInAt === undefined ? undefined : new Date(c.optInAt).toISOString(),
		createdAt: new Date(c.createdAt).toISOString(),
		updatedAt: new Date(c.updatedAt).toISOString(),
		lastActiveAt: c.lastActiveAt === undefined ? undefined : new Date(c.lastActiveAt).toISOString(),
		blockedAt: c.blockedAt === undefined ? undefined : new Date(c.blockedAt).toISOString(),
	} as IDataObject;
}

/** The contact key of the item's phone parameter (core/phone contactKey: any format → wa_id, or a BSUID), or a NodeOperationError naming item and value. */
export function waIdParam(fn: Ctx, i: number, requireMobile = false): { waId: string; country: string } {
	const raw = fn.getNodeParameter('phone', i, '') as unknown;
	const defaultCountry = param(fn, 'defaultCountry', i, '');
	const r = contactKey(raw, { defaultCountry: defaultCountry || undefined, requireMobile });
	if (!r.ok) {
		throw new NodeOperationError(fn.getNode(), `Phone Number ${JSON.stringify(raw)}: ${r.reason}`, {
			itemIndex: i,
			description: `Item ${i}, field "Phone Number". ${r.code === 'NEEDS_DEFAULT_COUNTRY' ? 'Set "Default Country" or write the number with + and its country code.' : ''}`.trim(),
		});
	}
	return { waId: r.waId, country: r.country };
}

export function filterParam(fn: Ctx, i: number): ContactFilter {
	const f = param<IDataObject>(fn, 'filters', i, {});
	const filter: ContactFilter = {};
	const tagsAny = commaList(f.tagsAny);
	const tagsAll = commaList(f.tagsAll);
	if (tagsAny.length > 0) filter.tagsAny = tagsAny;
	if (tagsAll.length > 0) filter.tagsAll = tagsAll;
	const attrs = ((f.attributes as IDataObject | undefined)?.attribute as Array<{ name?: string; value?: string }> | undefined) ?? [];
	for (const a of attrs) {
		if (!a.name) throw new NodeOperationError(fn.getNode(), 'Filters → Attributes: an attribute filter has no name', { itemIndex: i });
		filter.attributes = { ...filter.attributes, [a.name]: String(a.value ?? '') };
	}
	if (f.consent === 'optedOut') filter.optedOut = true;
	else if (f.consent === 'optedIn') filter.optedOut = false;
	filter.createdFrom = timeParam(fn, i, f.createdFrom, 'Filters → Created After');
	filter.createdTo = timeParam(fn, i, f.createdTo, 'Filters → Created Before');
	filter.lastActiveFrom = timeParam(fn, i, f.lastActiveFrom, 'Filters → Last Active After');
	filter.lastActiveTo = timeParam(fn, i, f.lastActiveTo, 'Filters → Last Active Before');
	for (const k of Object.keys(filter) as Array<keyof ContactFilter>) if (filter[k] === undefined) delete filter[k];
	return filter;
}

