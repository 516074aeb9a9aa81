/** Validation of POST /{phone-id}/messages payloads by type (cloud-api.md §2; limits from OAS schemas). */
import { CAPTION_MEDIA_TYPES, MEDIA_TYPES, MESSAGE_LIMITS } from '../core/messages/limits';
import { GraphError, invalidParam } from './errors';
import { TEMPLATE_RULES } from './template-rules';

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
// Media message types and which take a caption: core/messages/limits.ts (OAS MediaObject_1).
const MEDIA = new Set<string>(MEDIA_TYPES);
const CAPTIONED = new Set<string>(CAPTION_MEDIA_TYPES);
export const MESSAGE_TYPES = new Set(['text', 'template', 'image', 'video', 'audio', 'document', 'sticker', 'interactive', 'location', 'contacts', 'reaction']);

function tooLong(field: string, max: number): GraphError {
	return invalidParam(`Param ${field} must be at most ${max} characters long.`);
}

function required(field: string): GraphError {
	return new GraphError(131008, `The parameter ${field} is required.`);
}

/** Validates everything except the template itself (checked against the store) and the recipient rules. */
export function validateMessage(m: Record<string, any>, mediaExists: (id: string) => boolean): void {
	const type = m.type ?? 'text';
	if (!MESSAGE_TYPES.has(type)) throw new GraphError(131051, `Unsupported message type: ${JSON.stringify(type)}`);
	if (m.context !== undefined && (!isObj(m.context) || typeof m.context.message_id !== 'string')) throw invalidParam("Param context['message_id'] must be a string.");
	const payload = m[type];
	if (type === 'contacts') {
		// §2: 1–5 ContactObjects, each with name.formatted_name
		if (!Array.isArray(payload) || payload.length < 1 || payload.length > 5) throw invalidParam('Param contacts must be an array of 1 to 5 contacts.');
		payload.forEach((c, k) => {
			if (!isObj(c) || !isObj(c.name) || typeof c.name.formatted_name !== 'string') throw new GraphError(131008, `The parameter contacts[${k}]['name']['formatted_name'] is required.`);
		});
		return;
	}
	if (!isObj(payload)) throw required(type);
	switch (type) {
		case 'text':
			if (typeof payload.body !== 'string' || payload.body === '') throw required("text['body']");
			if (payload.body.length > TEMPLATE_RULES.textMaxLength) throw tooLong("text['body']", TEMPLATE_RULES.textMaxLength);
			return;
		case 'template':
			if (typeof payload.name !== 'string' || !payload.name) throw required("template['name']");
			if (!isObj(payload.language) || typeof payload.language.code !== 'string') throw required("template['language']['code']");
			if (payload.components !== undefined && !Array.isArray(payload.components)) throw invalidParam("Param template['components'] must be an array.");
			return;
		case 'location':
			if (typeof payload.latitude !== 'number' || typeof payload.longitude !== 'number') throw required("location['latitude'] and location['longitude']");
			return;
		case 'reaction':
			if (typeof payload.message_id !== 'string') throw required("reaction['message_id']");
			if (typeof payload.emoji !== 'string') throw required("reaction['emoji']");
			return;
		case 'interactive':
			return validateInteractive(payload);
	}
	if (MEDIA.has(type)) {
		const hasId = typeof payload.id === 'string';
		const hasLink = typeof payload.link === 'string';
		if (hasId === hasLink) throw invalidParam(`Param ${type} must have exactly one of 'id' or 'link'.`);
		if (hasLink && !/^https?:\/\//.test(payload.link)) throw invalidParam(`Param ${type}['link'] must be an http(s) URL.`);
		if (hasId && !mediaExists(payload.id)) throw new GraphError(131009, `Media id ${payload.id} does not exist.`);
		if (payload.caption !== undefined) {
			if (!CAPTIONED.has(type)) throw invalidParam(`Param ${type}['caption'] is not allowed for ${type}.`);
			if (typeof payload.caption !== 'string' || payload.caption.length > TEMPLATE_RULES.captionMaxLength) throw tooLong(`${type}['caption']`, TEMPLATE_RULES.captionMaxLength);
		}
	}
}

function validateInteractive(i: Record<string, any>): void {
	const a = i.action;
	if (!isObj(a)) throw required("interactive['action']");
	if (i.header !== undefined && isObj(i.header) && typeof i.header.text === 'string' && i.header.text.length > MESSAGE_LIMITS.INTERACTIVE_HEADER) throw tooLong("interactive['header']['text']", MESSAGE_LIMITS.INTERACTIVE_HEADER);
	if (i.body !== undefined && (!isObj(i.body) || typeof i.body.text !== 'string' || i.body.text.length > 1024)) throw tooLong("interactive['body']['text']", 1024);
	if (i.footer !== undefined && (!isObj(i.footer) || typeof i.footer.text !== 'string' || i.footer.text.length > MESSAGE_LIMITS.INTERACTIVE_FOOTER)) throw tooLong("interactive['footer']['text']", MESSAGE_LIMITS.INTERACTIVE_FOOTER);
	if (i.type === 'button') {
		if (!isObj(i.body)) throw required("interactive['body']");
		const b = a.buttons;
		if (!Array.isArray(b) || b.length < MESSAGE_LIMITS.REPLY_BUTTONS_MIN || b.length > MESSAGE_LIMITS.REPLY_BUTTONS_MAX) throw new GraphError(131009, `interactive['action']['buttons'] must have 1 to ${MESSAGE_LIMITS.REPLY_BUTTONS_MAX} buttons.`);
		const ids = new Set<string>();
		b.forEach((x: any, k: number) => {
			const r = x?.reply;
			if (x?.type !== 'reply' || !isObj(r)) throw new GraphError(131009, `buttons[${k}]: type must be "reply" with a reply object.`);
			if (typeof r.title !== 'string' || !r.title || r.title.length > MESSAGE_LIMITS.REPLY_BUTTON_TITLE) throw new GraphError(131009, `buttons[${k}]['reply']['title'] must be 1 to ${MESSAGE_LIMITS.REPLY_BUTTON_TITLE} characters.`);
			if (typeof r.id !== 'string' || !r.id || r.id.length > MESSAGE_LIMITS.REPLY_BUTTON_ID) throw new GraphError(131009, `buttons[${k}]['reply']['id'] must be 1 to ${MESSAGE_LIMITS.REPLY_BUTTON_ID} characters.`);
			if (ids.has(r.id)) throw new GraphError(131009, `buttons[${k}]['reply']['id'] must be unique.`);
			ids.add(r.id);
		});
		return;
	}
	if (i.type === 'list') {
		if (!isObj(i.body)) throw required("interactive['body']");
		if (typeof a.button !== 'string' || !a.button || a.button.length > MESSAGE_LIMITS.LIST_BUTTON) throw new GraphError(131009, `interactive['action']['button'] must be 1 to ${MESSAGE_LIMITS.LIST_BUTTON} characters.`);
		const s = a.sections;
		if (!Array.isArray(s) || s.length < 1 || s.length > MESSAGE_LIMITS.LIST_SECTIONS_MAX) throw new GraphError(131009, `interactive['action']['sections'] must have 1 to ${MESSAGE_LIMITS.LIST_SECTIONS_MAX} sections.`);
		let rows = 0;
		s.forEach((sec: any, k: number) => {
			if (!isObj(sec)) throw new GraphError(131009, `sections[${k}] must be an object.`);
			if (s.length > 1 && (typeof sec.title !== 'string' || !sec.title)) throw new GraphError(131009, `sections[${k}]['title'] is required when there are several sections.`);
			if (sec.title !== undefined && (typeof sec.title !== 'string' || sec.title.length > MESSAGE_LIMITS.LIST_SECTION_TITLE)) throw new GraphError(131009, `sections[${k}]['title'] must be at most ${MESSAGE_LIMITS.LIST_SECTION_TITLE} characters.`);
			if (!Array.isArray(sec.rows) || sec.rows.length === 0) throw new GraphError(131009, `sections[${k}]['rows'] must be a non-empty array.`);
			sec.rows.forEach((r: any, j: number) => {
				rows++;
				if (!isObj(r) || typeof r.id !== 'string' || !r.id || r.id.length > MESSAGE_LIMITS.LIST_ROW_ID) throw new GraphError(131009, `sections[${k}]['rows'][${j}]['id'] must be 1 to ${MESSAGE_LIMITS.LIST_ROW_ID} characters.`);
				if (typeof r.title !== 'string' || !r.title || r.title.length > MESSAGE_LIMITS.LIST_ROW_TITLE) throw new GraphError(131009, `sections[${k}]['rows'][${j}]['title'] must be 1 to ${MESSAGE_LIMITS.LIST_ROW_TITLE} characters.`);
				if (r.description !== undefined && (typeof r.description !== 'string' || r.description.length > MESSAGE_LIMITS.LIST_ROW_DESCRIPTION)) throw new GraphError(131009, `sections[${k}]['rows'][${j}]['description'] must be at most ${MESSAGE_LIMITS.LIST_ROW_DESCRIPTION} characters.`);
			});
		});
		if (rows > MESSAGE_LIMITS.LIST_ROWS_TOTAL_MAX) throw new GraphError(131009, `interactive list has ${rows} rows; at most ${MESSAGE_LIMITS.LIST_ROWS_TOTAL_MAX} rows in total are allowed.`);
		return;
	}
	if (!['product', 'product_list', 'catalog_message', 'flow', 'call_permission_request', 'cta_url'].includes(i.type))
		throw new GraphError(131009, `interactive['type'] ${JSON.stringify(i.type)} is not valid.`);
}
