/** The node's no-code fields → Meta components (nodes/WhatsAppTemplates/fields.ts), checked by the validator. */
import { validateTemplate } from '../../core/templates';
import { bodyExampleMap, componentsFromFields } from '../../nodes/WhatsAppTemplates/fields';
import { templateLabel, templateMatchesFilter } from '../../nodes/shared/templatePicker';

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
			{ type: 'HEADER', format: 'TEXT', text: 'Order {{1}}', example: { header_text: ['#1'] } },
			{ type: 'BODY', text: 'Hi {{1}}, order {{2}} ships today.', example: { body_text: [['Ana', 'A-9']] } },
			{ type: 'FOOTER', text: 'Thanks' },
			{
				type: 'BUTTONS',
				buttons: [
					{ type: 'QUICK_REPLY', text: 'Yes' },
					{ type: 'URL', text: 'Track', url: 'https://ex.com/t/{{1}}', example: ['https://ex.com/t/42'] },
					{ type: 'PHONE_NUMBER', text: 'Call', phone_number: '+15550001234' },
				],
			},
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
	it('labels and filters by name, language code or name, and status', () => {
		expect(templateLabel(tpl)).toBe('order_update · German (de) · APPROVED');
		expect(templateMatchesFilter(tpl, 'order german')).toBe(true);
		expect(templateMatchesFilter(tpl, 'approved de')).toBe(true);
		expect(templateMatchesFilter(tpl, 'rejected')).toBe(false);
		expect(templateMatchesFilter(tpl, '')).toBe(true);
	});
});
