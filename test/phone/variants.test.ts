/**
 * National number variants (core/phone/variants.ts): the old WhatsApp forms of Brazil (no 9th
 * digit) and Mexico (mobile 1) normalise to today's number; Argentina's two forms are both looked up.
 */
import { canonicalDigits, identityCandidates, normalizePhone, samePerson } from '../../core/phone';

describe('normalizePhone: old WhatsApp forms → today’s number', () => {
	test.each([
		['551187654321', '5511987654321', 'BR 9th digit'],
		['+55 11 8765-4321', '5511987654321', 'BR 9th digit'],
		['5215512345678', '525512345678', 'MX mobile 1'],
		['+52 1 55 1234 5678', '525512345678', 'MX mobile 1'],
	])('%s → %s (%s)', (input, waId, rule) => {
		const r = normalizePhone(input);
		expect(r).toMatchObject({ ok: true, waId, variant: { rule } });
	});

	test('today’s forms are unchanged and carry no variant', () => {
		for (const x of ['+55 11 98765-4321', '525512345678', '+54 9 11 1234-5678', '+54 11 1234-5678', '551133334444']) {
			const r = normalizePhone(x);
			expect(r.ok).toBe(true);
			expect(r.ok && r.variant).toBeUndefined();
		}
	});

	test('a Brazilian landline (subscriber 2–5) never gains a 9; a national number is never read as an old form', () => {
		expect(normalizePhone('551133334444')).toMatchObject({ ok: true, waId: '551133334444', type: 'fixed_line' });
		expect(canonicalDigits('551133334444')).toBeUndefined();
		// 11 digits with default country BR: the national mobile form, not an international one
		expect(normalizePhone('11987654321', 'BR')).toMatchObject({ ok: true, waId: '5511987654321' });
	});
});

describe('identityCandidates / samePerson', () => {
	test('BR, MX and AR both ways', () => {
		expect(identityCandidates('5511987654321')).toEqual(['5511987654321', '551187654321']);
		expect(identityCandidates('551187654321')).toEqual(['551187654321', '5511987654321']);
		expect(identityCandidates('525512345678')).toEqual(['525512345678', '5215512345678']);
		expect(identityCandidates('5215512345678')).toEqual(['5215512345678', '525512345678']);
		expect(identityCandidates('5491112345678')).toEqual(['5491112345678', '541112345678']);
		expect(identityCandidates('541112345678')).toEqual(['541112345678', '5491112345678']);
		expect(identityCandidates('919876543210')).toEqual(['919876543210']);
	});

	test('samePerson', () => {
		expect(samePerson('+55 11 98765-4321', '551187654321')).toBe(true);
		expect(samePerson('+52 1 55 1234 5678', '525512345678')).toBe(true);
		expect(samePerson('+54 9 11 1234-5678', '541112345678')).toBe(true);
		expect(samePerson('5511987654321', '5521987654321')).toBe(false);
		expect(samePerson('', '')).toBe(false);
	});
});
