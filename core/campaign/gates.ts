/**
 * Send-time gates (issue 13): immediately before each request a recipient is re-checked against
 * consent (opt-out: STOP keyword, `user_preferences` stop, 131050; the block list), the campaign's
 * state (paused / stopped / account_stopped, whoever set it: the user, a template or quality
 * webhook, Meta's answer) and the number's messaging limit.
 *
 * Cheap at 1,000 mps: the store keeps one counter (Store.gateVersion) that every such write bumps
 * in its own transaction. The engine polls it every `pollMs` (default 200 ms); only when it moved
 * are the campaign, the number's health and the consent of the rows waiting to be sent read
 * again (one query for all of them). Rows are also checked in one query when they are claimed. So
 * an opt-out committed by a trigger execution in another process stops that recipient's send
 * within pollMs plus one query, well inside 1 s.
 */
import type { CampaignState, ConsentScope, Store } from '../store/types';

export type HaltState = Extract<CampaignState, 'paused' | 'stopped' | 'account_stopped'>;

export interface Halt {
	state: HaltState;
	reason?: string;
	/** Who or what halted it ('user', 'webhook:template_status', 'meta:131048', 'execution'…). */
	by?: string;
	at?: number;
}

export interface SendGatesOptions {
	store: Store;
	campaignId: string;
	phoneNumberId: string;
	/** Which opt-outs apply: 'marketing' (marketing templates, Meta's scope), 'all', or undefined (none). */
	scope: ConsentScope | undefined;
	/** The run's start: number-health records written after it change the messaging limit. */
	since: number;
}

export function isMarketing(template: { category?: string }): boolean {
	return String(template.category ?? '').toUpperCase() === 'MARKETING';
}

/**
 * Whose opt-outs stop a campaign's sends: MARKETING templates honour opt-outs (Meta's scope,
 * 131050 "marketing only"); "Respect Opt-Outs For: all" extends it to every category; undefined
 * means none apply (a utility or authentication template under Meta's scope).
 */
export function consentScope(template: { category?: string }, respectOptOutsFor: 'marketing' | 'all' = 'marketing'): ConsentScope | undefined {
	if (respectOptOutsFor === 'all') return 'all';
	return isMarketing(template) ? 'marketing' : undefined;
}

export function isHalted(state: CampaignState | undefined): state is HaltState {
	return state === 'paused' || state === 'stopped' || state === 'account_stopped';
}

export class SendGates {
	private version = -Infinity;
	/** Rows found blocked after they were claimed: waId → reason. */
	private readonly late = new Map<string, string>();
	private healthSeenAt: number;
	halt: Halt | undefined;
	/** A messaging limit written after the run started (webhook or Graph re-read), once seen. */
	limitChange: number | null | undefined;
	/** The number's quality as last recorded (number_health: webhook or Graph re-read). */
	numberQuality: string | undefined;

	constructor(private readonly options: SendGatesOptions) {
		this.healthSeenAt = options.since;
	}

	/** Which of freshly claimed rows must not be sent, with the reason (one query). */
	async checkClaimed(waIds: string[]): Promise<Map<string, string>> {
		return this.options.store.gateBlocks(waIds, this.options.scope);
	}

	/** The reason a claimed row found blocked after its claim must not be sent, or undefined. */
	lateBlock(waId: string): string | undefined {
		return this.late.get(waId);
	}

	forget(waId: string): void {
		this.late.delete(waId);
	}

	/**
	 * Polls the gate version; when it moved, re-reads the campaign state, the number's health and
	 * the consent of `waiting` (rows claimed and not yet sent). Returns true when something moved.
	 */
	async poll(waiting: () => string[]): Promise<boolean> {
		const { store, campaignId, phoneNumberId, scope } = this.options;
		const v = await store.gateVersion();
		if (v === this.version) return false;
		this.version = v;
		const [campaign, health] = await Promise.all([store.getCampaign(campaignId), store.getNumberHealth(phoneNumberId)]);
		if (campaign && isHalted(campaign.state) && !this.halt) {
			this.halt = { state: campaign.state, reason: campaign.reason, by: campaign.stateBy, at: campaign.stateAt };
		}
		if (health && health.updatedAt > this.healthSeenAt && health.messagingLimit !== undefined) {
			this.healthSeenAt = health.updatedAt;
			this.limitChange = health.messagingLimit;
		}
		if (health?.quality) this.numberQuality = health.quality;
		const ids = waiting();
		if (ids.length) for (const [waId, reason] of await store.gateBlocks(ids, scope)) this.late.set(waId, reason);
		return true;
	}
}
