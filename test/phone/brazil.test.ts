import { brazilCanonical, brazilVariants, normalizePhone, samePerson } from '../../core/phone';

describe('Brazil 9th digit', () => {
	test('a 13-digit mobile waId has the 12-digit variant', () => {
		expect(brazilVariants('5511987654321')).toEqual(['5511987654321', '551187654321']);
	});

	test('a 12-digit mobile waId (old form) has the 13-digit variant', () => {
		expect(brazilVariants('551187654321')).toEqual(['551187654321', '5511987654321']);
	});

	test('landlines (subscriber starting 2–5) and other countries have no variant', () => {
		expect(brazilVariants('551132654321')).toEqual(['551132654321']);
		expect(brazilVariants('919876543210')).toEqual(['919876543210']);
		expect(brazilVariants('5501987654321')).toEqual(['5501987654321']); // area 01 does not exist
	});

	test('samePerson matches with and without the 9, with or without +', () => {
		expect(samePerson('+55 11 98765-4321', '551187654321')).toBe(true);
		expect(samePerson('551187654321', '5511987654321')).toBe(true);
		expect(samePerson('5511987654321', '5511987654321')).toBe(true);
		expect(samePerson('5511987654321', '5521987654321')).toBe(false); // other area code
		expect(samePerson('5511987654321', '551187654322')).toBe(false);
		expect(samePerson('', '')).toBe(false);
	});

	test('canonical form is the 13-digit one', () => {
		expect(brazilCanonical('551187654321')).toBe('5511987654321');
		expect(brazilCanonical('5511987654321')).toBe('5511987654321');
		expect(brazilCanonical('15417543010')).toBe('15417543010');
	});

	test('normalizePhone accepts the 9-digit mobile and the variant maps the old wa_id to it', () => {
		const r = normalizePhone('+55 11 98765-4321');
		expect(r.ok && r.type).toBe('mobile');
		expect(r.ok && brazilVariants(r.waId)).toContain('551187654321');
	});
});
