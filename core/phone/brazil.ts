/**
 * Brazil's 9th digit (peers.md §7: chatwoot#5840, nyaruka/courier#433): since 2012–2016 Brazilian
 * mobile numbers gained a leading 9 (`55 DD 9XXXXXXXX`), but WhatsApp accounts registered before
 * still report a `wa_id` without it (`55 DD XXXXXXXX`) — one person, two ids. These helpers let the
 * store and the importer match both forms.
 */

function digitsOf(value: string): string {
	return value.replace(/\D/g, '');
}

/** Area code (DDD) 11–99, no zero digit. */
function validArea(area: string): boolean {
	return /^[1-9][1-9]$/.test(area);
}

/**
 * Both forms of a Brazilian mobile waId (the given form first); any other number → just itself.
 *  - `55 DD 9XXXXXXXX` (13 digits) ↔ `55 DD XXXXXXXX` (12 digits)
 *  - 8-digit subscriber numbers starting 6–9 are mobiles (2–5 are landlines, which never got the 9).
 */
export function brazilVariants(waId: string): string[] {
	const d = digitsOf(waId);
	if (!d.startsWith('55')) return [d];
	const area = d.slice(2, 4);
	if (!validArea(area)) return [d];
	const subscriber = d.slice(4);
	if (subscriber.length === 9 && subscriber[0] === '9' && subscriber[1] >= '6') {
		return [d, '55' + area + subscriber.slice(1)];
	}
	if (subscriber.length === 8 && subscriber[0] >= '6') {
		return [d, '55' + area + '9' + subscriber];
	}
	return [d];
}

/** True when two waIds (or E.164 numbers) are the same person, allowing for Brazil's 9th digit. */
export function samePerson(a: string, b: string): boolean {
	const da = digitsOf(a);
	const db = digitsOf(b);
	if (da === db) return da.length > 0;
	return brazilVariants(da).includes(db);
}

/** The 13-digit (with 9) form of a Brazilian mobile waId; other numbers unchanged. */
export function brazilCanonical(waId: string): string {
	const variants = brazilVariants(waId);
	return variants.find((v) => v.length === 13) ?? variants[0];
}
