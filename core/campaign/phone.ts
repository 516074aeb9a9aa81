/**
 * Recipient phone → waId (E.164 digits without '+'). A narrow local adapter on libphonenumber-js
 * (core/phone's normalizePhone was not available when the engine was written).
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

export type RecipientPhone = { ok: true; waId: string; country?: string } | { ok: false; reason: string };

export function recipientWaId(input: unknown, defaultCountry?: string): RecipientPhone {
	if (input === undefined || input === null || String(input).trim() === '') return { ok: false, reason: 'no phone number' };
	let raw = String(input).trim();
	if (raw.startsWith('00')) raw = `+${raw.slice(2)}`;
	const digitsOnly = /^\d+$/.test(raw);
	// Digits-only input that already carries a country code (the waId form) is read as international.
	const candidates = digitsOnly ? [`+${raw}`, raw] : [raw];
	for (const c of candidates) {
		const parsed = c.startsWith('+')
			? parsePhoneNumberFromString(c)
			: defaultCountry
				? parsePhoneNumberFromString(c, defaultCountry.toUpperCase() as CountryCode)
				: undefined;
		if (parsed && parsed.isPossible()) return { ok: true, waId: parsed.number.slice(1), country: parsed.country };
	}
	return { ok: false, reason: `invalid phone number "${raw}"${defaultCountry ? '' : ' (no country code and no default country)'}` };
}
