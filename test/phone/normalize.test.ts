import parseMax from 'libphonenumber-js/max';
import { normalizePhone, toWaId, type PhoneResult } from '../../core/phone';

function okOf(r: PhoneResult) {
	if (!r.ok) throw new Error(`expected a valid number, got: ${r.reason}`);
	return r;
}

function failOf(r: PhoneResult) {
	if (r.ok) throw new Error(`expected a failure, got ${r.e164}`);
	return r;
}

describe('normalizePhone: accepted formats', () => {
	const valid: Array<[string, string | undefined, string, string]> = [
		// input, default country, expected E.164, expected country
		['9876543210', 'IN', '+919876543210', 'IN'], // seed rule: bare 10-digit IN
		['98765 43210', 'IN', '+919876543210', 'IN'],
		['98765-43210', 'in', '+919876543210', 'IN'], // lower-case default country
		['09876543210', 'IN', '+919876543210', 'IN'], // trunk prefix 0
		['+91 98765 43210', undefined, '+919876543210', 'IN'],
		['919876543210', 'IN', '+919876543210', 'IN'], // wa_id form with a default country
		['919876543210', undefined, '+919876543210', 'IN'], // wa_id form without one
		['+1 (541) 754-3010', undefined, '+15417543010', 'US'],
		['+1 (541) 754-3010', 'IN', '+15417543010', 'US'], // '+' wins over the default country
		['541.754.3010', 'US', '+15417543010', 'US'], // dots
		['541 754 3010', 'US', '+15417543010', 'US'], // spaces
		['1-541-754-3010', 'US', '+15417543010', 'US'], // NANP trunk 1 with dashes
		['15417543010', undefined, '+15417543010', 'US'], // wa_id
		['0044 7400 123456', undefined, '+447400123456', 'GB'], // leading 00 = international prefix
		['0044 7400 123456', 'IN', '+447400123456', 'GB'],
		['00447400123456', 'US', '+447400123456', 'GB'],
		['07400 123456', 'GB', '+447400123456', 'GB'],
		['+44 (0) 7400 123456', undefined, '+447400123456', 'GB'], // (0) after the country code
		['011 44 7400 123456', 'US', '+447400123456', 'GB'], // US international prefix 011
		['+44.7400.123.456', undefined, '+447400123456', 'GB'],
		['+44/7400/123456', undefined, '+447400123456', 'GB'],
		['  +91\t98765 43210  ', undefined, '+919876543210', 'IN'], // surrounding whitespace, tab
		['+1 613 555 0123', undefined, '+16135550123', 'CA'], // shared calling code → Canada
		['+1 441 299 1234', undefined, '+14412991234', 'BM'], // shared calling code → Bermuda
		['+55 11 98765-4321', undefined, '+5511987654321', 'BR'],
		['(11) 98765-4321', 'BR', '+5511987654321', 'BR'],
		['+49 1512 3456789', undefined, '+4915123456789', 'DE'],
		['+234 803 123 4567', undefined, '+2348031234567', 'NG'],
		['+٩١ ٩٨٧٦٥ ٤٣٢١٠', undefined, '+919876543210', 'IN'], // Arabic-Indic digits
		['+800 1234 5678', undefined, '+80012345678', '001'], // non-geographic (library path)
	];
	test.each(valid)('%s (default %s) → %s', (input, country, e164, expectedCountry) => {
		const r = okOf(normalizePhone(input, country));
		expect(r.e164).toBe(e164);
		expect(r.waId).toBe(e164.slice(1));
		expect(r.country).toBe(expectedCountry);
	});

	test('a number input (spreadsheet cell) is read as digits', () => {
		expect(okOf(normalizePhone(9876543210, 'IN')).waId).toBe('919876543210');
	});

	test('options object form and toWaId', () => {
		expect(okOf(normalizePhone('9876543210', { defaultCountry: 'IN', requireMobile: true })).type).toBe('mobile');
		expect(toWaId('+1 (541) 754-3010')).toBe('15417543010');
		expect(toWaId('nope')).toBeUndefined();
	});
});

describe('normalizePhone: number types (max metadata)', () => {
	test.each([
		['+919876543210', 'mobile'],
		['+447400123456', 'mobile'],
		['+442079460958', 'fixed_line'],
		['+15417543010', 'fixed_line_or_mobile'],
		['+78005553535', 'toll_free'],
		['+4930123456', 'fixed_line'],
	])('%s is %s', (input, type) => {
		expect(okOf(normalizePhone(input)).type).toBe(type);
	});
});

describe('normalizePhone: rejected input names the reason', () => {
	test.each([
		['', 'IN', 'EMPTY', /empty/],
		['   ', 'IN', 'EMPTY', /empty/],
		[null, 'IN', 'EMPTY', /empty/],
		[undefined, undefined, 'EMPTY', /empty/],
		['()-', 'IN', 'EMPTY', /no digits/],
		['abc', 'IN', 'LETTERS', /letters/],
		['98765 4321O', 'IN', 'LETTERS', /letters/], // letter O for zero
		['call 9876543210', 'IN', 'LETTERS', /letters/],
		['98765#43210', 'IN', 'INVALID_CHARACTERS', /"#"/],
		['9876+543210', 'IN', 'INVALID_CHARACTERS', /'\+' in the middle/],
		['123', 'IN', 'TOO_SHORT', /too short/],
		['98765', 'IN', 'TOO_SHORT', /too short for India \(IN\)/],
		['+91 98765', undefined, 'TOO_SHORT', /too short for India/],
		['+91 98765 43210 99999', undefined, 'TOO_LONG', /too long/],
		['98765432101234', 'IN', 'TOO_LONG', /too long for India/],
		['123456789012345678', 'IN', 'TOO_LONG', /at most 15/],
		['+999 123 4567', undefined, 'INVALID_COUNTRY_CODE', /invalid country code/],
		['00999 123 4567', 'IN', 'INVALID_COUNTRY_CODE', /invalid country code/],
		['5555555555', 'IN', 'INVALID_NUMBER', /not a valid number for India \(IN\)/],
		['+1 (123) 456-7890', undefined, 'INVALID_NUMBER', /not a valid number for United States/],
		['07400 123456', undefined, 'NEEDS_DEFAULT_COUNTRY', /needs a default country/],
		['0987654321', undefined, 'NEEDS_DEFAULT_COUNTRY', /needs a default country/],
		['9876543210', 'XX', 'UNKNOWN_DEFAULT_COUNTRY', /unknown default country "XX"/],
	])('%j (default %s) → %s', (input, country, code, reason) => {
		const r = failOf(normalizePhone(input, country));
		expect(r.code).toBe(code);
		expect(r.reason).toMatch(reason);
	});

	test('a landline fails when a mobile is required, passes otherwise', () => {
		const landline = '+44 20 7946 0958';
		expect(okOf(normalizePhone(landline)).type).toBe('fixed_line');
		const r = failOf(normalizePhone(landline, { requireMobile: true }));
		expect(r.code).toBe('NOT_MOBILE');
		expect(r.reason).toMatch(/not a mobile number \(fixed line in United Kingdom \(GB\)\)/);
	});

	test('an Indian landline with default IN fails when a mobile is required', () => {
		const r = failOf(normalizePhone('011 2345 6789', { defaultCountry: 'IN', requireMobile: true }));
		expect(r.code).toBe('NOT_MOBILE');
		expect(okOf(normalizePhone('011 2345 6789', 'IN')).waId).toBe('911123456789');
	});

	test('toll-free fails when a mobile is required; NANP fixed_line_or_mobile passes', () => {
		expect(failOf(normalizePhone('+7 800 555 35 35', { requireMobile: true })).code).toBe('NOT_MOBILE');
		expect(okOf(normalizePhone('+1 (541) 754-3010', { requireMobile: true })).type).toBe('fixed_line_or_mobile');
	});

	test('never throws on odd input types', () => {
		expect(failOf(normalizePhone({}, 'IN')).ok).toBe(false);
		expect(failOf(normalizePhone(Number.NaN, 'IN')).code).toBe('EMPTY');
	});
});

describe('normalizePhone agrees with libphonenumber-js (max) on generated numbers', () => {
	// Deterministic LCG so the sample is the same on every run.
	let seed = 12345;
	const rnd = (n: number) => {
		seed = (seed * 1103515245 + 12345) % 2147483648;
		return seed % n;
	};
	const prefixes = ['1', '7', '20', '27', '33', '34', '39', '44', '49', '52', '54', '55', '61', '62', '63', '81', '86', '91', '92', '234', '254', '351', '880', '971'];
	const sample: string[] = [];
	for (let i = 0; i < 3000; i++) {
		const cc = prefixes[rnd(prefixes.length)];
		let nn = '';
		const len = 6 + rnd(7);
		for (let j = 0; j < len; j++) nn += String(rnd(10));
		sample.push('+' + cc + nn);
	}

	test('same validity, E.164, country and type', () => {
		let valid = 0;
		for (const input of sample) {
			const mine = normalizePhone(input);
			const lib = parseMax(input);
			const libValid = Boolean(lib && lib.isValid());
			expect({ input, ok: mine.ok }).toEqual({ input, ok: libValid });
			if (mine.ok && lib) {
				valid++;
				expect({ input, e164: mine.e164, country: mine.country, type: mine.type }).toEqual({
					input,
					e164: lib.number,
					country: lib.country,
					type: lib.getType()?.toLowerCase(),
				});
			}
		}
		expect(valid).toBeGreaterThan(100);
	});

	test('national input with a default country matches the library', () => {
		for (const country of ['IN', 'US', 'GB', 'BR', 'MX', 'AR', 'DE']) {
			for (let i = 0; i < 300; i++) {
				let nn = String(1 + rnd(9));
				const len = 7 + rnd(5);
				for (let j = 1; j < len; j++) nn += String(rnd(10));
				const mine = normalizePhone(nn, country);
				const lib = parseMax(nn, country as never);
				const libValid = Boolean(lib && lib.isValid());
				if (libValid && lib) {
					expect({ nn, country, e164: mine.ok ? mine.e164 : mine.reason }).toEqual({ nn, country, e164: lib.number });
				} else if (mine.ok) {
					// Only the wa_id form (country code included) may be accepted where the library says no.
					expect({ nn, country, waIdForm: nn === mine.waId }).toEqual({ nn, country, waIdForm: true });
				}
			}
		}
	});
});
