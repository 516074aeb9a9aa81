/**
 * From a stored template (as `GET /{TEMPLATE_ID}` returns it) and one recipient's values to the
 * exact `template.components` array of a send (cloud-api.md §2 "Template send"):
 *
 *   buildSendComponents(template, {
 *     body: { first_name: 'Ana' } | ['Ana', '42'],        // NAMED by name; POSITIONAL by {{n}} or in order
 *     header: { text } | { link } | { id, filename? } | { latitude, longitude, name?, address? },
 *     buttons: { 1: 'order/42' },                           // by 0-based button index: URL suffix,
 *                                                           // quick-reply payload, coupon code, flow token
 *     code: '123456',                                       // AUTHENTICATION templates: the one-time code
 *   })
 *
 * `describeTemplateVariables(template)` lists what a user must map (keys like `body.first_name`,
 * `header.media`, `button.1`), and `valuesFromInputs({ 'body.first_name': 'Ana', … })`
 * turns such a flat mapping back into the values above (the campaign node's mapping UI).
 * Missing values throw one `TemplateValueError` naming every missing variable.
 */
import { MEDIA_HEADER_FORMATS, isOneOf } from './rules';
import { TemplateButton, TemplateComponent, TemplateDefinition } from './types';
import { detectParameterFormat, variableNames } from './variables';

export interface HeaderValues {
	/** TEXT header with a variable. */
	text?: string;
	/** Media header by public URL… */
	link?: string;
	/** …or by media id (`POST /{PHONE_NUMBER_ID}/media`). */
	id?: string;
	/** DOCUMENT headers: the file name shown to the customer. */
	filename?: string;
	/** LOCATION headers. */
	latitude?: number | string;
	longitude?: number | string;
	name?: string;
	address?: string;
}

export interface SendValues {
	/** NAMED: `{ first_name: 'Ana' }`. POSITIONAL: `{ '1': 'Ana' }` or `['Ana']` (index 0 = `{{1}}`). */
	body?: Record<string, string | number | undefined> | (string | number)[];
	/** A string is the header text. */
	header?: HeaderValues | string;
	/** By 0-based button index. */
	buttons?: Record<string | number, string | number | undefined>;
	/** AUTHENTICATION: the one-time code (sent as the body `{{1}}` and the OTP button's parameter). */
	code?: string | number;
}

export type SendParameter =
	| { type: 'text'; text: string; parameter_name?: string }
	| { type: 'image' | 'video' | 'document'; image?: MediaRef; video?: MediaRef; document?: MediaRef & { filename?: string } }
	| { type: 'location'; location: { latitude: number; longitude: number; name?: string; address?: string } }
	| { type: 'payload'; payload: string }
	| { type: 'coupon_code'; coupon_code: string }
	| { type: 'action'; action: { flow_token: string } };

export interface MediaRef {
	id?: string;
	link?: string;
}

export interface SendComponent {
	type: 'header' | 'body' | 'button';
	sub_type?: 'url' | 'quick_reply' | 'copy_code' | 'flow';
	index?: string;
	parameters: SendParameter[];
}

export type TemplateInputKind =
	| 'text'
	| 'image'
	| 'video'
	| 'document'
	| 'latitude'
	| 'longitude'
	| 'location_name'
	| 'location_address'
	| 'url_suffix'
	| 'quick_reply_payload'
	| 'coupon_code'
	| 'flow_token'
	| 'otp_code';

/** One value a user maps for a send. */
export interface TemplateInput {
	/** Flat key for mappings: `body.1`, `body.first_name`, `header.text`, `header.media`, `header.filename`, `header.latitude`, `button.2`, `code`. */
	key: string;
	component: 'header' | 'body' | 'button' | 'code';
	kind: TemplateInputKind;
	/** Human label, e.g. `Body {{first_name}}` or `Button 2 "Track" URL suffix`. */
	label: string;
	required: boolean;
	/** The variable name (`1`, `first_name`) for header/body inputs. */
	variable?: string;
	buttonIndex?: number;
	/** Example from the template definition, when Meta stored one. */
	example?: string;
}

/** A value is missing or malformed; `missing` lists the input keys (e.g. `body.first_name`). */
export class TemplateValueError extends Error {
	readonly missing: string[];
	constructor(message: string, missing: string[]) {
		super(message);
		this.name = 'TemplateValueError';
		this.missing = missing;
	}
}

type TemplateLike = Pick<TemplateDefinition, 'components'> & Partial<Pick<TemplateDefinition, 'name' | 'language' | 'category' | 'parameter_format'>>;

function find(template: TemplateLike, type: string): TemplateComponent | undefined {
	return (template.components ?? []).find((c) => typeof c.type === 'string' && c.type.toUpperCase() === type);
}

/** The parameter format: the template's own, else what the body uses, else POSITIONAL. */
export function parameterFormatOf(template: TemplateLike): 'POSITIONAL' | 'NAMED' {
	const declared = typeof template.parameter_format === 'string' ? template.parameter_format.toUpperCase() : undefined;
	if (declared === 'NAMED' || declared === 'POSITIONAL') return declared;
	return detectParameterFormat(find(template, 'BODY')?.text) ?? detectParameterFormat(find(template, 'HEADER')?.text) ?? 'POSITIONAL';
}

export function isAuthenticationTemplate(template: TemplateLike): boolean {
	if (template.category === 'AUTHENTICATION') return true;
	return (find(template, 'BUTTONS')?.buttons ?? []).some((b) => String(b.type).toUpperCase() === 'OTP');
}

const str = (v: unknown): string | undefined => (v === undefined || v === null || String(v) === '' ? undefined : String(v));

function exampleFor(component: TemplateComponent | undefined, variable: string, named: boolean, kind: 'header' | 'body'): string | undefined {
	const ex = component?.example;
	if (!ex) return undefined;
	if (named) {
		const list = kind === 'body' ? ex.body_text_named_params : ex.header_text_named_params;
		return list?.find((p) => p.param_name === variable)?.example;
	}
	const list = kind === 'body' ? ex.body_text?.[0] : ex.header_text;
	return str(list?.[Number(variable) - 1]);
}

/** Everything a user must (or may) map to send this template. */
export function describeTemplateVariables(template: TemplateLike): TemplateInput[] {
	const inputs: TemplateInput[] = [];
	const named = parameterFormatOf(template) === 'NAMED';
	if (isAuthenticationTemplate(template)) {
		return [{ key: 'code', component: 'code', kind: 'otp_code', label: 'One-time code', required: true }];
	}
	const header = find(template, 'HEADER');
	const fmt = String(header?.format ?? '').toUpperCase();
	if (header && fmt === 'TEXT') {
		for (const v of variableNames(header.text)) {
			inputs.push({ key: 'header.text', component: 'header', kind: 'text', label: `Header {{${v}}}`, required: true, variable: v, example: exampleFor(header, v, named, 'header') });
		}
	} else if (header && isOneOf(MEDIA_HEADER_FORMATS, fmt)) {
		const kind = fmt === 'GIF' ? 'video' : (fmt.toLowerCase() as 'image' | 'video' | 'document');
		inputs.push({ key: 'header.media', component: 'header', kind, label: `Header ${fmt.toLowerCase()} (URL or media ID)`, required: true });
		if (fmt === 'DOCUMENT') inputs.push({ key: 'header.filename', component: 'header', kind: 'text', label: 'Header document file name', required: false });
	} else if (header && fmt === 'LOCATION') {
		inputs.push(
			{ key: 'header.latitude', component: 'header', kind: 'latitude', label: 'Header location latitude', required: true },
			{ key: 'header.longitude', component: 'header', kind: 'longitude', label: 'Header location longitude', required: true },
			{ key: 'header.name', component: 'header', kind: 'location_name', label: 'Header location name', required: false },
			{ key: 'header.address', component: 'header', kind: 'location_address', label: 'Header location address', required: false },
		);
	}
	const body = find(template, 'BODY');
	for (const v of variableNames(body?.text)) {
		inputs.push({ key: `body.${v}`, component: 'body', kind: 'text', label: `Body {{${v}}}`, required: true, variable: v, example: exampleFor(body, v, named, 'body') });
	}
	(find(template, 'BUTTONS')?.buttons ?? []).forEach((b, i) => {
		const input = buttonInput(b, i);
		if (input) inputs.push(input);
	});
	return inputs;
}

function buttonInput(b: TemplateButton, i: number): TemplateInput | undefined {
	const type = String(b.type).toUpperCase();
	const base = { key: `button.${i}`, component: 'button' as const, buttonIndex: i };
	const name = b.text ? ` "${b.text}"` : '';
	if (type === 'URL' && typeof b.url === 'string' && b.url.includes('{{1}}')) {
		const ex = Array.isArray(b.example) ? b.example[0] : b.example;
		const prefix = b.url.slice(0, b.url.indexOf('{{1}}'));
		const example = typeof ex === 'string' && ex.startsWith(prefix) ? ex.slice(prefix.length) : undefined;
		return { ...base, kind: 'url_suffix', label: `Button ${i}${name} URL suffix (after ${prefix})`, required: true, example };
	}
	if (type === 'QUICK_REPLY') return { ...base, kind: 'quick_reply_payload', label: `Button ${i}${name} quick-reply payload`, required: false };
	if (type === 'COPY_CODE') {
		const ex = Array.isArray(b.example) ? b.example[0] : b.example;
		return { ...base, kind: 'coupon_code', label: `Button ${i} coupon code`, required: true, example: typeof ex === 'string' ? ex : undefined };
	}
	if (type === 'FLOW') return { ...base, kind: 'flow_token', label: `Button ${i}${name} flow token`, required: false };
	return undefined;
}

function bodyValue(values: SendValues, variable: string, order: string[]): string | undefined {
	const body = values.body;
	if (Array.isArray(body)) return str(body[order.indexOf(variable)]);
	return str(body?.[variable]);
}

/** The `components` array of a template send for one recipient. Throws TemplateValueError. */
export function buildSendComponents(template: TemplateLike, values: SendValues = {}): SendComponent[] {
	const out: SendComponent[] = [];
	const missing: string[] = [];
	const problems: string[] = [];
	const named = parameterFormatOf(template) === 'NAMED';

	if (isAuthenticationTemplate(template)) {
		const code = str(values.code) ?? bodyValue(values, '1', ['1']);
		if (!code) throw new TemplateValueError(`Template "${template.name ?? ''}" is an AUTHENTICATION template: the one-time code is missing`, ['code']);
		out.push({ type: 'body', parameters: [{ type: 'text', text: code }] });
		// Meta's authentication-templates guide: the OTP button is created as type OTP but stored (and
		// returned by GET) as type URL; it is sent as sub_type "url" with the code.
		const idx = (find(template, 'BUTTONS')?.buttons ?? []).findIndex((b) => ['OTP', 'URL'].includes(String(b.type).toUpperCase()));
		if (idx >= 0) out.push({ type: 'button', sub_type: 'url', index: String(idx), parameters: [{ type: 'text', text: code }] });
		return out;
	}

	const header = find(template, 'HEADER');
	const fmt = String(header?.format ?? '').toUpperCase();
	const hv: HeaderValues = typeof values.header === 'string' ? { text: values.header } : (values.header ?? {});
	if (header && fmt === 'TEXT') {
		const vars = variableNames(header.text);
		if (vars.length) {
			const text = str(hv.text);
			if (!text) missing.push(`header {{${vars[0]}}}`);
			else out.push({ type: 'header', parameters: [named ? { type: 'text', parameter_name: vars[0], text } : { type: 'text', text }] });
		}
	} else if (header && isOneOf(MEDIA_HEADER_FORMATS, fmt)) {
		const kind = fmt === 'GIF' ? 'video' : (fmt.toLowerCase() as 'image' | 'video' | 'document');
		const ref: MediaRef & { filename?: string } = {};
		if (str(hv.id)) ref.id = str(hv.id);
		else if (str(hv.link)) ref.link = str(hv.link);
		if (kind === 'document' && str(hv.filename)) ref.filename = str(hv.filename);
		if (!ref.id && !ref.link) missing.push(`header ${kind} (link or media id)`);
		else out.push({ type: 'header', parameters: [{ type: kind, [kind]: ref } as SendParameter] });
	} else if (header && fmt === 'LOCATION') {
		const lat = Number(hv.latitude);
		const lng = Number(hv.longitude);
		if (str(hv.latitude) === undefined || str(hv.longitude) === undefined) missing.push('header location (latitude and longitude)');
		else if (!Number.isFinite(lat) || !Number.isFinite(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180) {
			problems.push(`header location: latitude ${String(hv.latitude)} / longitude ${String(hv.longitude)} are not valid coordinates`);
		} else {
			const location: { latitude: number; longitude: number; name?: string; address?: string } = { latitude: lat, longitude: lng };
			if (str(hv.name)) location.name = str(hv.name);
			if (str(hv.address)) location.address = str(hv.address);
			out.push({ type: 'header', parameters: [{ type: 'location', location }] });
		}
	}

	const body = find(template, 'BODY');
	const order = variableNames(body?.text);
	if (order.length) {
		const params: SendParameter[] = [];
		for (const v of order) {
			const text = bodyValue(values, v, order);
			if (!text) missing.push(`body {{${v}}}`);
			else params.push(named ? { type: 'text', parameter_name: v, text } : { type: 'text', text });
		}
		if (params.length === order.length) out.push({ type: 'body', parameters: params });
	}

	(find(template, 'BUTTONS')?.buttons ?? []).forEach((b, i) => {
		const type = String(b.type).toUpperCase();
		const value = str(values.buttons?.[i] ?? values.buttons?.[String(i)]);
		const index = String(i);
		if (type === 'URL' && typeof b.url === 'string' && b.url.includes('{{1}}')) {
			if (!value) missing.push(`button ${i} URL suffix {{1}}${b.text ? ` ("${b.text}")` : ''}`);
			else out.push({ type: 'button', sub_type: 'url', index, parameters: [{ type: 'text', text: value }] });
		} else if (type === 'QUICK_REPLY') {
			if (value) out.push({ type: 'button', sub_type: 'quick_reply', index, parameters: [{ type: 'payload', payload: value }] });
		} else if (type === 'COPY_CODE') {
			if (!value) missing.push(`button ${i} coupon code`);
			else out.push({ type: 'button', sub_type: 'copy_code', index, parameters: [{ type: 'coupon_code', coupon_code: value }] });
		} else if (type === 'FLOW') {
			if (value) out.push({ type: 'button', sub_type: 'flow', index, parameters: [{ type: 'action', action: { flow_token: value } }] });
		}
	});

	if (missing.length || problems.length) {
		const name = template.name ? `Template "${template.name}"${template.language ? ` (${template.language})` : ''}` : 'Template';
		const parts = [];
		if (missing.length) parts.push(`missing value${missing.length > 1 ? 's' : ''} for ${missing.join(', ')}`);
		parts.push(...problems);
		throw new TemplateValueError(`${name}: ${parts.join('; ')}`, missing);
	}
	return out;
}

/** The `template` object of a send body: `{ name, language: { code, policy }, components }` (cloud-api.md §2). */
export function buildTemplateMessage(template: TemplateLike & { name: string; language: string }, values: SendValues = {}) {
	return templateMessage(template, buildSendComponents(template, values));
}

/**
 * Already-built components → the send body's `template` object with `language.policy:
 * "deterministic"`, which Meta's OAS `TemplateObject` marks required (Preview outputs this form).
 */
export function templateMessage(template: { name: string; language: string }, components: SendComponent[]) {
	return { name: template.name, language: { code: template.language, policy: 'deterministic' as const }, ...(components.length ? { components } : {}) };
}

/**
 * A flat mapping keyed like `describeTemplateVariables` (`body.first_name`, `header.media`,
 * `button.1`, `code`…) → the values `buildSendComponents` takes. A `header.media` value starting
 * with http(s):// is a link, anything else a media id.
 */
export function valuesFromInputs(flat: Record<string, unknown>): SendValues {
	const values: SendValues = {};
	const body: Record<string, string> = {};
	const buttons: Record<string, string> = {};
	const header: HeaderValues = {};
	for (const [key, raw] of Object.entries(flat)) {
		const v = str(raw);
		if (v === undefined) continue;
		if (key === 'code') values.code = v;
		else if (key.startsWith('body.')) body[key.slice(5)] = v;
		else if (key.startsWith('button.')) buttons[key.slice(7)] = v;
		else if (key === 'header.text') header.text = v;
		else if (key === 'header.media') {
			if (/^https?:\/\//i.test(v)) header.link = v;
			else header.id = v;
		} else if (key === 'header.filename') header.filename = v;
		else if (key === 'header.latitude') header.latitude = v;
		else if (key === 'header.longitude') header.longitude = v;
		else if (key === 'header.name') header.name = v;
		else if (key === 'header.address') header.address = v;
	}
	if (Object.keys(body).length) values.body = body;
	if (Object.keys(buttons).length) values.buttons = buttons;
	if (Object.keys(header).length) values.header = header;
	return values;
}
