/**
 * A business number's limits and health from Graph (cloud-api.md §5 "Reading limits and quality"):
 * `GET /{PHONE_NUMBER_ID}?fields=display_phone_number,quality_rating,status,throughput,
 * whatsapp_business_manager_messaging_limit,is_on_biz_app,platform_type`. Read when a campaign starts and about once a minute
 * while it runs (a limit downgrade or a quality drop reaches the engine even without webhooks).
 * The client retries this idempotent GET on transient failures (core/graph/client.ts).
 *
 * Throughput (cloud-api.md §5; Meta's "Throughput" page): 80 mps by default, 1,000 after the
 * automatic upgrade (throughput.level HIGH), and a fixed 20 mps for coexistence numbers — numbers
 * in use with both the WhatsApp Business app and Cloud API. Graph marks those with
 * `is_on_biz_app: true` (with `platform_type: CLOUD_API`); that flag wins over throughput.level.
 */
import type { GraphLike } from '../graph/like';
import { messagingLimitFromTier } from '../throttle/budget';
import { throughputFromLevel } from '../throttle/throughput';

export const NUMBER_INFO_FIELDS = 'display_phone_number,quality_rating,status,throughput,whatsapp_business_manager_messaging_limit,is_on_biz_app,platform_type';

/** What Graph answers for the fields above. */
export interface NumberInfoResponse {
	id?: string;
	display_phone_number?: string;
	quality_rating?: string;
	status?: string;
	throughput?: { level?: string };
	whatsapp_business_manager_messaging_limit?: string | { current_limit?: string };
	/** true: the number is also used in the WhatsApp Business app (coexistence: 20 mps). */
	is_on_biz_app?: boolean;
	/** CLOUD_API / ON_PREMISE / NOT_APPLICABLE. */
	platform_type?: string;
}

export interface NumberInfo {
	phoneNumberId: string;
	/** Digits of display_phone_number (phone_number_quality_update webhooks name the number so). */
	displayDigits?: string;
	/** GREEN / YELLOW / RED / NA / UNKNOWN. */
	qualityRating?: string;
	/** CONNECTED / FLAGGED / RESTRICTED … */
	status?: string;
	/** Throughput cap (mps): 20 for a coexistence number (is_on_biz_app), else from throughput.level: 80 standard, 1,000 high. */
	mps: number;
	/** The number is also used in the WhatsApp Business app (Graph's is_on_biz_app). */
	coexistence?: boolean;
	platformType?: string;
	/** The messaging-limit tier as Graph names it (TIER_2K…). */
	tier?: string;
	/** Unique business-initiated recipients per rolling 24 h: Infinity = unlimited; undefined = unreadable. */
	messagingLimit?: number;
}

export async function readNumberInfo(client: GraphLike, phoneNumberId: string): Promise<NumberInfo> {
	const info = await client.request<NumberInfoResponse>({ method: 'GET', path: `/${phoneNumberId}`, query: { fields: NUMBER_INFO_FIELDS } });
	const raw = info?.whatsapp_business_manager_messaging_limit;
	const tier = typeof raw === 'string' ? raw : raw?.current_limit;
	return {
		phoneNumberId,
		displayDigits: info?.display_phone_number ? info.display_phone_number.replace(/\D/g, '') || undefined : undefined,
		qualityRating: info?.quality_rating,
		status: info?.status,
		mps: throughputFromLevel(info?.throughput?.level, info?.is_on_biz_app === true),
		coexistence: info?.is_on_biz_app === true ? true : info?.is_on_biz_app === false ? false : undefined,
		platformType: info?.platform_type,
		tier: tier ?? undefined,
		messagingLimit: messagingLimitFromTier(tier),
	};
}

/**
 * A quality problem that stops marketing campaigns of this number (option "Pause On Number Quality
 * Drop"): quality_rating RED, or status FLAGGED / RESTRICTED. Undefined when healthy.
 */
export function qualityProblem(info: Pick<NumberInfo, 'qualityRating' | 'status' | 'phoneNumberId'>): string | undefined {
	const rating = String(info.qualityRating ?? '').toUpperCase();
	const status = String(info.status ?? '').toUpperCase();
	if (rating === 'RED') return `Number ${info.phoneNumberId} quality rating is RED`;
	if (status === 'FLAGGED' || status === 'RESTRICTED') return `Number ${info.phoneNumberId} status is ${status}`;
	return undefined;
}

/** A business number as `GET /{WABA_ID}/phone_numbers` lists it (for pickers). */
export interface ListedPhoneNumber {
	id: string;
	display_phone_number?: string;
	verified_name?: string;
	throughput?: { level?: string };
}

/** One page (100) of the WhatsApp Business Account's numbers and the cursor of the next page (undefined on the last one). */
export async function listPhoneNumbersPage(client: GraphLike, wabaId: string, after?: string): Promise<{ numbers: ListedPhoneNumber[]; after?: string }> {
	const page = await client.request<{ data?: ListedPhoneNumber[]; paging?: { next?: string; cursors?: { after?: string } } }>({
		method: 'GET',
		path: `/${wabaId}/phone_numbers`,
		query: { fields: 'id,display_phone_number,verified_name,throughput', limit: 100, after },
	});
	return { numbers: page.data ?? [], after: page.paging?.next ? page.paging.cursors?.after : undefined };
}
