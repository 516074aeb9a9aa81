/**
 * Circuit breakers (issue 13): Meta's warnings, as the trigger parses them, → what they do to
 * campaigns (Store.applyBreakers, applied in the trigger's webhook transaction). A running engine
 * sees the change through the gate version within a second (core/campaign/gates.ts).
 *
 * | webhook (cloud-api.md §4)                                   | effect                                           |
 * |-------------------------------------------------------------|--------------------------------------------------|
 * | message_template_status_update PAUSED / DISABLED / REJECTED / FLAGGED / LOCKED / PENDING_DELETION / DELETED / ARCHIVED | running campaigns of that template → paused |
 * | message_template_quality_update new score RED               | running campaigns of that template → paused      |
 * | phone_number_quality_update FLAGGED (legacy)                 | running MARKETING campaigns of that number → paused (campaign option "Pause On Number Quality Drop") |
 * | phone_number_quality_update / business_capability_update limit | the number's (portfolio's) messaging limit → running campaigns re-read their budget |
 * | account_update DISABLED_UPDATE / ACCOUNT_RESTRICTION (business-initiated) / ACCOUNT_DELETED | every running or paused campaign of that WABA → account_stopped |
 * | template_category_update (completed, new_category)          | the template's campaigns take the new category (Marketing Messages API routing, core/messages/marketing.ts) |
 */
import type { BreakerAction } from '../store/types';
import { messagingLimitFromTier } from '../throttle/budget';
import type { WebhookEvent } from '../webhook/types';

/** Template statuses after which the template can't (or shouldn't) be sent (cloud-api.md §2). */
export const TEMPLATE_STOP_STATUSES: ReadonlySet<string> = new Set([
	'PAUSED',
	'DISABLED',
	'REJECTED',
	'FLAGGED',
	'LOCKED',
	'PENDING_DELETION',
	'DELETED',
	'ARCHIVED',
]);

/** Restriction types that stop business-initiated messages (account_update restriction_info). */
const STOPPING_RESTRICTIONS = new Set(['RESTRICTED_BIZ_INITIATED_MESSAGING']);

/** A limit as webhooks carry it: a number (-1 = unlimited), "2000", or a tier ("TIER_2K"). null = unlimited. */
export function messagingLimitOf(value: unknown): number | null | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const n = typeof value === 'number' ? value : /^-?\d+$/.test(String(value).trim()) ? Number(String(value).trim()) : undefined;
	if (n !== undefined) return n < 0 ? null : n > 0 ? n : undefined;
	const tier = messagingLimitFromTier(String(value));
	if (tier === undefined) return undefined;
	return tier === Infinity ? null : tier;
}

const digits = (s: string | undefined) => (s ? s.replace(/\D/g, '') || undefined : undefined);

/** The breaker actions of a request's events (pure; empty for ordinary messages and statuses). */
export function breakerActions(events: readonly WebhookEvent[]): BreakerAction[] {
	const out: BreakerAction[] = [];
	for (const e of events) {
		switch (e.kind) {
			case 'template_status': {
				const status = String(e.event ?? '').toUpperCase();
				if (!TEMPLATE_STOP_STATUSES.has(status)) break;
				const why = e.reason && e.reason !== 'NONE' ? `: ${e.reason}` : e.otherInfo?.title ? `: ${e.otherInfo.title}` : '';
				out.push({
					kind: 'template',
					templateId: e.templateId,
					templateName: e.templateName,
					language: e.templateLanguage,
					reason: `Template ${e.templateName ?? e.templateId ?? '?'}${e.templateLanguage ? ` (${e.templateLanguage})` : ''} is ${status}${why}`.slice(0, 500),
					by: 'webhook:template_status',
				});
				break;
			}
			case 'template_quality':
				if (String(e.newQualityScore ?? '').toUpperCase() !== 'RED') break;
				out.push({
					kind: 'template',
					templateId: e.templateId,
					templateName: e.templateName,
					language: e.templateLanguage,
					reason: `Template ${e.templateName ?? e.templateId ?? '?'} quality dropped to RED (was ${e.previousQualityScore ?? 'unknown'})`,
					by: 'webhook:template_quality',
				});
				break;
			case 'phone_quality': {
				const event = String(e.event ?? '').toUpperCase();
				const displayDigits = digits(e.displayPhoneNumber);
				if (event === 'FLAGGED') {
					out.push({
						kind: 'number_quality',
						phoneNumberId: e.phoneNumberId,
						displayDigits,
						reason: `Number ${e.displayPhoneNumber ?? e.phoneNumberId ?? '?'} was flagged for low quality (phone_number_quality_update FLAGGED)`,
						by: 'webhook:phone_quality',
					});
				}
				const limit = messagingLimitOf(e.maxDailyConversationsPerBusiness) ?? messagingLimitOf(e.currentLimit);
				if (limit !== undefined && (displayDigits || e.phoneNumberId || e.wabaId)) {
					out.push({
						kind: 'number_limit',
						phoneNumberId: e.phoneNumberId,
						displayDigits,
						wabaId: displayDigits || e.phoneNumberId ? undefined : e.wabaId,
						messagingLimit: limit,
						tier: e.currentLimit,
					});
				}
				break;
			}
			case 'template_category': {
				// Impending changes only announce a date; the completed one (new_category) is the change.
				const category = e.phase === 'completed' ? String(e.newCategory ?? '').toUpperCase() : '';
				if (!category || (!e.templateId && !e.templateName)) break;
				out.push({ kind: 'template_category', templateId: e.templateId, templateName: e.templateName, language: e.templateLanguage, category });
				break;
			}
			case 'business_capability': {
				const limit = messagingLimitOf(e.maxDailyConversationsPerBusiness);
				if (limit !== undefined && e.wabaId) out.push({ kind: 'number_limit', wabaId: e.wabaId, messagingLimit: limit });
				break;
			}
			case 'account_update': {
				if (!e.wabaId) break;
				const event = String(e.event ?? '').toUpperCase();
				const types = (e.restrictions ?? []).map((r) => String(r.type ?? '').toUpperCase());
				const ban = String(e.banState ?? '').toUpperCase();
				const stops =
					event === 'ACCOUNT_DELETED' ||
					(event === 'DISABLED_UPDATE' && ban !== 'REINSTATE') ||
					(event === 'ACCOUNT_RESTRICTION' && (types.length === 0 || types.some((t) => STOPPING_RESTRICTIONS.has(t))));
				if (!stops) break;
				const detail = [ban && `ban state ${ban}`, types.length && `restrictions ${types.join(', ')}`, e.violationType && `violation ${e.violationType}`]
					.filter(Boolean)
					.join('; ');
				out.push({ kind: 'account', wabaId: e.wabaId, reason: `Account ${event}${detail ? ` (${detail})` : ''}`, by: 'webhook:account_update' });
				break;
			}
			default:
				break;
		}
	}
	return out;
}
