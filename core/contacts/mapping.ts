/**
 * One row (header → value) → one contact input. Pure: the phone is normalised (core/phone), the
 * name split, tags split, everything else optionally kept as custom attributes.
 *
 * A file written by Export (export.ts) is recognised by its own headers, so an export → import round
 * trip gives back the same contacts instead of turning the store's bookkeeping into attributes:
 *  - phone, name, firstName, lastName, tags, source and country match as in any file (core/csv/headers.ts);
 *    name / firstName / lastName are taken as they are (no split, no joined name), tags split on '|';
 *  - the `attributes` column (the contact's attributes as JSON) becomes the attributes again;
 *  - optedOut is the opt-out column (below), so an export's optedOut=true opts the contact out in
 *    the store it is imported into;
 *  - waId (or phone, whichever is not the phone column), optOutAt, optOutSource, optInAt, optInSource,
 *    createdAt, updatedAt and lastActiveAt are ignored: the store keeps its own times.
 *
 * The opt-out column (any file: optedOut, opt_out, unsubscribed, do_not_contact, dnc… or the node's
 * "Opt-Out Column"): a yes-value (OPT_OUT_YES) opts the contact out (source 'import', at the import's
 * time); a no-value or an empty cell (OPT_OUT_NO) changes nothing. An import never clears an opt-out
 * (opting back in is the explicit Opt In operation); any other value fails the row.
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

/** Opt-out cells that opt the contact out (compared lower-case, spaces/underscores/hyphens as one space). */
export const OPT_OUT_YES: readonly string[] = ['true', 'yes', 'y', '1', 'x', 'opted out', 'unsubscribed', 'stop'];
/** Opt-out cells that change nothing (an import never opts a contact back in). */
export const OPT_OUT_NO: readonly string[] = ['', 'false', 'no', 'n', '0'];
/** optOutSource of a contact opted out by an imported opt-out column. */
export const IMPORT_OPT_OUT_SOURCE = 'import';

/** An opt-out cell → true (opted out) / false (no change) / undefined (neither: the row fails). */
export function parseOptOut(cell: string | undefined): boolean | undefined {
	const v = (cell ?? '').trim().toLowerCase().replace(/[\s_-]+/g, ' ');
	if (OPT_OUT_YES.includes(v)) return true;
	if (OPT_OUT_NO.includes(v)) return false;
	return undefined;
}

export type MappedRow =
	| { ok: true; contact: ContactInput; phoneType: string }
	| { ok: false; field: string; raw: string; reason: string };

/** Name suffixes that may follow a comma in "First Last, Jr." (so that comma is not "Last, First"). */
const NAME_SUFFIXES = new Set(['jr', 'sr', 'ii', 'iii', 'iv', 'v', 'phd', 'md', 'esq', 'dds', 'mba', 'cpa', 'jd']);

/**
 * "Ada Lovelace King" → first "Ada", last "Lovelace King". "Doe, John" (the "Last, First" order
 * address books and CRMs export) → first "John", last "Doe" — one comma, a name on each side, and
 * the part after the comma not a suffix ("John Doe, Jr." stays First Last).
 */
export function splitName(full: string): { firstName?: string; lastName?: string } {
	const lastFirst = parseLastFirst(full);
	if (lastFirst) return lastFirst;
	const parts = full.trim().split(/\s+/).filter(Boolean);
	if (parts.length === 0) return {};
	if (parts.length === 1) return { firstName: parts[0] };
	return { firstName: parts[0], lastName: parts.slice(1).join(' ') };
}

/** "Doe, John" → { firstName: 'John', lastName: 'Doe' }; anything else → undefined. */
export function parseLastFirst(full: string): { firstName: string; lastName: string } | undefined {
	const comma = full.indexOf(',');
	if (comma < 0 || full.indexOf(',', comma + 1) >= 0) return undefined;
	const last = full.slice(0, comma).trim().replace(/\s+/g, ' ');
	const first = full.slice(comma + 1).trim().replace(/\s+/g, ' ');
	if (!last || !first || !/\p{L}/u.test(last) || !/\p{L}/u.test(first)) return undefined;
	if (NAME_SUFFIXES.has(first.toLowerCase().replace(/\./g, ''))) return undefined;
	return { firstName: first, lastName: last };
}

/** Export's column with the contact's attributes as a JSON object. */
export const EXPORT_ATTRIBUTES_COLUMN = 'attributes';

/**
 * Export's bookkeeping columns: never attributes when a Contacts Export is imported (waId / phone:
 * the one that is not the phone column repeats the number).
 */
export const EXPORT_IGNORED_COLUMNS: readonly string[] = [
	'waId', 'phone', 'optedOut', 'optOutAt', 'optOutSource', 'optInAt', 'optInSource', 'createdAt', 'updatedAt', 'lastActiveAt',
];

/**
 * Is this file a Contacts Export? Its `waId` and `optedOut` headers (exactly as Export writes them)
 * say so; another file's "createdAt" or "attributes" column stays an ordinary column.
 */
export function isContactsExport(headers: readonly string[]): boolean {
	return headers.includes('waId') && headers.includes('optedOut');
}

/** The headers of a mapped file (mapped ones first). */
function headersOf(mapping: HeaderMapping): string[] {
	return [...Object.values(mapping.fields).filter((h): h is string => typeof h === 'string'), ...mapping.others];
}

/** Unmapped columns kept as attributes: all, none or the listed ones; never an Export's bookkeeping columns. */
export function attributeColumnsOf(mapping: HeaderMapping, keepColumns: boolean | string[] = true): string[] {
	const exported = isContactsExport(headersOf(mapping));
	const others = exported ? mapping.others.filter((h) => !EXPORT_IGNORED_COLUMNS.includes(h)) : mapping.others;
	return keepColumns === true ? others : keepColumns === false ? [] : others.filter((h) => keepColumns.includes(h));
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
	/** Unmapped columns kept as attributes (attributeColumnsOf). */
	readonly attributeColumns: string[];
	/** The file is a Contacts Export (isContactsExport). */
	readonly isExport: boolean;

	constructor(
		private readonly mapping: HeaderMapping,
		private readonly options: RowMappingOptions = {},
	) {
		this.phoneOptions = { defaultCountry: options.defaultCountry, requireMobile: options.requireMobile };
		this.isExport = isContactsExport(headersOf(mapping));
		this.attributeColumns = attributeColumnsOf(mapping, options.keepColumns ?? true);
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
		if (name) {
			// "Doe, John" is stored as the name people are greeted by: "John Doe".
			const lastFirst = this.isExport ? undefined : parseLastFirst(name);
			contact.name = lastFirst ? `${lastFirst.firstName} ${lastFirst.lastName}` : name;
		}
		if (first || last) {
			if (first) contact.firstName = first;
			if (last) contact.lastName = last;
			// An Export's name, firstName and lastName cells are the contact's own: nothing is made up.
			if (!name && !this.isExport) contact.name = [first, last].filter(Boolean).join(' ');
		} else if (name && !(this.isExport && (f.firstName || f.lastName))) {
			const split = splitName(name);
			if (split.firstName) contact.firstName = split.firstName;
			if (split.lastName) contact.lastName = split.lastName;
		}
		const tagCell = f.tags ? record[f.tags] : undefined;
		// Export joins tags with '|' whatever the separator option says.
		const tags = tagCell ? splitTags(tagCell, this.isExport ? '|' : this.options.tagSeparator || '|') : [];
		if (this.options.extraTags) tags.push(...this.options.extraTags);
		// An empty tags cell leaves the contact's tags alone (even in replace mode).
		if (tags.length > 0) contact.tags = tags;
		if (f.optOut) {
			const cell = record[f.optOut] ?? '';
			const optedOut = parseOptOut(cell);
			if (optedOut === undefined) {
				return {
					ok: false,
					field: f.optOut,
					raw: cell,
					reason: `opt-out column "${f.optOut}": ${JSON.stringify(cell)} is neither a yes (${OPT_OUT_YES.join(', ')}) nor a no (${OPT_OUT_NO.filter(Boolean).join(', ')} or empty)`,
				};
			}
			// The store stamps the import's time (the upsert's now); a no never clears an opt-out.
			if (optedOut) contact.optOut = { source: IMPORT_OPT_OUT_SOURCE };
		}
		const source = (f.source ? record[f.source]?.trim() : '') || this.options.defaultSource;
		if (source) contact.source = source;
		if (this.attributeColumns.length > 0) {
			let attributes: Record<string, unknown> = {};
			let any = false;
			for (const column of this.attributeColumns) {
				const v = record[column];
				if (v === undefined || v === '') continue;
				if (this.isExport && column === EXPORT_ATTRIBUTES_COLUMN) {
					const bag = parseAttributes(v);
					if (!bag) return { ok: false, field: column, raw: v, reason: `${column} is not a JSON object (a Contacts Export writes the attributes as JSON)` };
					// Other columns are more specific (edited or added to the export): they win.
					attributes = { ...bag, ...attributes };
				} else {
					attributes[column] = v;
				}
				any = true;
			}
			if (any && Object.keys(attributes).length > 0) contact.attributes = attributes;
		}
		return { ok: true, contact, phoneType: phone.type };
	}
}

function parseAttributes(text: string): Record<string, unknown> | undefined {
	try {
		const value: unknown = JSON.parse(text);
		return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}
