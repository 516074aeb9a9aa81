/** Countries for a searchable "default country" list: ISO code, English name, calling code. */
import { getCountries, getCountryCallingCode } from 'libphonenumber-js/core';
import { METADATA } from './plan';

export interface CountryOption {
	code: string;
	name: string;
	callingCode: string;
}

let cached: CountryOption[] | undefined;

export function countryOptions(): CountryOption[] {
	if (cached) return cached;
	let names: Intl.DisplayNames | undefined;
	try {
		names = new Intl.DisplayNames(['en'], { type: 'region' });
	} catch {
		names = undefined;
	}
	cached = getCountries(METADATA)
		.map((code) => {
			let name: string = code;
			try {
				name = names?.of(code) ?? code;
			} catch {
				name = code;
			}
			return { code, name, callingCode: getCountryCallingCode(code, METADATA) };
		})
		.sort((a, b) => a.name.localeCompare(b.name));
	return cached;
}

/** Case-insensitive search on name, ISO code or calling code ('ind', 'IN', '+91', '91'). */
export function searchCountries(filter: string | undefined): CountryOption[] {
	const all = countryOptions();
	const f = (filter ?? '').trim().toLowerCase().replace(/^\+/, '');
	if (!f) return all;
	return all.filter((c) => c.name.toLowerCase().includes(f) || c.code.toLowerCase() === f || c.callingCode === f);
}
