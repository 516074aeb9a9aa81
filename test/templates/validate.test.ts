/**
 * One accepted and one rejected case (at least) per rule of core/templates/rules.ts. The table is
 * typed `Record<TemplateRuleId, …>`, so adding a rule without a test does not type-check.
 */
import { TEMPLATE_RULES, TemplateDefinition, TemplateRuleId, validateTemplate, validateTemplateComponents } from '../../core/templates';
import { authTemplate, carouselTemplate, catalogTemplate, clone, flowTemplate, imageTemplate, mpmTemplate, namedTemplate, offerTemplate, positionalTemplate, productCarouselTemplate } from './fixtures';

type Mutator = (t: TemplateDefinition) => void;
const pos = (fn: Mutator = () => undefined) => with_(positionalTemplate(), fn);
const named = (fn: Mutator = () => undefined) => with_(namedTemplate(), fn);
const auth = (fn: Mutator = () => undefined) => with_(authTemplate(), fn);
const image = (fn: Mutator = () => undefined) => with_(imageTemplate(), fn);
const carousel = (fn: Mutator = () => undefined) => with_(carouselTemplate(), fn);
const products = (fn: Mutator = () => undefined) => with_(productCarouselTemplate(), fn);
const offer = (fn: Mutator = () => undefined) => with_(offerTemplate(), fn);
const catalog = (fn: Mutator = () => undefined) => with_(catalogTemplate(), fn);
const mpm = (fn: Mutator = () => undefined) => with_(mpmTemplate(), fn);
const flow = (fn: Mutator = () => undefined) => with_(flowTemplate(), fn);
/** The card components of card k (0-based). */
const card = (t: TemplateDefinition, k: number) => comp(t, 'CAROUSEL').cards![k].components;
const cardPart = (t: TemplateDefinition, k: number, type: string) => card(t, k).find((c) => c.type === type)!;
const ZERO_TAP = { otp_type: 'ZERO_TAP', package_name: 'com.example.app', signature_hash: 'K8a/AINcGX7' };
function with_(t: TemplateDefinition, fn: Mutator): TemplateDefinition {
	const copy = clone(t);
	fn(copy);
	return copy;
}
const comp = (t: TemplateDefinition, type: string) => t.components.find((c) => c.type === type)!;
const buttons = (t: TemplateDefinition) => comp(t, 'BUTTONS').buttons!;
const qr = (text: string) => ({ type: 'QUICK_REPLY', text });
const url = (u: string, example?: string) => ({ type: 'URL', text: 'Open', url: u, ...(example ? { example: [example] } : {}) });

const CASES: Record<TemplateRuleId, { accept: TemplateDefinition[]; reject: TemplateDefinition[] }> = {
	'name.required': { accept: [pos()], reject: [pos((t) => (t.name = '')), pos((t) => delete (t as Partial<TemplateDefinition>).name)] },
	'name.pattern': { accept: [pos((t) => (t.name = 'order_update_2'))], reject: [pos((t) => (t.name = 'Order-Update')), pos((t) => (t.name = 'order update'))] },
	'name.max_length': { accept: [pos((t) => (t.name = 'a'.repeat(512)))], reject: [pos((t) => (t.name = 'a'.repeat(513)))] },
	'language.required': { accept: [pos()], reject: [pos((t) => (t.language = ''))] },
	'language.unknown': { accept: [pos((t) => (t.language = 'pt_BR')), pos((t) => (t.language = 'en_AU'))], reject: [pos((t) => (t.language = 'en-US')), pos((t) => (t.language = 'xx'))] },
	'category.invalid': { accept: [pos((t) => (t.category = 'MARKETING'))], reject: [pos((t) => (t.category = 'PROMO')), pos((t) => (t.category = 'utility'))] },
	'parameter_format.invalid': { accept: [pos((t) => (t.parameter_format = 'POSITIONAL'))], reject: [pos((t) => (t.parameter_format = 'ORDERED'))] },
	'components.required': { accept: [pos()], reject: [pos((t) => (t.components = []))] },
	'components.type_invalid': { accept: [pos(), carousel(), offer()], reject: [pos((t) => t.components.push({ type: 'SIDEBAR', text: 'x' }))] },
	'components.duplicate': { accept: [pos()], reject: [pos((t) => t.components.push({ type: 'FOOTER', text: 'Second footer' }))] },
	'body.required': { accept: [pos()], reject: [pos((t) => (t.components = t.components.filter((c) => c.type !== 'BODY')))] },
	'body.text_required': { accept: [pos()], reject: [pos((t) => (comp(t, 'BODY').text = ''))] },
	'body.max_length': {
		accept: [pos((t) => (comp(t, 'BODY').text = `Hi {{1}}, order {{2}} ${'x'.repeat(1024 - 22)}`))],
		reject: [pos((t) => (comp(t, 'BODY').text = `Hi {{1}}, order {{2}} ${'x'.repeat(1025 - 22)}`))],
	},
	'body.starts_with_variable': { accept: [pos()], reject: [pos((t) => (comp(t, 'BODY').text = '{{1}}, order {{2}} ships today.')), pos((t) => (comp(t, 'BODY').text = '  {{1}}, order {{2}} ships.'))] },
	'body.ends_with_variable': { accept: [pos((t) => (comp(t, 'BODY').text = 'Hi {{1}}, your order is {{2}}!'))], reject: [pos((t) => (comp(t, 'BODY').text = 'Hi {{1}}, your order is {{2}}')), pos((t) => (comp(t, 'BODY').text = 'Hi {{1}}, your order is {{2}} \n'))] },
	'header.format_invalid': { accept: [image()], reject: [pos((t) => (comp(t, 'HEADER').format = 'AUDIO'))] },
	'header.text_required': { accept: [pos()], reject: [pos((t) => delete comp(t, 'HEADER').text)] },
	'header.max_length': {
		accept: [pos((t) => Object.assign(comp(t, 'HEADER'), { text: 'H'.repeat(60), example: undefined }))],
		reject: [pos((t) => Object.assign(comp(t, 'HEADER'), { text: 'H'.repeat(61), example: undefined }))],
	},
	'header.max_variables': { accept: [pos()], reject: [pos((t) => Object.assign(comp(t, 'HEADER'), { text: 'Order {{1}} for {{2}}', example: { header_text: ['#1', 'Ana'] } }))] },
	'header.media_example_required': { accept: [image()], reject: [image((t) => delete comp(t, 'HEADER').example), image((t) => (comp(t, 'HEADER').example = { header_handle: [''] }))] },
	'footer.text_required': { accept: [pos()], reject: [pos((t) => delete comp(t, 'FOOTER').text)] },
	'footer.max_length': { accept: [pos((t) => (comp(t, 'FOOTER').text = 'F'.repeat(60)))], reject: [pos((t) => (comp(t, 'FOOTER').text = 'F'.repeat(61)))] },
	'footer.variables': { accept: [pos()], reject: [pos((t) => (comp(t, 'FOOTER').text = 'Bye {{1}}'))] },
	'variables.invalid_name': { accept: [pos(), named()], reject: [pos((t) => (comp(t, 'BODY').text = 'Hi {{First Name}}, order {{2}} ships.')), named((t) => (comp(t, 'BODY').text = 'Dear {{FirstName}}, hello.'))] },
	'variables.sequence': {
		accept: [pos((t) => (comp(t, 'BODY').text = 'Hi {{2}}, order {{1}} ships today.'))],
		reject: [pos((t) => (comp(t, 'BODY').text = 'Hi {{1}}, order {{3}} ships today.')), pos((t) => (comp(t, 'BODY').text = 'Hi {{2}}, order {{3}} ships today.'))],
	},
	'variables.mixed': { accept: [pos()], reject: [pos((t) => (comp(t, 'BODY').text = 'Hi {{1}}, order {{order_id}} ships today.'))] },
	'variables.format_mismatch': {
		accept: [named(), pos()],
		reject: [named((t) => (comp(t, 'BODY').text = 'Dear {{1}}, your code is ready.')), pos((t) => Object.assign(comp(t, 'BODY'), { text: 'Hi {{name}}, ready.', example: { body_text_named_params: [{ param_name: 'name', example: 'A' }] } }))],
	},
	'variables.adjacent': {
		accept: [pos((t) => (comp(t, 'BODY').text = 'Hi {{1}} and {{2}} ships today.'))],
		reject: [pos((t) => (comp(t, 'BODY').text = 'Hi {{1}}{{2}} ships today.')), pos((t) => (comp(t, 'BODY').text = 'Hi {{1}} \n {{2}} ships today.'))],
	},
	'variables.example_missing': {
		accept: [pos(), named()],
		reject: [
			pos((t) => (comp(t, 'BODY').example = { body_text: [['Mark']] })),
			pos((t) => delete comp(t, 'HEADER').example),
			named((t) => comp(t, 'BODY').example!.body_text_named_params!.pop()),
			pos((t) => (comp(t, 'BODY').example = { body_text: [['Mark', ' ']] })),
		],
	},
	'variables.example_count': {
		accept: [pos(), named(), carousel()],
		reject: [
			// issue 16: three example values for a one-variable body
			image((t) => (comp(t, 'BODY').example = { body_text: [['Ana', 'Bob', 'Cy']] })),
			pos((t) => (comp(t, 'HEADER').example = { header_text: ['#1', '#2'] })),
			named((t) => comp(t, 'BODY').example!.body_text_named_params!.push({ param_name: 'city', example: 'Berlin' })),
			carousel((t) => (cardPart(t, 1, 'BODY').example = { body_text: [['15%', '20%']] })),
		],
	},
	'buttons.required': { accept: [pos()], reject: [pos((t) => (comp(t, 'BUTTONS').buttons = []))] },
	'buttons.max_total': {
		accept: [pos((t) => (comp(t, 'BUTTONS').buttons = Array.from({ length: 10 }, (_, i) => qr(`Option ${i}`))))],
		reject: [pos((t) => (comp(t, 'BUTTONS').buttons = Array.from({ length: 11 }, (_, i) => qr(`Option ${i}`))))],
	},
	'buttons.max_url': {
		accept: [pos((t) => (comp(t, 'BUTTONS').buttons = [url('https://a.example'), url('https://b.example')]))],
		reject: [pos((t) => (comp(t, 'BUTTONS').buttons = [url('https://a.example'), url('https://b.example'), url('https://c.example')]))],
	},
	'buttons.max_phone_number': { accept: [pos()], reject: [pos((t) => buttons(t).push({ type: 'PHONE_NUMBER', text: 'Call 2', phone_number: '+4930123456' }))] },
	'buttons.max_copy_code': { accept: [named()], reject: [named((t) => buttons(t).push({ type: 'COPY_CODE', example: 'OTHER' }))] },
	'buttons.quick_reply_grouping': {
		accept: [pos(), pos((t) => (comp(t, 'BUTTONS').buttons = [url('https://a.example'), qr('Yes'), qr('No')]))],
		reject: [pos((t) => (comp(t, 'BUTTONS').buttons = [qr('Yes'), url('https://a.example'), qr('No')]))],
	},
	'button.type_invalid': { accept: [pos()], reject: [pos((t) => buttons(t).push({ type: 'LINK', text: 'x' }))] },
	'button.text_required': { accept: [pos()], reject: [pos((t) => (buttons(t)[0].text = '')), pos((t) => delete buttons(t)[2].text)] },
	'button.text_max_length': { accept: [pos((t) => (buttons(t)[0].text = 'Y'.repeat(25)))], reject: [pos((t) => (buttons(t)[0].text = 'Y'.repeat(26)))] },
	'button.url_invalid': { accept: [pos()], reject: [pos((t) => (buttons(t)[3].url = 'ex.com/t')), pos((t) => (buttons(t)[3].url = `https://ex.com/${'a'.repeat(2000)}`))] },
	'button.url_variable': {
		accept: [pos()],
		reject: [pos((t) => (buttons(t)[3].url = 'https://ex.com/{{1}}/track')), pos((t) => (buttons(t)[3].url = 'https://ex.com/t?id={{2}}')), pos((t) => (buttons(t)[3].url = 'https://ex.com/{{1}}?x={{1}}'))],
	},
	'button.url_example_missing': { accept: [pos()], reject: [pos((t) => delete buttons(t)[3].example)] },
	'button.phone_invalid': {
		accept: [pos((t) => (buttons(t)[2].phone_number = '+49 30 1234567')), pos((t) => (buttons(t)[2].phone_number = '16467043595')), pos((t) => (buttons(t)[2].phone_number = '+91 98765 43210'))],
		reject: [
			pos((t) => (buttons(t)[2].phone_number = '1234')), // issue 16: no country code, 4 digits
			pos((t) => (buttons(t)[2].phone_number = '+1 234')),
			pos((t) => (buttons(t)[2].phone_number = 'call me')),
			pos((t) => (buttons(t)[2].phone_number = '+1234567890123456789012')),
			pos((t) => (buttons(t)[2].phone_number = '0301234567')), // national format, no country code
		],
	},
	'button.flow_target': {
		accept: [flow(), flow((t) => Object.assign(buttons(t)[0], { flow_id: undefined, flow_name: 'offer_flow' })), flow((t) => Object.assign(buttons(t)[0], { flow_id: undefined, flow_json: '{"version":"5.0","screens":[]}' }))],
		reject: [flow((t) => delete buttons(t)[0].flow_id), flow((t) => (buttons(t)[0].flow_name = 'also_a_name'))],
	},
	'button.flow_action': { accept: [flow((t) => (buttons(t)[0].flow_action = 'data_exchange'))], reject: [flow((t) => (buttons(t)[0].flow_action = 'open'))] },
	'button.flow_json': {
		accept: [flow((t) => Object.assign(buttons(t)[0], { flow_id: undefined, flow_json: '{"version":"5.0","screens":[]}' }))],
		reject: [flow((t) => Object.assign(buttons(t)[0], { flow_id: undefined, flow_json: '{"version":' })), flow((t) => Object.assign(buttons(t)[0], { flow_id: undefined, flow_json: { version: '5.0' } }))],
	},
	'buttons.product_only': { accept: [catalog(), mpm()], reject: [catalog((t) => buttons(t).push(qr('Later'))), mpm((t) => buttons(t).unshift(url('https://a.example')))] },
	'mpm.header_text': {
		accept: [mpm()],
		reject: [mpm((t) => (t.components = t.components.filter((c) => c.type !== 'HEADER'))), mpm((t) => (t.components[0] = { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::x'] } }))],
	},
	'carousel.marketing_only': { accept: [carousel()], reject: [carousel((t) => (t.category = 'UTILITY'))] },
	'carousel.components': {
		accept: [carousel(), products()],
		reject: [carousel((t) => t.components.unshift({ type: 'HEADER', format: 'TEXT', text: 'Sale' })), carousel((t) => t.components.push({ type: 'BUTTONS', buttons: [qr('Stop')] }))],
	},
	'carousel.card_count': {
		accept: [with_(carouselTemplate(2), () => undefined), with_(carouselTemplate(10), () => undefined)],
		reject: [with_(carouselTemplate(1), () => undefined), with_(carouselTemplate(11), () => undefined), carousel((t) => delete comp(t, 'CAROUSEL').cards)],
	},
	'carousel.card_component_invalid': {
		accept: [carousel()],
		reject: [carousel((t) => card(t, 0).push({ type: 'FOOTER', text: 'x' })), carousel((t) => card(t, 2).push({ type: 'BODY', text: 'Again' })), carousel((t) => ((comp(t, 'CAROUSEL').cards![1] as unknown as Record<string, unknown>).components = 'x'))],
	},
	'carousel.card_header': {
		accept: [carousel(), carousel((t) => [0, 1, 2].forEach((k) => (cardPart(t, k, 'HEADER').format = 'VIDEO'))), products()],
		reject: [
			carousel((t) => (cardPart(t, 1, 'HEADER').format = 'VIDEO')),
			carousel((t) => (cardPart(t, 0, 'HEADER').format = 'TEXT')),
			carousel((t) => delete cardPart(t, 2, 'HEADER').example),
			carousel((t) => card(t, 0).splice(0, 1)),
		],
	},
	'carousel.card_body': {
		accept: [carousel(), carousel((t) => [0, 1, 2].forEach((k) => card(t, k).splice(1, 1))), carousel((t) => (cardPart(t, 0, 'BODY').text = `Item {{1}} ${'x'.repeat(160 - 11)}`))],
		reject: [carousel((t) => card(t, 1).splice(1, 1)), carousel((t) => (cardPart(t, 0, 'BODY').text = `Item {{1}} ${'x'.repeat(161 - 11)}`))],
	},
	'carousel.card_buttons': {
		accept: [carousel(), products(), carousel((t) => [0, 1, 2].forEach((k) => cardPart(t, k, 'BUTTONS').buttons!.splice(0, 1)))],
		reject: [
			carousel((t) => [0, 1, 2].forEach((k) => cardPart(t, k, 'BUTTONS').buttons!.push(qr('Third')))),
			carousel((t) => [0, 1, 2].forEach((k) => (cardPart(t, k, 'BUTTONS').buttons![0] = { type: 'COPY_CODE', example: 'X1' }))),
			products((t) => [0, 1].forEach((k) => cardPart(t, k, 'BUTTONS').buttons!.push(qr('More')))),
			products((t) => [0, 1].forEach((k) => (cardPart(t, k, 'BUTTONS').buttons = [qr('More')]))),
		],
	},
	'carousel.cards_consistent': {
		accept: [carousel()],
		reject: [carousel((t) => cardPart(t, 2, 'BUTTONS').buttons!.reverse()), carousel((t) => (cardPart(t, 1, 'BUTTONS').buttons![0] = { type: 'PHONE_NUMBER', text: 'Call', phone_number: '16467043595' }))],
	},
	'offer.marketing_only': { accept: [offer()], reject: [offer((t) => (t.category = 'UTILITY'))] },
	'offer.text': {
		accept: [offer(), offer((t) => (comp(t, 'LIMITED_TIME_OFFER').limited_time_offer!.text = 'X'.repeat(16)))],
		reject: [offer((t) => (comp(t, 'LIMITED_TIME_OFFER').limited_time_offer!.text = 'X'.repeat(17))), offer((t) => delete comp(t, 'LIMITED_TIME_OFFER').limited_time_offer)],
	},
	'offer.has_expiration': {
		accept: [offer((t) => (comp(t, 'LIMITED_TIME_OFFER').limited_time_offer!.has_expiration = false))],
		reject: [offer((t) => ((comp(t, 'LIMITED_TIME_OFFER').limited_time_offer as Record<string, unknown>).has_expiration = 'yes'))],
	},
	'offer.footer_not_allowed': { accept: [offer()], reject: [offer((t) => t.components.push({ type: 'FOOTER', text: 'Terms apply' }))] },
	'offer.header_format': {
		accept: [offer(), offer((t) => (t.components = t.components.filter((c) => c.type !== 'HEADER')))],
		reject: [offer((t) => (t.components[0] = { type: 'HEADER', format: 'TEXT', text: 'Sale' })), offer((t) => (t.components[0] = { type: 'HEADER', format: 'DOCUMENT', example: { header_handle: ['4::x'] } }))],
	},
	'offer.body_max_length': {
		accept: [offer((t) => (comp(t, 'BODY').text = `Good news, {{1}}! Use code {{2}} ${'x'.repeat(600 - 34)}.`))],
		reject: [offer((t) => (comp(t, 'BODY').text = `Good news, {{1}}! Use code {{2}} ${'x'.repeat(601 - 34)}.`))],
	},
	'button.copy_code_example': { accept: [named()], reject: [named((t) => delete buttons(t)[0].example), named((t) => (buttons(t)[0].example = 'X'.repeat(16)))] },
	'button.otp_only_authentication': { accept: [auth()], reject: [pos((t) => buttons(t).push({ type: 'OTP', otp_type: 'COPY_CODE' }))] },
	'authentication.header_not_allowed': { accept: [auth()], reject: [auth((t) => t.components.unshift({ type: 'HEADER', format: 'TEXT', text: 'Code' }))] },
	'authentication.body_text_not_allowed': { accept: [auth()], reject: [auth((t) => (comp(t, 'BODY').text = 'Your code is {{1}}.'))] },
	'authentication.security_recommendation': { accept: [auth((t) => (comp(t, 'BODY').add_security_recommendation = false))], reject: [auth((t) => ((comp(t, 'BODY') as Record<string, unknown>).add_security_recommendation = 'yes'))] },
	'authentication.code_expiration': {
		accept: [auth((t) => (comp(t, 'FOOTER').code_expiration_minutes = 1)), auth((t) => (comp(t, 'FOOTER').code_expiration_minutes = 90))],
		reject: [auth((t) => (comp(t, 'FOOTER').code_expiration_minutes = 0)), auth((t) => (comp(t, 'FOOTER').code_expiration_minutes = 91)), auth((t) => (comp(t, 'FOOTER').code_expiration_minutes = 2.5))],
	},
	'authentication.footer_text_not_allowed': { accept: [auth()], reject: [auth((t) => (comp(t, 'FOOTER').text = 'Expires soon'))] },
	'authentication.otp_button': {
		accept: [auth()],
		reject: [auth((t) => buttons(t).push({ type: 'OTP', otp_type: 'COPY_CODE' })), auth((t) => (comp(t, 'BUTTONS').buttons = [qr('Yes')])), auth((t) => (t.components = t.components.filter((c) => c.type !== 'BUTTONS')))],
	},
	'authentication.otp_type': { accept: [auth()], reject: [auth((t) => (buttons(t)[0].otp_type = 'MAGIC'))] },
	'authentication.one_tap_app': {
		accept: [
			auth((t) => Object.assign(buttons(t)[0], { otp_type: 'ONE_TAP', package_name: 'com.example.app', signature_hash: 'K8a/AINcGX7' })),
			auth((t) => Object.assign(buttons(t)[0], { otp_type: 'ONE_TAP', supported_apps: [{ package_name: 'com.example.app', signature_hash: 'K8a/AINcGX7' }] })),
		],
		reject: [auth((t) => Object.assign(buttons(t)[0], { otp_type: 'ONE_TAP' })), auth((t) => Object.assign(buttons(t)[0], { otp_type: 'ONE_TAP', package_name: 'com.example.app' }))],
	},
	'authentication.zero_tap_terms': {
		accept: [auth((t) => Object.assign(buttons(t)[0], ZERO_TAP, { zero_tap_terms_accepted: true }))],
		// issue 16: ZERO_TAP without zero_tap_terms_accepted
		reject: [auth((t) => Object.assign(buttons(t)[0], ZERO_TAP)), auth((t) => Object.assign(buttons(t)[0], ZERO_TAP, { zero_tap_terms_accepted: false }))],
	},
};

describe('validateTemplate: one accepted and one rejected case per rule', () => {
	it('has a case for every rule in TEMPLATE_RULES', () => {
		expect(Object.keys(CASES).sort()).toEqual(Object.keys(TEMPLATE_RULES).sort());
	});

	describe.each(Object.entries(CASES))('%s', (rule, { accept, reject }) => {
		it.each(accept.map((d, i) => [i, d]))('accepts case %i', (_i, def) => {
			const result = validateTemplate(def);
			expect(result.errors).toEqual([]);
			expect(result.valid).toBe(true);
		});
		it.each(reject.map((d, i) => [i, d]))('rejects case %i', (_i, def) => {
			const result = validateTemplate(def);
			expect(result.valid).toBe(false);
			const hit = result.errors.find((e) => e.rule === rule);
			expect(hit).toBeDefined();
			expect(hit!.message.length).toBeGreaterThan(10);
		});
	});
});

describe('validateTemplate: paths and messages', () => {
	it('points at the offending field', () => {
		const def = positionalTemplate();
		def.components[1].text = 'x'.repeat(1025);
		def.components[3].buttons![2].text = 'A very long button label here';
		const { errors } = validateTemplate(def);
		expect(errors).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ path: 'components[1].text', rule: 'body.max_length', message: expect.stringContaining('1025') }),
				expect.objectContaining({ path: 'components[3].buttons[2].text', rule: 'button.text_max_length' }),
			]),
		);
	});

	it('names the variable that lacks an example', () => {
		const def = namedTemplate();
		def.components[1].example!.body_text_named_params = [{ param_name: 'first_name', example: 'J' }];
		const errors = validateTemplate(def).errors.filter((e) => e.rule === 'variables.example_missing');
		expect(errors.map((e) => e.path)).toEqual(['components[1].example', 'components[1].example']);
		expect(errors.map((e) => e.message).join(' ')).toMatch(/\{\{discount_code\}\}.*\{\{valid_until\}\}/);
	});

	it('accepts an unknown language when told to', () => {
		const def = pos((t) => (t.language = 'xx_YY'));
		expect(validateTemplate(def).valid).toBe(false);
		expect(validateTemplate(def, { allowUnknownLanguage: true }).valid).toBe(true);
	});

	it('rejects things that are not definitions', () => {
		expect(validateTemplate(null).valid).toBe(false);
		expect(validateTemplate('x').errors[0].path).toBe('');
	});

	it('validates components alone for Edit, with the category as context', () => {
		expect(validateTemplateComponents(positionalTemplate().components, { category: 'UTILITY' })).toEqual([]);
		const authComponents = authTemplate().components;
		expect(validateTemplateComponents(authComponents, { category: 'AUTHENTICATION' })).toEqual([]);
		expect(validateTemplateComponents(authComponents, { category: 'UTILITY' }).map((e) => e.rule)).toContain('button.otp_only_authentication');
		expect(validateTemplateComponents(undefined)[0].rule).toBe('components.required');
	});
});
