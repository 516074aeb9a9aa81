/**
 * Control API under /_sim (no auth, JSON). See simulator/README.md for the full list.
 */
import type { MessageRecord, SimContext } from './context';
import type { FaultOptions, SimulatorOptions } from './options';
import type { QualityScore, Template, TemplateStatus } from './templates';

export class ControlError extends Error {
	constructor(
		readonly status: number,
		message: string,
	) {
		super(message);
	}
}

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface ControlHost {
	ctx: SimContext;
	info(): Record<string, unknown>;
	stats(): Record<string, unknown>;
	reset(): void;
}

export function handleControl(host: ControlHost, method: string, path: string, query: URLSearchParams, raw: Buffer): unknown {
	const ctx = host.ctx;
	let body: Record<string, any> = {};
	if (raw.length) {
		try {
			body = JSON.parse(raw.toString('utf8'));
		} catch {
			throw new ControlError(400, 'body must be JSON');
		}
		if (!isObj(body)) throw new ControlError(400, 'body must be a JSON object');
	}
	const seg = path.split('/').filter(Boolean).slice(1); // drop "_sim"
	const route = `${method} ${seg[0] ?? ''}${seg[1] && !['phone-numbers', 'templates'].includes(seg[0]) ? '/' + seg[1] : ''}`;
	switch (route) {
		case 'GET info':
		case 'GET health':
			return host.info();
		case 'GET stats':
			return host.stats();
		case 'POST reset':
			host.reset();
			return { ok: true };
		case 'GET clock':
			return { now: ctx.clock.now(), frozen: ctx.clock.frozen };
		case 'POST clock/advance': {
			const ms = Number(body.ms);
			if (!(ms >= 0)) throw new ControlError(400, 'clock/advance: ms must be a number ≥ 0');
			ctx.clock.advance(ms);
			return { now: ctx.clock.now() };
		}
		case 'POST clock/freeze':
			ctx.clock.freeze();
			return { now: ctx.clock.now(), frozen: true };
		case 'POST clock/unfreeze':
			ctx.clock.unfreeze();
			return { now: ctx.clock.now(), frozen: false };
		case 'POST inbound':
			return inbound(ctx, body);
		case 'GET messages':
			return { data: filterMessages(ctx.messages, query) };
		case 'GET webhooks': {
			const field = query.get('field');
			const state = query.get('state');
			const limit = Number(query.get('limit')) || 1000;
			const list = ctx.webhooks.log.filter((w) => (!field || w.field === field) && (!state || w.state === state));
			return { data: list.slice(-limit).map(({ raw: _raw, ...w }) => w) };
		}
		case 'GET opt-outs':
			return { data: [...ctx.optOuts] };
		case 'POST opt-outs': {
			const wa = digits(body.wa_id, 'wa_id');
			if (body.opted_out === false) ctx.optOuts.delete(wa);
			else ctx.optOuts.add(wa);
			return { wa_id: wa, opted_out: ctx.optOuts.has(wa) };
		}
		case 'POST faults':
			Object.assign(ctx.opts.faults, pick<FaultOptions>(body, ['errorRate', 'errorStatus', 'timeoutRate', 'timeoutMode', 'timeoutAfterMs', 'slowRate', 'slowMs', 'force130429']));
			return { faults: ctx.opts.faults };
		case 'GET faults/recipients':
			return { recipientFaults: ctx.recipientFaults.pending(), used: ctx.recipientFaults.used };
		case 'POST faults/recipients':
			// Body: { "<recipient>": [fault, …] } — replaces those recipients' scripts ([] removes one).
			try {
				ctx.recipientFaults.set(body, 'faults/recipients');
			} catch (e) {
				throw new ControlError(400, (e as Error).message);
			}
			return { recipientFaults: ctx.recipientFaults.pending(), used: ctx.recipientFaults.used };
		case 'POST latency':
			if (body.latencyMs !== undefined) ctx.opts.latencyMs = num(body.latencyMs, 'latencyMs');
			if (body.jitterMs !== undefined) ctx.opts.jitterMs = num(body.jitterMs, 'jitterMs');
			return { latencyMs: ctx.opts.latencyMs, jitterMs: ctx.opts.jitterMs };
		case 'POST config':
			return { config: configure(ctx, body) };
		case 'POST phone-numbers':
			return phoneControl(ctx, seg[1], body);
		case 'POST templates':
			return templateControl(ctx, seg[1], body);
	}
	throw new ControlError(404, `unknown control route ${method} ${path}`);
}

function num(v: unknown, name: string): number {
	const n = Number(v);
	if (!Number.isFinite(n) || n < 0) throw new ControlError(400, `${name} must be a number ≥ 0`);
	return n;
}

function digits(v: unknown, name: string): string {
	const s = typeof v === 'string' ? v.replace(/[\s+\-()]/g, '') : '';
	if (!/^[0-9]{6,15}$/.test(s)) throw new ControlError(400, `${name} must be a phone number (digits)`);
	return s;
}

function pick<T>(body: Record<string, any>, keys: (keyof T & string)[]): Partial<T> {
	const out: Partial<T> = {};
	for (const k of keys) if (body[k] !== undefined) (out as any)[k] = body[k];
	return out;
}

const CONFIG_KEYS: (keyof SimulatorOptions)[] = [
	'pairRateMs', 'windowMode', 'messagingLimit', 'statusDelays', 'deliveredRate', 'readRate', 'outOfOrderRate', 'duplicateRate',
	'marketingCapRate', 'waIdAliases', 'optOutOnStop', 'stopKeywords', 'reviewDelayMs', 'webhookUrl', 'webhookRetry', 'webhookTimeoutMs', 'webhookMaxInFlight', 'errorStatus', 'templateLimit',
];

/** POST /_sim/config: change behaviour options at run time (strings for regex options). */
function configure(ctx: SimContext, body: Record<string, any>): Record<string, unknown> {
	const o = ctx.opts;
	for (const k of CONFIG_KEYS) if (body[k] !== undefined) (o as any)[k] = isObj(body[k]) && isObj((o as any)[k]) ? { ...(o as any)[k], ...body[k] } : body[k];
	if (body.unreachable !== undefined) o.unreachable = new RegExp(String(body.unreachable));
	if (Array.isArray(body.reviewRules))
		o.reviewRules = body.reviewRules.map((r: any) => ({
			name: r.name !== undefined ? new RegExp(String(r.name)) : undefined,
			body: r.body !== undefined ? new RegExp(String(r.body)) : undefined,
			outcome: r.outcome,
			reason: r.reason,
		}));
	ctx.templates.opts.reviewDelayMs = o.reviewDelayMs;
	ctx.templates.opts.reviewRules = o.reviewRules;
	ctx.templates.opts.templateLimit = o.templateLimit;
	ctx.webhooks.opts.duplicateRate = o.duplicateRate;
	ctx.webhooks.opts.retry = o.webhookRetry;
	ctx.webhooks.opts.timeoutMs = o.webhookTimeoutMs;
	ctx.webhooks.setMaxInFlight(o.webhookMaxInFlight);
	const out: Record<string, unknown> = {};
	for (const k of CONFIG_KEYS) out[k] = k === 'webhookUrl' ? (o.webhookUrl ? '(set)' : undefined) : o[k];
	out.unreachable = o.unreachable.source;
	return out;
}

function phoneControl(ctx: SimContext, id: string | undefined, body: Record<string, any>): Record<string, unknown> {
	const p = id ? ctx.phones.get(id) : undefined;
	if (!p) throw new ControlError(404, `unknown phone number id ${id}`);
	if (body.quality_rating !== undefined) {
		if (!['GREEN', 'YELLOW', 'RED', 'NA', 'UNKNOWN'].includes(body.quality_rating)) throw new ControlError(400, 'quality_rating must be GREEN, YELLOW, RED, NA or UNKNOWN');
		p.quality_rating = body.quality_rating;
	}
	const before = ctx.portfolioTier();
	if (body.tier !== undefined) p.tier = body.tier === 'UNLIMITED' || body.tier === -1 ? Infinity : num(body.tier, 'tier');
	const after = ctx.portfolioTier();
	const perDay = Number.isFinite(after) ? after : -1; // -1 = unlimited (cloud-api.md §4)
	// cloud-api.md §4: business_capability_update carries the portfolio limit.
	if (after !== before) ctx.webhooks.emit(ctx.opts.wabaId, 'business_capability_update', { max_daily_conversations_per_business: perDay, max_phone_numbers_per_waba: 25 });
	if (body.mps !== undefined) {
		const wasHigh = p.mps >= 1000;
		p.mps = num(body.mps, 'mps');
		// cloud-api.md §5: after the upgrade to 1,000 mps a phone_number_quality_update THROUGHPUT_UPGRADE arrives.
		if (!wasHigh && p.mps >= 1000)
			ctx.webhooks.emit(ctx.opts.wabaId, 'phone_number_quality_update', { display_phone_number: p.display_phone_number, event: 'THROUGHPUT_UPGRADE', max_daily_conversations_per_business: perDay });
	}
	// Issue 17: coexistence (is_on_biz_app, 20 mps unless mps is given) and Marketing Messages API onboarding.
	if (body.coexistence !== undefined) {
		p.coexistence = body.coexistence === true;
		if (body.mps === undefined && p.coexistence) p.mps = 20;
	}
	if (body.marketing_messages !== undefined) p.marketingMessages = body.marketing_messages === true;
	return {
		id: p.id,
		quality_rating: p.quality_rating,
		tier: Number.isFinite(p.tier) ? p.tier : 'UNLIMITED',
		mps: p.mps,
		coexistence: p.coexistence,
		marketing_messages: p.marketingMessages,
	};
}

function templateControl(ctx: SimContext, id: string | undefined, body: Record<string, any>): Record<string, unknown> {
	let t: Template | undefined = id ? ctx.templates.byId.get(id) : undefined;
	if (!t && typeof body.name === 'string') t = ctx.templates.find(ctx.opts.wabaId, body.name, body.language ?? 'en_US');
	if (!t) throw new ControlError(404, `unknown template ${id ?? body.name}`);
	if (body.status !== undefined) ctx.templates.setStatus(t, String(body.status) as TemplateStatus, body.reason);
	if (body.quality !== undefined) {
		if (!['GREEN', 'YELLOW', 'RED', 'UNKNOWN'].includes(body.quality)) throw new ControlError(400, 'quality must be GREEN, YELLOW, RED or UNKNOWN');
		ctx.templates.setQuality(t, body.quality as QualityScore);
	}
	if (body.category !== undefined) {
		if (!['MARKETING', 'UTILITY', 'AUTHENTICATION'].includes(body.category)) throw new ControlError(400, 'category must be MARKETING, UTILITY or AUTHENTICATION');
		ctx.templates.setCategory(t, body.category);
	}
	return ctx.templates.view(t);
}

function filterMessages(all: MessageRecord[], q: URLSearchParams): MessageRecord[] {
	const to = q.get('to')?.replace(/\D/g, '');
	const phone = q.get('phone_number_id');
	const type = q.get('type');
	const status = q.get('status');
	const tpl = q.get('template');
	const opaque = q.get('biz_opaque_callback_data');
	const endpoint = q.get('endpoint');
	const limit = Number(q.get('limit')) || 10_000;
	const out: MessageRecord[] = [];
	for (const m of all) {
		if ((to && m.to !== to) || (phone && m.phone_number_id !== phone) || (type && m.type !== type) || (status && m.status !== status)) continue;
		if ((tpl && m.template?.name !== tpl) || (opaque !== null && m.biz_opaque_callback_data !== opaque)) continue;
		if (endpoint && (m.endpoint ?? 'messages') !== endpoint) continue;
		out.push(m);
	}
	return out.slice(-limit);
}

/**
 * The media of an inbound media message: an existing media ID (`media_id`), the bytes (`data`,
 * base64, with `mime_type`), or a synthetic file of `size` bytes (large-file tests; served streamed).
 */
function inboundMedia(ctx: SimContext, phoneId: string, type: string, b: Record<string, any>) {
	const filename = typeof b.filename === 'string' ? b.filename : undefined;
	if (b.media_id !== undefined) {
		const m = ctx.media.items.get(String(b.media_id));
		if (!m) throw new ControlError(404, `unknown media_id ${b.media_id}`);
		if (filename) m.filename = filename;
		return m;
	}
	const defaults: Record<string, string> = { image: 'image/jpeg', video: 'video/mp4', audio: 'audio/ogg', document: 'application/pdf', sticker: 'image/webp' };
	const mime = typeof b.mime_type === 'string' && b.mime_type ? b.mime_type : defaults[type];
	if (typeof b.data === 'string') return ctx.media.add(phoneId, mime, Buffer.from(b.data, 'base64'), filename);
	const size = Number(b.size);
	if (Number.isInteger(size) && size > 0) return ctx.media.addSynthetic(phoneId, mime, size, filename);
	throw new ControlError(400, `inbound ${type} needs "media_id", "data" (base64) or "size"`);
}

/** Injects an inbound customer message: signed `messages` webhook + opens the 24 h window (§4, §6). */
function inbound(ctx: SimContext, b: Record<string, any>): Record<string, unknown> {
	// A user who hides their number is known to the business by their BSUID only.
	const from = b.hide_phone === true && typeof b.user_id === 'string' ? b.user_id : digits(b.from, 'from');
	const phone = b.phone_number_id ? ctx.phones.get(String(b.phone_number_id)) : ctx.phones.values().next().value;
	if (!phone) throw new ControlError(404, `unknown phone_number_id ${b.phone_number_id}`);
	const now = ctx.clock.now();
	const id = ctx.ids.wamid(from);
	const lastOut = [...ctx.messages].reverse().find((m) => m.to === from);
	const context = { from: phone.display_phone_number, id: typeof b.context_id === 'string' ? b.context_id : (lastOut?.id ?? ctx.ids.wamid(phone.display_phone_number)) };
	const msg: Record<string, unknown> = { from, id, timestamp: String(Math.floor(now / 1000)) };
	const type = String(b.type ?? 'text');
	let text: string | undefined;
	switch (type) {
		case 'text':
		case 'stop':
			text = type === 'stop' ? String(b.text ?? 'STOP') : String(b.text ?? '');
			if (!text) throw new ControlError(400, 'inbound text needs "text"');
			Object.assign(msg, { type: 'text', text: { body: text } });
			break;
		case 'button': // template quick-reply tap
			text = String(b.text ?? b.payload ?? '');
			Object.assign(msg, { context, type: 'button', button: { payload: String(b.payload ?? text), text } });
			break;
		case 'button_reply':
			text = String(b.title ?? '');
			Object.assign(msg, { context, type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: String(b.id ?? 'btn'), title: text } } });
			break;
		case 'list_reply':
			text = String(b.title ?? '');
			Object.assign(msg, {
				context,
				type: 'interactive',
				interactive: { type: 'list_reply', list_reply: { id: String(b.id ?? 'row'), title: text, description: String(b.description ?? '') } },
			});
			break;
		case 'image':
		case 'video':
		case 'audio':
		case 'document':
		case 'sticker': {
			// A customer's file: Meta's webhook carries only { id, mime_type, sha256, caption?, filename?,
			// voice?, animated? }; the bytes are fetched with GET /{media-id} and the URL it gives.
			const m = inboundMedia(ctx, phone.id, type, b);
			const media: Record<string, unknown> = { mime_type: m.mime, sha256: m.sha256, id: m.id };
			if (b.caption !== undefined && type !== 'audio' && type !== 'sticker') media.caption = String(b.caption);
			if (type === 'document' && m.filename) media.filename = m.filename;
			if (type === 'audio') media.voice = b.voice === true;
			if (type === 'sticker') media.animated = b.animated === true;
			text = typeof media.caption === 'string' ? media.caption : undefined;
			Object.assign(msg, { type, [type]: media });
			break;
		}
		default:
			throw new ControlError(400, 'inbound type must be text, stop, button, button_reply, list_reply, image, video, audio, document or sticker');
	}
	if (b.referral) {
		const r = isObj(b.referral) ? b.referral : {};
		msg.referral = {
			source_url: 'https://fb.me/simulated-ad',
			source_id: '120200000000000001',
			source_type: 'ad',
			body: 'Simulated ad body',
			headline: 'Simulated ad',
			media_type: 'image',
			image_url: 'https://example.com/ad.jpg',
			ctwa_clid: 'ARAkLkA8rmlFeiCktEJQ-simulated',
			...r,
		};
	}
	ctx.lastInbound.set(from, now);
	ctx.inboundIds.add(id);
	ctx.stats.inbound++;
	if (ctx.opts.optOutOnStop && text && ctx.opts.stopKeywords.some((k) => text!.trim().toUpperCase() === k.toUpperCase() || text!.trim().toUpperCase().startsWith(k.toUpperCase() + ' ')))
		ctx.optOuts.add(from);
	// WhatsApp usernames (cloud-api.md §4, 2026): a business-scoped user ID beside the number, or —
	// when the user hides their number (hide_phone) — instead of it.
	const userId = typeof b.user_id === 'string' ? b.user_id : undefined;
	const contact: Record<string, unknown> = { profile: { name: String(b.name ?? 'Sim Customer') }, wa_id: from };
	if (userId) {
		contact.user_id = userId;
		msg.from_user_id = userId;
		if (b.hide_phone === true) {
			delete contact.wa_id;
			delete msg.from;
		}
	}
	const value = {
		messaging_product: 'whatsapp',
		metadata: { display_phone_number: phone.display_phone_number, phone_number_id: phone.id },
		contacts: [contact],
		messages: [msg],
	};
	ctx.webhooks.emit(ctx.opts.wabaId, 'messages', value);
	return { id, from, window_open_until: now + ctx.opts.windowMs, opted_out: ctx.optOuts.has(from), message: msg };
}
