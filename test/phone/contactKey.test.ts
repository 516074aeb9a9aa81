/** core/phone contactKey: the store's key of a contact written as a phone number or a BSUID. */
import { contactKey } from '../../core/phone';

describe('contactKey', () => {
	it('a BSUID is the key as it is (trimmed), with no country', () => {
		expect(contactKey('  BR.1502576394655843 ')).toEqual({ ok: true, waId: 'BR.1502576394655843', country: '', bsuid: true });
	});

	it('a phone number in any format is its wa_id, national numbers with the default country', () => {
		expect(contactKey('+91 98765 43210')).toEqual({ ok: true, waId: '919876543210', country: 'IN', bsuid: false });
		expect(contactKey('98765 43210', { defaultCountry: 'IN' })).toEqual({ ok: true, waId: '919876543210', country: 'IN', bsuid: false });
	});

	it('fails with normalizePhone’s code and reason', () => {
		const r = contactKey('98765 43210');
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.code).toBe('NEEDS_DEFAULT_COUNTRY');
		const landline = contactKey('+44 20 7946 0000', { requireMobile: true });
		expect(landline).toMatchObject({ ok: false, code: 'NOT_MOBILE' });
	});
});
