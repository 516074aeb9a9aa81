/**
 * Renders a template with one recipient's values into what the customer sees: header, body,
 * footer and button labels. Missing values stay visible as `{{name}}` and are listed in `missing`
 * (Preview shows a draft even before every value is mapped; sending uses build.ts, which refuses).
 */
import { ButtonValues, CardValues, HeaderValues, SendValues, carouselCards, isAuthenticationTemplate, parseExpiration, parseProductSections } from './build';
import { MEDIA_HEADER_FORMATS, isOneOf } from './rules';
import { TemplateButton, TemplateComponent, TemplateDefinition } from './types';
import { substituteVariables, variableNames } from './variables';

export interface RenderedButton {
	type: string;
	text: string;
	/** URL buttons: the final URL (with the suffix filled in). */
	url?: string;
	phoneNumber?: string;
	/** COPY_CODE: the coupon; authentication: the one-time code. */
	code?: string;
	/** MPM / CATALOG: the thumbnail product and (MPM) the product ids by section. */
	thumbnail?: string;
	sections?: { title: string; products: string[] }[];
	/** FLOW: the Flow it opens, its first screen and the per-send token. */
	flow?: string;
	screen?: string;
	flowToken?: string;
}

export interface RenderedCard {
	header?: string;
	body?: string;
	buttons: RenderedButton[];
}

export interface RenderedTemplate {
	header?: string;
	/** LIMITED_TIME_OFFER: the offer line, with the expiry when the template shows it. */
	offer?: string;
	body: string;
	footer?: string;
	buttons: RenderedButton[];
	/** CAROUSEL: one entry per card. */
	cards?: RenderedCard[];
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
	if (!text) return '';
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
	if (header) result.header = renderHeader(header, hv, 'header', missing);

	const offer = find(template, 'LIMITED_TIME_OFFER')?.limited_time_offer;
	if (offer) {
		let line = String(offer.text ?? '');
		if (offer.has_expiration === true) {
			const ms = parseExpiration(values.offer?.expiration);
			if (ms === undefined) missing.push('offer expiration');
			line += ` · ends ${ms === undefined ? '(not set)' : new Date(ms).toISOString().replace('.000Z', 'Z')}`;
		}
		result.offer = line;
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
		if (auth && (type === 'OTP' || type === 'URL')) {
			// The OTP button comes back from GET as type URL (Meta's authentication-templates guide).
			const otp = String(b.otp_type ?? 'COPY_CODE').toUpperCase();
			result.buttons.push({ type: 'OTP', text: b.text || (otp === 'COPY_CODE' ? AUTHENTICATION_TEXTS.copyCodeButton : AUTHENTICATION_TEXTS.oneTapButton), code });
		} else result.buttons.push(renderButton(b, i, values.buttons, 'button', missing));
	});

	const cards = carouselCards(template);
	if (cards.length) {
		result.cards = cards.map((card, k) => {
			const cv: CardValues = (Array.isArray(values.cards) ? values.cards[k] : values.cards?.[k]) ?? {};
			const cardHeader = card.find((c) => String(c.type).toUpperCase() === 'HEADER');
			const chv: HeaderValues = typeof cv.header === 'string' ? (/^https?:\/\//i.test(cv.header) ? { link: cv.header } : { id: cv.header }) : (cv.header ?? {});
			const rc: RenderedCard = { buttons: [] };
			if (cardHeader && String(cardHeader.format).toUpperCase() === 'PRODUCT') {
				if (!cv.product) missing.push(`card ${k} product`);
				rc.header = `[PRODUCT: ${cv.product ?? '(not set)'}]`;
			} else if (cardHeader) rc.header = renderHeader(cardHeader, chv, `card ${k} header`, missing);
			const cardBody = card.find((c) => String(c.type).toUpperCase() === 'BODY');
			if (cardBody?.text) rc.body = fill(cardBody.text, cv.body, `card ${k} body`, missing);
			(card.find((c) => String(c.type).toUpperCase() === 'BUTTONS')?.buttons ?? []).forEach((b, i) => rc.buttons.push(renderButton(b, i, cv.buttons, `card ${k} button`, missing)));
			return rc;
		});
	}

	const blocks = [result.header, result.offer, result.body, result.footer].filter((x): x is string => Boolean(x));
	if (result.buttons.length) blocks.push(buttonLine(result.buttons));
	(result.cards ?? []).forEach((card, k) => {
		blocks.push([`Card ${k + 1}:`, card.header, card.body, card.buttons.length ? buttonLine(card.buttons) : undefined].filter(Boolean).join(' '));
	});
	result.text = blocks.join('\n\n');
	return result;
}

function buttonLine(buttons: RenderedButton[]): string {
	return buttons
		.map((b) => {
			let target = '';
			if (b.url) target = ` → ${b.url}`;
			else if (b.phoneNumber) target = ` → ${b.phoneNumber}`;
			else if (b.code && b.type === 'COPY_CODE') target = `: ${b.code}`;
			else if (b.sections) target = ` → ${b.sections.map((s) => `${s.title}: ${s.products.join(', ')}`).join('; ')}`;
			else if (b.thumbnail) target = ` → ${b.thumbnail}`;
			else if (b.flow) target = ` → Flow ${b.flow}${b.screen ? ` @${b.screen}` : ''}`;
			return `[${b.text}${target}]`;
		})
		.join(' ');
}

function renderHeader(header: TemplateComponent, hv: HeaderValues, where: string, missing: string[]): string | undefined {
	const fmt = String(header.format ?? '').toUpperCase();
	if (fmt === 'TEXT') return fill(header.text ?? '', hv.text !== undefined ? [hv.text] : undefined, where, missing);
	if (isOneOf(MEDIA_HEADER_FORMATS, fmt)) {
		const ref = hv.link ?? (hv.id ? `media ${hv.id}` : undefined);
		if (!ref) missing.push(`${where} ${fmt.toLowerCase()}`);
		const name = fmt === 'DOCUMENT' && hv.filename ? ` "${hv.filename}"` : '';
		return `[${fmt}${name}: ${ref ?? '(not set)'}]`;
	}
	if (fmt === 'LOCATION') {
		const place = [hv.name, hv.address].filter(Boolean).join(', ');
		const coords = hv.latitude !== undefined && hv.longitude !== undefined ? `${hv.latitude}, ${hv.longitude}` : '(not set)';
		if (coords === '(not set)') missing.push(`${where} location`);
		return `[LOCATION: ${place ? `${place} ` : ''}(${coords})]`;
	}
	return undefined;
}

/** Default labels of buttons created without text (Meta's coupon, catalog and product-card guides [S]). */
const DEFAULT_BUTTON_TEXT: Record<string, string> = { COPY_CODE: 'Copy offer code', CATALOG: 'View catalog', SPM: 'View', MPM: 'View items' };

function renderButton(b: TemplateButton, i: number, source: SendValues['buttons'], where: string, missing: string[]): RenderedButton {
	const type = String(b.type).toUpperCase();
	const raw = source?.[i] ?? source?.[String(i)];
	const bv: ButtonValues = typeof raw === 'object' && raw !== null ? raw : { text: raw === undefined || raw === null || String(raw) === '' ? undefined : String(raw) };
	const v = bv.text;
	const rendered: RenderedButton = { type, text: b.text || DEFAULT_BUTTON_TEXT[type] || '' };
	if (type === 'URL' && typeof b.url === 'string') {
		if (b.url.includes('{{1}}') && v === undefined) missing.push(`${where} ${i} URL suffix`);
		rendered.url = b.url.includes('{{1}}') ? b.url.replace('{{1}}', v ?? '{{1}}') : b.url;
	} else if (type === 'PHONE_NUMBER') rendered.phoneNumber = b.phone_number;
	else if (type === 'COPY_CODE') {
		if (v === undefined) missing.push(`${where} ${i} coupon code`);
		rendered.code = v;
	} else if (type === 'FLOW') {
		rendered.flow = String(b.flow_id ?? b.flow_name ?? (b.flow_json ? 'JSON' : ''));
		if (b.navigate_screen) rendered.screen = String(b.navigate_screen);
		const token = bv.flowToken ?? v;
		if (token) rendered.flowToken = token;
	} else if (type === 'CATALOG' || type === 'MPM') {
		if (bv.thumbnail) rendered.thumbnail = bv.thumbnail;
		else if (type === 'MPM') missing.push(`${where} ${i} thumbnail`);
		if (type === 'MPM') {
			const sections = parseProductSections(bv.sections);
			if (Array.isArray(sections) && sections.length) rendered.sections = sections;
			else missing.push(`${where} ${i} product sections`);
		}
	}
	return rendered;
}
