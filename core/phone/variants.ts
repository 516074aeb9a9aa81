/**
 * National number variants: one person, two digit strings (issue 14). WhatsApp IDs (`wa_id`) keep
 * the form a number had when its account was registered, while numbering plans moved on:
 *
 * | country | WhatsApp / old form          | today's E.164 form            | rule (source)                                             |
 * |---------|------------------------------|-------------------------------|-----------------------------------------------------------|
 * | BR +55  | `55 DD XXXXXXXX` (12 digits) | `55 DD 9XXXXXXXX` (13 digits) | mobiles gained a leading 9 in 2012–2016; accounts made before keep the old wa_id (Anatel; peers.md §7: chatwoot#5840, nyaruka/courier#433). 8-digit subscribers starting 6–9 are mobiles, 2–5 landlines (never got the 9). |
 * | MX +52  | `52 1 XXXXXXXXXX` (13)       | `52 XXXXXXXXXX` (12)          | Mexico dropped the mobile "1" in August 2019 (IFT); WhatsApp wa_ids still carry it. libphonenumber-js treats the 1 as invalid (TOO_LONG). |
 * | AR +54  | `54 XX…` (no 9)              | `54 9 XX…` (mobile)           | the 9 marks a mobile dialled from abroad; numbers written without it parse as landlines, so neither form is rewritten — both are looked up (identityCandidates). |
 *
 * libphonenumber-js knows the current plans (what is valid today); this table knows the history.
 * `canonicalDigits` rewrites the unambiguous old forms (BR, MX) before parsing, so both forms
 * normalise to one E.164 number; `identityCandidates` lists every form to look a person up by.
 */

/**
 * A business-scoped user ID (BSUID): Meta's id for a WhatsApp username user, country + '.' + digits,
 * e.g. `BR.1502576394655843` (cloud-api.md §4, 2026). Webhooks may carry it without a phone number;
 * a contact whose number is unknown is keyed by it.
 */
export const BSUID = /^[A-Z]{2}\.[0-9A-Za-z]{4,64}$/;

export function isBsuid(value: unknown): value is string {
	return typeof value === 'string' && BSUID.test(value);
}

function digitsOf(value: string): string {
	return value.replace(/\D/g, '');
}

/** Brazilian area codes (DDD) are 11–99 without a zero digit. */
const BR_OLD_MOBILE = /^55([1-9]{2})([6-9]\d{7})$/;
const BR_MOBILE = /^55([1-9]{2})9([6-9]\d{7})$/;
const MX_OLD_MOBILE = /^521(\d{10})$/;
const MX_NUMBER = /^52(\d{10})$/;
/** Argentina: area code + subscriber make 10 digits; mobiles from abroad add 9 after 54. */
const AR_MOBILE = /^549(\d{10})$/;
const AR_NUMBER = /^54([1-8]\d{9})$/;

export interface VariantRewrite {
	/** Today's form (international digits, no '+'). */
	digits: string;
	/** Which rule rewrote it. */
	rule: 'BR 9th digit' | 'MX mobile 1';
}

/**
 * The current form of an old WhatsApp-style number (international digits), or undefined when the
 * digits are not such an old form: Brazil's 12-digit mobiles gain the 9, Mexico's 521… loses the 1.
 */
export function canonicalDigits(international: string): VariantRewrite | undefined {
	const d = digitsOf(international);
	const br = BR_OLD_MOBILE.exec(d);
	if (br) return { digits: `55${br[1]}9${br[2]}`, rule: 'BR 9th digit' };
	const mx = MX_OLD_MOBILE.exec(d);
	if (mx) return { digits: `52${mx[1]}`, rule: 'MX mobile 1' };
	return undefined;
}

/**
 * Every digit form one person may appear under, the given form first: BR with and without the 9,
 * MX with and without the 1, AR with and without the mobile 9. Other numbers: just themselves.
 */
export function identityCandidates(waId: string): string[] {
	const d = digitsOf(waId);
	const out = [d];
	const add = (v: string) => {
		if (!out.includes(v)) out.push(v);
	};
	let m: RegExpExecArray | null;
	if ((m = BR_MOBILE.exec(d))) add(`55${m[1]}${m[2]}`);
	else if ((m = BR_OLD_MOBILE.exec(d))) add(`55${m[1]}9${m[2]}`);
	else if ((m = MX_OLD_MOBILE.exec(d))) add(`52${m[1]}`);
	else if ((m = MX_NUMBER.exec(d))) add(`521${m[1]}`);
	else if ((m = AR_MOBILE.exec(d))) add(`54${m[1]}`);
	else if ((m = AR_NUMBER.exec(d))) add(`549${m[1]}`);
	return out;
}

/** True when two numbers (any format) can be the same person under the table above. */
export function samePerson(a: string, b: string): boolean {
	const da = digitsOf(a);
	const db = digitsOf(b);
	if (!da || !db) return false;
	return identityCandidates(da).includes(db);
}
