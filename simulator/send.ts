/**
 * POST /{ver}/{phone-id}/messages: validation, template checks, throughput / pair-rate / messaging-limit /
 * window rules, then acceptance and status scheduling (cloud-api.md §2, §3, §5, §6).
 */
import type { MessageRecord, Phone, SimContext } from './context';
import { GraphError, invalidParam } from './errors';
import { validateMessage } from './messages';
import { scheduleStatuses } from './statuses';
import { checkTemplateSend, renderSentTemplate } from './templates';

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * POST /{ver}/{phone-id}/marketing_messages — the Marketing Messages API for WhatsApp (issue 17):
 * the /messages body, MARKETING templates only. A number whose business has not accepted the
 * Marketing Messages API terms (phone option `marketingMessages: false`) gets 131055 "Method not
 * allowed" saying so (the answer 360dialog documents); a non-template message gets 100 "Message must
 * be a template message."; a utility / authentication template gets 131055 (Meta's MM API support
 * page). Nothing is sent in those cases. Otherwise it is an ordinary send, logged with its endpoint.
 */
export function sendMarketingMessage(ctx: SimContext, phone: Phone, body: unknown): Record<string, unknown> {
	if (!phone.marketingMessages)
		throw new GraphError(MARKETING_REFUSED, 'You must accept the Marketing Messages API for WhatsApp terms to use the API. This business is not onboarded.', {
			title: 'Method not allowed',
		});
	if (isObj(body) && body.messaging_product === 'whatsapp' && body.status === undefined) {
		if (body.type !== 'template') throw invalidParam('Message must be a template message.');
		const t = isObj(body.template) ? ctx.templates.find(ctx.opts.wabaId, body.template.name, body.template.language?.code) : undefined;
		if (t && t.category !== 'MARKETING')
			throw new GraphError(MARKETING_REFUSED, `Only marketing templates can be sent with the Marketing Messages API (${t.name} is ${t.category}).`, { title: 'Method not allowed' });
	} else if (isObj(body) && body.status !== undefined) throw invalidParam('Message must be a template message.');
	return sendMessage(ctx, phone, body, 'marketing_messages');
}

/** Meta's "Method not allowed": the Marketing Messages API refuses this number or this message. */
const MARKETING_REFUSED = 131055;

export function sendMessage(ctx: SimContext, phone: Phone, body: unknown, endpoint: 'messages' | 'marketing_messages' = 'messages'): Record<string, unknown> {
	if (!isObj(body)) throw invalidParam('The request body must be a JSON object.');
	if (body.messaging_product !== 'whatsapp') throw invalidParam('The parameter messaging_product is required.', 'Set "messaging_product":"whatsapp".');

	// Mark as read (+ typing indicator): {status:"read", message_id} → {success:true}
	if (body.status !== undefined) {
		if (body.status !== 'read') throw invalidParam(`Param status must be "read".`);
		if (typeof body.message_id !== 'string' || !ctx.inboundIds.has(body.message_id))
			throw invalidParam(`Param message_id ${JSON.stringify(body.message_id)} is not a message received by this number.`);
		ctx.stats.markedRead++;
		return { success: true };
	}

	// `to` (a phone number) or, for a username user, `recipient` (their business-scoped user ID).
	const bsuid = body.to === undefined && typeof body.recipient === 'string' ? body.recipient : undefined;
	const input = bsuid ?? body.to;
	if (typeof input !== 'string' || !input) throw new GraphError(131008, 'The parameter to is required.');
	const sentAs = bsuid ?? input.replace(/[\s+\-()]/g, '');
	let to = sentAs;
	if (bsuid !== undefined && !/^[A-Z]{2}\.[0-9A-Za-z]{4,64}$/.test(bsuid)) throw invalidParam(`Param recipient ${JSON.stringify(input)} is not a valid business-scoped user ID.`);
	if (bsuid === undefined && !/^[0-9]{6,15}$/.test(to)) throw invalidParam(`Param to ${JSON.stringify(input)} is not a valid phone number.`);
	// The account behind the number (an old national form keeps its own wa_id).
	to = ctx.opts.waIdAliases[to] ?? to;
	if (bsuid !== undefined && body.type === 'template' && ctx.templates.find(ctx.opts.wabaId, body.template?.name, body.template?.language?.code)?.category === 'AUTHENTICATION')
		throw new GraphError(131062, 'Authentication templates cannot be sent to a business-scoped user ID.');
	if (body.recipient_type !== undefined && body.recipient_type !== 'individual') throw new GraphError(131009, 'Only recipient_type "individual" is simulated.');
	if (to === phone.display_phone_number) throw new GraphError(131021, 'Recipient cannot be sender.', { title: 'Recipient cannot be sender' });
	if (body.biz_opaque_callback_data !== undefined && (typeof body.biz_opaque_callback_data !== 'string' || body.biz_opaque_callback_data.length > 512))
		throw invalidParam('Param biz_opaque_callback_data must be a string of at most 512 characters.');
	validateMessage(body, (id) => ctx.media.items.has(id));

	const type: string = body.type ?? 'text';
	let template: MessageRecord['template'];
	if (type === 'template') {
		const t = ctx.templates.find(ctx.opts.wabaId, body.template.name, body.template.language.code);
		if (!t) throw new GraphError(132001, `template name (${body.template.name}) does not exist in ${body.template.language.code}`);
		checkTemplateSend(t, body.template);
		template = { name: t.name, language: t.language, category: t.category, text: renderSentTemplate(t, body.template.components) };
	}

	// A scripted answer for this recipient (simulator/faults.ts): an error instead of Meta's checks
	// below, or a late / lost answer, or another wa_id.
	const scripted = ctx.recipientFaults.take(sentAs) ?? (to !== sentAs ? ctx.recipientFaults.take(to) : undefined);
	if (scripted) {
		if (scripted.delayMs || scripted.drop) ctx.answerFault = { delayMs: scripted.delayMs ?? 0, drop: scripted.drop };
		if (scripted.code !== undefined) throw new GraphError(scripted.code, scripted.details, scripted.status !== undefined ? { status: scripted.status } : {});
		if (scripted.drop && !scripted.accept) return {}; // lost before Meta: the server drops the answer
		if (scripted.waId) to = scripted.waId;
	}

	const now = ctx.clock.now();
	const f = ctx.opts.faults;
	if (f.force130429 > 0) {
		f.force130429--;
		throw new GraphError(130429, `Forced throughput error (${f.force130429} more to come).`);
	}
	// cloud-api.md §5: 80 mps per number by default, sliding 1 s window.
	if (phone.window.full(now, phone.mps)) throw new GraphError(130429, `Throughput of ${phone.mps} messages per second reached for this phone number.`);
	// cloud-api.md §5: 1 message per 6 s to the same user (pair rate).
	const pairKey = phone.id + ':' + to;
	if (ctx.pair.blocked(pairKey, now, ctx.opts.pairRateMs)) throw new GraphError(131056, `Messages to ${to} must be at least ${ctx.opts.pairRateMs} ms apart.`);

	const open = ctx.windowOpen(to, now);
	let failure: { code: number; details?: string } | undefined;
	if (ctx.opts.unreachable.test(to)) failure = { code: 131026 };
	else if (type !== 'template' && !open) {
		if (ctx.opts.windowMode === 'sync') throw new GraphError(131047);
		failure = { code: 131047 };
	}
	if (!failure && type === 'template' && !open && !ctx.reached.has(to, now)) {
		// Messaging limit: unique business-initiated recipients per rolling 24 h, portfolio-wide (§5).
		const limit = ctx.portfolioTier();
		if (ctx.reached.count(now) >= limit) {
			const ml = ctx.opts.messagingLimit;
			const details = `Messaging limit of ${limit} unique recipients per 24 hours reached.`;
			if (ml.mode === 'sync') throw new GraphError(ml.code, details);
			failure = { code: ml.code, details };
		} else ctx.reached.add(to, now);
	}
	if (!failure && template?.category === 'MARKETING') {
		if (ctx.optOuts.has(to)) failure = { code: 131050 };
		else if (ctx.rng.chance(ctx.opts.marketingCapRate)) failure = { code: 131049 };
	}

	phone.window.add(now);
	ctx.pair.record(pairKey, now);
	const id = ctx.ids.wamid(to);
	const m: MessageRecord = { id, phone_number_id: phone.id, to, input, type, endpoint, acceptedAt: now, status: 'accepted' };
	if (template) m.template = template;
	if (body.biz_opaque_callback_data !== undefined) m.biz_opaque_callback_data = body.biz_opaque_callback_data;
	if (ctx.opts.logRequestBodies) m.body = body;
	m.pricing = pricing(template?.category, open);
	recordAccepted(ctx, m);
	scheduleStatuses(ctx, m, failure);
	const res: Record<string, unknown> = { messaging_product: 'whatsapp', contacts: [{ input, wa_id: to }], messages: [{ id, message_status: 'accepted' }] };
	return res;
}

/** cloud-api.md §6: PMP from 2025-07-01; utility templates and service messages inside the window are free. */
function pricing(category: string | undefined, open: boolean): MessageRecord['pricing'] {
	if (!category) return { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' };
	const c = category.toLowerCase();
	if (c === 'utility' && open) return { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: c };
	return { billable: true, pricing_model: 'PMP', type: 'regular', category: c };
}

function recordAccepted(ctx: SimContext, m: MessageRecord): void {
	const s = ctx.stats;
	s.accepted.total++;
	s.accepted.byPhone[m.phone_number_id] = (s.accepted.byPhone[m.phone_number_id] ?? 0) + 1;
	s.accepted.byRecipient.set(m.to, (s.accepted.byRecipient.get(m.to) ?? 0) + 1);
	if (m.biz_opaque_callback_data !== undefined) {
		const key = m.to + '|' + m.biz_opaque_callback_data;
		s.duplicateSends.set(key, (s.duplicateSends.get(key) ?? 0) + 1);
	}
	if (ctx.messages.length >= ctx.opts.maxLog) {
		for (const old of ctx.messages.splice(0, Math.ceil(ctx.opts.maxLog / 10))) ctx.messagesById.delete(old.id);
	}
	ctx.messages.push(m);
	ctx.messagesById.set(m.id, m);
}
