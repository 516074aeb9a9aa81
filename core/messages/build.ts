/**
 * Session messages (live support) — builders for `POST /{PHONE_NUMBER_ID}/messages` bodies with
 * Meta's limits checked (cloud-api.md §2). Every problem throws a MessageValidationError naming
 * the field, e.g. `interactive.action.buttons[3]: at most 3 reply buttons`.
 * These are free-form messages: they only go through inside the 24 h customer-service window
 * (cloud-api.md §6; 131047 otherwise).
 */
import { CAPTION_MEDIA_TYPES, MEDIA_TYPES, MESSAGE_LIMITS as L, MediaType } from './limits';

export class MessageValidationError extends Error {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(`${field}: ${message}`);
		this.name = 'MessageValidationError';
	}
}

export interface SendBodyBase {
	messaging_product: 'whatsapp';
	recipient_type: 'individual';
	to: string;
	type: string;
	context?: { message_id: string };
	biz_opaque_callback_data?: string;
	[key: string]: unknown;
}

export interface CommonOptions {
	/** Reply to this message (wamid…): shown quoted in the chat. */
	replyTo?: string;
	bizOpaqueCallbackData?: string;
}

function fail(field: string, message: string): never {
	throw new MessageValidationError(field, message);
}

function requireText(value: unknown, field: string, max: number, required = true): string | undefined {
	if (value === undefined || value === null || value === '') {
		if (required) fail(field, 'is required');
		return undefined;
	}
	if (typeof value !== 'string') fail(field, `must be text (got ${typeof value})`);
	const len = [...value].length;
	if (len > max) fail(field, `is ${len} characters, at most ${max} allowed`);
	return value;
}

function base(to: string, type: string, options: CommonOptions = {}): SendBodyBase {
	const digits = String(to ?? '').replace(/[\s()+-]/g, '');
	if (!/^\d{6,15}$/.test(digits)) fail('to', `"${to}" is not a phone number in international format (E.164 digits)`);
	const body: SendBodyBase = { messaging_product: 'whatsapp', recipient_type: 'individual', to: digits, type };
	if (options.replyTo) body.context = { message_id: String(options.replyTo) };
	if (options.bizOpaqueCallbackData) body.biz_opaque_callback_data = options.bizOpaqueCallbackData;
	return body;
}

export function textMessage(to: string, text: string, options: CommonOptions & { previewUrl?: boolean } = {}): SendBodyBase {
	const body = requireText(text, 'text.body', L.TEXT_BODY) as string;
	return { ...base(to, 'text', options), text: { body, ...(options.previewUrl ? { preview_url: true } : {}) } };
}

export interface MediaInput {
	id?: string;
	link?: string;
	caption?: string;
	filename?: string;
}

export function mediaMessage(to: string, type: MediaType, media: MediaInput, options: CommonOptions = {}): SendBodyBase {
	if (!(MEDIA_TYPES as readonly string[]).includes(type)) fail('type', `must be one of ${MEDIA_TYPES.join(', ')} (got "${type}")`);
	const id = media.id ? String(media.id).trim() : '';
	const link = media.link ? String(media.link).trim() : '';
	if (!id && !link) fail(`${type}`, 'needs a media id or a link');
	if (id && link) fail(`${type}`, 'takes a media id or a link, not both');
	if (link && !/^https?:\/\//i.test(link)) fail(`${type}.link`, `must be an http(s) URL (got "${link}")`);
	const obj: Record<string, string> = id ? { id } : { link };
	if (media.caption) {
		if (!CAPTION_MEDIA_TYPES.includes(type)) fail(`${type}.caption`, `only image, video and document take a caption`);
		obj.caption = requireText(media.caption, `${type}.caption`, L.MEDIA_CAPTION) as string;
	}
	if (media.filename) {
		if (type !== 'document') fail(`${type}.filename`, 'only documents take a file name');
		obj.filename = String(media.filename);
	}
	return { ...base(to, type, options), [type]: obj };
}

export type InteractiveHeader =
	| { type: 'text'; text: string }
	| { type: 'image' | 'video' | 'document'; id?: string; link?: string; filename?: string };

export interface InteractiveCommon {
	header?: InteractiveHeader;
	body: string;
	footer?: string;
}

function interactiveParts(input: InteractiveCommon): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	if (input.header) {
		const h = input.header;
		if (h.type === 'text') out.header = { type: 'text', text: requireText(h.text, 'interactive.header.text', L.INTERACTIVE_HEADER) };
		else if (h.type === 'image' || h.type === 'video' || h.type === 'document') {
			if (!h.id && !h.link) fail(`interactive.header.${h.type}`, 'needs a media id or a link');
			const media: Record<string, string> = h.id ? { id: String(h.id) } : { link: String(h.link) };
			if (h.filename && h.type === 'document') media.filename = h.filename;
			out.header = { type: h.type, [h.type]: media };
		} else fail('interactive.header.type', `must be text, image, video or document`);
	}
	out.body = { text: requireText(input.body, 'interactive.body.text', L.INTERACTIVE_BODY) };
	const footer = requireText(input.footer, 'interactive.footer.text', L.INTERACTIVE_FOOTER, false);
	if (footer) out.footer = { text: footer };
	return out;
}

export interface ReplyButton {
	id: string;
	title: string;
}

export function replyButtonsMessage(to: string, input: InteractiveCommon & { buttons: ReplyButton[] }, options: CommonOptions = {}): SendBodyBase {
	const buttons = input.buttons ?? [];
	if (buttons.length < L.REPLY_BUTTONS_MIN) fail('interactive.action.buttons', 'needs at least one reply button');
	if (buttons.length > L.REPLY_BUTTONS_MAX) fail(`interactive.action.buttons[${L.REPLY_BUTTONS_MAX}]`, `at most ${L.REPLY_BUTTONS_MAX} reply buttons (got ${buttons.length})`);
	const ids = new Set<string>();
	const out = buttons.map((b, i) => {
		const id = requireText(b.id, `interactive.action.buttons[${i}].reply.id`, L.REPLY_BUTTON_ID) as string;
		if (ids.has(id)) fail(`interactive.action.buttons[${i}].reply.id`, `"${id}" is used twice`);
		ids.add(id);
		const title = requireText(b.title, `interactive.action.buttons[${i}].reply.title`, L.REPLY_BUTTON_TITLE) as string;
		return { type: 'reply', reply: { id, title } };
	});
	return { ...base(to, 'interactive', options), interactive: { type: 'button', ...interactiveParts(input), action: { buttons: out } } };
}

export interface ListRow {
	id: string;
	title: string;
	description?: string;
}
export interface ListSection {
	title?: string;
	rows: ListRow[];
}

export function listMessage(to: string, input: InteractiveCommon & { button: string; sections: ListSection[] }, options: CommonOptions = {}): SendBodyBase {
	const button = requireText(input.button, 'interactive.action.button', L.LIST_BUTTON) as string;
	const sections = input.sections ?? [];
	if (sections.length === 0) fail('interactive.action.sections', 'needs at least one section');
	if (sections.length > L.LIST_SECTIONS_MAX) fail('interactive.action.sections', `at most ${L.LIST_SECTIONS_MAX} sections (got ${sections.length})`);
	const total = sections.reduce((n, s) => n + (s.rows?.length ?? 0), 0);
	if (total > L.LIST_ROWS_TOTAL_MAX) fail('interactive.action.sections', `at most ${L.LIST_ROWS_TOTAL_MAX} rows in total (got ${total})`);
	const ids = new Set<string>();
	const out = sections.map((s, i) => {
		const f = `interactive.action.sections[${i}]`;
		// Meta requires a section title when there is more than one section.
		const title = requireText(s.title, `${f}.title`, L.LIST_SECTION_TITLE, sections.length === 1 ? false : true);
		if (!s.rows?.length) fail(`${f}.rows`, 'needs at least one row');
		const rows = s.rows.map((r, j) => {
			const rf = `${f}.rows[${j}]`;
			const id = requireText(r.id, `${rf}.id`, L.LIST_ROW_ID) as string;
			if (ids.has(id)) fail(`${rf}.id`, `"${id}" is used twice`);
			ids.add(id);
			const row: Record<string, string> = { id, title: requireText(r.title, `${rf}.title`, L.LIST_ROW_TITLE) as string };
			const description = requireText(r.description, `${rf}.description`, L.LIST_ROW_DESCRIPTION, false);
			if (description) row.description = description;
			return row;
		});
		return { ...(title ? { title } : {}), rows };
	});
	if (input.header && input.header.type !== 'text') fail('interactive.header.type', 'list messages take a text header only');
	return { ...base(to, 'interactive', options), interactive: { type: 'list', ...interactiveParts(input), action: { button, sections: out } } };
}

export interface LocationInput {
	latitude: number | string;
	longitude: number | string;
	name?: string;
	address?: string;
}

export function locationMessage(to: string, loc: LocationInput, options: CommonOptions = {}): SendBodyBase {
	const lat = Number(loc.latitude);
	const lon = Number(loc.longitude);
	if (loc.latitude === '' || !Number.isFinite(lat) || lat < -90 || lat > 90) fail('location.latitude', `must be a number between -90 and 90 (got "${loc.latitude}")`);
	if (loc.longitude === '' || !Number.isFinite(lon) || lon < -180 || lon > 180) fail('location.longitude', `must be a number between -180 and 180 (got "${loc.longitude}")`);
	const location: Record<string, unknown> = { latitude: lat, longitude: lon };
	if (loc.name) location.name = String(loc.name);
	if (loc.address) location.address = String(loc.address);
	return { ...base(to, 'location', options), location };
}

export interface ContactCard {
	name: { formatted_name: string; first_name?: string; last_name?: string; [k: string]: unknown };
	phones?: { phone?: string; type?: string; wa_id?: string }[];
	emails?: { email?: string; type?: string }[];
	urls?: { url?: string; type?: string }[];
	[k: string]: unknown;
}

export function contactsMessage(to: string, contacts: ContactCard[], options: CommonOptions = {}): SendBodyBase {
	if (!Array.isArray(contacts) || contacts.length === 0) fail('contacts', 'needs at least one contact');
	if (contacts.length > L.CONTACTS_MAX) fail('contacts', `at most ${L.CONTACTS_MAX} contacts (got ${contacts.length})`);
	contacts.forEach((c, i) => requireText(c?.name?.formatted_name, `contacts[${i}].name.formatted_name`, 1024));
	return { ...base(to, 'contacts', options), contacts };
}

/** An empty emoji removes the reaction (cloud-api.md §2). */
export function reactionMessage(to: string, messageId: string, emoji: string, options: CommonOptions = {}): SendBodyBase {
	requireText(messageId, 'reaction.message_id', 1024);
	if (emoji && [...emoji].length > 10) fail('reaction.emoji', 'must be a single emoji');
	return { ...base(to, 'reaction', options), reaction: { message_id: messageId, emoji: emoji ?? '' } };
}

/** Mark as read (+ optional typing indicator): the same endpoint, `{status:"read", message_id}`. */
export function markAsReadBody(messageId: string, typingIndicator = false): Record<string, unknown> {
	requireText(messageId, 'message_id', 1024);
	return {
		messaging_product: 'whatsapp',
		status: 'read',
		message_id: messageId,
		...(typingIndicator ? { typing_indicator: { type: 'text' } } : {}),
	};
}
