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
 *     cards: [{ header: { link }, body: ['Ana'], buttons: { 0: 'sku-1' } }, …], // CAROUSEL: one per card
 *     catalogId: '1234',                                    // product cards: the catalog of the products
 *     offer: { expiration: 1767225600000 },                 // LIMITED_TIME_OFFER with has_expiration
 *     buttons: { 0: { thumbnail: 'sku-1', sections: [{ title: 'Top', products: ['sku-1'] }] } }, // MPM
 *     buttons: { 0: { flowToken: 'tok', flowActionData: { plan: 'gold' } } },                    // FLOW
 *   })
 *
 * `describeTemplateVariables(template)` lists what a user must map (keys like `body.first_name`,
 * `header.media`, `button.1`), and `valuesFromInputs({ 'body.first_name': 'Ana', … })`
 * turns such a flat mapping back into the values above (the campaign node's mapping UI).
 * Missing values throw one `TemplateValueError` naming every missing variable.
 */
import {
	CAROUSEL_HEADER_FORMATS,
	MEDIA_HEADER_FORMATS,
	PRODUCT_MESSAGE_LIMITS as PM,
	isOneOf,
} from './rules';
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

/** One MPM section: a title (≤24 chars) and product retailer ids. */
export interface ProductSection {
	title: string;
	products: string[];
}

/**
 * A button's per-send value when a string is not enough: MPM (`thumbnail` + `sections`), CATALOG
 * (`thumbnail`), FLOW (`flowToken`, `flowActionData`). `text` is what a plain string means.
 */
export interface ButtonValues {
	text?: string;
	thumbnail?: string;
	/** Objects, or text: JSON, or `Title: id1, id2; Other title: id3`. */
	sections?: ProductSection[] | string;
	flowToken?: string;
	/** An object, or a JSON object as text. */
	flowActionData?: Record<string, unknown> | string;
}

export type ButtonValue = string | number | undefined | ButtonValues;

/** One carousel card's values (card headers: media link / id, or the product retailer id). */
export interface CardValues {
	header?: HeaderValues | string;
	/** Product cards: the card's product retailer id. */
	product?: string;
	body?: Record<string, string | number | undefined> | (string | number)[];
	buttons?: Record<string | number, ButtonValue>;
}

export interface SendValues {
	/** NAMED: `{ first_name: 'Ana' }`. POSITIONAL: `{ '1': 'Ana' }` or `['Ana']` (index 0 = `{{1}}`). */
	body?: Record<string, string | number | undefined> | (string | number)[];
	/** A string is the header text. */
	header?: HeaderValues | string;
	/** By 0-based button index. */
	buttons?: Record<string | number, ButtonValue>;
	/** AUTHENTICATION: the one-time code (sent as the body `{{1}}` and the OTP button's parameter). */
	code?: string | number;
	/** CAROUSEL: by 0-based card index. */
	cards?: CardValues[] | Record<string | number, CardValues>;
	/** Product cards: the catalog the products belong to. */
	catalogId?: string;
	/** LIMITED_TIME_OFFER with has_expiration: when the offer ends (Unix ms, or an ISO date). */
	offer?: { expiration?: number | string };
}

export type SendParameter =
	| { type: 'text'; text: string; parameter_name?: string }
	| { type: 'image' | 'video' | 'document'; image?: MediaRef; video?: MediaRef; document?: MediaRef & { filename?: string } }
	| { type: 'location'; location: { latitude: number; longitude: number; name?: string; address?: string } }
	| { type: 'payload'; payload: string }
	| { type: 'coupon_code'; coupon_code: string }
	| { type: 'product'; product: { product_retailer_id: string; catalog_id: string } }
	| { type: 'limited_time_offer'; limited_time_offer: { expiration_time_ms: number } }
	| { type: 'action'; action: SendAction };

export interface SendAction {
	flow_token?: string;
	flow_action_data?: Record<string, unknown>;
	thumbnail_product_retailer_id?: string;
	sections?: { title: string; product_items: { product_retailer_id: string }[] }[];
}

export interface MediaRef {
	id?: string;
	link?: string;
}

export interface SendComponent {
	type: 'header' | 'body' | 'button' | 'limited_time_offer' | 'carousel';
	sub_type?: 'url' | 'quick_reply' | 'copy_code' | 'flow' | 'mpm' | 'catalog';
	index?: string;
	parameters?: SendParameter[];
	/** CAROUSEL: one entry per card of the template, in order. */
	cards?: { card_index: number; components: SendComponent[] }[];
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
	| 'flow_action_data'
	| 'otp_code'
	| 'product_retailer_id'
	| 'product_sections'
	| 'catalog_id'
	| 'offer_expiration';

/** One value a user maps for a send. */
export interface TemplateInput {
	/**
	 * Flat key for mappings: `body.1`, `body.first_name`, `header.text`, `header.media`,
	 * `header.filename`, `header.latitude`, `button.2`, `code`; carousels `card.0.header.media`,
	 * `card.0.product`, `card.0.body.1`, `card.0.button.1`, `catalog_id`; limited-time offers
	 * `offer.expiration`; MPM / catalog `button.0.thumbnail`, `button.0.sections`; Flow
	 * `button.0` (token) and `button.0.flow_action_data`.
	 */
	key: string;
	component: 'header' | 'body' | 'button' | 'code' | 'card' | 'offer' | 'catalog';
	kind: TemplateInputKind;
	/** Human label, e.g. `Body {{first_name}}` or `Button 2 "Track" URL suffix`. */
	label: string;
	required: boolean;
	/** The variable name (`1`, `first_name`) for header/body inputs. */
	variable?: string;
	buttonIndex?: number;
	cardIndex?: number;
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

const typeOf = (c: { type?: unknown }): string => (typeof c.type === 'string' ? c.type.toUpperCase() : '');

function findIn(components: TemplateComponent[] | undefined, type: string): TemplateComponent | undefined {
	return (components ?? []).find((c) => typeOf(c) === type);
}

function find(template: TemplateLike, type: string): TemplateComponent | undefined {
	return findIn(template.components, type);
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

/** The carousel's cards (each card's components), or [] when the template has no CAROUSEL. */
export function carouselCards(template: TemplateLike): TemplateComponent[][] {
	const cards = find(template, 'CAROUSEL')?.cards;
	return Array.isArray(cards) ? cards.map((card) => (Array.isArray(card?.components) ? card.components : [])) : [];
}

/** Does the LIMITED_TIME_OFFER show an expiry (then every send carries expiration_time_ms)? */
export function offerHasExpiration(template: TemplateLike): boolean {
	return find(template, 'LIMITED_TIME_OFFER')?.limited_time_offer?.has_expiration === true;
}

const str = (v: unknown): string | undefined => (v === undefined || v === null || String(v) === '' ? undefined : String(v));
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

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
	if (offerHasExpiration(template)) {
		inputs.push({ key: 'offer.expiration', component: 'offer', kind: 'offer_expiration', label: 'Offer expires at (ISO date or Unix ms)', required: true });
	}
	const body = find(template, 'BODY');
	for (const v of variableNames(body?.text)) {
		inputs.push({ key: `body.${v}`, component: 'body', kind: 'text', label: `Body {{${v}}}`, required: true, variable: v, example: exampleFor(body, v, named, 'body') });
	}
	(find(template, 'BUTTONS')?.buttons ?? []).forEach((b, i) => inputs.push(...buttonInputs(b, i, 'button', 'Button')));
	const cards = carouselCards(template);
	if (cards.some((card) => String(findIn(card, 'HEADER')?.format ?? '').toUpperCase() === 'PRODUCT')) {
		inputs.push({ key: 'catalog_id', component: 'catalog', kind: 'catalog_id', label: 'Catalog ID (product cards)', required: true });
	}
	cards.forEach((card, k) => {
		const base = { component: 'card' as const, cardIndex: k };
		const cardFormat = String(findIn(card, 'HEADER')?.format ?? '').toUpperCase();
		if (cardFormat === 'PRODUCT') inputs.push({ ...base, key: `card.${k}.product`, kind: 'product_retailer_id', label: `Card ${k} product retailer ID`, required: true });
		else if (cardFormat === 'IMAGE' || cardFormat === 'VIDEO') {
			inputs.push({ ...base, key: `card.${k}.header.media`, kind: cardFormat.toLowerCase() as 'image' | 'video', label: `Card ${k} header ${cardFormat.toLowerCase()} (URL or media ID)`, required: true });
		}
		const cardBody = findIn(card, 'BODY');
		for (const v of variableNames(cardBody?.text)) {
			inputs.push({ ...base, key: `card.${k}.body.${v}`, kind: 'text', label: `Card ${k} body {{${v}}}`, required: true, variable: v, example: exampleFor(cardBody, v, named, 'body') });
		}
		(findIn(card, 'BUTTONS')?.buttons ?? []).forEach((b, i) => inputs.push(...buttonInputs(b, i, `card.${k}.button`, `Card ${k} button`).map((input) => ({ ...input, ...base }))));
	});
	return inputs;
}

function buttonInputs(b: TemplateButton, i: number, prefix: string, labelPrefix: string): TemplateInput[] {
	const type = String(b.type).toUpperCase();
	const base = { key: `${prefix}.${i}`, component: 'button' as const, buttonIndex: i };
	const name = b.text ? ` "${b.text}"` : '';
	if (type === 'URL' && typeof b.url === 'string' && b.url.includes('{{1}}')) {
		const ex = Array.isArray(b.example) ? b.example[0] : b.example;
		const prefixUrl = b.url.slice(0, b.url.indexOf('{{1}}'));
		const example = typeof ex === 'string' && ex.startsWith(prefixUrl) ? ex.slice(prefixUrl.length) : undefined;
		return [{ ...base, kind: 'url_suffix', label: `${labelPrefix} ${i}${name} URL suffix (after ${prefixUrl})`, required: true, example }];
	}
	if (type === 'QUICK_REPLY') {
		const fallback = prefix.startsWith('card.') ? ' (default: the button text)' : '';
		return [{ ...base, kind: 'quick_reply_payload', label: `${labelPrefix} ${i}${name} quick-reply payload${fallback}`, required: false }];
	}
	if (type === 'COPY_CODE') {
		const ex = Array.isArray(b.example) ? b.example[0] : b.example;
		return [{ ...base, kind: 'coupon_code', label: `${labelPrefix} ${i} coupon code`, required: true, example: typeof ex === 'string' ? ex : undefined }];
	}
	if (type === 'FLOW') {
		return [
			{ ...base, kind: 'flow_token', label: `${labelPrefix} ${i}${name} flow token`, required: false },
			{ ...base, key: `${base.key}.flow_action_data`, kind: 'flow_action_data', label: `${labelPrefix} ${i}${name} flow action data (JSON object)`, required: false },
		];
	}
	if (type === 'MPM') {
		return [
			{ ...base, key: `${base.key}.thumbnail`, kind: 'product_retailer_id', label: `${labelPrefix} ${i}${name} thumbnail product retailer ID`, required: true },
			{ ...base, key: `${base.key}.sections`, kind: 'product_sections', label: `${labelPrefix} ${i}${name} product sections ("Title: id1, id2; Title 2: id3" or JSON)`, required: true },
		];
	}
	if (type === 'CATALOG') return [{ ...base, key: `${base.key}.thumbnail`, kind: 'product_retailer_id', label: `${labelPrefix} ${i} catalog thumbnail product retailer ID`, required: false }];
	return [];
}

function listValue(source: SendValues['body'], variable: string, order: string[]): string | undefined {
	if (Array.isArray(source)) return str(source[order.indexOf(variable)]);
	return str(source?.[variable]);
}

function buttonValue(values: Record<string | number, ButtonValue> | undefined, i: number): ButtonValues {
	const raw = values?.[i] ?? values?.[String(i)];
	if (isRecord(raw)) return raw as ButtonValues;
	return { text: str(raw) };
}

/** MPM sections from objects, JSON text, or `Title: id1, id2; Title 2: id3`. */
export function parseProductSections(raw: ProductSection[] | string | undefined): ProductSection[] | string {
	if (raw === undefined) return [];
	let list: unknown = raw;
	if (typeof raw === 'string') {
		const text = raw.trim();
		if (text.startsWith('[')) {
			try {
				list = JSON.parse(text);
			} catch (error) {
				return `sections are not valid JSON (${(error as Error).message})`;
			}
		} else {
			list = text
				.split(/[;\n]/)
				.map((part) => part.trim())
				.filter(Boolean)
				.map((part) => {
					const colon = part.indexOf(':');
					return { title: colon >= 0 ? part.slice(0, colon).trim() : '', products: (colon >= 0 ? part.slice(colon + 1) : part).split(',').map((p) => p.trim()).filter(Boolean) };
				});
		}
	}
	if (!Array.isArray(list)) return 'sections must be a list';
	return list.map((s) => {
		const o = isRecord(s) ? s : {};
		const products = Array.isArray(o.products) ? o.products : Array.isArray(o.product_items) ? o.product_items : [];
		return {
			title: String(o.title ?? ''),
			products: products.map((p) => String(isRecord(p) ? (p.product_retailer_id ?? '') : p)).filter(Boolean),
		};
	});
}

/** Unix ms from a number, digits, or a date string; undefined when unreadable. */
export function parseExpiration(raw: number | string | undefined): number | undefined {
	if (raw === undefined || raw === '') return undefined;
	if (typeof raw === 'number' || /^\d+$/.test(String(raw).trim())) {
		const n = Number(raw);
		return Number.isSafeInteger(n) && n > 0 ? n : undefined;
	}
	const t = Date.parse(String(raw));
	return Number.isFinite(t) ? t : undefined;
}

interface Acc {
	missing: string[];
	problems: string[];
}

function mediaParameter(fmt: string, hv: HeaderValues, where: string, acc: Acc): SendParameter | undefined {
	const kind = fmt === 'GIF' ? 'video' : (fmt.toLowerCase() as 'image' | 'video' | 'document');
	const ref: MediaRef & { filename?: string } = {};
	if (str(hv.id)) ref.id = str(hv.id);
	else if (str(hv.link)) ref.link = str(hv.link);
	if (kind === 'document' && str(hv.filename)) ref.filename = str(hv.filename);
	if (!ref.id && !ref.link) {
		acc.missing.push(`${where} ${kind} (link or media id)`);
		return undefined;
	}
	return { type: kind, [kind]: ref } as SendParameter;
}

function bodyComponent(text: string | undefined, source: SendValues['body'], named: boolean, where: string, acc: Acc): SendComponent | undefined {
	const order = variableNames(text);
	if (!order.length) return undefined;
	const params: SendParameter[] = [];
	for (const v of order) {
		const value = listValue(source, v, order);
		if (!value) acc.missing.push(`${where} {{${v}}}`);
		else params.push(named ? { type: 'text', parameter_name: v, text: value } : { type: 'text', text: value });
	}
	return params.length === order.length ? { type: 'body', parameters: params } : undefined;
}

/**
 * `cardQuickReplies`: carousel cards send a payload for every quick-reply button (Meta's media card
 * carousel send guide lists the quick_reply component per card); without a mapped value the
 * button's own text is the payload.
 */
function buttonComponents(buttons: TemplateButton[], values: Record<string | number, ButtonValue> | undefined, where: string, acc: Acc, cardQuickReplies = false): SendComponent[] {
	const out: SendComponent[] = [];
	buttons.forEach((b, i) => {
		const type = String(b.type).toUpperCase();
		const v = buttonValue(values, i);
		const value = str(v.text);
		const index = String(i);
		const label = `${where} ${i}`;
		if (type === 'URL' && typeof b.url === 'string' && b.url.includes('{{1}}')) {
			if (!value) acc.missing.push(`${label} URL suffix {{1}}${b.text ? ` ("${b.text}")` : ''}`);
			else out.push({ type: 'button', sub_type: 'url', index, parameters: [{ type: 'text', text: value }] });
		} else if (type === 'QUICK_REPLY') {
			const payload = value ?? (cardQuickReplies ? str(b.text) : undefined);
			if (payload) out.push({ type: 'button', sub_type: 'quick_reply', index, parameters: [{ type: 'payload', payload }] });
		} else if (type === 'COPY_CODE') {
			if (!value) acc.missing.push(`${label} coupon code`);
			else out.push({ type: 'button', sub_type: 'copy_code', index, parameters: [{ type: 'coupon_code', coupon_code: value }] });
		} else if (type === 'FLOW') {
			// OAS "Send Flow Template Message": {type:"action", action:{flow_token, flow_action_data}}.
			const action: SendAction = {};
			const token = str(v.flowToken) ?? value;
			if (token) action.flow_token = token;
			if (v.flowActionData !== undefined && v.flowActionData !== '') {
				let data: unknown = v.flowActionData;
				if (typeof data === 'string') {
					try {
						data = JSON.parse(data);
					} catch {
						data = undefined;
					}
				}
				if (isRecord(data)) action.flow_action_data = data;
				else acc.problems.push(`${label} flow action data must be a JSON object`);
			}
			if (Object.keys(action).length) out.push({ type: 'button', sub_type: 'flow', index, parameters: [{ type: 'action', action }] });
		} else if (type === 'CATALOG') {
			// OAS "Send Catalog Template Message": the thumbnail is optional (Meta then uses the first product).
			const thumbnail = str(v.thumbnail) ?? value;
			if (thumbnail) out.push({ type: 'button', sub_type: 'catalog', index, parameters: [{ type: 'action', action: { thumbnail_product_retailer_id: thumbnail } }] });
		} else if (type === 'MPM') {
			const thumbnail = str(v.thumbnail);
			const sections = parseProductSections(v.sections);
			if (!thumbnail) acc.missing.push(`${label} thumbnail product retailer id`);
			if (typeof sections === 'string') acc.problems.push(`${label}: ${sections}`);
			else if (!sections.length) acc.missing.push(`${label} product sections`);
			else {
				const total = sections.reduce((n, s) => n + s.products.length, 0);
				if (sections.length > PM.MPM_SECTIONS_MAX) acc.problems.push(`${label}: ${sections.length} sections; at most ${PM.MPM_SECTIONS_MAX}`);
				if (total > PM.MPM_PRODUCTS_MAX) acc.problems.push(`${label}: ${total} products; at most ${PM.MPM_PRODUCTS_MAX} in all sections`);
				sections.forEach((s, n) => {
					if (!s.title || s.title.length > PM.MPM_SECTION_TITLE_MAX_LENGTH) acc.problems.push(`${label}: section ${n + 1} needs a title of 1–${PM.MPM_SECTION_TITLE_MAX_LENGTH} characters ("${s.title}")`);
					if (!s.products.length) acc.problems.push(`${label}: section ${n + 1} ("${s.title}") lists no product retailer ids`);
				});
				if (thumbnail) {
					out.push({
						type: 'button',
						sub_type: 'mpm',
						index,
						parameters: [{ type: 'action', action: { thumbnail_product_retailer_id: thumbnail, sections: sections.map((s) => ({ title: s.title, product_items: s.products.map((id) => ({ product_retailer_id: id })) })) } }],
					});
				}
			}
		}
	});
	return out;
}

function cardValuesAt(values: SendValues, k: number): CardValues {
	const cards = values.cards;
	const raw = Array.isArray(cards) ? cards[k] : (cards?.[k] ?? cards?.[String(k)]);
	return isRecord(raw) ? raw : {};
}

/** The `components` array of a template send for one recipient. Throws TemplateValueError. */
export function buildSendComponents(template: TemplateLike, values: SendValues = {}): SendComponent[] {
	const out: SendComponent[] = [];
	const acc: Acc = { missing: [], problems: [] };
	const { missing, problems } = acc;
	const named = parameterFormatOf(template) === 'NAMED';

	if (isAuthenticationTemplate(template)) {
		const code = str(values.code) ?? listValue(values.body, '1', ['1']);
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
		const p = mediaParameter(fmt, hv, 'header', acc);
		if (p) out.push({ type: 'header', parameters: [p] });
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

	// Meta's limited-time offer guide: with has_expiration every send says when the offer ends.
	if (offerHasExpiration(template)) {
		const raw = values.offer?.expiration;
		const ms = parseExpiration(raw);
		if (raw === undefined || raw === '') missing.push('offer expiration');
		else if (ms === undefined) problems.push(`offer expiration "${String(raw)}" is not a date or Unix time in milliseconds`);
		else out.push({ type: 'limited_time_offer', parameters: [{ type: 'limited_time_offer', limited_time_offer: { expiration_time_ms: ms } }] });
	}

	const body = bodyComponent(find(template, 'BODY')?.text, values.body, named, 'body', acc);
	if (body) out.push(body);

	out.push(...buttonComponents(find(template, 'BUTTONS')?.buttons ?? [], values.buttons, 'button', acc));

	// Carousel sends carry every card the template defines, by card_index (media / product card guides [S]).
	const cards = carouselCards(template);
	if (cards.length) {
		const catalogId = str(values.catalogId);
		let catalogMissing = false;
		const sent = cards.map((card, k) => {
			const cv = cardValuesAt(values, k);
			const components: SendComponent[] = [];
			const cardFormat = String(findIn(card, 'HEADER')?.format ?? '').toUpperCase();
			const where = `card ${k}`;
			if (cardFormat === 'PRODUCT') {
				const product = str(cv.product);
				if (!product) missing.push(`${where} product retailer id`);
				if (!catalogId) catalogMissing = true;
				if (product && catalogId) components.push({ type: 'header', parameters: [{ type: 'product', product: { product_retailer_id: product, catalog_id: catalogId } }] });
			} else if (isOneOf(CAROUSEL_HEADER_FORMATS, cardFormat)) {
				const chv: HeaderValues = typeof cv.header === 'string' ? (/^https?:\/\//i.test(cv.header) ? { link: cv.header } : { id: cv.header }) : (cv.header ?? {});
				const p = mediaParameter(cardFormat, chv, `${where} header`, acc);
				if (p) components.push({ type: 'header', parameters: [p] });
			}
			const cardBody = bodyComponent(findIn(card, 'BODY')?.text, cv.body, named, `${where} body`, acc);
			if (cardBody) components.push(cardBody);
			components.push(...buttonComponents(findIn(card, 'BUTTONS')?.buttons ?? [], cv.buttons, `${where} button`, acc, true));
			return { card_index: k, components };
		});
		if (catalogMissing) missing.push('catalog id (product cards)');
		out.push({ type: 'carousel', cards: sent });
	}

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
 * `button.1`, `code`, `card.0.header.media`, `card.0.body.1`, `card.0.button.0`, `card.0.product`,
 * `catalog_id`, `offer.expiration`, `button.0.thumbnail`, `button.0.sections`,
 * `button.0.flow_action_data`…) → the values `buildSendComponents` takes. A `header.media` value
 * starting with http(s):// is a link, anything else a media id.
 */
export function valuesFromInputs(flat: Record<string, unknown>): SendValues {
	const values: SendValues = {};
	const cardFlat = new Map<number, Record<string, unknown>>();
	const own = (key: string, raw: unknown, target: { body?: Record<string, string>; buttons?: Record<string, ButtonValue>; header?: HeaderValues }): boolean => {
		const v = str(raw);
		if (v === undefined) return true;
		const button = /^button\.(\d+)(?:\.(thumbnail|sections|flow_action_data|flow_token))?$/.exec(key);
		if (key.startsWith('body.')) (target.body ??= {})[key.slice(5)] = v;
		else if (button) {
			const buttons = (target.buttons ??= {});
			const current = buttons[button[1]];
			const entry: ButtonValues = isRecord(current) ? (current as ButtonValues) : current !== undefined ? { text: String(current) } : {};
			if (!button[2]) entry.text = v;
			else if (button[2] === 'thumbnail') entry.thumbnail = v;
			else if (button[2] === 'sections') entry.sections = v;
			else if (button[2] === 'flow_token') entry.flowToken = v;
			else entry.flowActionData = v;
			buttons[button[1]] = Object.keys(entry).length === 1 && entry.text !== undefined ? entry.text : entry;
		} else if (key === 'header.text') (target.header ??= {}).text = v;
		else if (key === 'header.media') {
			if (/^https?:\/\//i.test(v)) (target.header ??= {}).link = v;
			else (target.header ??= {}).id = v;
		} else if (key === 'header.filename') (target.header ??= {}).filename = v;
		else if (key === 'header.latitude') (target.header ??= {}).latitude = v;
		else if (key === 'header.longitude') (target.header ??= {}).longitude = v;
		else if (key === 'header.name') (target.header ??= {}).name = v;
		else if (key === 'header.address') (target.header ??= {}).address = v;
		else return false;
		return true;
	};
	const top: { body?: Record<string, string>; buttons?: Record<string, ButtonValue>; header?: HeaderValues } = {};
	for (const [key, raw] of Object.entries(flat)) {
		const card = /^card\.(\d+)\.(.+)$/.exec(key);
		if (card) {
			const k = Number(card[1]);
			cardFlat.set(k, { ...(cardFlat.get(k) ?? {}), [card[2]]: raw });
			continue;
		}
		const v = str(raw);
		if (v === undefined) continue;
		if (key === 'code') values.code = v;
		else if (key === 'catalog_id') values.catalogId = v;
		else if (key === 'offer.expiration') values.offer = { expiration: v };
		else own(key, raw, top);
	}
	if (top.body) values.body = top.body;
	if (top.buttons) values.buttons = top.buttons;
	if (top.header) values.header = top.header;
	if (cardFlat.size) {
		const cards: CardValues[] = [];
		for (const [k, entries] of [...cardFlat.entries()].sort((a, b) => a[0] - b[0])) {
			const target: { body?: Record<string, string>; buttons?: Record<string, ButtonValue>; header?: HeaderValues } = {};
			const cv: CardValues = {};
			for (const [key, raw] of Object.entries(entries)) {
				if (key === 'product') {
					if (str(raw)) cv.product = str(raw);
				} else own(key, raw, target);
			}
			if (target.header) cv.header = target.header;
			if (target.body) cv.body = target.body;
			if (target.buttons) cv.buttons = target.buttons;
			cards[k] = cv;
		}
		for (let k = 0; k < cards.length; k++) cards[k] ??= {};
		values.cards = cards;
	}
	return values;
}

/**
 * The reverse of `buildSendComponents`: a send's `template.components` → the values that built
 * them (the simulator renders what a customer sees from this; tests check the round trip).
 */
export function valuesFromSendComponents(template: TemplateLike, components: unknown): SendValues {
	const values: SendValues = {};
	const list = Array.isArray(components) ? components.filter(isRecord) : [];
	const named = parameterFormatOf(template) === 'NAMED';
	const textOf = (p: unknown): string | undefined => {
		if (!isRecord(p)) return undefined;
		if (p.type === 'text') return str(p.text);
		const nested = p[String(p.type)];
		return isRecord(nested) ? str(nested.fallback_value) : undefined;
	};
	const readInto = (comps: Record<string, unknown>[], target: CardValues & SendValues, bodyText: string | undefined) => {
		for (const c of comps) {
			const type = String(c.type ?? '').toLowerCase();
			const params = Array.isArray(c.parameters) ? c.parameters.filter(isRecord) : [];
			if (type === 'header' && params[0]) {
				const p = params[0];
				const kind = String(p.type);
				const media = isRecord(p[kind]) ? (p[kind] as Record<string, unknown>) : {};
				if (kind === 'text') target.header = { text: str(p.text) };
				else if (kind === 'location') target.header = { latitude: media.latitude as number, longitude: media.longitude as number, name: str(media.name), address: str(media.address) };
				else if (kind === 'product') {
					target.product = str(media.product_retailer_id);
					values.catalogId ??= str(media.catalog_id);
				}
				else target.header = { link: str(media.link), id: str(media.id), filename: str(media.filename) };
			} else if (type === 'body') {
				if (named) target.body = Object.fromEntries(params.map((p) => [String(p.parameter_name), textOf(p)]));
				else {
					const order = variableNames(bodyText);
					target.body = Object.fromEntries(params.map((p, n) => [order[n] ?? String(n + 1), textOf(p)]));
				}
			} else if (type === 'button') {
				const p = params[0] ?? {};
				const action = isRecord(p.action) ? p.action : {};
				let value: ButtonValue;
				if (p.type === 'payload') value = str(p.payload);
				else if (p.type === 'coupon_code') value = str(p.coupon_code);
				else if (p.type === 'text') value = str(p.text);
				else if (p.type === 'action') {
					const sections = Array.isArray(action.sections)
						? action.sections.filter(isRecord).map((s) => ({ title: String(s.title ?? ''), products: (Array.isArray(s.product_items) ? s.product_items : []).filter(isRecord).map((i) => String(i.product_retailer_id)) }))
						: undefined;
					value = {
						...(str(action.flow_token) ? { flowToken: str(action.flow_token) } : {}),
						...(isRecord(action.flow_action_data) ? { flowActionData: action.flow_action_data } : {}),
						...(str(action.thumbnail_product_retailer_id) ? { thumbnail: str(action.thumbnail_product_retailer_id) } : {}),
						...(sections ? { sections } : {}),
					};
				}
				(target.buttons ??= {})[String(c.index ?? '0')] = value;
			} else if (type === 'limited_time_offer' && isRecord(params[0]?.limited_time_offer)) {
				target.offer = { expiration: Number((params[0].limited_time_offer as Record<string, unknown>).expiration_time_ms) };
			}
		}
	};
	readInto(list, values, find(template, 'BODY')?.text);
	const carousel = list.find((c) => String(c.type).toLowerCase() === 'carousel');
	const cards = carouselCards(template);
	if (carousel && Array.isArray(carousel.cards)) {
		values.cards = [];
		for (const card of carousel.cards.filter(isRecord)) {
			const k = Number(card.card_index);
			const cv: CardValues & SendValues = {};
			readInto(Array.isArray(card.components) ? card.components.filter(isRecord) : [], cv, findIn(cards[k], 'BODY')?.text);
			const { offer: _offer, ...cardValues } = cv;
			values.cards[k] = cardValues;
		}
	}
	return values;
}
