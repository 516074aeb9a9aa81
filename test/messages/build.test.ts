import {
	textMessage,
	mediaMessage,
	replyButtonsMessage,
	listMessage,
	locationMessage,
	contactsMessage,
	reactionMessage,
	markAsReadBody,
	MessageValidationError,
} from '../../core/messages/build';

const TO = '+49 151 2345 6789';

function errorOf(fn: () => unknown): MessageValidationError {
	try {
		fn();
	} catch (e) {
		if (e instanceof MessageValidationError) return e;
		throw e;
	}
	throw new Error('expected a MessageValidationError');
}

describe('text', () => {
	it('builds a text body with link preview and reply context', () => {
		const body = textMessage(TO, 'hi https://x.io', { previewUrl: true, replyTo: 'wamid.1' });
		expect(body).toEqual({
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			to: '4915123456789',
			type: 'text',
			context: { message_id: 'wamid.1' },
			text: { body: 'hi https://x.io', preview_url: true },
		});
	});
	it('enforces 1..4096 characters and a phone number', () => {
		expect(textMessage(TO, 'x'.repeat(4096)).text).toBeDefined();
		expect(errorOf(() => textMessage(TO, 'x'.repeat(4097))).field).toBe('text.body');
		expect(errorOf(() => textMessage(TO, '')).message).toMatch(/text.body: is required/);
		expect(errorOf(() => textMessage('hello', 'x')).field).toBe('to');
	});
});

describe('media', () => {
	it('by id or link, with caption and document filename', () => {
		expect(mediaMessage(TO, 'image', { id: '123', caption: 'c' }).image).toEqual({ id: '123', caption: 'c' });
		expect(mediaMessage(TO, 'document', { link: 'https://x.io/a.pdf', filename: 'a.pdf' }).document).toEqual({
			link: 'https://x.io/a.pdf',
			filename: 'a.pdf',
		});
	});
	it('refuses bad media with the field named', () => {
		expect(errorOf(() => mediaMessage(TO, 'image', { id: '1', caption: 'x'.repeat(1025) })).field).toBe('image.caption');
		expect(errorOf(() => mediaMessage(TO, 'audio', { id: '1', caption: 'x' })).field).toBe('audio.caption');
		expect(errorOf(() => mediaMessage(TO, 'image', { id: '1', filename: 'a' })).field).toBe('image.filename');
		expect(errorOf(() => mediaMessage(TO, 'image', {})).field).toBe('image');
		expect(errorOf(() => mediaMessage(TO, 'image', { id: '1', link: 'https://x' })).field).toBe('image');
		expect(errorOf(() => mediaMessage(TO, 'video', { link: 'ftp://x' })).field).toBe('video.link');
		expect(errorOf(() => mediaMessage(TO, 'gif' as never, { id: '1' })).field).toBe('type');
	});
});

describe('interactive reply buttons', () => {
	const buttons = [
		{ id: 'yes', title: 'Yes' },
		{ id: 'no', title: 'No' },
	];
	it('builds 1–3 reply buttons with header/body/footer', () => {
		const body = replyButtonsMessage(TO, { header: { type: 'text', text: 'Hi' }, body: 'Pick', footer: 'f', buttons });
		expect(body.interactive).toEqual({
			type: 'button',
			header: { type: 'text', text: 'Hi' },
			body: { text: 'Pick' },
			footer: { text: 'f' },
			action: { buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Yes' } }, { type: 'reply', reply: { id: 'no', title: 'No' } }] },
		});
	});
	it('enforces counts and lengths', () => {
		const four = [...buttons, { id: 'a', title: 'A' }, { id: 'b', title: 'B' }];
		expect(errorOf(() => replyButtonsMessage(TO, { body: 'x', buttons: four })).message).toMatch(/at most 3/);
		expect(errorOf(() => replyButtonsMessage(TO, { body: 'x', buttons: [] })).field).toBe('interactive.action.buttons');
		expect(errorOf(() => replyButtonsMessage(TO, { body: 'x', buttons: [{ id: 'a', title: 'x'.repeat(21) }] })).field).toBe(
			'interactive.action.buttons[0].reply.title',
		);
		expect(errorOf(() => replyButtonsMessage(TO, { body: 'x', buttons: [{ id: 'i'.repeat(257), title: 'a' }] })).field).toBe(
			'interactive.action.buttons[0].reply.id',
		);
		expect(errorOf(() => replyButtonsMessage(TO, { body: 'x', buttons: [buttons[0], buttons[0]] })).message).toMatch(/used twice/);
		expect(errorOf(() => replyButtonsMessage(TO, { body: 'x'.repeat(1025), buttons })).field).toBe('interactive.body.text');
		expect(errorOf(() => replyButtonsMessage(TO, { body: 'x', footer: 'f'.repeat(61), buttons })).field).toBe('interactive.footer.text');
		expect(errorOf(() => replyButtonsMessage(TO, { body: 'x', header: { type: 'text', text: 'h'.repeat(61) }, buttons })).field).toBe(
			'interactive.header.text',
		);
	});
});

describe('interactive list', () => {
	const rows = (n: number, p = 'r') => Array.from({ length: n }, (_, i) => ({ id: `${p}${i}`, title: `Row ${i}` }));
	it('builds a list', () => {
		const body = listMessage(TO, { body: 'Pick', button: 'Options', sections: [{ title: 'S1', rows: [{ id: 'r1', title: 'Express', description: '1 day' }] }] });
		expect(body.interactive).toEqual({
			type: 'list',
			body: { text: 'Pick' },
			action: { button: 'Options', sections: [{ title: 'S1', rows: [{ id: 'r1', title: 'Express', description: '1 day' }] }] },
		});
	});
	it('enforces ≤ 10 rows in total, ≤ 10 sections and field lengths', () => {
		expect(listMessage(TO, { body: 'b', button: 'B', sections: [{ title: 'a', rows: rows(5, 'a') }, { title: 'b', rows: rows(5, 'b') }] })).toBeDefined();
		expect(
			errorOf(() => listMessage(TO, { body: 'b', button: 'B', sections: [{ title: 'a', rows: rows(6, 'a') }, { title: 'b', rows: rows(5, 'b') }] })).message,
		).toMatch(/at most 10 rows in total \(got 11\)/);
		expect(errorOf(() => listMessage(TO, { body: 'b', button: 'x'.repeat(21), sections: [{ rows: rows(1) }] })).field).toBe('interactive.action.button');
		expect(errorOf(() => listMessage(TO, { body: 'b', button: 'B', sections: [{ title: 't'.repeat(25), rows: rows(1) }] })).field).toBe(
			'interactive.action.sections[0].title',
		);
		expect(errorOf(() => listMessage(TO, { body: 'b', button: 'B', sections: [{ rows: [{ id: 'a', title: 't'.repeat(25) }] }] })).field).toBe(
			'interactive.action.sections[0].rows[0].title',
		);
		expect(
			errorOf(() => listMessage(TO, { body: 'b', button: 'B', sections: [{ rows: [{ id: 'a', title: 't', description: 'd'.repeat(73) }] }] })).field,
		).toBe('interactive.action.sections[0].rows[0].description');
		expect(errorOf(() => listMessage(TO, { body: 'b', button: 'B', sections: [{ rows: [{ id: 'i'.repeat(201), title: 't' }] }] })).field).toBe(
			'interactive.action.sections[0].rows[0].id',
		);
		expect(errorOf(() => listMessage(TO, { body: 'b', button: 'B', sections: [{ rows: rows(1) }, { rows: rows(1, 'z') }] })).field).toBe(
			'interactive.action.sections[0].title',
		);
		const eleven = Array.from({ length: 11 }, (_, i) => ({ title: `s${i}`, rows: [] as { id: string; title: string }[] }));
		expect(errorOf(() => listMessage(TO, { body: 'b', button: 'B', sections: eleven })).message).toMatch(/at most 10 sections/);
	});
});

describe('location, contacts, reaction, mark as read', () => {
	it('location checks coordinates', () => {
		expect(locationMessage(TO, { latitude: '37.75', longitude: -122.42, name: 'HQ' }).location).toEqual({ latitude: 37.75, longitude: -122.42, name: 'HQ' });
		expect(errorOf(() => locationMessage(TO, { latitude: 91, longitude: 0 })).field).toBe('location.latitude');
		expect(errorOf(() => locationMessage(TO, { latitude: 0, longitude: 'x' })).field).toBe('location.longitude');
	});
	it('contacts: 1–5 cards with a formatted name', () => {
		const card = { name: { formatted_name: 'Ana' }, phones: [{ phone: '+1 555', type: 'CELL' }] };
		expect(contactsMessage(TO, [card]).contacts).toEqual([card]);
		expect(errorOf(() => contactsMessage(TO, Array(6).fill(card))).message).toMatch(/at most 5/);
		expect(errorOf(() => contactsMessage(TO, [{ name: { formatted_name: '' } }])).field).toBe('contacts[0].name.formatted_name');
	});
	it('reaction (empty emoji removes it) and mark as read with typing indicator', () => {
		expect(reactionMessage(TO, 'wamid.1', '😀').reaction).toEqual({ message_id: 'wamid.1', emoji: '😀' });
		expect(reactionMessage(TO, 'wamid.1', '').reaction).toEqual({ message_id: 'wamid.1', emoji: '' });
		expect(markAsReadBody('wamid.1', true)).toEqual({
			messaging_product: 'whatsapp',
			status: 'read',
			message_id: 'wamid.1',
			typing_indicator: { type: 'text' },
		});
		expect(errorOf(() => markAsReadBody('')).field).toBe('message_id');
	});
});
