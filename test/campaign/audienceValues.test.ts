/**
 * core/campaign/audience.ts helpers the Campaign node uses: `$contact.x` template values, the
 * per-item ledger keys of an items audience (invalid phones, the same person twice) and ledger
 * keys as WhatsApp IDs.
 */
import { contactValues, DUPLICATE_KEY_PREFIX, INVALID_KEY_PREFIX, itemKeys, ledgerWaId } from '../../core/campaign/audience';
import type { Contact } from '../../core/store/types';

const ana: Contact = { waId: '4915123456789', name: 'Ana Lima', firstName: 'Ana', tags: ['vip'], attributes: { city: 'Berlin' }, optedOut: false, createdAt: 0, updatedAt: 0 } as Contact;

it('$contact.x takes the contact field (nested attributes too); other values are kept; a missing path is undefined', () => {
	expect(contactValues({ 'body.1': '$contact.firstName', 'body.2': ' $contact.attributes.city ', 'body.3': 'SPRING', 'button.0': 7, 'body.4': '$contact.attributes.zip' }, ana)).toEqual({
		'body.1': 'Ana',
		'body.2': 'Berlin',
		'body.3': 'SPRING',
		'button.0': 7,
		'body.4': undefined,
	});
	// Only a whole value is a reference.
	expect(contactValues({ 'body.1': 'Hi $contact.firstName' }, ana)).toEqual({ 'body.1': 'Hi $contact.firstName' });
});

it('itemKeys: each item its person; a duplicate (another form or the same key again) points at the first; an item without a key is invalid', () => {
	const keys = new Map<number, string>([
		[0, '5511987654321'],
		[1, `${DUPLICATE_KEY_PREFIX}5511987654321`],
		[2, '4915123456789'],
		[3, '4915123456789'],
		[5, `${INVALID_KEY_PREFIX}5`],
	]);
	expect(itemKeys(6, keys)).toEqual([
		{ key: '5511987654321', duplicate: false },
		{ key: '5511987654321', duplicate: true },
		{ key: '4915123456789', duplicate: false },
		{ key: '4915123456789', duplicate: true },
		{ key: `${INVALID_KEY_PREFIX}4`, duplicate: false },
		{ key: `${INVALID_KEY_PREFIX}5`, duplicate: false },
	]);
	expect(ledgerWaId(`${INVALID_KEY_PREFIX}4`)).toBeNull();
	expect(ledgerWaId('4915123456789')).toBe('4915123456789');
});
