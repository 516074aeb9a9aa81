/**
 * One row (header → value) → one contact input. Pure: the phone is normalised (core/phone), the
 * name split, tags split, everything else optionally kept as custom attributes.
 */
import { normalizePhone, type PhoneOptions } from '../phone';
import type { ContactInput } from '../store/types';
import type { HeaderMapping } from '../csv/headers';

export interface RowMappingOptions extends PhoneOptions {
	/** Tag separator inside one cell (default '|'). */
	tagSeparator?: string;
	/** Keep unmapped columns as attributes (default true); or a list of the columns to keep. */
	keepColumns?: boolean | string[];
	/** Source when the row has none (e.g. the file name). */
	defaultSource?: string;
	/** Tags added to every contact. */
	extraTags?: string[];
}

export type MappedRow =
	| { ok: true; contact: ContactInput; phoneType: string }
	| { ok: false; field: string; raw: string; reason: string };

/** "Ada Lovelace King" → first "Ada", last "Lovelace King". */
export function splitName(full: string): { firstName?: string; lastName?: string } {
	const parts = full.trim().split(/\s+/).filter(Boolean);
	if (parts.length === 0) return {};
	if (parts.length === 1) return { firstName: parts[0] };
	return { firstName: parts[0], lastName: parts.slice(1).join(' ') };
}

export function splitTags(value: string, separator = '|'): string[] {
	if (!value) return [];
	return value
		.split(separator)
		.map((t) => t.trim())
		.filter(Boolean);
}

export class RowMapper {
	private readonly phoneOptions: PhoneOptions;
	private readonly attributeColumns: string[];

	constructor(
		private readonly mapping: HeaderMapping,
		private readonly options: RowMappingOptions = {},
	) {
		this.phoneOptions = { defaultCountry: options.defaultCountry, requireMobile: options.requireMobile };
		const keep = options.keepColumns ?? true;
		this.attributeColumns = keep === true ? mapping.others : keep === false ? [] : mapping.others.filter((h) => keep.includes(h));
	}

	map(record: Record<string, string>): MappedRow {
		const f = this.mapping.fields;
		const rawPhone = record[f.phone as string] ?? '';
		const phone = normalizePhone(rawPhone, this.phoneOptions);
		if (!phone.ok) return { ok: false, field: f.phone as string, raw: rawPhone, reason: `phone ${phone.reason}` };
		const contact: ContactInput = { waId: phone.waId, country: phone.country };
		const name = f.name ? record[f.name]?.trim() : undefined;
		const first = f.firstName ? record[f.firstName]?.trim() : undefined;
		const last = f.lastName ? record[f.lastName]?.trim() : undefined;
		if (name) contact.name = name;
		if (first || last) {
			if (first) contact.firstName = first;
			if (last) contact.lastName = last;
			if (!name) contact.name = [first, last].filter(Boolean).join(' ');
		} else if (name) {
			const split = splitName(name);
			if (split.firstName) contact.firstName = split.firstName;
			if (split.lastName) contact.lastName = split.lastName;
		}
		const tagCell = f.tags ? record[f.tags] : undefined;
		const tags = tagCell ? splitTags(tagCell, this.options.tagSeparator || '|') : [];
		if (this.options.extraTags) tags.push(...this.options.extraTags);
		// An empty tags cell leaves the contact's tags alone (even in replace mode).
		if (tags.length > 0) contact.tags = tags;
		const source = (f.source ? record[f.source]?.trim() : '') || this.options.defaultSource;
		if (source) contact.source = source;
		if (this.attributeColumns.length > 0) {
			const attributes: Record<string, unknown> = {};
			let any = false;
			for (const column of this.attributeColumns) {
				const v = record[column];
				if (v !== undefined && v !== '') {
					attributes[column] = v;
					any = true;
				}
			}
			if (any) contact.attributes = attributes;
		}
		return { ok: true, contact, phoneType: phone.type };
	}
}
