/**
 * Status webhooks for accepted messages (cloud-api.md §4 "Statuses"): sent → delivered → read, or failed
 * with Meta's errors[]; pricing as Meta sends it since 2025-07-01 ({billable, pricing_model:"PMP", type, category});
 * biz_opaque_callback_data echoed. Delays run on the fake clock; rates use the seeded PRNG.
 */
import type { MessageRecord, MessageState, SimContext } from './context';
import { webhookError } from './errors';

const RANK: Record<MessageState, number> = { accepted: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

const BSUID = /^[A-Z]{2}\.[0-9A-Za-z]{4,64}$/;

function emitStatus(ctx: SimContext, m: MessageRecord, status: Exclude<MessageState, 'accepted'>, failure?: { code: number; details?: string }): void {
	if (RANK[status] > RANK[m.status] && m.status !== 'failed') m.status = status;
	ctx.stats.statuses[status]++;
	const phone = ctx.phones.get(m.phone_number_id)!;
	const st: Record<string, unknown> = {
		id: m.id,
		status,
		timestamp: String(Math.floor(ctx.clock.now() / 1000)),
		// A username user addressed by BSUID: statuses carry recipient_user_id, no phone (cloud-api.md §4, 2026).
		...(BSUID.test(m.to) ? { recipient_user_id: m.to } : { recipient_id: m.to }),
	};
	if (m.biz_opaque_callback_data !== undefined) st.biz_opaque_callback_data = m.biz_opaque_callback_data;
	if (failure) {
		const e = webhookError(failure.code, failure.details);
		st.errors = [e];
		m.errors = [{ code: failure.code, title: String(e.title) }];
		ctx.stats.asyncFailures[failure.code] = (ctx.stats.asyncFailures[failure.code] ?? 0) + 1;
	} else if (m.pricing) st.pricing = m.pricing;
	ctx.webhooks.emit(ctx.opts.wabaId, 'messages', {
		messaging_product: 'whatsapp',
		metadata: { display_phone_number: phone.display_phone_number, phone_number_id: phone.id },
		statuses: [st],
	});
}

/** Schedules the status webhooks of one accepted message. */
export function scheduleStatuses(ctx: SimContext, m: MessageRecord, failure?: { code: number; details?: string }): void {
	const d = ctx.opts.statusDelays;
	if (failure) {
		ctx.clock.setTimeout(() => emitStatus(ctx, m, 'failed', failure), d.sent);
		return;
	}
	ctx.clock.setTimeout(() => emitStatus(ctx, m, 'sent'), d.sent);
	if (!ctx.rng.chance(ctx.opts.deliveredRate)) return;
	const willRead = ctx.rng.chance(ctx.opts.readRate);
	let deliveredAt = d.delivered;
	// Out-of-order delivery: `read` reaches the webhook before `delivered`.
	if (willRead && ctx.rng.chance(ctx.opts.outOfOrderRate)) deliveredAt = d.read + Math.max(1, d.read - d.delivered);
	ctx.clock.setTimeout(() => emitStatus(ctx, m, 'delivered'), deliveredAt);
	if (willRead) ctx.clock.setTimeout(() => emitStatus(ctx, m, 'read'), d.read);
}
