import { matchHeaders, headerKey } from '../../core/csv';

describe('header auto-matching', () => {
	test('case- and spacing-insensitive known names', () => {
		const m = matchHeaders(['Full Name', 'MOBILE NUMBER', 'labels', 'Lead_Source', 'City']);
		expect(m.fields).toEqual({ phone: 'MOBILE NUMBER', name: 'Full Name', tags: 'labels', source: 'Lead_Source' });
		expect(m.others).toEqual(['City']);
	});

	test('first / last name, WhatsApp, Tags, Source', () => {
		const m = matchHeaders(['First Name', 'Last Name', 'WhatsApp', 'Tags', 'Source']);
		expect(m.fields).toEqual({ firstName: 'First Name', lastName: 'Last Name', phone: 'WhatsApp', tags: 'Tags', source: 'Source' });
	});

	test('Phone beats Mobile when both exist; the other stays an attribute', () => {
		const m = matchHeaders(['Mobile', 'Phone Number']);
		expect(m.fields.phone).toBe('Phone Number');
		expect(m.others).toEqual(['Mobile']);
	});

	test('user overrides win and are matched loosely', () => {
		const m = matchHeaders(['Phone', 'Alt Cell', 'Customer'], { phone: 'alt cell', name: 'Customer' });
		expect(m.fields).toEqual({ phone: 'Alt Cell', name: 'Customer' });
		expect(m.others).toEqual(['Phone']);
	});

	test('missing phone column lists the headers found', () => {
		expect(() => matchHeaders(['Name', 'Email'])).toThrow('No phone column found. Columns found: "Name", "Email"');
	});

	test('an override naming an absent column is an error listing the headers', () => {
		expect(() => matchHeaders(['Phone'], { tags: 'Groups' })).toThrow('Column "Groups" (chosen for tags) is not in the file; columns found: "Phone"');
	});

	test('headerKey', () => {
		expect(headerKey(' Mobile_Number ')).toBe('mobilenumber');
		expect(headerKey('Phone-No.')).toBe('phoneno');
	});
});
