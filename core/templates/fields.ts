/**
 * A template written as form fields (header, body with examples, footer, buttons, limited-time
 * offer, carousel cards, authentication OTP) → Meta's component list (cloud-api.md §1 "Create body").
 * The shapes are Meta's: how examples are attached (`body_text` vs `body_text_named_params`), which
 * layouts take a footer, OTP button fields. The Templates node reads its Create / Edit parameters
 * into `TemplateFields` and calls `componentsFromFields`; validation (validate.ts) runs on the result.
 */
import type { TemplateButton, TemplateComponent } from './types';
import { variableNames } from './variables';

export type HeaderType = 'none' | 'text' | 'image' | 'video' | 'document' | 'location';

export interface ButtonField {
	type: 'quickReply' | 'url' | 'phoneNumber' | 'copyCode' | 'flow' | 'catalog' | 'mpm' | 'spm';
	text?: string;
	url?: string;
	/** A full example URL, or only the part that replaces `{{1}}`. */
	urlExample?: string;
	phoneNumber?: string;
	couponExample?: string;
	/** FLOW: how the Flow is named (rules.ts FLOW_TARGET_FIELDS) and what it is. */
	flowBy?: 'id' | 'name' | 'json';
	flowId?: string;
	flowName?: string;
	flowJson?: string;
	flowAction?: 'navigate' | 'data_exchange';
	navigateScreen?: string;
}

/** One carousel card of the form (its buttons are the carousel's `cardButtons`, the same on every card). */
export interface CardField {
	/** Resumable Upload handle of the card's sample image / video (resolved by the node). */
	headerHandle?: string;
	bodyText?: string;
	/** Example values for the card body's variables, in order, separated by `|`. */
	bodyExamples?: string;
	/** Per-card URL example (suffix or full URL) for a URL card button with {{1}}. */
	urlExample?: string;
	/** The node uploads this input binary field as the card's sample when no handle is given. */
	sampleBinaryProperty?: string;
}

export type TemplateLayout = 'standard' | 'limitedTimeOffer' | 'carousel';

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
	/** standard (header/body/footer/buttons), limitedTimeOffer or carousel. */
	layout?: TemplateLayout;
	// LIMITED_TIME_OFFER (Meta's limited-time offer guide: offer text ≤16, optional expiry)
	offerText?: string;
	offerHasExpiration?: boolean;
	// CAROUSEL (Meta's media / product card carousel guides)
	cardHeaderFormat?: 'image' | 'video' | 'product';
	cards?: CardField[];
	cardButtons?: ButtonField[];
	// AUTHENTICATION
	addSecurityRecommendation?: boolean;
	/** 0 / undefined: no expiry footer. */
	codeExpirationMinutes?: number;
	otpType?: 'COPY_CODE' | 'ONE_TAP' | 'ZERO_TAP';
	otpButtonText?: string;
	autofillText?: string;
	packageName?: string;
	signatureHash?: string;
	/** ZERO_TAP: the business accepts Meta's zero-tap terms (rule authentication.zero_tap_terms). */
	zeroTapTermsAccepted?: boolean;
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

	const layout = f.layout ?? 'standard';
	if (layout === 'carousel') return carouselComponents(f);
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

	if (layout === 'limitedTimeOffer') {
		components.push({ type: 'LIMITED_TIME_OFFER', limited_time_offer: { text: trim(f.offerText), has_expiration: f.offerHasExpiration ?? true } });
	}

	components.push(bodyFromFields(f.bodyText ?? '', bodyExampleMap(f.bodyText ?? '', f.bodyExamples), named));

	// Limited-time offers take no footer (rules.ts offer.footer_not_allowed): the field is ignored there.
	if (trim(f.footerText) && layout !== 'limitedTimeOffer') components.push({ type: 'FOOTER', text: trim(f.footerText) });

	const buttons = (f.buttons ?? []).map(buttonFromField);
	if (buttons.length) components.push({ type: 'BUTTONS', buttons });
	return components;
}

function bodyFromFields(bodyText: string, map: Record<string, string>, named: boolean): TemplateComponent {
	const body: TemplateComponent = { type: 'BODY', text: bodyText };
	const names = variableNames(bodyText);
	if (names.length) {
		const present = names.filter((n) => trim(map[n]) !== '');
		if (present.length) {
			body.example = named
				? { body_text_named_params: present.map((n) => ({ param_name: n, example: map[n] })) }
				: { body_text: [names.map((n) => map[n] ?? '')] };
		}
	}
	return body;
}

/** BODY (the message bubble) + CAROUSEL: each form card gets the header format and the card buttons. */
function carouselComponents(f: TemplateFields): TemplateComponent[] {
	const named = f.parameterFormat === 'NAMED';
	const format = (f.cardHeaderFormat ?? 'image').toUpperCase();
	const cards = (f.cards ?? []).map((card) => {
		const components: TemplateComponent[] = [];
		const header: TemplateComponent = { type: 'HEADER', format };
		if (format !== 'PRODUCT' && trim(card.headerHandle)) header.example = { header_handle: [trim(card.headerHandle)] };
		components.push(header);
		if (trim(card.bodyText)) {
			const text = trim(card.bodyText);
			const examples = String(card.bodyExamples ?? '')
				.split('|')
				.map((e) => e.trim())
				.filter(Boolean);
			const map: Record<string, string> = {};
			variableNames(text).forEach((n, k) => {
				if (examples[k] !== undefined) map[n] = examples[k];
			});
			components.push(bodyFromFields(text, map, named));
		}
		const buttons = (f.cardButtons ?? []).map((b) => buttonFromField(b.type === 'url' && trim(card.urlExample) ? { ...b, urlExample: card.urlExample } : b));
		if (buttons.length) components.push({ type: 'BUTTONS', buttons });
		return { components };
	});
	return [bodyFromFields(f.bodyText ?? '', bodyExampleMap(f.bodyText ?? '', f.bodyExamples), named), { type: 'CAROUSEL', cards }];
}

function buttonFromField(b: ButtonField): TemplateButton {
	switch (b.type) {
		case 'flow': {
			const button: TemplateButton = { type: 'FLOW', text: trim(b.text) };
			const by = b.flowBy ?? 'id';
			if (by === 'id') button.flow_id = trim(b.flowId);
			else if (by === 'name') button.flow_name = trim(b.flowName);
			else button.flow_json = typeof b.flowJson === 'string' ? b.flowJson.trim() : JSON.stringify(b.flowJson);
			button.flow_action = b.flowAction ?? 'navigate';
			if (trim(b.navigateScreen)) button.navigate_screen = trim(b.navigateScreen);
			return button;
		}
		case 'catalog':
			return trim(b.text) ? { type: 'CATALOG', text: trim(b.text) } : { type: 'CATALOG' };
		case 'mpm':
			return { type: 'MPM', text: trim(b.text) };
		case 'spm':
			return trim(b.text) ? { type: 'SPM', text: trim(b.text) } : { type: 'SPM' };
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
	// Meta's zero-tap rule: the button carries zero_tap_terms_accepted (validation rejects false).
	if (otpType === 'ZERO_TAP') button.zero_tap_terms_accepted = f.zeroTapTermsAccepted === true;
	components.push({ type: 'BUTTONS', buttons: [button] });
	return components;
}
