/**
 * Dry run (issue #7): builds and validates every recipient's payload against the template, and
 * reports skips, deferrals (messaging-limit budget), budget use, ETA and an approximate cost per
 * category and country. Sends nothing and writes nothing.
 */
import { buildTemplateMessage } from '../templates/build';
import type { Store } from '../store/types';
import { systemClock, type Clock } from '../throttle/clock';
import { isMarketing } from './gates';
import { checkSendWindow, forecastCampaign, recipientZone, type SendWindow } from './schedule';
import { isWindowOpen } from '../window/window';
import { recipientWaId } from './phone';
import { approxPrice, PRICE_TABLE_NOTE } from './pricing';
import type { CampaignTemplate, RecipientSpec } from './types';

export interface DryRunRow {
	itemIndex?: number;
	phone: string;
	waId?: string;
	/** would_send | would_defer | skipped | invalid */
	outcome: 'would_send' | 'would_defer' | 'skipped' | 'invalid';
	reason?: string;
	windowOpen?: boolean;
	country?: string;
	estimatedCostUsd?: number;
}

export interface DryRunResult {
	dryRun: true;
	campaignId?: string;
	template: { name: string; language: string; category?: string };
	total: number;
	wouldSend: number;
	wouldDefer: number;
	skipped: { duplicate: number; optedOut: number; invalidPhone: number; invalidValues: number; alreadyInCampaign: number };
	budget: { limit: number | null; usedNow: number; newRecipients: number; openWindow: number; after: number };
	mps: number;
	etaSeconds: number;
	/** Under the send window, the budget and the throughput (issue 17): sends per hour and the finish time. */
	forecast: { perHour: Array<{ hour: string; sends: number }>; finishAt: string | null; unsent: number };
	estimatedCost: { currency: 'USD'; total: number; byCategory: Record<string, number>; byCountry: Record<string, number>; note: string };
	/** Per recipient, only when asked (input-item audiences). */
	rows?: DryRunRow[];
}

export interface DryRunOptions {
	store: Store;
	template: CampaignTemplate;
	recipients: Iterable<RecipientSpec> | AsyncIterable<RecipientSpec>;
	phoneNumberId: string;
	portfolioId?: string;
	campaignId?: string;
	mps: number;
	messagingLimit?: number;
	defaultCountry?: string;
	clock?: Clock;
	collectRows?: boolean;
	/** Start At / End By / Send Window (core/campaign/schedule.ts). */
	schedule?: { startAt?: number | null; endBy?: number | null; window?: SendWindow | null };
}

export async function dryRunCampaign(options: DryRunOptions): Promise<DryRunResult> {
	const { store, template } = options;
	const clock = options.clock ?? systemClock;
	const now = clock.now();
	const limit = options.messagingLimit ?? Infinity;
	const marketing = isMarketing(template);
	const usedNow = limit === Infinity ? 0 : await store.budgetUsed(options.portfolioId || options.phoneNumberId, now);
	const seen = new Set<string>();
	const rows: DryRunRow[] = [];
	const skipped = { duplicate: 0, optedOut: 0, invalidPhone: 0, invalidValues: 0, alreadyInCampaign: 0 };
	const byCategory: Record<string, number> = {};
	const byCountry: Record<string, number> = {};
	let total = 0;
	let wouldSend = 0;
	let wouldDefer = 0;
	let newRecipients = 0;
	let openWindow = 0;
	const category = String(template.category ?? 'MARKETING').toUpperCase();
	const window = options.schedule?.window ? checkSendWindow(options.schedule.window) : undefined;
	/** Recipients that would be sent, per the zone their window is in (for the forecast). */
	const byZone = new Map<string, number>();
	let ordinal = 0;
	for await (const spec of options.recipients as AsyncIterable<RecipientSpec>) {
		total++;
		const itemIndex = spec.itemIndex ?? ordinal;
		ordinal++;
		const row: DryRunRow = { itemIndex: spec.itemIndex, phone: String(spec.phone ?? ''), outcome: 'would_send' };
		const phone = recipientWaId(spec.phone, options.defaultCountry);
		const push = () => {
			if (options.collectRows) rows.push(row);
		};
		if (!phone.ok) {
			skipped.invalidPhone++;
			Object.assign(row, { outcome: 'invalid', reason: phone.reason });
			push();
			continue;
		}
		row.waId = phone.waId;
		row.country = phone.country;
		if (seen.has(phone.waId)) {
			skipped.duplicate++;
			Object.assign(row, { outcome: 'skipped', reason: 'duplicate recipient (sent once)' });
			push();
			continue;
		}
		seen.add(phone.waId);
		if (options.campaignId && (await store.getRecipient(options.campaignId, phone.waId))) {
			skipped.alreadyInCampaign++;
			Object.assign(row, { outcome: 'skipped', reason: `already in campaign ${options.campaignId}` });
			push();
			continue;
		}
		const optedOut = spec.optedOut ?? (marketing ? (await store.getContact(phone.waId))?.optedOut : false);
		if (marketing && optedOut) {
			skipped.optedOut++;
			Object.assign(row, { outcome: 'skipped', reason: 'opted out of marketing messages' });
			push();
			continue;
		}
		try {
			buildTemplateMessage(template, spec.values ?? {});
		} catch (error) {
			skipped.invalidValues++;
			Object.assign(row, { outcome: 'invalid', reason: `item ${itemIndex}: ${(error as Error).message}` });
			push();
			continue;
		}
		const zone = window ? await recipientZone(window, phone.waId) : 'UTC';
		byZone.set(zone, (byZone.get(zone) ?? 0) + 1);
		const w = await store.getWindow(options.phoneNumberId, phone.waId);
		row.windowOpen = isWindowOpen(w?.lastInboundAt, now);
		if (row.windowOpen) openWindow++;
		else if (limit !== Infinity) {
			// cloud-api.md §5: only recipients outside the window count against the rolling 24 h limit.
			if (usedNow + newRecipients >= limit) {
				wouldDefer++;
				Object.assign(row, { outcome: 'would_defer', reason: `over the messaging limit of ${limit} unique recipients per 24 h` });
				push();
				continue;
			}
			newRecipients++;
		}
		wouldSend++;
		// cloud-api.md §6: utility templates inside an open window are free.
		const cost = category === 'UTILITY' && row.windowOpen ? 0 : approxPrice(phone.country, category);
		row.estimatedCostUsd = cost;
		byCategory[category] = round((byCategory[category] ?? 0) + cost);
		const cc = phone.country ?? 'OTHER';
		byCountry[cc] = round((byCountry[cc] ?? 0) + cost);
		push();
	}
	const costTotal = round(Object.values(byCategory).reduce((a, b) => a + b, 0));
	// ETA: sends at ~98.5 % of the cap; deferred recipients wait for the rolling window (≥ 24 h).
	const etaSeconds = Math.ceil(wouldSend / (options.mps * 0.99)) + (wouldDefer > 0 ? 24 * 3600 : 0);
	const start = Math.max(now, options.schedule?.startAt ?? now);
	const f = forecastCampaign({ byZone, window, mps: options.mps, limit, usedNow, start, endBy: options.schedule?.endBy ?? undefined });
	return {
		dryRun: true,
		campaignId: options.campaignId,
		template: { name: template.name, language: template.language, category: template.category },
		total,
		wouldSend,
		wouldDefer,
		skipped,
		budget: { limit: limit === Infinity ? null : limit, usedNow, newRecipients, openWindow, after: usedNow + newRecipients },
		mps: options.mps,
		etaSeconds,
		forecast: { perHour: f.perHour, finishAt: f.finishAt === undefined ? null : new Date(f.finishAt).toISOString(), unsent: f.unsent },
		estimatedCost: { currency: 'USD', total: costTotal, byCategory, byCountry, note: PRICE_TABLE_NOTE },
		...(options.collectRows ? { rows } : {}),
	};
}

function round(n: number): number {
	return Math.round(n * 10000) / 10000;
}
