/**
 * WhatsApp Cloud Trigger: Meta's webhooks for a WhatsApp Business Account (cloud-api.md §4).
 *
 *  - GET (subscription handshake) and POST (signed events) on one URL: webhook.ts hands the request to
 *    core/webhook/receive.ts — handshake 200 / 403; X-Hub-Signature-256 over the raw bytes, 401 when
 *    missing or wrong; over 8 MiB → 413, too deep / not JSON / not a webhook → 400 (a signed request
 *    never gets a 5xx for its content); events with unusable ids skipped and reported; store writes
 *    and de-duplication before answering, only a store outage → 500 so Meta redelivers.
 *  - One output item per event (core/webhook/parse.ts), the change's value kept in `raw` (emit.ts).
 *  - Registration: manual (the Meta app dashboard) or automatic (registration.ts).
 * Fields: description.ts (registrationFields.ts, options.ts). Hot-path rules: hotPath.ts.
 */
import type { INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { triggerDescription } from './description';
import { registrationMethods } from './registration';
import { onWebhook } from './webhook';

export class WhatsAppCloudTrigger implements INodeType {
	description: INodeTypeDescription = triggerDescription;

	webhookMethods = { default: registrationMethods };

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return onWebhook(this);
	}
}
