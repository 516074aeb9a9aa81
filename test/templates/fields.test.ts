/** The node's no-code fields → Meta components (core/templates/fields.ts), checked by the validator. */
import { validateTemplate } from '../../core/templates';
import { bodyExampleMap, componentsFromFields } from '../../core/templates/fields';
import { templateLabel, templateMatchesFilter } from '../../nodes/shared/templatePicker';
import { body, buttons, footer, phoneButton, quickReply, textHeader, urlButton } from './fixtures';

describe('componentsFromFields', () => {
	it('builds a valid positional template with header example, body examples in order, footer and buttons', () => {
		const components = componentsFromFields({
			category: 'UTILITY',
			parameterFormat: 'POSITIONAL',
			headerType: 'text',
			headerText: 'Order {{1}}',
			headerExample: '#1',
			bodyText: 'Hi {{1}}, order {{2}} ships today.',
			bodyExamples: [{ example: 'Ana' }, { example: 'A-9' }],
			footerText: 'Thanks',
			buttons: [
				{ type: 'quickReply', text: 'Yes' },
				{ type: 'url', text: 'Track', url: 'https://ex.com/t/{{1}}', urlExample: '42' },
				{ type: 'phoneNumber', text: 'Call', phoneNumber: '+15550001234' },
			],
		});
		expect(components).toEqual([
			textHeader('Order {{1}}', '#1'),
			body('Hi {{1}}, order {{2}} ships today.', 'Ana', 'A-9'),
			footer('Thanks'),
			buttons(quickReply('Yes'), urlButton('Track', 'https://ex.com/t/{{1}}', 'https://ex.com/t/42'), phoneButton('Call', '+15550001234')),
		]);
		expect(validateTemplate({ name: 'x', language: 'en', category: 'UTILITY', components }).errors).toEqual([]);
	});

	it('named examples by variable name', () => {
		const components = componentsFromFields({
			category: 'MARKETING',
			parameterFormat: 'NAMED',
			bodyText: 'Hi {{first_name}}, use {{code}} today.',
			bodyExamples: [{ variable: 'code', example: 'SAVE' }, { variable: '{{first_name}}', example: 'Ana' }],
			buttons: [{ type: 'copyCode', couponExample: 'SAVE' }],
		});
		expect(components[0].example).toEqual({
			body_text_named_params: [
				{ param_name: 'first_name', example: 'Ana' },
				{ param_name: 'code', example: 'SAVE' },
			],
		});
		expect(validateTemplate({ name: 'x', language: 'en', category: 'MARKETING', parameter_format: 'NAMED', components }).valid).toBe(true);
	});

	it('leaves missing examples out so validation names them', () => {
		const components = componentsFromFields({ category: 'UTILITY', bodyText: 'Hi {{1}}, order {{2}} ok.', bodyExamples: [{ example: 'Ana' }] });
		const errors = validateTemplate({ name: 'x', language: 'en', category: 'UTILITY', components }).errors;
		expect(errors).toEqual([expect.objectContaining({ rule: 'variables.example_missing', message: expect.stringContaining('{{2}}') })]);
		expect(bodyExampleMap('a {{1}} b {{2}} c', [{ variable: '2', example: 'two' }, { example: 'one' }])).toEqual({ 1: 'one', 2: 'two' });
	});

	it('authentication: security recommendation, expiry footer, one OTP button', () => {
		const components = componentsFromFields({ category: 'AUTHENTICATION', addSecurityRecommendation: true, codeExpirationMinutes: 5, otpType: 'ONE_TAP', packageName: 'com.x', signatureHash: 'abc' });
		expect(components).toEqual([
			{ type: 'BODY', add_security_recommendation: true },
			{ type: 'FOOTER', code_expiration_minutes: 5 },
			{ type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'ONE_TAP', package_name: 'com.x', signature_hash: 'abc' }] },
		]);
		expect(validateTemplate({ name: 'x', language: 'en', category: 'AUTHENTICATION', components }).valid).toBe(true);
		expect(componentsFromFields({ category: 'AUTHENTICATION', codeExpirationMinutes: 0 }).map((c) => c.type)).toEqual(['BODY', 'BUTTONS']);
	});
});

describe('templatePicker helpers', () => {
	const tpl = { name: 'order_update', language: 'de', status: 'APPROVED' };
	it('zero-tap: the OTP button carries zero_tap_terms_accepted from the form (false is rejected by name)', () => {
		const base = { category: 'AUTHENTICATION', otpType: 'ZERO_TAP' as const, packageName: 'com.example.app', signatureHash: 'K8a/AINcGX7' };
		const accepted = componentsFromFields({ ...base, zeroTapTermsAccepted: true });
		expect(accepted.at(-1)!.buttons![0]).toEqual({ type: 'OTP', otp_type: 'ZERO_TAP', package_name: 'com.example.app', signature_hash: 'K8a/AINcGX7', zero_tap_terms_accepted: true });
		expect(validateTemplate({ name: 'zt', language: 'en_US', category: 'AUTHENTICATION', components: accepted }).errors).toEqual([]);
		const notAccepted = componentsFromFields(base);
		expect(notAccepted.at(-1)!.buttons![0].zero_tap_terms_accepted).toBe(false);
		expect(validateTemplate({ name: 'zt', language: 'en_US', category: 'AUTHENTICATION', components: notAccepted }).errors.map((e) => e.rule)).toEqual(['authentication.zero_tap_terms']);
	});

	it('limited-time offer layout: LIMITED_TIME_OFFER after the header, no footer', () => {
		const components = componentsFromFields({
			category: 'MARKETING',
			layout: 'limitedTimeOffer',
			headerType: 'image',
			headerHandle: '4::h',
			offerText: 'Expiring offer!',
			offerHasExpiration: true,
			bodyText: 'Use code {{1}} today.',
			bodyExamples: [{ example: 'SAVE' }],
			footerText: 'ignored: offers take no footer',
			buttons: [{ type: 'copyCode', couponExample: 'SAVE' }, { type: 'url', text: 'Shop', url: 'https://shop.example/{{1}}', urlExample: 'x' }],
		});
		expect(components.map((c) => c.type)).toEqual(['HEADER', 'LIMITED_TIME_OFFER', 'BODY', 'BUTTONS']);
		expect(components[1]).toEqual({ type: 'LIMITED_TIME_OFFER', limited_time_offer: { text: 'Expiring offer!', has_expiration: true } });
		expect(validateTemplate({ name: 'lto', language: 'en_US', category: 'MARKETING', components }).errors).toEqual([]);
	});

	it('carousel layout: body + one card per form card, card buttons copied to every card with its own URL example', () => {
		const components = componentsFromFields({
			category: 'MARKETING',
			layout: 'carousel',
			bodyText: 'Picks for {{1}}.',
			bodyExamples: [{ example: 'Ana' }],
			cardHeaderFormat: 'video',
			cards: [
				{ headerHandle: '4::a', bodyText: 'A {{1}} deal.', bodyExamples: '10%', urlExample: 'a' },
				{ headerHandle: '4::b', bodyText: 'B {{1}} deal.', bodyExamples: '20%', urlExample: 'https://shop.example/p/b' },
			],
			cardButtons: [{ type: 'quickReply', text: 'More' }, { type: 'url', text: 'Buy', url: 'https://shop.example/p/{{1}}' }],
		});
		expect(components[1].cards![1]).toEqual({
			components: [
				{ type: 'HEADER', format: 'VIDEO', example: { header_handle: ['4::b'] } },
				{ type: 'BODY', text: 'B {{1}} deal.', example: { body_text: [['20%']] } },
				{ type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'More' }, { type: 'URL', text: 'Buy', url: 'https://shop.example/p/{{1}}', example: ['https://shop.example/p/b'] }] },
			],
		});
		expect(components[1].cards![0].components[2].buttons![1].example).toEqual(['https://shop.example/p/a']);
		expect(validateTemplate({ name: 'c', language: 'en_US', category: 'MARKETING', components }).errors).toEqual([]);
	});

	it('Flow (by id, name or JSON), Catalog, MPM and View Product buttons', () => {
		const components = componentsFromFields({
			category: 'MARKETING',
			bodyText: 'Hello.',
			buttons: [
				{ type: 'flow', text: 'A', flowBy: 'id', flowId: '123', navigateScreen: 'S1' },
				{ type: 'flow', text: 'B', flowBy: 'name', flowName: 'survey', flowAction: 'data_exchange' },
				{ type: 'flow', text: 'C', flowBy: 'json', flowJson: '{"version":"5.0"}' },
				{ type: 'catalog' },
				{ type: 'mpm', text: 'View items' },
				{ type: 'spm' },
			],
		});
		expect(components[1].buttons).toEqual([
			{ type: 'FLOW', text: 'A', flow_id: '123', flow_action: 'navigate', navigate_screen: 'S1' },
			{ type: 'FLOW', text: 'B', flow_name: 'survey', flow_action: 'data_exchange' },
			{ type: 'FLOW', text: 'C', flow_json: '{"version":"5.0"}', flow_action: 'navigate' },
			{ type: 'CATALOG' },
			{ type: 'MPM', text: 'View items' },
			{ type: 'SPM' },
		]);
	});

	it('labels and filters by name, language code or name, and status', () => {
		expect(templateLabel(tpl)).toBe('order_update · German (de) · APPROVED');
		expect(templateMatchesFilter(tpl, 'order german')).toBe(true);
		expect(templateMatchesFilter(tpl, 'approved de')).toBe(true);
		expect(templateMatchesFilter(tpl, 'rejected')).toBe(false);
		expect(templateMatchesFilter(tpl, '')).toBe(true);
	});
});
