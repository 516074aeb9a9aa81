/**
 * Column auto-matching for contact files: headers are compared case-, space-, underscore- and
 * punctuation-insensitively against known names ("Mobile Number" = "mobile_number" = "MobileNumber").
 * User overrides win; anything not mapped stays a custom attribute ("map some or keep all").
 */
import { CsvFileError } from './errors';

export type ContactField = 'phone' | 'name' | 'firstName' | 'lastName' | 'tags' | 'source' | 'country' | 'optOut';

export const CONTACT_FIELDS: readonly ContactField[] = ['phone', 'name', 'firstName', 'lastName', 'tags', 'source', 'country', 'optOut'];

/** Known header names per field, best first. */
const SYNONYMS: Record<ContactField, string[]> = {
	phone: [
		'phone', 'phonenumber', 'phoneno', 'whatsapp', 'whatsappnumber', 'whatsappno', 'waid', 'wanumber', 'mobile', 'mobilenumber',
		'mobileno', 'mobilephone', 'cell', 'cellphone', 'cellnumber', 'contactnumber', 'number', 'msisdn', 'telephone', 'tel',
	],
	name: ['name', 'fullname', 'contactname', 'customername', 'displayname'],
	firstName: ['firstname', 'givenname', 'first', 'fname'],
	lastName: ['lastname', 'surname', 'familyname', 'last', 'lname'],
	tags: ['tags', 'tag', 'labels', 'label', 'groups', 'segments', 'lists'],
	source: ['source', 'leadsource', 'origin', 'channel'],
	country: ['country', 'countrycode', 'iso', 'region'],
	// A Contacts Export's optedOut, a CRM's unsubscribed / opted_out / do_not_contact (mapping.ts reads the values).
	optOut: ['optedout', 'optout', 'unsubscribed', 'donotcontact', 'dnc'],
};

/** "Mobile Number" → "mobilenumber". */
export function headerKey(header: string): string {
	return header.toLowerCase().replace(/[\s_\-.:/#()]+/g, '');
}

/** The contact field a header names by itself ("Mobile Number" → phone, "Full Name" → name), if any. */
export function fieldOfHeader(header: string): ContactField | undefined {
	const key = headerKey(header);
	return CONTACT_FIELDS.find((field) => SYNONYMS[field].includes(key));
}

/**
 * A file's header row as unique column names: blanks get `blankName(index)` (CSV "column 3",
 * XLSX "column C"), repeats (case-insensitive) get " (2)", " (3)"… so every column keeps its values.
 */
export function uniqueHeaders(raw: string[], blankName: (index: number) => string = (i) => `column ${i + 1}`): string[] {
	const seen = new Map<string, number>();
	return raw.map((h, i) => {
		let name = h.trim() || blankName(i);
		const key = name.toLowerCase();
		const n = (seen.get(key) ?? 0) + 1;
		seen.set(key, n);
		if (n > 1) name = `${name} (${n})`;
		return name;
	});
}

export type HeaderOverrides = Partial<Record<ContactField, string>>;

export interface HeaderMapping {
	/** Field → the header it reads from. */
	fields: Partial<Record<ContactField, string>>;
	/** Headers not mapped to a field (custom attributes when kept). */
	others: string[];
}

/**
 * Maps headers to contact fields. An override naming a header that does not exist is an error
 * listing the headers found; so is a file without a phone column.
 */
export function matchHeaders(headers: string[], overrides: HeaderOverrides = {}): HeaderMapping {
	const byKey = new Map<string, string>();
	for (const h of headers) if (!byKey.has(headerKey(h))) byKey.set(headerKey(h), h);
	const fields: Partial<Record<ContactField, string>> = {};
	const used = new Set<string>();
	for (const field of CONTACT_FIELDS) {
		const wanted = overrides[field]?.trim();
		if (!wanted) continue;
		const header = headers.includes(wanted) ? wanted : byKey.get(headerKey(wanted));
		if (!header) {
			throw new CsvFileError(`Column "${wanted}" (chosen for ${field}) is not in the file; columns found: ${headers.map((h) => JSON.stringify(h)).join(', ')}`);
		}
		fields[field] = header;
		used.add(header);
	}
	for (const field of CONTACT_FIELDS) {
		if (fields[field]) continue;
		for (const synonym of SYNONYMS[field]) {
			const header = byKey.get(synonym);
			if (header && !used.has(header)) {
				fields[field] = header;
				used.add(header);
				break;
			}
		}
	}
	if (!fields.phone) {
		throw new CsvFileError(
			`No phone column found. Columns found: ${headers.map((h) => JSON.stringify(h)).join(', ')}. Name one "Phone", "Mobile Number" or "WhatsApp", or choose the phone column in the node's mapping`,
		);
	}
	return { fields, others: headers.filter((h) => !used.has(h)) };
}
