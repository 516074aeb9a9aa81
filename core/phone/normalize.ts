/**
 * Phone numbers in any human format → E.164 / WhatsApp `wa_id` (digits only, with country code).
 *
 * Accepted: `+1 (541) 754-3010`, `0044 7911 123456` (leading 00 = international prefix), dots /
 * spaces / dashes / slashes / parentheses, national numbers with a default country (a bare
 * 10-digit Indian number with default IN → +91: the seed rule, peers.md §"Canonical phone
 * identity"), and the digits-only `wa_id` form (country code, no '+'), which Meta returns in
 * `contacts[].wa_id` and inbound webhooks (cloud-api.md).
 *
 * Runs per CSV row: no exceptions on the hot path, regexes compiled once per country (plan.ts).
 */
import { parsePhoneNumberFromString, validatePhoneNumberLength } from 'libphonenumber-js/core';
import type { CountryCode } from 'libphonenumber-js/core';
import { METADATA, countriesForCallingCode, planFor, resolve, resolveInternational, type CompiledPlan, type PhoneType, type Resolved } from './plan';
import { canonicalDigits, isBsuid, type VariantRewrite } from './variants';

export type { PhoneType } from './plan';

export type PhoneFailureCode =
	| 'EMPTY'
	| 'LETTERS'
	| 'INVALID_CHARACTERS'
	| 'TOO_SHORT'
	| 'TOO_LONG'
	| 'INVALID_COUNTRY_CODE'
	| 'INVALID_NUMBER'
	| 'NEEDS_DEFAULT_COUNTRY'
	| 'NOT_MOBILE'
	| 'UNKNOWN_DEFAULT_COUNTRY';

export interface PhoneOk {
	ok: true;
	/** `+<country code><national number>`. */
	e164: string;
	/** WhatsApp id: E.164 without '+'. */
	waId: string;
	/** ISO 3166 country (e.g. 'IN'); '001' for non-geographic numbers. */
	country: string;
	callingCode: string;
	nationalNumber: string;
	type: PhoneType;
	/** The input was an old WhatsApp-style form of this number (variants.ts), e.g. Brazil without the 9th digit. */
	variant?: { from: string; rule: VariantRewrite['rule'] };
}

export interface PhoneFailure {
	ok: false;
	code: PhoneFailureCode;
	/** Human-readable reason (names the country where it matters). */
	reason: string;
}

export type PhoneResult = PhoneOk | PhoneFailure;

export interface PhoneOptions {
	/** ISO country used for numbers written without a country code (e.g. 'IN'). */
	defaultCountry?: string;
	/** Refuse numbers that are not mobile (fixed_line_or_mobile is accepted: NANP numbers). */
	requireMobile?: boolean;
}

/** Types WhatsApp can plausibly be registered on when `requireMobile` is set. */
const MOBILE_TYPES: ReadonlySet<PhoneType> = new Set<PhoneType>(['mobile', 'fixed_line_or_mobile']);

/** E.164 allows at most 15 digits; national input may add a trunk prefix. */
const MAX_DIGITS = 17;
const MIN_DIGITS = 5;

function fail(code: PhoneFailureCode, reason: string): PhoneFailure {
	return { ok: false, code, reason };
}

const countryNames = (() => {
	try {
		return new Intl.DisplayNames(['en'], { type: 'region' });
	} catch {
		return undefined;
	}
})();

/** 'IN' → 'India (IN)'. */
export function describeCountry(country: string): string {
	let name: string | undefined;
	try {
		name = country === '001' ? 'non-geographic numbers' : countryNames?.of(country);
	} catch {
		name = undefined;
	}
	return name && name !== country ? `${name} (${country})` : country;
}

interface Cleaned {
	digits: string;
	plus: boolean;
}

/**
 * Strips formatting in one pass. Returns a failure for letters / stray characters. Unicode
 * digits (Arabic-Indic, Persian, full-width) count as digits.
 */
function clean(s: string): Cleaned | PhoneFailure {
	let digits = '';
	let plus = false;
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (c >= 48 && c <= 57) {
			digits += s[i];
			continue;
		}
		// space, tab, . - ( ) / and no-break / thin spaces, hyphen and dash variants
		if (c === 32 || c === 9 || c === 46 || c === 45 || c === 40 || c === 41 || c === 47 || c === 0xa0 || c === 0x2009 || c === 0x202f || (c >= 0x2010 && c <= 0x2015)) continue;
		if (c === 43 || c === 0xff0b) {
			if (digits.length === 0 && !plus) {
				plus = true;
				continue;
			}
			return fail('INVALID_CHARACTERS', `contains '+' in the middle of the number`);
		}
		const uni = c >= 0x660 && c <= 0x669 ? c - 0x660 : c >= 0x6f0 && c <= 0x6f9 ? c - 0x6f0 : c >= 0xff10 && c <= 0xff19 ? c - 0xff10 : -1;
		if (uni >= 0) {
			digits += String(uni);
			continue;
		}
		if (/\p{L}/u.test(s[i])) return fail('LETTERS', `contains letters (${JSON.stringify(s.length > 40 ? s.slice(0, 40) + '…' : s)})`);
		return fail('INVALID_CHARACTERS', `contains the character ${JSON.stringify(s[i])}, which is not part of a phone number`);
	}
	return { digits, plus };
}

function ok(r: Resolved): PhoneOk {
	const waId = r.callingCode + r.nationalNumber;
	return { ok: true, e164: '+' + waId, waId, country: r.country, callingCode: r.callingCode, nationalNumber: r.nationalNumber, type: r.type };
}

/** Slow path: libphonenumber-js itself (national prefix transforms, IDD prefixes, non-geographic). */
function viaLibrary(text: string, defaultCountry: string | undefined): PhoneOk | undefined {
	const parsed = parsePhoneNumberFromString(text, (defaultCountry as CountryCode) || undefined, METADATA);
	if (!parsed || !parsed.isValid()) return undefined;
	const type = parsed.getType();
	return {
		ok: true,
		e164: parsed.number,
		waId: parsed.number.slice(1),
		country: parsed.country ?? (parsed.isNonGeographic() ? '001' : (countriesForCallingCode(parsed.countryCallingCode)?.[0] ?? '')),
		callingCode: parsed.countryCallingCode,
		nationalNumber: parsed.nationalNumber,
		type: type ? (type.toLowerCase() as PhoneType) : 'unknown',
	};
}

/** Why a number failed, in libphonenumber's terms where it has them. */
function explain(text: string, defaultCountry: string | undefined, digits: string): PhoneFailure {
	const length = validatePhoneNumberLength(text, (defaultCountry as CountryCode) || undefined, METADATA);
	const parsed = parsePhoneNumberFromString(text, (defaultCountry as CountryCode) || undefined, METADATA);
	const country = parsed?.country ?? (parsed ? countriesForCallingCode(parsed.countryCallingCode)?.[0] : undefined) ?? defaultCountry;
	const where = country ? ` for ${describeCountry(country)}` : '';
	switch (length) {
		case 'TOO_SHORT':
			return fail('TOO_SHORT', `too short${where} (${digits.length} digits)`);
		case 'TOO_LONG':
			return fail('TOO_LONG', `too long${where} (${digits.length} digits)`);
		case 'INVALID_COUNTRY':
			return fail('INVALID_COUNTRY_CODE', `invalid country code (no country uses +${digits.slice(0, 3)}…)`);
		case 'INVALID_LENGTH':
			return fail('INVALID_NUMBER', `not a valid number${where} (no number there has ${parsed?.nationalNumber.length ?? digits.length} digits)`);
		default:
			return fail('INVALID_NUMBER', `not a valid number${where}`);
	}
}

function mobileCheck(result: PhoneOk, requireMobile: boolean | undefined): PhoneResult {
	if (requireMobile && !MOBILE_TYPES.has(result.type)) {
		return fail('NOT_MOBILE', `not a mobile number (${result.type.replace(/_/g, ' ')} in ${describeCountry(result.country)})`);
	}
	return result;
}

/**
 * Normalises one phone number. `options` may be just the default country ('IN').
 * Never throws for bad input: the failure names the reason.
 */
export function normalizePhone(input: unknown, options?: string | PhoneOptions): PhoneResult {
	const variant: { of?: VariantRewrite; from?: string } = {};
	const r = normalizeOnce(input, options, variant);
	return r.ok && variant.of ? { ...r, variant: { from: variant.from as string, rule: variant.of.rule } } : r;
}

function normalizeOnce(input: unknown, options: string | PhoneOptions | undefined, variant: { of?: VariantRewrite; from?: string }): PhoneResult {
	const opts: PhoneOptions = typeof options === 'string' ? { defaultCountry: options } : (options ?? {});
	let defaultCountry = opts.defaultCountry ? opts.defaultCountry.trim().toUpperCase() : undefined;
	if (defaultCountry === '') defaultCountry = undefined;
	let plan: CompiledPlan | undefined;
	if (defaultCountry) {
		plan = planFor(defaultCountry);
		if (!plan) {
			return fail('UNKNOWN_DEFAULT_COUNTRY', `unknown default country ${JSON.stringify(defaultCountry)} (use a two-letter ISO code such as IN or US)`);
		}
	}

	const text = typeof input === 'string' ? input.trim() : typeof input === 'number' ? (Number.isFinite(input) ? String(input) : '') : input == null ? '' : String(input).trim();
	if (text === '') return fail('EMPTY', 'empty');
	const cleaned = clean(text);
	if ('ok' in cleaned) return cleaned;
	let { digits, plus } = cleaned;
	// Leading 00 is the international call prefix in most of the world (ITU-T E.164 §5.1 "00"):
	// `0044 7911 123456` = +44 7911 123456.
	if (!plus && digits.length > 2 && digits.charCodeAt(0) === 48 && digits.charCodeAt(1) === 48) {
		digits = digits.slice(2);
		plus = true;
	}
	if (digits.length === 0) return fail('EMPTY', 'no digits');
	// Old WhatsApp-style forms (variants.ts: Brazil without the 9th digit, Mexico with the mobile 1)
	// → today's number. Only international digits (with '+', or 12+ digits: longer than any
	// national number of those countries), so a national number is never mistaken for one.
	if (plus || digits.length >= 12) {
		const rewrite = canonicalDigits(digits);
		if (rewrite) {
			variant.of = rewrite;
			variant.from = digits;
			digits = rewrite.digits;
			plus = true;
		}
	}
	if (digits.length < MIN_DIGITS) return fail('TOO_SHORT', `too short (${digits.length} digits)`);
	if (digits.length > MAX_DIGITS) return fail('TOO_LONG', `too long (${digits.length} digits; E.164 allows at most 15)`);

	if (plus) {
		const fast = resolveInternational(digits, plan);
		if (fast) return mobileCheck(ok(fast), opts.requireMobile);
		// The library only adds something for a national prefix written after the country code
		// (`+44 (0)20…`) and for non-geographic codes (+800…); otherwise explain without it.
		const split = splitCallingCode(digits);
		if (!split || !split.plan || (split.plan.nationalPrefix && split.nn.startsWith(split.plan.nationalPrefix))) {
			const slow = viaLibrary('+' + digits, undefined);
			if (slow) return mobileCheck(slow, opts.requireMobile);
			if (!split) return fail('INVALID_COUNTRY_CODE', `invalid country code (no country uses +${digits.slice(0, 3)}…)`);
			if (!split.plan) return explain('+' + digits, undefined, digits);
		}
		return explainFast(split.plan, split.nn, digits);
	}

	if (plan) {
		// National form for the default country (with or without its trunk prefix).
		let nn = digits;
		let fast = resolve(plan.callingCode, nn, plan);
		if (!fast && plan.nationalPrefix && digits.startsWith(plan.nationalPrefix)) {
			nn = digits.slice(plan.nationalPrefix.length);
			fast = resolve(plan.callingCode, nn, plan);
		}
		if (fast) return mobileCheck(ok(fast), opts.requireMobile);
		// Carrier codes / transform rules (AR, BR, MX…) and international call prefixes other than 00
		// (US 011, AU 0011…, which start with 0) are the library's job.
		if (plan.complexNationalPrefix || digits.charCodeAt(0) === 48) {
			const slow = viaLibrary(digits, defaultCountry);
			if (slow) return mobileCheck(slow, opts.requireMobile);
		}
		// The digits-only wa_id form: country code included, no '+'.
		if (digits.charCodeAt(0) !== 48) {
			const intl = resolveInternational(digits);
			if (intl) return mobileCheck(ok(intl), opts.requireMobile);
		}
		return explainFast(plan, nn, digits);
	}

	// No '+', no 00, no default country: only the wa_id form can be read.
	if (digits.charCodeAt(0) !== 48) {
		const intl = resolveInternational(digits);
		if (intl) return mobileCheck(ok(intl), opts.requireMobile);
	}
	return fail(
		'NEEDS_DEFAULT_COUNTRY',
		`needs a default country: ${JSON.stringify(text)} has no country code ('+' or 00) and is not a valid international number`,
	);
}

function splitCallingCode(digits: string): { cc: string; nn: string; plan: CompiledPlan | undefined } | undefined {
	for (let len = 1; len <= 3 && len < digits.length; len++) {
		const cc = digits.slice(0, len);
		const countries = countriesForCallingCode(cc);
		if (countries) return { cc, nn: digits.slice(len), plan: planFor(countries[0]) };
	}
	return undefined;
}

/** Why a national significant number is not valid in a plan, from the plan's possible lengths. */
function explainFast(plan: CompiledPlan, nn: string, digits: string): PhoneFailure {
	const where = ` for ${describeCountry(plan.country)}`;
	const lengths = plan.lengths;
	if (lengths.length > 0) {
		if (nn.length < lengths[0]) return fail('TOO_SHORT', `too short${where} (${digits.length} digits)`);
		if (nn.length > lengths[lengths.length - 1]) return fail('TOO_LONG', `too long${where} (${digits.length} digits)`);
		if (lengths.indexOf(nn.length) < 0) return fail('INVALID_NUMBER', `not a valid number${where} (no number there has ${nn.length} digits)`);
	}
	return fail('INVALID_NUMBER', `not a valid number${where}`);
}

/** The waId of a valid number, or undefined. */
export function toWaId(input: unknown, options?: string | PhoneOptions): string | undefined {
	const r = normalizePhone(input, options);
	return r.ok ? r.waId : undefined;
}

/** A contact's key as the store keeps it: the number's wa_id, or a username user's BSUID as it is. */
export type ContactKey = { ok: true; waId: string; country: string; bsuid: boolean } | PhoneFailure;

/**
 * The key of a contact written as a phone number in any format (→ wa_id, normalizePhone with
 * `options`) or as a business-scoped user ID (BSUID, e.g. `BR.1502576394655843`; Meta's usernames),
 * which is used as it is.
 */
export function contactKey(input: unknown, options?: string | PhoneOptions): ContactKey {
	const trimmed = typeof input === 'string' ? input.trim() : input;
	if (isBsuid(trimmed)) return { ok: true, waId: trimmed, country: '', bsuid: true };
	const r = normalizePhone(input, options);
	return r.ok ? { ok: true, waId: r.waId, country: r.country, bsuid: false } : r;
}
