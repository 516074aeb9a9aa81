/**
 * WhatsApp Campaign Trigger (issue 17): a polling trigger that starts the workflow when a campaign
 * has work due — its Start At came, deferred recipients (the next day of a 131049, a freed budget
 * slot) or retries are due, or a recipient's send window opened — so campaigns carry on over days
 * without a human. Connect it to WhatsApp Campaign → Continue Due Campaigns. The rule of what is
 * due lives in the store (Store.dueCampaigns, core/store/rules.ts dueOf); this node only polls it.
 */
import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { CLOUD_API_CREDENTIAL, STORE_CREDENTIAL, getOptionalCredentials } from '../shared/credentials';
import { getStore } from '../shared/store';

export class WhatsAppCampaignTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Campaign Trigger',
		name: 'whatsAppCampaignTrigger',
		icon: 'file:whatsAppCampaignTrigger.svg',
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["campaignId"] || "every campaign"}}',
		description: 'Starts the workflow when a WhatsApp campaign has work due (scheduled start, deferred or retried recipients, an opened send window)',
		defaults: { name: 'WhatsApp Campaign Trigger' },
		polling: true,
		inputs: [],
		outputs: ['main'],
		credentials: [
			{ name: STORE_CREDENTIAL, required: false },
			{ name: CLOUD_API_CREDENTIAL, required: false },
		],
		properties: [
			{
				displayName: 'Campaign ID',
				name: 'campaignId',
				type: 'string',
				default: '',
				placeholder: 'empty: every campaign',
				description: 'Fire for one campaign only (empty: every running campaign, of the credential’s WhatsApp Business Account when a Cloud API credential is set)',
			},
			{
				displayName: 'Fire Again After (Minutes)',
				name: 'refireMinutes',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 10,
				description: 'A campaign that is still due (e.g. a long run in progress) fires again only after this long',
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const store = await getStore(this);
		const now = Date.now();
		const campaignId = String(this.getNodeParameter('campaignId', '') ?? '').trim();
		const refireMs = Number(this.getNodeParameter('refireMinutes', 10)) * 60_000;
		const cloud = await getOptionalCredentials(this, CLOUD_API_CREDENTIAL);
		const wabaId = cloud?.businessAccountId ? String(cloud.businessAccountId) : undefined;
		const due = await store.dueCampaigns(now, { campaignId: campaignId || undefined, wabaId });
		const fired = this.getWorkflowStaticData('node') as { fired?: Record<string, number> };
		fired.fired ??= {};
		const manual = this.getMode() === 'manual';
		const items: INodeExecutionData[] = [];
		for (const d of due) {
			const last = fired.fired[d.campaign.id];
			if (!manual && last !== undefined && now - last < refireMs) continue;
			if (!manual) fired.fired[d.campaign.id] = now;
			items.push({
				json: {
					campaignId: d.campaign.id,
					phoneNumberId: d.campaign.phoneNumberId,
					template: d.campaign.templateName ?? null,
					due: d.due,
					expire: d.expire,
					startAt: d.campaign.startAt ? new Date(d.campaign.startAt).toISOString() : null,
					endBy: d.campaign.endBy ? new Date(d.campaign.endBy).toISOString() : null,
				} as IDataObject,
			});
		}
		// Campaigns no longer due are forgotten, so they fire at once when work comes due again.
		for (const id of Object.keys(fired.fired)) if (!due.some((d) => d.campaign.id === id)) delete fired.fired[id];
		return items.length ? [items] : null;
	}
}
