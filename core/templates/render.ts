/**
 * Renders a template with one recipient's values into what the customer sees: header, body,
 * footer and button labels. Missing values stay visible as `{{name}}` and are listed in `missing`
 * (Preview shows a draft even before every value is mapped; sending uses build.ts, which refuses).
 */
import { HeaderValues, SendValues, isAuthenticationTemplate } from './build';
import { MEDIA_HEADER_FORMATS, isOneOf } from './rules';
import { TemplateComponent, TemplateDefinition } from './types';
import { substituteVariables, variableNames } from './variables';

export interface RenderedButton {
	type: string;
	text: string;
	/** URL buttons: the final URL (with the suffix filled in). */
	url?: string;
	phoneNumber?: string;
	/** COPY_CODE: the coupon; authentication: the one-time code. */
	code?: string;
}

export interface RenderedTemplate {
	header?: string;
	body: string;
	footer?: string;
	buttons: RenderedButton[];
	/** Everything above as one message, blocks separated by blank lines, buttons as `[Label]`. */
	text: string;
	/** Variables that had no value (`body {{1}}`, `header {{1}}`, `button 0`). */
	missing: string[];
}

type TemplateLike = Pick<TemplateDefinition, 'components'> & Partial<Pick<TemplateDefinition, 'name' | 'category' | 'parameter_format'>>;

/** Meta's fixed AUTHENTICATION texts (authentication-templates guide [S]; English wording). */
export const AUTHENTICATION_TEXTS = {
	body: '{{1}} is your verification code.',
	securityRecommendation: 'For your security, do not share this code.',
	expiration: (minutes: number) => `This code expires in ${minutes} minutes.`,
	copyCodeButton: 'Copy code',
	oneTapButton: 'Autofill',
} as const;

function find(template: TemplateLike, type: string): TemplateComponent | undefined {
	return (template.components ?? []).find((c) => typeof c.type === 'string' && c.type.toUpperCase() === type);
}

function fill(text: string, source: SendValues['body'] | undefined, where: string, missing: string[]): string {
	const order = variableNames(text);
	const map: Record<string, string | undefined> = {};
	for (const v of order) {
		const raw = Array.isArray(source) ? source[order.indexOf(v)] : source?.[v];
		const value = raw === undefined || raw === null || String(raw) === '' ? undefined : String(raw);
		if (value === undefined) missing.push(`${where} {{${v}}}`);
		map[v] = value;
	}
	return substituteVariables(text, map);
}

export function renderTemplate(template: TemplateLike, values: SendValues = {}): RenderedTemplate {
	const missing: string[] = [];
	const auth = isAuthenticationTemplate(template);
	const hv: HeaderValues = typeof values.header === 'string' ? { text: values.header } : (values.header ?? {});
	const result: RenderedTemplate = { body: '', buttons: [], text: '', missing };

	const header = find(template, 'HEADER');
	if (header) {
		const fmt = String(header.format ?? '').toUpperCase();
		if (fmt === 'TEXT') result.header = fill(header.text ?? '', hv.text !== undefined ? [hv.text] : undefined, 'header', missing);
		else if (isOneOf(MEDIA_HEADER_FORMATS, fmt)) {
			const ref = hv.link ?? (hv.id ? `media ${hv.id}` : undefined);
			if (!ref) missing.push(`header ${fmt.toLowerCase()}`);
			const name = fmt === 'DOCUMENT' && hv.filename ? ` "${hv.filename}"` : '';
			result.header = `[${fmt}${name}: ${ref ?? '(not set)'}]`;
		} else if (fmt === 'LOCATION') {
			const where = [hv.name, hv.address].filter(Boolean).join(', ');
			const coords = hv.latitude !== undefined && hv.longitude !== undefined ? `${hv.latitude}, ${hv.longitude}` : '(not set)';
			if (coords === '(not set)') missing.push('header location');
			result.header = `[LOCATION: ${where ? `${where} ` : ''}(${coords})]`;
		}
	}

	const body = find(template, 'BODY');
	const code = values.code !== undefined ? String(values.code) : undefined;
	if (auth) {
		let text = body?.text || AUTHENTICATION_TEXTS.body;
		if (!body?.text && body?.add_security_recommendation) text += ` ${AUTHENTICATION_TEXTS.securityRecommendation}`;
		result.body = fill(text, code !== undefined ? [code] : values.body, 'code', missing);
	} else if (body?.text) {
		result.body = fill(body.text, values.body, 'body', missing);
	}

	const footer = find(template, 'FOOTER');
	if (footer?.text) result.footer = footer.text;
	else if (footer && typeof footer.code_expiration_minutes === 'number') result.footer = AUTHENTICATION_TEXTS.expiration(footer.code_expiration_minutes);

	(find(template, 'BUTTONS')?.buttons ?? []).forEach((b, i) => {
		const type = String(b.type).toUpperCase();
		const value = values.buttons?.[i] ?? values.buttons?.[String(i)];
		const v = value === undefined || value === null || String(value) === '' ? undefined : String(value);
		const rendered: RenderedButton = { type, text: b.text ?? '' };
		if (auth && (type === 'OTP' || type === 'URL')) {
			// The OTP button comes back from GET as type URL (Meta's authentication-templates guide).
			const otp = String(b.otp_type ?? 'COPY_CODE').toUpperCase();
			rendered.type = 'OTP';
			rendered.text = b.text || (otp === 'COPY_CODE' ? AUTHENTICATION_TEXTS.copyCodeButton : AUTHENTICATION_TEXTS.oneTapButton);
			rendered.code = code;
		} else if (type === 'URL' && typeof b.url === 'string') {
			if (b.url.includes('{{1}}') && v === undefined) missing.push(`button ${i} URL suffix`);
			rendered.url = b.url.includes('{{1}}') ? b.url.replace('{{1}}', v ?? '{{1}}') : b.url;
		} else if (type === 'PHONE_NUMBER') rendered.phoneNumber = b.phone_number;
		else if (type === 'COPY_CODE') {
			rendered.text = b.text || 'Copy offer code';
			if (v === undefined) missing.push(`button ${i} coupon code`);
			rendered.code = v;
		}
		result.buttons.push(rendered);
	});

	const blocks = [result.header, result.body, result.footer].filter((x): x is string => Boolean(x));
	if (result.buttons.length) blocks.push(result.buttons.map((b) => `[${b.text}${b.url ? ` → ${b.url}` : ''}${b.phoneNumber ? ` → ${b.phoneNumber}` : ''}]`).join(' '));
	result.text = blocks.join('\n\n');
	return result;
}
