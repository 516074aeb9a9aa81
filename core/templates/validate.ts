/**
 * `validateTemplate(definition)`: checks a create body (`name, language, category,
 * parameter_format?, components[]`) against Meta's template rules (rules.ts) before any API call.
 * Every problem comes back with a path into the definition (`components[1].text`,
 * `components[3].buttons[2].text`), a stable rule id (`body.max_length`) and a readable message.
 */
import { isTemplateLanguage } from './languages';
import { parsePhoneNumberFromString } from 'libphonenumber-js/core';
import { METADATA } from '../phone/plan';
import {
	BUTTON_TYPES,
	BUTTON_TYPES_TEXT_REQUIRED,
	CAROUSEL_CARD_COMPONENT_TYPES,
	CAROUSEL_HEADER_FORMATS,
	CAROUSEL_LIMITS as CL,
	CAROUSEL_MEDIA_HEADER_FORMATS,
	COMPONENT_TYPES,
	CTA_BUTTON_TYPES,
	FLOW_ACTIONS,
	FLOW_TARGET_FIELDS,
	MEDIA_CARD_BUTTON_TYPES,
	OFFER_HEADER_FORMATS,
	OFFER_LIMITS,
	PRODUCT_CARD_BUTTON_TYPES,
	HEADER_FORMATS,
	MEDIA_HEADER_FORMATS,
	OTP_TYPES,
	OTP_TYPES_NEEDING_APP,
	PARAMETER_FORMATS,
	TEMPLATE_CATEGORIES,
	TEMPLATE_LIMITS as L,
	TEMPLATE_RULES,
	TemplateRuleId,
	isOneOf,
} from './rules';
import { TemplateButton, TemplateComponent, TemplateValidationError, TemplateValidationResult } from './types';
import { checkVariables, extractVariables, variableNames } from './variables';

export interface ValidateOptions {
	/** Accept language codes missing from languages.ts (Meta adds regional variants). Default false. */
	allowUnknownLanguage?: boolean;
}

export interface ComponentContext {
	category?: string;
	/** POSITIONAL (Meta's default) or NAMED. */
	parameterFormat?: string;
}

class Collector {
	readonly errors: TemplateValidationError[] = [];
	add(path: string, rule: TemplateRuleId, message?: string): void {
		this.errors.push({ path, rule, message: message ?? TEMPLATE_RULES[rule].description });
	}
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The upper-cased `type` of a component or button ('' when it is not an object with a string type). */
function upperType(raw: unknown): string {
	return isObject(raw) && typeof raw.type === 'string' ? raw.type.toUpperCase() : '';
}

/**
 * The type of a component or button when it is an object whose `type` (any case) is one of `types`;
 * otherwise reports `rule` at `<path>.type` — `notObject`, or `notOneOf(the type given)` — and
 * returns undefined.
 */
function knownType<T extends string>(
	c: Collector,
	raw: unknown,
	path: string,
	types: readonly T[],
	rule: TemplateRuleId,
	notObject: string,
	notOneOf: (given: string) => string,
): T | undefined {
	if (!isObject(raw)) {
		c.add(`${path}.type`, rule, notObject);
		return undefined;
	}
	const type = upperType(raw);
	if (isOneOf(types, type)) return type;
	c.add(`${path}.type`, rule, notOneOf(String(raw.type ?? '')));
	return undefined;
}
const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** Validates a whole create body. */
export function validateTemplate(definition: unknown, options: ValidateOptions = {}): TemplateValidationResult {
	const c = new Collector();
	if (!isObject(definition)) {
		c.add('', 'components.required', 'The template definition must be an object');
		return { valid: false, errors: c.errors };
	}
	const { name, language, category } = definition;
	const format = definition.parameter_format;

	if (!isNonEmptyString(name)) c.add('name', 'name.required');
	else {
		if (name.length > L.NAME_MAX_LENGTH) c.add('name', 'name.max_length', `Name is ${name.length} characters; the maximum is ${L.NAME_MAX_LENGTH}`);
		if (!L.NAME_PATTERN.test(name)) c.add('name', 'name.pattern', `Name "${name}" may only contain lowercase letters, digits and underscores`);
	}

	if (!isNonEmptyString(language)) c.add('language', 'language.required');
	else if (!options.allowUnknownLanguage && !isTemplateLanguage(language)) {
		c.add('language', 'language.unknown', `"${language}" is not a WhatsApp template language code (e.g. en_US, pt_BR, de)`);
	}

	if (!isOneOf(TEMPLATE_CATEGORIES, category)) {
		c.add('category', 'category.invalid', `Category "${String(category ?? '')}" must be MARKETING, UTILITY or AUTHENTICATION`);
	}
	if (format !== undefined && !isOneOf(PARAMETER_FORMATS, format)) {
		c.add('parameter_format', 'parameter_format.invalid', `parameter_format "${String(format)}" must be POSITIONAL or NAMED`);
	}

	c.errors.push(
		...validateTemplateComponents(definition.components, {
			category: typeof category === 'string' ? category : undefined,
			parameterFormat: typeof format === 'string' ? format : undefined,
		}),
	);
	return { valid: c.errors.length === 0, errors: c.errors };
}

/** Validates a components array (create, or the body of an Edit). */
export function validateTemplateComponents(components: unknown, context: ComponentContext = {}, basePath = 'components'): TemplateValidationError[] {
	const c = new Collector();
	if (!Array.isArray(components) || components.length === 0) {
		c.add(basePath, 'components.required');
		return c.errors;
	}
	const isAuth = context.category === 'AUTHENTICATION';
	const format = isOneOf(PARAMETER_FORMATS, context.parameterFormat) ? context.parameterFormat : 'POSITIONAL';
	const seen = new Map<string, number>();

	components.forEach((raw, i) => {
		const path = `${basePath}[${i}]`;
		const type = knownType(c, raw, path, COMPONENT_TYPES, 'components.type_invalid', `Component ${i} must be an object with a type`, (given) => `Component type "${given}" must be one of ${COMPONENT_TYPES.join(', ')}`);
		if (!type) return;
		const component = raw as TemplateComponent;
		if (seen.has(type)) {
			c.add(`${path}.type`, 'components.duplicate', `There is already a ${type} component (components[${seen.get(type)}])`);
			return;
		}
		seen.set(type, i);
		if (type === 'HEADER') checkHeader(c, component, path, format, isAuth);
		else if (type === 'BODY') checkBody(c, component, path, format, isAuth);
		else if (type === 'FOOTER') checkFooter(c, component, path, isAuth);
		else if (type === 'BUTTONS') checkButtons(c, component, path, isAuth);
		else if (type === 'CAROUSEL') checkCarousel(c, component, path, format);
		else checkOffer(c, component, path);
	});

	if (!seen.has('BODY')) c.add(basePath, 'body.required');
	const at = (type: string) => components[seen.get(type) as number] as TemplateComponent;
	const marketing = context.category === undefined || context.category === 'MARKETING';
	if (seen.has('CAROUSEL')) {
		if (!marketing) c.add('category', 'carousel.marketing_only', `Carousel templates are MARKETING templates, not ${context.category}`);
		for (const other of ['HEADER', 'FOOTER', 'BUTTONS']) {
			if (seen.has(other)) c.add(`${basePath}[${seen.get(other)}].type`, 'carousel.components', `A carousel template has no ${other} of its own (put headers and buttons on the cards)`);
		}
	}
	if (seen.has('LIMITED_TIME_OFFER')) {
		if (!marketing) c.add('category', 'offer.marketing_only', `Limited-time offer templates are MARKETING templates, not ${context.category}`);
		if (seen.has('FOOTER')) c.add(`${basePath}[${seen.get('FOOTER')}].type`, 'offer.footer_not_allowed');
		const header = seen.has('HEADER') ? at('HEADER') : undefined;
		const fmt = String(header?.format ?? '').toUpperCase();
		if (header && !isOneOf(OFFER_HEADER_FORMATS, fmt)) c.add(`${basePath}[${seen.get('HEADER')}].format`, 'offer.header_format', `A limited-time offer header is IMAGE or VIDEO, not ${fmt || 'missing'}`);
		const text = seen.has('BODY') ? at('BODY').text : undefined;
		if (typeof text === 'string' && text.length > OFFER_LIMITS.BODY_MAX_LENGTH) {
			c.add(`${basePath}[${seen.get('BODY')}].text`, 'offer.body_max_length', `Body text is ${text.length} characters; a limited-time offer body is at most ${OFFER_LIMITS.BODY_MAX_LENGTH}`);
		}
	}
	if (seen.has('BUTTONS')) {
		const types = (at('BUTTONS').buttons ?? []).map(upperType);
		const header = seen.has('HEADER') ? at('HEADER') : undefined;
		if (types.includes('MPM') && String(header?.format ?? '').toUpperCase() !== 'TEXT') {
			c.add(header ? `${basePath}[${seen.get('HEADER')}].format` : basePath, 'mpm.header_text', 'Multi-product (MPM) templates need a TEXT header');
		}
	}
	if (isAuth && !seen.has('BUTTONS')) c.add(basePath, 'authentication.otp_button', 'AUTHENTICATION templates need a BUTTONS component with one OTP button');
	return c.errors;
}

function positionalExamples(values: unknown): Record<string, string> {
	const out: Record<string, string> = {};
	if (Array.isArray(values)) values.forEach((v, i) => {
		if (typeof v === 'string' || typeof v === 'number') out[String(i + 1)] = String(v);
	});
	return out;
}

function namedExamples(values: unknown): Record<string, string> {
	const out: Record<string, string> = {};
	if (Array.isArray(values)) for (const v of values) {
		if (isObject(v) && typeof v.param_name === 'string' && v.example !== undefined && v.example !== null) out[v.param_name] = String(v.example);
	}
	return out;
}

function addVariableIssues(c: Collector, path: string, examplePath: string, issues: ReturnType<typeof checkVariables>): void {
	for (const issue of issues) c.add(issue.rule === 'variables.example_missing' ? examplePath : path, issue.rule, issue.message);
}

function checkHeader(c: Collector, h: TemplateComponent, path: string, format: string, isAuth: boolean): void {
	if (isAuth) {
		c.add(`${path}.type`, 'authentication.header_not_allowed');
		return;
	}
	const fmt = typeof h.format === 'string' ? h.format.toUpperCase() : '';
	if (!isOneOf(HEADER_FORMATS, fmt)) {
		c.add(`${path}.format`, 'header.format_invalid', `Header format "${String(h.format ?? '')}" must be TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION`);
		return;
	}
	if (fmt === 'TEXT') {
		if (!checkText(c, h.text, `${path}.text`, 'header', 'Header text', L.HEADER_TEXT_MAX_LENGTH)) return;
		const vars = extractVariables(h.text);
		if (vars.length > L.HEADER_MAX_VARIABLES) {
			c.add(`${path}.text`, 'header.max_variables', `Header text has ${vars.length} variables; at most ${L.HEADER_MAX_VARIABLES} is allowed`);
		}
		const examples = format === 'NAMED' ? namedExamples(h.example?.header_text_named_params) : positionalExamples(h.example?.header_text);
		addVariableIssues(c, `${path}.text`, `${path}.example`, checkVariables(h.text, { format, examples, label: 'Header text' }));
		checkExampleCount(c, h.text, format === 'NAMED' ? h.example?.header_text_named_params : h.example?.header_text, format, `${path}.example`, 'Header text');
	} else if (isOneOf(MEDIA_HEADER_FORMATS, fmt)) {
		const handles = h.example?.header_handle;
		if (!Array.isArray(handles) || !handles.some(isNonEmptyString)) {
			c.add(`${path}.example.header_handle`, 'header.media_example_required', `${fmt} headers need example.header_handle: upload a sample ${fmt.toLowerCase()} with the Resumable Upload API`);
		}
	}
}

/**
 * A header / body / footer text: required (rule `<part>.text_required`; false, and nothing else to
 * check, when missing) and at most `max` characters (rule `<part>.max_length`, reported with its length).
 */
function checkText(c: Collector, text: unknown, path: string, part: 'header' | 'body' | 'footer', label: string, max: number): text is string {
	if (!isNonEmptyString(text)) {
		c.add(path, `${part}.text_required`);
		return false;
	}
	if (text.length > max) c.add(path, `${part}.max_length`, `${label} is ${text.length} characters; the maximum is ${max}`);
	return true;
}

function checkBody(c: Collector, b: TemplateComponent, path: string, format: string, isAuth: boolean): void {
	if (isAuth) {
		if (b.text !== undefined && b.text !== '') c.add(`${path}.text`, 'authentication.body_text_not_allowed');
		if (b.add_security_recommendation !== undefined && typeof b.add_security_recommendation !== 'boolean') {
			c.add(`${path}.add_security_recommendation`, 'authentication.security_recommendation');
		}
		return;
	}
	if (!checkText(c, b.text, `${path}.text`, 'body', 'Body text', L.BODY_MAX_LENGTH)) return;
	const examples =
		format === 'NAMED'
			? namedExamples(b.example?.body_text_named_params)
			: positionalExamples(Array.isArray(b.example?.body_text) ? b.example?.body_text[0] : undefined);
	addVariableIssues(c, `${path}.text`, `${path}.example`, checkVariables(b.text, { format, examples, isBody: true, label: 'Body' }));
	checkExampleCount(c, b.text, format === 'NAMED' ? b.example?.body_text_named_params : b.example?.body_text?.[0], format, `${path}.example`, 'Body');
}

/**
 * One example per variable, no more (rule variables.example_count): `body_text: [["a","b","c"]]`
 * for a one-variable body, or a named example whose param_name the text does not use, is rejected.
 */
function checkExampleCount(c: Collector, text: string, given: unknown, format: string, path: string, label: string): void {
	if (!Array.isArray(given) || given.length === 0) return;
	const names = variableNames(text);
	if (format === 'NAMED') {
		const extra = given.filter((e) => isObject(e) && typeof e.param_name === 'string' && !names.includes(e.param_name)).map((e) => (e as { param_name: string }).param_name);
		if (extra.length) c.add(path, 'variables.example_count', `${label}: example for {{${extra[0]}}}, which the text does not use`);
		return;
	}
	if (given.length !== names.length) {
		c.add(path, 'variables.example_count', `${label}: ${given.length} example value${given.length === 1 ? '' : 's'} for ${names.length} variable${names.length === 1 ? '' : 's'}; give exactly one per variable`);
	}
}

function checkFooter(c: Collector, f: TemplateComponent, path: string, isAuth: boolean): void {
	if (isAuth) {
		if (f.text !== undefined && f.text !== '') c.add(`${path}.text`, 'authentication.footer_text_not_allowed');
		const m = f.code_expiration_minutes;
		if (m !== undefined && (typeof m !== 'number' || !Number.isInteger(m) || m < L.CODE_EXPIRATION_MIN || m > L.CODE_EXPIRATION_MAX)) {
			c.add(`${path}.code_expiration_minutes`, 'authentication.code_expiration', `code_expiration_minutes is ${String(m)}; use a whole number from ${L.CODE_EXPIRATION_MIN} to ${L.CODE_EXPIRATION_MAX}`);
		}
		return;
	}
	if (!checkText(c, f.text, `${path}.text`, 'footer', 'Footer text', L.FOOTER_MAX_LENGTH)) return;
	const vars = extractVariables(f.text);
	if (vars.length) c.add(`${path}.text`, 'footer.variables', `The footer takes no variables (found ${vars[0].raw})`);
}


function checkButtons(c: Collector, comp: TemplateComponent, path: string, isAuth: boolean): void {
	const buttons = comp.buttons;
	if (!Array.isArray(buttons) || buttons.length === 0) {
		c.add(`${path}.buttons`, 'buttons.required');
		return;
	}
	const types = buttons.map(upperType);
	const count = (t: string) => types.filter((x) => x === t).length;

	if (isAuth) {
		if (buttons.length !== 1 || types[0] !== 'OTP') {
			c.add(`${path}.buttons`, 'authentication.otp_button', `AUTHENTICATION templates have exactly one OTP button; found ${types.join(', ') || 'none'}`);
		}
	} else {
		if (buttons.length > L.BUTTONS_MAX_TOTAL) c.add(`${path}.buttons`, 'buttons.max_total', `${buttons.length} buttons; at most ${L.BUTTONS_MAX_TOTAL} are allowed`);
		if (count('URL') > L.BUTTONS_MAX_URL) c.add(`${path}.buttons`, 'buttons.max_url', `${count('URL')} URL buttons; at most ${L.BUTTONS_MAX_URL} are allowed`);
		if (count('PHONE_NUMBER') > L.BUTTONS_MAX_PHONE_NUMBER) {
			c.add(`${path}.buttons`, 'buttons.max_phone_number', `${count('PHONE_NUMBER')} PHONE_NUMBER buttons; at most ${L.BUTTONS_MAX_PHONE_NUMBER} is allowed`);
		}
		if (count('COPY_CODE') > L.BUTTONS_MAX_COPY_CODE) {
			c.add(`${path}.buttons`, 'buttons.max_copy_code', `${count('COPY_CODE')} COPY_CODE buttons; at most ${L.BUTTONS_MAX_COPY_CODE} is allowed`);
		}
		const product = types.find((t) => t === 'CATALOG' || t === 'MPM');
		if (product && buttons.length > 1) {
			c.add(`${path}.buttons`, 'buttons.product_only', `A ${product} button is the template's only button; found ${types.join(', ')}`);
		}
		const qr = types.map((t, i) => (t === 'QUICK_REPLY' ? i : -1)).filter((i) => i >= 0);
		if (qr.length > 1 && qr[qr.length - 1] - qr[0] !== qr.length - 1) {
			const interloper = types.findIndex((t, i) => i > qr[0] && i < qr[qr.length - 1] && isOneOf(CTA_BUTTON_TYPES, t));
			c.add(
				`${path}.buttons[${interloper >= 0 ? interloper : qr[0]}]`,
				'buttons.quick_reply_grouping',
				'Quick-reply buttons must be next to each other; move the call-to-action buttons before or after them',
			);
		}
	}
	buttons.forEach((raw, j) => checkButton(c, raw, `${path}.buttons[${j}]`, isAuth));
}

function checkButton(c: Collector, raw: unknown, path: string, isAuth: boolean): void {
	const type = knownType(c, raw, path, BUTTON_TYPES, 'button.type_invalid', 'Each button must be an object with a type', (given) => `Button type "${given}" is not one of ${BUTTON_TYPES.join(', ')}`);
	if (!type) return;
	const b = raw as TemplateButton;
	if (isOneOf(BUTTON_TYPES_TEXT_REQUIRED, type) && !isNonEmptyString(b.text)) c.add(`${path}.text`, 'button.text_required', `${type} buttons need text`);
	if (typeof b.text === 'string' && b.text.length > L.BUTTON_TEXT_MAX_LENGTH) {
		c.add(`${path}.text`, 'button.text_max_length', `Button text "${b.text}" is ${b.text.length} characters; the maximum is ${L.BUTTON_TEXT_MAX_LENGTH}`);
	}

	if (type === 'URL') checkUrlButton(c, b, path);
	else if (type === 'PHONE_NUMBER') {
		if (!isButtonPhoneNumber(b.phone_number)) {
			c.add(
				`${path}.phone_number`,
				'button.phone_invalid',
				`Phone number "${String(b.phone_number ?? '')}" must be an international number with its country code, e.g. +16467043595 (${L.BUTTON_PHONE_E164_MIN_DIGITS}–${L.BUTTON_PHONE_E164_MAX_DIGITS} digits, at most ${L.BUTTON_PHONE_MAX_LENGTH} characters)`,
			);
		}
	} else if (type === 'FLOW') checkFlowButton(c, b, path);
	else if (type === 'COPY_CODE') {
		const example = Array.isArray(b.example) ? b.example[0] : b.example;
		if (!isNonEmptyString(example) || example.length > L.COPY_CODE_EXAMPLE_MAX_LENGTH) {
			c.add(`${path}.example`, 'button.copy_code_example');
		}
	} else if (type === 'OTP') {
		if (!isAuth) {
			c.add(`${path}.type`, 'button.otp_only_authentication');
			return;
		}
		const otp = typeof b.otp_type === 'string' ? b.otp_type.toUpperCase() : '';
		if (!isOneOf(OTP_TYPES, otp)) {
			c.add(`${path}.otp_type`, 'authentication.otp_type', `otp_type "${String(b.otp_type ?? '')}" must be COPY_CODE, ONE_TAP or ZERO_TAP`);
		} else if (isOneOf(OTP_TYPES_NEEDING_APP, otp)) {
			const apps = Array.isArray(b.supported_apps) ? b.supported_apps : [];
			const direct = isNonEmptyString(b.package_name) && isNonEmptyString(b.signature_hash);
			const listed = apps.length > 0 && apps.every((a) => isObject(a) && isNonEmptyString(a.package_name) && isNonEmptyString(a.signature_hash));
			if (!direct && !listed) c.add(path, 'authentication.one_tap_app', `${otp} buttons need the Android app's package_name and signature_hash`);
			if (otp === 'ZERO_TAP' && b.zero_tap_terms_accepted !== true) {
				c.add(`${path}.zero_tap_terms_accepted`, 'authentication.zero_tap_terms', 'ZERO_TAP buttons need zero_tap_terms_accepted: true (accept the zero-tap terms of service)');
			}
		}
	}
}

function checkUrlButton(c: Collector, b: TemplateButton, path: string): void {
	const url = b.url;
	if (!isNonEmptyString(url) || !/^https?:\/\/[^\s]+$/i.test(url) || url.length > L.BUTTON_URL_MAX_LENGTH) {
		c.add(`${path}.url`, 'button.url_invalid', `URL "${String(url ?? '')}" must start with http:// or https:// and be at most ${L.BUTTON_URL_MAX_LENGTH} characters`);
		return;
	}
	const vars = extractVariables(url);
	if (vars.length === 0) return;
	if (vars.length > 1 || vars[0].name !== '1' || vars[0].end !== url.length) {
		c.add(`${path}.url`, 'button.url_variable', `URL "${url}" may only end with a single {{1}} (a suffix the sender fills in)`);
		return;
	}
	const example = Array.isArray(b.example) ? b.example[0] : b.example;
	if (!isNonEmptyString(example)) c.add(`${path}.example`, 'button.url_example_missing', `URL "${url}" has {{1}}: give an example full URL, e.g. ${url.replace('{{1}}', '42')}`);
}

/**
 * A PHONE_NUMBER button's number (rule button.phone_invalid): E.164 — country code + national
 * number, 7–15 digits, separators and a leading + allowed, ≤20 characters as written — and a
 * possible number for its country code according to libphonenumber. "1234" fails.
 */
function isButtonPhoneNumber(value: unknown): boolean {
	if (typeof value !== 'string' || value.length > L.BUTTON_PHONE_MAX_LENGTH) return false;
	if (!/^\+?[0-9\s().-]+$/.test(value.trim())) return false;
	const digits = value.replace(/\D/g, '');
	if (digits.length < L.BUTTON_PHONE_E164_MIN_DIGITS || digits.length > L.BUTTON_PHONE_E164_MAX_DIGITS || digits.startsWith('0')) return false;
	return parsePhoneNumberFromString(`+${digits}`, METADATA)?.isPossible() ?? false;
}

function checkFlowButton(c: Collector, b: TemplateButton, path: string): void {
	const targets = FLOW_TARGET_FIELDS.filter((f) => isNonEmptyString(b[f]));
	if (targets.length !== 1) {
		c.add(
			path,
			'button.flow_target',
			targets.length === 0 ? 'FLOW buttons need flow_id, flow_name or flow_json' : `FLOW buttons name one Flow; found ${targets.join(' and ')}`,
		);
	}
	if (b.flow_action !== undefined && !isOneOf(FLOW_ACTIONS, b.flow_action)) {
		c.add(`${path}.flow_action`, 'button.flow_action', `flow_action "${String(b.flow_action)}" must be navigate or data_exchange`);
	}
	if (b.flow_json !== undefined) {
		let ok = false;
		if (typeof b.flow_json === 'string') {
			try {
				ok = isObject(JSON.parse(b.flow_json));
			} catch {
				ok = false;
			}
		}
		if (!ok) c.add(`${path}.flow_json`, 'button.flow_json', 'flow_json must be a string holding the Flow JSON object (JSON.stringify it)');
	}
}

function checkOffer(c: Collector, comp: TemplateComponent, path: string): void {
	const offer = comp.limited_time_offer;
	const text = isObject(offer) ? offer.text : undefined;
	if (!isNonEmptyString(text) || text.length > OFFER_LIMITS.TEXT_MAX_LENGTH) {
		c.add(
			`${path}.limited_time_offer.text`,
			'offer.text',
			isNonEmptyString(text)
				? `Offer text "${text}" is ${text.length} characters; the maximum is ${OFFER_LIMITS.TEXT_MAX_LENGTH}`
				: 'The LIMITED_TIME_OFFER component needs limited_time_offer.text (e.g. "Expiring offer!")',
		);
	}
	if (isObject(offer) && offer.has_expiration !== undefined && typeof offer.has_expiration !== 'boolean') {
		c.add(`${path}.limited_time_offer.has_expiration`, 'offer.has_expiration');
	}
}

const upper = (v: unknown): string => (isObject(v) && typeof v.type === 'string' ? v.type.toUpperCase() : '');

function checkCarousel(c: Collector, comp: TemplateComponent, path: string, format: string): void {
	const cards = comp.cards as unknown;
	if (!Array.isArray(cards) || cards.length < CL.CARDS_MIN || cards.length > CL.CARDS_MAX) {
		c.add(`${path}.cards`, 'carousel.card_count', `The carousel has ${Array.isArray(cards) ? cards.length : 0} cards; use ${CL.CARDS_MIN} to ${CL.CARDS_MAX}`);
		if (!Array.isArray(cards)) return;
	}
	let headerFormat: string | undefined;
	let bodies = 0;
	const shapes: (string | undefined)[] = [];
	cards.forEach((card: unknown, k: number) => {
		const cp = `${path}.cards[${k}]`;
		const list = isObject(card) && Array.isArray(card.components) ? (card.components as unknown[]) : undefined;
		if (!list) {
			c.add(`${cp}.components`, 'carousel.card_component_invalid', `Card ${k} needs a components array`);
			shapes.push(undefined);
			return;
		}
		const found = new Map<string, { component: TemplateComponent; path: string }>();
		list.forEach((raw, j) => {
			const t = upper(raw);
			const p = `${cp}.components[${j}]`;
			if (!isOneOf(CAROUSEL_CARD_COMPONENT_TYPES, t)) c.add(`${p}.type`, 'carousel.card_component_invalid', `Card ${k}: component type "${t}" must be HEADER, BODY or BUTTONS`);
			else if (found.has(t)) c.add(`${p}.type`, 'carousel.card_component_invalid', `Card ${k} has a second ${t}`);
			else found.set(t, { component: raw as TemplateComponent, path: p });
		});
		const header = found.get('HEADER');
		const fmt = String(header?.component.format ?? '').toUpperCase();
		if (!header || !isOneOf(CAROUSEL_HEADER_FORMATS, fmt)) {
			c.add(header ? `${header.path}.format` : `${cp}.components`, 'carousel.card_header', `Card ${k} needs an IMAGE, VIDEO or PRODUCT header${header ? ` (found ${fmt || 'no format'})` : ''}`);
		} else {
			if (headerFormat === undefined) headerFormat = fmt;
			else if (fmt !== headerFormat) c.add(`${header.path}.format`, 'carousel.card_header', `Card ${k} has a ${fmt} header but card 0 has ${headerFormat}; every card uses the same format`);
			const handles = header.component.example?.header_handle;
			if (isOneOf(CAROUSEL_MEDIA_HEADER_FORMATS, fmt) && (!Array.isArray(handles) || !handles.some(isNonEmptyString))) {
				c.add(`${header.path}.example.header_handle`, 'carousel.card_header', `Card ${k}: ${fmt} headers need example.header_handle (a Resumable Upload handle)`);
			}
		}
		const body = found.get('BODY');
		if (body) {
			bodies++;
			const text = body.component.text;
			if (!isNonEmptyString(text)) c.add(`${body.path}.text`, 'body.text_required', `Card ${k}: the card body needs text`);
			else {
				if (text.length > CL.CARD_BODY_MAX_LENGTH) c.add(`${body.path}.text`, 'carousel.card_body', `Card ${k} body is ${text.length} characters; the maximum is ${CL.CARD_BODY_MAX_LENGTH}`);
				const ex = body.component.example;
				const examples = format === 'NAMED' ? namedExamples(ex?.body_text_named_params) : positionalExamples(Array.isArray(ex?.body_text) ? ex?.body_text[0] : undefined);
				addVariableIssues(c, `${body.path}.text`, `${body.path}.example`, checkVariables(text, { format, examples, label: `Card ${k} body` }));
				checkExampleCount(c, text, format === 'NAMED' ? ex?.body_text_named_params : ex?.body_text?.[0], format, `${body.path}.example`, `Card ${k} body`);
			}
		}
		const buttonsComp = found.get('BUTTONS');
		const buttons = Array.isArray(buttonsComp?.component.buttons) ? (buttonsComp?.component.buttons as unknown[]) : [];
		const types = buttons.map(upper);
		const bp = buttonsComp ? `${buttonsComp.path}.buttons` : `${cp}.components`;
		if (fmt === 'PRODUCT') {
			if (types.length !== CL.PRODUCT_CARD_BUTTONS || !isOneOf(PRODUCT_CARD_BUTTON_TYPES, types[0])) {
				c.add(bp, 'carousel.card_buttons', `Card ${k} is a product card: it has one SPM or URL button (found ${types.join(', ') || 'none'})`);
			}
		} else if (types.length < CL.MEDIA_CARD_BUTTONS_MIN || types.length > CL.MEDIA_CARD_BUTTONS_MAX || !types.every((t) => isOneOf(MEDIA_CARD_BUTTON_TYPES, t))) {
			c.add(bp, 'carousel.card_buttons', `Card ${k} has ${types.join(', ') || 'no buttons'}; media cards have 1–2 QUICK_REPLY, URL or PHONE_NUMBER buttons`);
		}
		buttons.forEach((b, j) => checkButton(c, b, `${buttonsComp?.path}.buttons[${j}]`, false));
		shapes.push(`${found.has('HEADER') ? 'HEADER' : ''}|${found.has('BUTTONS') ? 'BUTTONS' : ''}|${types.join(',')}`);
	});
	if (bodies > 0 && bodies < cards.length) c.add(`${path}.cards`, 'carousel.card_body', `${bodies} of ${cards.length} cards have a body; give every card a body, or none`);
	const first = shapes[0];
	shapes.forEach((shape, k) => {
		if (k > 0 && shape !== undefined && first !== undefined && shape !== first) {
			c.add(`${path}.cards[${k}]`, 'carousel.cards_consistent', `Card ${k} differs from card 0 (${shape.split('|')[2] || 'no buttons'} vs ${first.split('|')[2] || 'no buttons'}); every card has the same components and button types`);
		}
	});
}

/** Where validation reports a carousel card's missing sample handle (its header is the card's first component). */
export function cardHeaderHandlePath(carouselIndex: number, card: number): string {
	return `components[${carouselIndex}].cards[${card}].components[0].example.header_handle`;
}

/**
 * Pre-flight before review samples are uploaded: drops the errors the uploads will fix — the media
 * header's missing sample (header.media_example_required) when `header` is pending, and the missing
 * handle of each card at a path in `cardPaths` (carousel.card_header). Every other error stays, so bad
 * input never uploads a file.
 */
export function withoutPendingSampleErrors(errors: TemplateValidationError[], pending: { header: boolean; cardPaths: ReadonlySet<string> }): TemplateValidationError[] {
	return errors.filter((e) => !(pending.header && e.rule === 'header.media_example_required') && !(e.rule === 'carousel.card_header' && pending.cardPaths.has(e.path)));
}
