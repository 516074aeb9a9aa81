import {
	TemplateValueError,
	buildSendComponents,
	buildTemplateMessage,
	describeTemplateVariables,
	renderTemplate,
	templateMessage,
	valuesFromInputs,
} from '../../core/templates';
import { authTemplate, imageTemplate, namedTemplate, positionalTemplate, stored } from './fixtures';

describe('buildSendComponents', () => {
	it('positional: header text, body in order, URL suffix and quick-reply payloads with their index', () => {
		const t = stored(positionalTemplate());
		const components = buildSendComponents(t, {
			header: { text: '#77' },
			body: ['Ana', 'A-9'],
			buttons: { 0: 'YES_PAYLOAD', 1: 'NO_PAYLOAD', 3: '9001' },
		});
		expect(components).toEqual([
			{ type: 'header', parameters: [{ type: 'text', text: '#77' }] },
			{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: 'A-9' }] },
			{ type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'YES_PAYLOAD' }] },
			{ type: 'button', sub_type: 'quick_reply', index: '1', parameters: [{ type: 'payload', payload: 'NO_PAYLOAD' }] },
			{ type: 'button', sub_type: 'url', index: '3', parameters: [{ type: 'text', text: '9001' }] },
		]);
	});

	it('positional values by {{n}} key give the same body; quick replies are optional', () => {
		const t = stored(positionalTemplate());
		const components = buildSendComponents(t, { header: '#1', body: { 2: 'second', 1: 'first' }, buttons: { '3': 'x' } });
		expect(components.find((c) => c.type === 'body')!.parameters).toEqual([
			{ type: 'text', text: 'first' },
			{ type: 'text', text: 'second' },
		]);
		expect(components.filter((c) => c.sub_type === 'quick_reply')).toEqual([]);
	});

	it('named: parameter_name on header and body params, copy_code coupon', () => {
		const components = buildSendComponents(stored(namedTemplate()), {
			header: { text: 'Jo' },
			body: { valid_until: 'June 1', first_name: 'Jo', discount_code: 'SPRING' },
			buttons: { 0: 'SPRING', 1: 'spring-sale' },
		});
		expect(components).toEqual([
			{ type: 'header', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Jo' }] },
			{
				type: 'body',
				parameters: [
					{ type: 'text', parameter_name: 'first_name', text: 'Jo' },
					{ type: 'text', parameter_name: 'discount_code', text: 'SPRING' },
					{ type: 'text', parameter_name: 'valid_until', text: 'June 1' },
				],
			},
			{ type: 'button', sub_type: 'copy_code', index: '0', parameters: [{ type: 'coupon_code', coupon_code: 'SPRING' }] },
			{ type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'spring-sale' }] },
		]);
	});

	it('media headers by link or id; documents carry a filename', () => {
		const img = stored(imageTemplate());
		expect(buildSendComponents(img, { header: { link: 'https://cdn.example/a.jpg' }, body: ['Ana'] })[0]).toEqual({
			type: 'header',
			parameters: [{ type: 'image', image: { link: 'https://cdn.example/a.jpg' } }],
		});
		expect(buildSendComponents(img, { header: { id: '55' }, body: ['Ana'] })[0].parameters![0]).toEqual({ type: 'image', image: { id: '55' } });
		const doc = stored(imageTemplate());
		doc.components[0].format = 'DOCUMENT';
		expect(buildSendComponents(doc, { header: { link: 'https://x.example/i.pdf', filename: 'invoice.pdf' }, body: ['Ana'] })[0].parameters![0]).toEqual({
			type: 'document',
			document: { link: 'https://x.example/i.pdf', filename: 'invoice.pdf' },
		});
		const vid = stored(imageTemplate());
		vid.components[0].format = 'VIDEO';
		expect(buildSendComponents(vid, { header: { id: '9' }, body: ['Ana'] })[0].parameters![0]).toEqual({ type: 'video', video: { id: '9' } });
	});

	it('location header', () => {
		const t = stored(imageTemplate());
		t.components[0] = { type: 'HEADER', format: 'LOCATION' };
		expect(buildSendComponents(t, { header: { latitude: '52.5', longitude: 13.4, name: 'HQ' }, body: ['Ana'] })[0].parameters![0]).toEqual({
			type: 'location',
			location: { latitude: 52.5, longitude: 13.4, name: 'HQ' },
		});
		expect(() => buildSendComponents(t, { header: { latitude: 'north', longitude: 1 }, body: ['Ana'] })).toThrow(/not valid coordinates/);
	});

	it('authentication: the code goes to the body and the OTP button (sub_type url)', () => {
		expect(buildSendComponents(stored(authTemplate()), { code: '483920' })).toEqual([
			{ type: 'body', parameters: [{ type: 'text', text: '483920' }] },
			{ type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '483920' }] },
		]);
		expect(() => buildSendComponents(stored(authTemplate()), {})).toThrow(/one-time code is missing/);
		// As GET returns it: body text filled in by Meta, the OTP button stored as type URL.
		const fromGet = stored(authTemplate());
		fromGet.components[0] = { type: 'BODY', text: '*{{1}}* is your verification code.' };
		fromGet.components[2].buttons = [{ type: 'URL', text: 'Copy code', url: 'https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code_expiration_minutes=10&code=otp{{1}}' }];
		expect(buildSendComponents(fromGet, { code: '111' })[1]).toEqual({ type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '111' }] });
		expect(renderTemplate(fromGet, { code: '111' })).toMatchObject({ body: '*111* is your verification code.', buttons: [{ type: 'OTP', text: 'Copy code', code: '111' }] });
	});

	it('names every missing variable in one error', () => {
		const t = stored(positionalTemplate());
		let error: unknown;
		try {
			buildSendComponents(t, { body: ['Ana'] });
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(TemplateValueError);
		const e = error as TemplateValueError;
		expect(e.message).toContain('Template "order_update" (en_US)');
		expect(e.missing).toEqual(['header {{1}}', 'body {{2}}', 'button 3 URL suffix {{1}} ("Track")']);
		expect(() => buildSendComponents(stored(namedTemplate()), { header: 'x', body: { first_name: 'x', discount_code: 'y' }, buttons: { 0: 'c', 1: 'd' } })).toThrow(
			/body \{\{valid_until\}\}/,
		);
	});

	it('a template without variables needs no components', () => {
		const t = stored({ name: 'hello', language: 'en', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hello there.' }] });
		expect(buildSendComponents(t, {})).toEqual([]);
		expect(buildTemplateMessage(t)).toEqual({ name: 'hello', language: { code: 'en', policy: 'deterministic' } });
		expect(templateMessage(t, [])).toEqual({ name: 'hello', language: { code: 'en', policy: 'deterministic' } });
	});
});

describe('describeTemplateVariables + valuesFromInputs', () => {
	it('lists header, body and button inputs with examples', () => {
		const inputs = describeTemplateVariables(stored(positionalTemplate()));
		expect(inputs.map((i) => [i.key, i.kind, i.required, i.example])).toEqual([
			['header.text', 'text', true, '#123'],
			['body.1', 'text', true, 'Mark'],
			['body.2', 'text', true, '860198'],
			['button.0', 'quick_reply_payload', false, undefined],
			['button.1', 'quick_reply_payload', false, undefined],
			['button.3', 'url_suffix', true, '42'],
		]);
	});

	it('named, media and authentication inputs', () => {
		expect(describeTemplateVariables(stored(namedTemplate())).map((i) => i.key)).toEqual([
			'header.text',
			'body.first_name',
			'body.discount_code',
			'body.valid_until',
			'button.0',
			'button.1',
		]);
		expect(describeTemplateVariables(stored(imageTemplate()))[0]).toMatchObject({ key: 'header.media', kind: 'image', required: true });
		expect(describeTemplateVariables(stored(authTemplate()))).toEqual([expect.objectContaining({ key: 'code', kind: 'otp_code', required: true })]);
	});

	it('a flat mapping by input key builds the same components', () => {
		const t = stored(imageTemplate());
		const values = valuesFromInputs({ 'header.media': 'https://cdn.example/a.jpg', 'body.1': 'Ana', unrelated: 'x' });
		expect(buildSendComponents(t, values)).toEqual([
			{ type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example/a.jpg' } }] },
			{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] },
		]);
		expect(valuesFromInputs({ 'header.media': '12345' }).header).toEqual({ id: '12345' });
	});
});

describe('renderTemplate', () => {
	it('positional: the text the customer sees', () => {
		const r = renderTemplate(stored(positionalTemplate()), { header: '#77', body: ['Ana', 'A-9'], buttons: { 3: '9001' } });
		expect(r.header).toBe('Order #77');
		expect(r.body).toBe('Hi Ana, order A-9 ships today.');
		expect(r.footer).toBe('Reply STOP to opt out');
		expect(r.buttons.map((b) => b.url ?? b.phoneNumber ?? b.text)).toEqual(['Yes', 'No', '16467043595', 'https://ex.com/t?id=9001']);
		expect(r.missing).toEqual([]);
		expect(r.text).toBe('Order #77\n\nHi Ana, order A-9 ships today.\n\nReply STOP to opt out\n\n[Yes] [No] [Call → 16467043595] [Track → https://ex.com/t?id=9001]');
	});

	it('named values and missing ones stay visible', () => {
		const r = renderTemplate(stored(namedTemplate()), { header: 'Jo', body: { first_name: 'Jo', discount_code: 'X1' } });
		expect(r.header).toBe('Hallo Jo');
		expect(r.body).toBe('Dear Jo, your code X1 is valid until {{valid_until}}.');
		expect(r.missing).toEqual(['body {{valid_until}}', 'button 0 coupon code', 'button 1 URL suffix']);
	});

	it('media header and authentication texts', () => {
		expect(renderTemplate(stored(imageTemplate()), { header: { link: 'https://cdn.example/a.jpg' }, body: ['Ana'] }).text).toBe(
			'[IMAGE: https://cdn.example/a.jpg]\n\nNew arrivals for Ana are here.',
		);
		const auth = renderTemplate(stored(authTemplate()), { code: '123456' });
		expect(auth.body).toBe('123456 is your verification code. For your security, do not share this code.');
		expect(auth.footer).toBe('This code expires in 10 minutes.');
		expect(auth.buttons).toEqual([{ type: 'OTP', text: 'Copy code', code: '123456' }]);
	});
});
