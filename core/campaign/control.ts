/**
 * Pause / Resume / Stop and the campaign report ("hopper": fresh, retry, pending, closed).
 * A running engine polls the campaign state every ~300 ms, so Pause/Stop written here from another
 * execution takes effect within a second.
 */
import type { Campaign, CampaignState, RecipientState, Store } from '../store/types';

export async function setCampaignControl(store: Store, campaignId: string, action: 'pause' | 'resume' | 'stop', reason?: string, now = Date.now()): Promise<Campaign> {
	const campaign = await store.getCampaign(campaignId);
	if (!campaign) throw new Error(`Campaign "${campaignId}" not found`);
	const target: CampaignState = action === 'pause' ? 'paused' : action === 'stop' ? 'stopped' : 'running';
	if (action === 'pause' && campaign.state !== 'running') throw new Error(`Campaign "${campaignId}" is ${campaign.state}, not running: nothing to pause`);
	if (action === 'resume' && campaign.state === 'running') return campaign;
	if (action === 'resume' && campaign.state === 'completed') throw new Error(`Campaign "${campaignId}" is completed: nothing to resume`);
	await store.setCampaignState(campaignId, target, reason ?? (action === 'resume' ? undefined : `${action === 'pause' ? 'paused' : 'stopped'} by user`), now);
	return (await store.getCampaign(campaignId)) as Campaign;
}

/** The hopper of the seed platforms, from ledger states. */
export const HOPPER: Readonly<Record<'fresh' | 'retry' | 'pending' | 'closed', RecipientState[]>> = {
	fresh: ['queued'],
	retry: ['retry', 'deferred'],
	pending: ['sending', 'accepted', 'unknown'],
	closed: ['delivered', 'read', 'replied', 'failed', 'skipped', 'expired'],
};

export interface CampaignSummary {
	campaignId: string;
	state: CampaignState;
	reason?: string;
	template?: string;
	total: number;
	byState: Partial<Record<RecipientState, number>>;
	byErrorCode: Record<string, number>;
	hopper: Record<keyof typeof HOPPER, number>;
	/** Rates over recipients that were sent (accepted or later). */
	rates: { delivery: number; read: number; reply: number };
}

export async function campaignSummary(store: Store, campaignId: string): Promise<CampaignSummary> {
	const campaign = await store.getCampaign(campaignId);
	if (!campaign) throw new Error(`Campaign "${campaignId}" not found`);
	const report = await store.campaignReport(campaignId);
	const n = (s: RecipientState) => report.byState[s] ?? 0;
	const hopper = Object.fromEntries(Object.entries(HOPPER).map(([k, states]) => [k, states.reduce((a, s) => a + n(s), 0)])) as CampaignSummary['hopper'];
	const replied = n('replied');
	const read = n('read') + replied;
	const delivered = n('delivered') + read;
	const sent = n('accepted') + delivered;
	const rate = (x: number) => (sent ? Math.round((x / sent) * 10000) / 10000 : 0);
	return {
		campaignId,
		state: campaign.state,
		reason: campaign.reason,
		template: campaign.templateName ? `${campaign.templateName} (${campaign.templateLanguage})` : undefined,
		total: report.total,
		byState: report.byState,
		byErrorCode: report.byErrorCode,
		hopper,
		rates: { delivery: rate(delivered), read: rate(read), reply: rate(replied) },
	};
}
