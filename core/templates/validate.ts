/**
 * `validateTemplate(definition)`: checks a create body (`name, language, category,
 * parameter_format?, components[]`) against Meta's template rules (rules.ts) before any API call.
 * Every problem comes back with a path into the definition (`components[1].text`,
 * `components[3].buttons[2].text`), a stable rule id (`body.max_length`) and a readable message.
 */
import { isTemplateLanguage } from './languages';
import {
	BUTTON_TYPES,
	CTA_BUTTON_TYPES,
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
import { checkVariables, extractVariables } from './variables';

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
		if (!isObject(raw)) {
			c.add(`${path}.type`, 'components.type_invalid', `Component ${i} must be an object with a type`);
			return;
		}
		const component = raw as TemplateComponent;
		const type = typeof component.type === 'string' ? component.type.toUpperCase() : '';
		if (!['HEADER', 'BODY', 'FOOTER', 'BUTTONS'].includes(type)) {
			c.add(`${path}.type`, 'components.type_invalid', `Component type "${String(component.type ?? '')}" must be HEADER, BODY, FOOTER or BUTTONS`);
			return;
		}
		if (seen.has(type)) {
			c.add(`${path}.type`, 'components.duplicate', `There is already a ${type} component (components[${seen.get(type)}])`);
			return;
		}
		seen.set(type, i);
		if (type === 'HEADER') checkHeader(c, component, path, format, isAuth);
		else if (type === 'BODY') checkBody(c, component, path, format, isAuth);
		else if (type === 'FOOTER') checkFooter(c, component, path, isAuth);
		else checkButtons(c, component, path, isAuth);
	});

	if (!seen.has('BODY')) c.add(basePath, 'body.required');
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
		if (!isNonEmptyString(h.text)) {
			c.add(`${path}.text`, 'header.text_required');
			return;
		}
		if (h.text.length > L.HEADER_TEXT_MAX_LENGTH) {
			c.add(`${path}.text`, 'header.max_length', `Header text is ${h.text.length} characters; the maximum is ${L.HEADER_TEXT_MAX_LENGTH}`);
		}
		const vars = extractVariables(h.text);
		if (vars.length > L.HEADER_MAX_VARIABLES) {
			c.add(`${path}.text`, 'header.max_variables', `Header text has ${vars.length} variables; at most ${L.HEADER_MAX_VARIABLES} is allowed`);
		}
		const examples = format === 'NAMED' ? namedExamples(h.example?.header_text_named_params) : positionalExamples(h.example?.header_text);
		addVariableIssues(c, `${path}.text`, `${path}.example`, checkVariables(h.text, { format, examples, label: 'Header text' }));
	} else if (isOneOf(MEDIA_HEADER_FORMATS, fmt)) {
		const handles = h.example?.header_handle;
		if (!Array.isArray(handles) || !handles.some(isNonEmptyString)) {
			c.add(`${path}.example.header_handle`, 'header.media_example_required', `${fmt} headers need example.header_handle: upload a sample ${fmt.toLowerCase()} with the Resumable Upload API`);
		}
	}
}

function checkBody(c: Collector, b: TemplateComponent, path: string, format: string, isAuth: boolean): void {
	if (isAuth) {
		if (b.text !== undefined && b.text !== '') c.add(`${path}.text`, 'authentication.body_text_not_allowed');
		if (b.add_security_recommendation !== undefined && typeof b.add_security_recommendation !== 'boolean') {
			c.add(`${path}.add_security_recommendation`, 'authentication.security_recommendation');
		}
		return;
	}
	if (!isNonEmptyString(b.text)) {
		c.add(`${path}.text`, 'body.text_required');
		return;
	}
	if (b.text.length > L.BODY_MAX_LENGTH) {
		c.add(`${path}.text`, 'body.max_length', `Body text is ${b.text.length} characters; the maximum is ${L.BODY_MAX_LENGTH}`);
	}
	const examples =
		format === 'NAMED'
			? namedExamples(b.example?.body_text_named_params)
			: positionalExamples(Array.isArray(b.example?.body_text) ? b.example?.body_text[0] : undefined);
	addVariableIssues(c, `${path}.text`, `${path}.example`, checkVariables(b.text, { format, examples, isBody: true, label: 'Body' }));
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
	if (!isNonEmptyString(f.text)) {
		c.add(`${path}.text`, 'footer.text_required');
		return;
	}
	if (f.text.length > L.FOOTER_MAX_LENGTH) {
		c.add(`${path}.text`, 'footer.max_length', `Footer text is ${f.text.length} characters; the maximum is ${L.FOOTER_MAX_LENGTH}`);
	}
	const vars = extractVariables(f.text);
	if (vars.length) c.add(`${path}.text`, 'footer.variables', `The footer takes no variables (found ${vars[0].raw})`);
}

/** Button types whose `text` Meta requires (COPY_CODE / OTP / CATALOG have a fixed or default label). */
const TEXT_REQUIRED = ['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'FLOW', 'MPM', 'VOICE_CALL'];

function checkButtons(c: Collector, comp: TemplateComponent, path: string, isAuth: boolean): void {
	const buttons = comp.buttons;
	if (!Array.isArray(buttons) || buttons.length === 0) {
		c.add(`${path}.buttons`, 'buttons.required');
		return;
	}
	const types = buttons.map((b) => (isObject(b) && typeof b.type === 'string' ? b.type.toUpperCase() : ''));
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
	if (!isObject(raw)) {
		c.add(`${path}.type`, 'button.type_invalid', 'Each button must be an object with a type');
		return;
	}
	const b = raw as TemplateButton;
	const type = typeof b.type === 'string' ? b.type.toUpperCase() : '';
	if (!isOneOf(BUTTON_TYPES, type)) {
		c.add(`${path}.type`, 'button.type_invalid', `Button type "${String(b.type ?? '')}" is not one of ${BUTTON_TYPES.join(', ')}`);
		return;
	}
	if (TEXT_REQUIRED.includes(type) && !isNonEmptyString(b.text)) c.add(`${path}.text`, 'button.text_required', `${type} buttons need text`);
	if (typeof b.text === 'string' && b.text.length > L.BUTTON_TEXT_MAX_LENGTH) {
		c.add(`${path}.text`, 'button.text_max_length', `Button text "${b.text}" is ${b.text.length} characters; the maximum is ${L.BUTTON_TEXT_MAX_LENGTH}`);
	}

	if (type === 'URL') checkUrlButton(c, b, path);
	else if (type === 'PHONE_NUMBER') {
		const phone = typeof b.phone_number === 'string' ? b.phone_number.replace(/[\s-]/g, '') : '';
		if (!/^\+?[0-9]{4,}$/.test(phone) || String(b.phone_number).length > L.BUTTON_PHONE_MAX_LENGTH) {
			c.add(`${path}.phone_number`, 'button.phone_invalid', `Phone number "${String(b.phone_number ?? '')}" must be digits with an optional leading + (at most ${L.BUTTON_PHONE_MAX_LENGTH} characters)`);
		}
	} else if (type === 'COPY_CODE') {
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
