/**
 * Meta webhook body → flat events (types.ts). cloud-api.md §4: the envelope is
 * `{object, entry:[{id: WABA, time?, changes:[{field, value}]}]}`; `field: "messages"` carries
 * inbound `messages` (with `contacts`), outbound `statuses`, and request-level `errors`; other
 * fields (template / phone / account updates, user_preferences) carry one object per change.
 * Unknown fields are passed through as kind `unknown` so nothing Meta adds is lost.
 */
import { createHash } from 'node:crypto';
import type {
	AccountUpdateEvent,
	SkippedEvent,
	BusinessCapabilityEvent,
	ErrorEvent,
	EventBase,
	MessageContext,
	MessageEvent,
	MessageInteractive,
	MessageMedia,
	MessageReferral,
	MetaError,
	PhoneNameEvent,
	PhoneQualityEvent,
	StatusEvent,
	TemplateCategoryEvent,
	TemplateQualityEvent,
	TemplateStatusEvent,
	UnknownEvent,
	UserPreferenceEvent,
	WebhookEvent,
	WebhookEventKind,
} from './types';

/**
 * The body is not a WhatsApp webhook (not JSON, no `entry` array, nested too deep, too large).
 * The trigger answers `status` (400, or 413 for an oversized body): a 4xx, never a 5xx, so a
 * malformed delivery is not mistaken for an outage.
 */
export class WebhookParseError extends Error {
	constructor(
		message: string,
		readonly status: 400 | 413 = 400,
	) {
		super(message);
		this.name = 'WebhookParseError';
	}
}

/**
 * Bounds applied before anything is hashed, stored or emitted (a validly signed sender can still
 * send anything: a leaked app secret, a proxy bug, a fuzzer).
 *  - maxBytes: Meta batches at most a few hundred events per request (well under 1 MiB); n8n's own
 *    body limit (N8N_PAYLOAD_SIZE_MAX) is 16 MiB.
 *  - maxDepth: Meta's deepest payloads (an order's product_items, a status's pricing) are about 8
 *    levels; recursion in JSON.stringify / n8n's item copies overflows the stack at a few thousand.
 *  - maxIdLength: ids become store keys (dedup keys, ledger / window primary keys; a Postgres
 *    B-tree key must stay under ~2,700 bytes). Meta's wamids are under 100 characters.
 */
export const WEBHOOK_LIMITS = { maxBytes: 8 * 1024 * 1024, maxDepth: 64, maxIdLength: 256 } as const;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function obj(v: unknown): Obj {
	return isObj(v) ? v : {};
}
function arr(v: unknown): unknown[] {
	return Array.isArray(v) ? v : [];
}
/** Text fields, with U+0000 removed (Postgres text columns refuse it; it never carries meaning). */
function str(v: unknown): string | undefined {
	if (typeof v === 'string') return v.includes('\u0000') ? v.replace(/\u0000/g, '') : v;
	if (typeof v === 'number' && Number.isFinite(v)) return String(v);
	return undefined;
}
function num(v: unknown): number | undefined {
	if (typeof v === 'number' && Number.isFinite(v)) return v;
	if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
	return undefined;
}
function bool(v: unknown): boolean | undefined {
	return typeof v === 'boolean' ? v : undefined;
}
/** Drops undefined properties so output items stay small and comparable. */
function compact<T extends object>(o: T): T {
	const r = o as Obj;
	for (const k of Object.keys(r)) if (r[k] === undefined) delete r[k];
	return o;
}

/** Meta timestamps are epoch seconds (string or number). */
function time(v: unknown): { timestamp?: string; timestampEpoch?: number } {
	const s = num(v);
	if (s === undefined) return {};
	const d = new Date(s * 1000);
	return Number.isNaN(d.getTime()) ? {} : { timestamp: d.toISOString(), timestampEpoch: s };
}

/** Only called on values already bounded by WEBHOOK_LIMITS.maxDepth (checked before parsing). */
function hashOf(value: unknown): string {
	return createHash('sha1').update(JSON.stringify(value) ?? 'undefined').digest('hex').slice(0, 20);
}

const CONTROL = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why `v` cannot be used as an id / store key (undefined when it can): a non-empty string (or a
 * finite number) of at most WEBHOOK_LIMITS.maxIdLength characters, without control characters
 * or broken UTF-16.
 */
export function idProblem(v: unknown, name: string): string | undefined {
	if (v === undefined || v === null) return `has no "${name}"`;
	if (typeof v === 'number') return Number.isFinite(v) ? undefined : `"${name}" is not a finite number`;
	if (typeof v !== 'string') return `"${name}" is ${Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`}, not a string`;
	if (v.trim() === '') return `"${name}" is empty`;
	if (v.length > WEBHOOK_LIMITS.maxIdLength) return `"${name}" is ${v.length} characters long (limit ${WEBHOOK_LIMITS.maxIdLength})`;
	if (CONTROL.test(v)) return `"${name}" contains control characters`;
	if (LONE_SURROGATE.test(v)) return `"${name}" is not well-formed Unicode`;
	return undefined;
}
/** An optional id: absent is fine, present must be valid. */
function optionalIdProblem(v: unknown, name: string): string | undefined {
	return v === undefined || v === null ? undefined : idProblem(v, name);
}

/**
 * Nesting depth of JSON text, scanned byte by byte without recursion (UTF-8 multi-byte sequences
 * never contain ASCII bytes, so quotes and brackets are found exactly). Stops at `limit + 1`.
 */
export function jsonDepth(raw: Buffer, limit: number = WEBHOOK_LIMITS.maxDepth): number {
	let depth = 0;
	let max = 0;
	let inString = false;
	for (let i = 0; i < raw.length; i++) {
		const c = raw[i];
		if (inString) {
			if (c === 0x5c) i++; // backslash: skip the escaped byte
			else if (c === 0x22) inString = false;
		} else if (c === 0x22) inString = true;
		else if (c === 0x7b || c === 0x5b) {
			if (++depth > max) {
				max = depth;
				if (max > limit) return max;
			}
		} else if (c === 0x7d || c === 0x5d) depth--;
	}
	return max;
}

/** Nesting depth of a parsed value (iterative; stops at `limit + 1`). */
function valueDepth(value: unknown, limit: number): number {
	let max = 0;
	const stack: Array<[unknown, number]> = [[value, 1]];
	while (stack.length) {
		const [v, d] = stack.pop() as [unknown, number];
		if (typeof v !== 'object' || v === null) continue;
		if (d > max) {
			max = d;
			if (max > limit) return max;
		}
		for (const child of Array.isArray(v) ? v : Object.values(v)) if (typeof child === 'object' && child !== null) stack.push([child, d + 1]);
	}
	return max;
}

/** Parses the raw request bytes; throws WebhookParseError on invalid JSON or a non-webhook shape. Skipped events are dropped. */
export function parseWebhookBody(raw: Buffer | string): WebhookEvent[] {
	return parseWebhookRequest(raw).events;
}

export interface ParsedWebhook {
	/** Events with valid ids, in request order. */
	events: WebhookEvent[];
	/** Events that could not be applied (missing / empty / malformed id…), with the reason. */
	skipped: SkippedEvent[];
}

/**
 * The trigger's entry point: bounds the size and nesting depth of the raw bytes BEFORE parsing
 * (WebhookParseError 413 / 400), then parses. Events whose ids are missing or unusable are
 * returned in `skipped`, so the request's other events can still be applied and answered 200.
 */
export function parseWebhookRequest(raw: Buffer | string): ParsedWebhook {
	const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
	if (bytes.length > WEBHOOK_LIMITS.maxBytes) {
		throw new WebhookParseError(`The webhook body is ${bytes.length} bytes, over the ${WEBHOOK_LIMITS.maxBytes}-byte limit`, 413);
	}
	if (jsonDepth(bytes) > WEBHOOK_LIMITS.maxDepth) {
		throw new WebhookParseError(`The webhook body is nested more than ${WEBHOOK_LIMITS.maxDepth} levels deep (Meta's payloads are under 10)`);
	}
	let body: unknown;
	try {
		body = JSON.parse(bytes.toString('utf8'));
	} catch {
		throw new WebhookParseError('The webhook body is not valid JSON');
	}
	return parseInto(body, false);
}

function metaErrors(v: unknown): MetaError[] | undefined {
	const list = arr(v).filter(isObj);
	if (list.length === 0) return undefined;
	return list.map((e) =>
		compact({
			code: num(e.code),
			title: str(e.title),
			message: str(e.message),
			details: str(obj(e.error_data).details),
			href: str(e.href),
		}),
	);
}

/** Flattens a Meta webhook body into events (entry order, then change order, then array order); skipped events are dropped. */
export function parseWebhook(body: unknown): WebhookEvent[] {
	return parseInto(body, true).events;
}

/** The kind an event of this webhook field would have had (for skipped events). */
function kindOfField(field: string): WebhookEventKind {
	return (
		(
			{
				messages: 'message',
				user_preferences: 'user_preference',
				message_template_status_update: 'template_status',
				message_template_quality_update: 'template_quality',
				template_category_update: 'template_category',
				phone_number_quality_update: 'phone_quality',
				phone_number_name_update: 'phone_name',
				account_update: 'account_update',
				business_capability_update: 'business_capability',
			} as Record<string, WebhookEventKind>
		)[field] ?? 'unknown'
	);
}

function parseInto(body: unknown, checkDepth: boolean): ParsedWebhook {
	if (!isObj(body)) throw new WebhookParseError('The webhook body must be a JSON object');
	if (!Array.isArray(body.entry)) throw new WebhookParseError('The webhook body has no "entry" array (not a WhatsApp Business Account webhook)');
	if (checkDepth && valueDepth(body, WEBHOOK_LIMITS.maxDepth) > WEBHOOK_LIMITS.maxDepth) {
		throw new WebhookParseError(`The webhook body is nested more than ${WEBHOOK_LIMITS.maxDepth} levels deep (Meta's payloads are under 10)`);
	}
	const events: WebhookEvent[] = [];
	const skipped: SkippedEvent[] = [];
	body.entry.forEach((entryRaw, ei) => {
		const entry = obj(entryRaw);
		const wabaProblem = optionalIdProblem(entry.id, 'id');
		const wabaId = wabaProblem ? undefined : str(entry.id);
		arr(entry.changes).forEach((changeRaw, ci) => {
			const change = obj(changeRaw);
			const where = `entry[${ei}].changes[${ci}]`;
			const fieldProblem = optionalIdProblem(change.field, 'field');
			const field = fieldProblem ? 'unknown' : (str(change.field) ?? 'unknown');
			const value = change.value;
			const v = obj(value);
			const metadata = obj(v.metadata);
			const phoneProblem = optionalIdProblem(metadata.phone_number_id, 'metadata.phone_number_id');
			const base: Omit<EventBase, 'kind' | 'eventId'> = compact({
				field,
				wabaId,
				phoneNumberId: phoneProblem ? undefined : str(metadata.phone_number_id),
				displayPhoneNumber: str(metadata.display_phone_number) ?? str(v.display_phone_number),
				raw: value,
			});
			// The whole change is unusable when its account, field or business number cannot be a key.
			const changeProblem = wabaProblem ? `entry ${wabaProblem}` : fieldProblem ? `change ${fieldProblem}` : phoneProblem ? `value ${phoneProblem}` : undefined;
			if (changeProblem) {
				skipped.push(compact<SkippedEvent>({ ...base, kind: 'skipped', skippedKind: kindOfField(str(change.field) ?? ''), path: where, reason: `The change ${changeProblem}` }));
				return;
			}
			const skip = (skippedKind: WebhookEventKind, path: string, reason: string, item: unknown, extra: Partial<SkippedEvent> = {}) =>
				skipped.push(compact<SkippedEvent>({ ...base, raw: item, kind: 'skipped', skippedKind, path: `${where}.value.${path}`, reason, ...extra }));
			const entryTime = time(entry.time);
			const changeKey = () => `${field}:${wabaId ?? ''}:${hashOf({ t: entry.time, value })}`;
			/**
			 * Template events are keyed by their content, not by entry.time: Meta redelivers the same
			 * change with a new envelope time, and it must be emitted once. Template id (name +
			 * language when absent), event and reason (or scores / categories) identify the change.
			 */
			const templateKey = (parts: unknown[]) =>
				`${field}:${wabaId ?? ''}:${hashOf([str(v.message_template_id) ?? [str(v.message_template_name), str(v.message_template_language)], ...parts])}`;
			switch (field) {
				case 'messages':
					parseMessagesValue(v, base, changeKey, events, skip);
					break;
				case 'user_preferences':
					parseUserPreferences(v, base, events, skip);
					break;
				case 'message_template_status_update':
					events.push(
						compact<TemplateStatusEvent>({
							...base,
							...entryTime,
							kind: 'template_status',
							eventId: templateKey([
								str(v.event),
								str(v.reason),
								str(obj(v.rejection_info).reason),
								str(obj(v.disable_info).disable_date),
								str(obj(v.other_info).title),
							]),
							event: str(v.event),
							templateId: str(v.message_template_id),
							templateName: str(v.message_template_name),
							templateLanguage: str(v.message_template_language),
							templateCategory: str(v.message_template_category),
							reason: str(v.reason),
							rejectionInfo: isObj(v.rejection_info)
								? compact({ reason: str(v.rejection_info.reason), recommendation: str(v.rejection_info.recommendation) })
								: undefined,
							disableDate: str(obj(v.disable_info).disable_date),
							otherInfo: isObj(v.other_info) ? compact({ title: str(v.other_info.title), description: str(v.other_info.description) }) : undefined,
						}),
					);
					break;
				case 'message_template_quality_update':
					events.push(
						compact<TemplateQualityEvent>({
							...base,
							...entryTime,
							kind: 'template_quality',
							eventId: templateKey([str(v.previous_quality_score), str(v.new_quality_score)]),
							templateId: str(v.message_template_id),
							templateName: str(v.message_template_name),
							templateLanguage: str(v.message_template_language),
							previousQualityScore: str(v.previous_quality_score),
							newQualityScore: str(v.new_quality_score),
						}),
					);
					break;
				case 'template_category_update': {
					// Two shapes (Meta reference): impending change (correct_category +
					// category_update_timestamp) or completed change (previous_category).
					const impending = v.correct_category !== undefined || v.category_update_timestamp !== undefined;
					events.push(
						compact<TemplateCategoryEvent>({
							...base,
							...entryTime,
							kind: 'template_category',
							eventId: templateKey([str(v.previous_category), str(v.new_category), str(v.correct_category), str(v.category_update_timestamp)]),
							templateId: str(v.message_template_id),
							templateName: str(v.message_template_name),
							templateLanguage: str(v.message_template_language),
							previousCategory: str(v.previous_category),
							newCategory: str(v.new_category),
							correctCategory: str(v.correct_category),
							categoryUpdateAt: time(v.category_update_timestamp).timestamp,
							phase: impending ? 'impending' : 'completed',
						}),
					);
					break;
				}
				case 'phone_number_quality_update':
					events.push(
						compact<PhoneQualityEvent>({
							...base,
							...entryTime,
							kind: 'phone_quality',
							eventId: changeKey(),
							event: str(v.event),
							currentLimit: str(v.current_limit),
							oldLimit: str(v.old_limit),
							maxDailyConversationsPerBusiness:
								typeof v.max_daily_conversations_per_business === 'number' ? v.max_daily_conversations_per_business : str(v.max_daily_conversations_per_business),
						}),
					);
					break;
				case 'phone_number_name_update':
					events.push(
						compact<PhoneNameEvent>({
							...base,
							...entryTime,
							kind: 'phone_name',
							eventId: changeKey(),
							decision: str(v.decision),
							requestedVerifiedName: str(v.requested_verified_name),
							rejectionReason: v.rejection_reason === null ? null : str(v.rejection_reason),
						}),
					);
					break;
				case 'account_update': {
					const restrictions = arr(v.restriction_info)
						.filter(isObj)
						.map((r) => compact({ type: str(r.restriction_type), expiration: typeof r.expiration === 'number' ? r.expiration : str(r.expiration) }));
					events.push(
						compact<AccountUpdateEvent>({
							...base,
							...entryTime,
							kind: 'account_update',
							eventId: changeKey(),
							event: str(v.event),
							phoneNumber: str(v.phone_number),
							violationType: str(obj(v.violation_info).violation_type),
							restrictions: restrictions.length ? restrictions : undefined,
							banState: str(obj(v.ban_info).waba_ban_state),
							banDate: str(obj(v.ban_info).waba_ban_date),
						}),
					);
					break;
				}
				case 'business_capability_update': {
					const n = (x: unknown) => (typeof x === 'number' ? x : str(x));
					events.push(
						compact<BusinessCapabilityEvent>({
							...base,
							...entryTime,
							kind: 'business_capability',
							eventId: changeKey(),
							maxDailyConversationsPerBusiness: n(v.max_daily_conversations_per_business),
							maxPhoneNumbersPerWaba: n(v.max_phone_numbers_per_waba),
							maxDailyConversationPerPhone: n(v.max_daily_conversation_per_phone),
						}),
					);
					break;
				}
				default:
					events.push(compact<UnknownEvent>({ ...base, ...entryTime, kind: 'unknown', eventId: changeKey() }));
			}
		});
	});
	return { events, skipped };
}

type Skip = (skippedKind: WebhookEventKind, path: string, reason: string, item: unknown, extra?: Partial<SkippedEvent>) => void;

function parseMessagesValue(v: Obj, base: Omit<EventBase, 'kind' | 'eventId'>, changeKey: () => string, events: WebhookEvent[], skip: Skip): void {
	// contacts[] gives profile name / wa_id / BSUID for the senders of messages[] (absent for system).
	const contacts = arr(v.contacts).filter(isObj);
	const byWaId = new Map<string, Obj>();
	const byUserId = new Map<string, Obj>();
	for (const c of contacts) {
		const w = str(c.wa_id);
		if (w) byWaId.set(w, c);
		const u = str(c.user_id);
		if (u) byUserId.set(u, c);
	}
	arr(v.messages).forEach((m, i) => {
		if (!isObj(m)) return;
		// The message id is the de-duplication key; from / user ids become contact and window keys.
		const problem =
			idProblem(m.id, 'id') ?? optionalIdProblem(m.from, 'from') ?? optionalIdProblem(m.from_user_id, 'from_user_id') ?? optionalIdProblem(m.user_id, 'user_id');
		if (problem) {
			skip('message', `messages[${i}]`, `The message ${problem}`, m, { messageId: idProblem(m.id, 'id') ? undefined : str(m.id), from: str(m.from)?.slice(0, 64) });
			return;
		}
		const from = str(m.from);
		const userIdOnMessage = str(m.from_user_id) ?? str(m.user_id);
		const contact = (from && byWaId.get(from)) || (userIdOnMessage && byUserId.get(userIdOnMessage)) || (contacts.length === 1 ? contacts[0] : undefined);
		events.push(parseMessage(m, contact, base));
	});
	arr(v.statuses).forEach((s, i) => {
		if (!isObj(s)) return;
		// id (+ status) is the de-duplication key and the campaign ledger's message key.
		const problem = idProblem(s.id, 'id') ?? optionalIdProblem(s.status, 'status');
		if (problem) {
			skip('status', `statuses[${i}]`, `The status ${problem}`, s, {
				messageId: idProblem(s.id, 'id') ? undefined : str(s.id),
				status: optionalIdProblem(s.status, 'status') ? undefined : str(s.status),
			});
			return;
		}
		events.push(parseStatus(s, base));
	});
	const errors = metaErrors(v.errors);
	if (errors) {
		errors.forEach((e, i) =>
			events.push(
				compact<ErrorEvent>({
					...base,
					kind: 'error',
					eventId: `${changeKey()}:error:${i}`,
					errorCode: e.code,
					errorTitle: e.title,
					errorMessage: e.message,
					errorDetails: e.details,
				}),
			),
		);
	}
}

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);

function parseMessage(m: Obj, contact: Obj | undefined, base: Omit<EventBase, 'kind' | 'eventId'>): MessageEvent {
	const type = str(m.type) ?? 'unknown';
	const messageId = str(m.id) as string; // checked by idProblem
	const from = str(m.from);
	const ev: MessageEvent = {
		...base,
		...time(m.timestamp),
		kind: 'message',
		eventId: messageId,
		messageId,
		type,
		from,
		waId: from ?? str(contact?.wa_id),
		userId: str(m.from_user_id) ?? str(m.user_id) ?? str(contact?.user_id),
		profileName: str(obj(contact?.profile).name),
		hasReferral: false,
	};
	const body = obj(m[type]);
	if (type === 'text') {
		ev.text = str(obj(m.text).body);
	} else if (MEDIA_TYPES.has(type)) {
		ev.media = compact<MessageMedia>({
			id: str(body.id),
			mimeType: str(body.mime_type),
			sha256: str(body.sha256),
			caption: str(body.caption),
			filename: str(body.filename),
			voice: bool(body.voice),
			animated: bool(body.animated),
			url: str(body.url),
		});
		ev.text = ev.media.caption;
	} else if (type === 'location') {
		ev.location = compact({ latitude: num(body.latitude), longitude: num(body.longitude), name: str(body.name), address: str(body.address), url: str(body.url) });
	} else if (type === 'contacts') {
		ev.contacts = arr(m.contacts);
	} else if (type === 'reaction') {
		ev.reaction = compact({ messageId: str(body.message_id), emoji: str(body.emoji) });
		ev.text = ev.reaction.emoji;
	} else if (type === 'button') {
		ev.button = compact({ payload: str(body.payload), text: str(body.text) });
		ev.text = ev.button.text ?? ev.button.payload;
	} else if (type === 'interactive') {
		ev.interactive = parseInteractive(body);
		ev.text = ev.interactive.title ?? ev.interactive.body;
	} else if (type === 'order') {
		ev.order = compact({ catalogId: str(body.catalog_id), text: str(body.text), productItems: arr(body.product_items).filter(isObj) });
		ev.text = ev.order.text || undefined;
	} else if (type === 'system') {
		// user_changed_number: system.wa_id is the NEW number; `from` is the old one.
		ev.system = compact({
			body: str(body.body),
			type: str(body.type),
			waId: str(body.wa_id),
			newWaId: str(body.wa_id) ?? str(body.new_wa_id),
			// user_changed_user_id (WhatsApp usernames): the user's new business-scoped user ID.
			newUserId: str(body.new_user_id) ?? str(body.user_id),
			customer: str(body.customer),
			identity: str(body.identity),
		});
		ev.text = ev.system.body;
	}
	const errors = metaErrors(m.errors);
	if (errors) ev.errors = errors;
	if (isObj(m.context)) {
		const c = m.context;
		const rp = obj(c.referred_product);
		ev.context = compact<MessageContext>({
			from: str(c.from),
			// The replied-to wamid is looked up in the campaign ledger: an unusable one is left out.
			id: idProblem(c.id, 'id') ? undefined : str(c.id),
			forwarded: bool(c.forwarded),
			frequentlyForwarded: bool(c.frequently_forwarded),
			referredProduct: isObj(c.referred_product) ? compact({ catalogId: str(rp.catalog_id), productRetailerId: str(rp.product_retailer_id) }) : undefined,
		});
		ev.replyToMessageId = ev.context.id;
	}
	if (isObj(m.referral)) {
		const r = m.referral;
		ev.referral = compact<MessageReferral>({
			sourceUrl: str(r.source_url),
			sourceId: str(r.source_id),
			sourceType: str(r.source_type),
			body: str(r.body),
			headline: str(r.headline),
			mediaType: str(r.media_type),
			imageUrl: str(r.image_url),
			videoUrl: str(r.video_url),
			thumbnailUrl: str(r.thumbnail_url),
			ctwaClid: str(r.ctwa_clid),
			welcomeMessage: str(obj(r.welcome_message).text),
		});
		ev.hasReferral = true;
	}
	return compact(ev);
}

function parseInteractive(body: Obj): MessageInteractive {
	const type = str(body.type) ?? 'unknown';
	const inner = obj(body[type]);
	const out: MessageInteractive = { type };
	if (type === 'button_reply' || type === 'list_reply') {
		out.id = str(inner.id);
		out.title = str(inner.title);
		out.description = str(inner.description);
	} else if (type === 'nfm_reply') {
		// Flow reply (developers.facebook.com/documentation/business-messaging/whatsapp/flows/guides/flowswebhooks):
		// response_json is a JSON string holding flow_token and the form values.
		out.name = str(inner.name);
		out.body = str(inner.body);
		const rj = inner.response_json;
		if (typeof rj === 'string' && jsonDepth(Buffer.from(rj, 'utf8')) > WEBHOOK_LIMITS.maxDepth) {
			out.flowResponseRaw = rj; // kept as text: too deep to hand to a workflow as an object
		} else if (typeof rj === 'string') {
			try {
				const parsed: unknown = JSON.parse(rj);
				if (isObj(parsed)) {
					out.flowResponse = parsed;
					out.flowToken = str(parsed.flow_token);
				} else out.flowResponseRaw = rj;
			} catch {
				out.flowResponseRaw = rj;
			}
		} else if (isObj(rj)) {
			out.flowResponse = rj;
			out.flowToken = str(rj.flow_token);
		}
	} else {
		out.id = str(inner.id);
		out.title = str(inner.title);
	}
	return compact(out);
}

const PHONE_ID = /^[0-9]{1,32}$/;

function parseStatus(s: Obj, base: Omit<EventBase, 'kind' | 'eventId'>): StatusEvent {
	const messageId = str(s.id) as string; // checked by idProblem
	const status = str(s.status) ?? 'unknown';
	const recipientId = str(s.recipient_id);
	const errors = metaErrors(s.errors);
	const first = errors?.[0];
	const pricing = obj(s.pricing);
	const conv = obj(s.conversation);
	return compact<StatusEvent>({
		...base,
		...time(s.timestamp),
		kind: 'status',
		eventId: `${messageId}:${status}`,
		messageId,
		status,
		recipientId,
		waId: recipientId && PHONE_ID.test(recipientId) && s.recipient_type !== 'group' ? recipientId : undefined,
		recipientUserId: str(s.recipient_user_id),
		recipientType: str(s.recipient_type),
		// Matched against the campaign ledger: an unusable value (too long, control characters) is left out.
		bizOpaqueCallbackData: typeof s.biz_opaque_callback_data === 'string' && s.biz_opaque_callback_data.length <= 512 && !idProblem(s.biz_opaque_callback_data, 'x') ? s.biz_opaque_callback_data : undefined,
		pricing: isObj(s.pricing)
			? compact({ billable: bool(pricing.billable), pricingModel: str(pricing.pricing_model), type: str(pricing.type), category: str(pricing.category) })
			: undefined,
		conversation: isObj(s.conversation)
			? compact({ id: str(conv.id), expirationTimestamp: time(conv.expiration_timestamp).timestamp, originType: str(obj(conv.origin).type) })
			: undefined,
		errorCode: first?.code,
		errorTitle: first?.title,
		errorMessage: first?.message,
		errorDetails: first?.details,
		errors,
	});
}

function parseUserPreferences(v: Obj, base: Omit<EventBase, 'kind' | 'eventId'>, events: WebhookEvent[], skip: Skip): void {
	// user_preferences reference: value.user_preferences[] = {wa_id, detail, category, value: stop|resume, timestamp}.
	const contacts = arr(v.contacts).filter(isObj);
	for (const [i, p] of arr(v.user_preferences).entries()) {
		if (!isObj(p)) continue;
		// wa_id (or user_id), category and value make up the de-duplication key.
		const problem =
			(p.wa_id === undefined && p.user_id === undefined ? 'has no "wa_id" or "user_id"' : undefined) ??
			optionalIdProblem(p.wa_id, 'wa_id') ??
			optionalIdProblem(p.user_id, 'user_id') ??
			optionalIdProblem(p.category, 'category') ??
			optionalIdProblem(p.value, 'value');
		if (problem) {
			skip('user_preference', `user_preferences[${i}]`, `The user preference ${problem}`, p);
			continue;
		}
		const waId = str(p.wa_id);
		const contact = contacts.find((c) => str(c.wa_id) === waId);
		const t = time(p.timestamp);
		events.push(
			compact<UserPreferenceEvent>({
				...base,
				...t,
				kind: 'user_preference',
				eventId: `user_preferences:${waId ?? str(p.user_id) ?? ''}:${str(p.category) ?? ''}:${str(p.value) ?? ''}:${t.timestampEpoch ?? hashOf(p)}`,
				waId,
				userId: str(p.user_id) ?? str(contact?.user_id),
				profileName: str(obj(contact?.profile).name),
				category: str(p.category),
				value: str(p.value),
				detail: str(p.detail),
			}),
		);
	}
}
