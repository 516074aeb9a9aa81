/**
 * The Create/Edit node's no-code fields → Meta's component list (cloud-api.md §1 "Create body").
 * No n8n imports: the node reads its parameters into `TemplateFields` and calls
 * `componentsFromFields`; validation (core/templates/validate.ts) runs on the result.
 */
import type { TemplateButton, TemplateComponent } from '../../core/templates/types';
import { variableNames } from '../../core/templates/variables';

export type HeaderType = 'none' | 'text' | 'image' | 'video' | 'document' | 'location';

export interface ButtonField {
	type: 'quickReply' | 'url' | 'phoneNumber' | 'copyCode';
	text?: string;
	url?: string;
	/** A full example URL, or only the part that replaces `{{1}}`. */
	urlExample?: string;
	phoneNumber?: string;
	couponExample?: string;
}

export interface TemplateFields {
	category: string;
	parameterFormat?: 'POSITIONAL' | 'NAMED';
	headerType?: HeaderType;
	headerText?: string;
	headerExample?: string;
	/** Resumable Upload handle for media headers (resolved by the node). */
	headerHandle?: string;
	bodyText?: string;
	/** Examples by variable (`1`, `first_name`); an empty variable takes the next one in order. */
	bodyExamples?: { variable?: string; example?: string }[];
	footerText?: string;
	buttons?: ButtonField[];
	// AUTHENTICATION
	addSecurityRecommendation?: boolean;
	/** 0 / undefined: no expiry footer. */
	codeExpirationMinutes?: number;
	otpType?: 'COPY_CODE' | 'ONE_TAP' | 'ZERO_TAP';
	otpButtonText?: string;
	autofillText?: string;
	packageName?: string;
	signatureHash?: string;
}

const trim = (v: unknown): string => (v === undefined || v === null ? '' : String(v).trim());

/** Maps the examples list onto the body's variables (explicit names first, then in order). */
export function bodyExampleMap(bodyText: string, examples: TemplateFields['bodyExamples'] = []): Record<string, string> {
	const names = variableNames(bodyText);
	const out: Record<string, string> = {};
	const unnamed: string[] = [];
	for (const e of examples) {
		const variable = trim(e.variable).replace(/^\{\{|\}\}$/g, '');
		if (variable) out[variable] = String(e.example ?? '');
		else unnamed.push(String(e.example ?? ''));
	}
	for (const name of names) if (out[name] === undefined && unnamed.length) out[name] = unnamed.shift() as string;
	return out;
}

export function componentsFromFields(f: TemplateFields): TemplateComponent[] {
	if (f.category === 'AUTHENTICATION') return authenticationComponents(f);
	const named = f.parameterFormat === 'NAMED';
	const components: TemplateComponent[] = [];

	const headerType = f.headerType ?? 'none';
	if (headerType === 'text') {
		const text = trim(f.headerText);
		const header: TemplateComponent = { type: 'HEADER', format: 'TEXT', text };
		const vars = variableNames(text);
		if (vars.length && trim(f.headerExample)) {
			header.example = named ? { header_text_named_params: [{ param_name: vars[0], example: trim(f.headerExample) }] } : { header_text: [trim(f.headerExample)] };
		}
		components.push(header);
	} else if (headerType === 'location') {
		components.push({ type: 'HEADER', format: 'LOCATION' });
	} else if (headerType !== 'none') {
		const header: TemplateComponent = { type: 'HEADER', format: headerType.toUpperCase() };
		if (f.headerHandle) header.example = { header_handle: [f.headerHandle] };
		components.push(header);
	}

	const bodyText = f.bodyText ?? '';
	const body: TemplateComponent = { type: 'BODY', text: bodyText };
	const names = variableNames(bodyText);
	if (names.length) {
		const map = bodyExampleMap(bodyText, f.bodyExamples);
		const present = names.filter((n) => trim(map[n]) !== '');
		if (present.length) {
			body.example = named
				? { body_text_named_params: present.map((n) => ({ param_name: n, example: map[n] })) }
				: { body_text: [names.map((n) => map[n] ?? '')] };
		}
	}
	components.push(body);

	if (trim(f.footerText)) components.push({ type: 'FOOTER', text: trim(f.footerText) });

	const buttons = (f.buttons ?? []).map(buttonFromField);
	if (buttons.length) components.push({ type: 'BUTTONS', buttons });
	return components;
}

export function buttonFromField(b: ButtonField): TemplateButton {
	switch (b.type) {
		case 'quickReply':
			return { type: 'QUICK_REPLY', text: trim(b.text) };
		case 'phoneNumber':
			return { type: 'PHONE_NUMBER', text: trim(b.text), phone_number: trim(b.phoneNumber) };
		case 'copyCode':
			return { type: 'COPY_CODE', example: trim(b.couponExample) };
		case 'url': {
			const url = trim(b.url);
			const button: TemplateButton = { type: 'URL', text: trim(b.text), url };
			const example = trim(b.urlExample);
			if (url.includes('{{1}}') && example) {
				button.example = [/^https?:\/\//i.test(example) ? example : url.replace('{{1}}', example)];
			}
			return button;
		}
		default:
			return { type: String((b as { type?: string }).type ?? '').toUpperCase(), text: trim(b.text) };
	}
}

function authenticationComponents(f: TemplateFields): TemplateComponent[] {
	const components: TemplateComponent[] = [{ type: 'BODY', add_security_recommendation: f.addSecurityRecommendation ?? true }];
	if (f.codeExpirationMinutes !== undefined && f.codeExpirationMinutes !== null && Number(f.codeExpirationMinutes) !== 0) {
		components.push({ type: 'FOOTER', code_expiration_minutes: Number(f.codeExpirationMinutes) });
	}
	const otpType = f.otpType ?? 'COPY_CODE';
	const button: TemplateButton = { type: 'OTP', otp_type: otpType };
	if (trim(f.otpButtonText)) button.text = trim(f.otpButtonText);
	if (otpType !== 'COPY_CODE') {
		if (trim(f.autofillText)) button.autofill_text = trim(f.autofillText);
		if (trim(f.packageName)) button.package_name = trim(f.packageName);
		if (trim(f.signatureHash)) button.signature_hash = trim(f.signatureHash);
	}
	components.push({ type: 'BUTTONS', buttons: [button] });
	return components;
}
