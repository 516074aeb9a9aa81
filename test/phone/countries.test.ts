import { countryOptions, searchCountries } from '../../core/phone';

test('country list has names and calling codes, searchable by name, code or calling code', () => {
	const all = countryOptions();
	expect(all.length).toBeGreaterThan(200);
	expect(all.find((c) => c.code === 'IN')).toEqual({ code: 'IN', name: 'India', callingCode: '91' });
	expect(searchCountries('indi').map((c) => c.code)).toContain('IN');
	expect(searchCountries('+91').map((c) => c.code)).toEqual(['IN']);
	expect(searchCountries('br').map((c) => c.code)).toContain('BR');
	expect(searchCountries('').length).toBe(all.length);
});
