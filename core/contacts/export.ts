/**
 * Contacts → CSV text, streamed (RFC 4180 quoting; tags joined with '|', attributes as JSON so a
 * re-import keeps them). Never holds more than one chunk of rows.
 */
import type { Contact } from '../store/types';

export const EXPORT_COLUMNS = [
	'waId', 'phone', 'name', 'firstName', 'lastName', 'country', 'tags', 'source', 'optedOut', 'optOutAt', 'optOutSource',
	'optInAt', 'optInSource', 'createdAt', 'updatedAt', 'lastActiveAt', 'attributes',
] as const;

export function csvField(value: unknown): string {
	if (value === undefined || value === null) return '';
	const s = typeof value === 'string' ? value : String(value);
	return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

function iso(t: number | undefined): string {
	return t === undefined || t === null ? '' : new Date(t).toISOString();
}

export function contactCsvRow(c: Contact): string {
	return [
		c.waId, '+' + c.waId, c.name, c.firstName, c.lastName, c.country, c.tags.join('|'), c.source, c.optedOut ? 'true' : 'false',
		iso(c.optOutAt), c.optOutSource, iso(c.optInAt), c.optInSource, iso(c.createdAt), iso(c.updatedAt), iso(c.lastActiveAt),
		Object.keys(c.attributes ?? {}).length > 0 ? JSON.stringify(c.attributes) : '',
	]
		.map(csvField)
		.join(',');
}

/** CSV chunks (header first), ~64 KB each. `counter.rows` counts the contacts written. */
export async function* contactsToCsv(contacts: AsyncIterable<Contact>, counter: { rows: number } = { rows: 0 }): AsyncGenerator<string> {
	let chunk = EXPORT_COLUMNS.join(',') + '\n';
	for await (const c of contacts) {
		chunk += contactCsvRow(c) + '\n';
		counter.rows++;
		if (chunk.length >= 65536) {
			yield chunk;
			chunk = '';
		}
	}
	if (chunk) yield chunk;
}
