/**
 * Send and Wait for Response, the resume side: n8n's send-and-wait webhooks (restart webhooks on
 * the node's id, resumed by n8n's `webhook-waiting` endpoint, which checks the URL's HMAC signature)
 * and the node's `webhook()`, whose item — the contact's answer, POSTed by the WhatsApp Cloud
 * Trigger (core/sendAndWait/waits.ts WaitAnswer) — becomes the node's output.
 */
import type { IDataObject, IWebhookDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import type { WaitAnswer } from '../../../../core/sendAndWait/waits';

/** n8n's send-and-wait webhooks: restart webhooks on the node's id, resumed by n8n's webhook-waiting endpoint. */
export const sendAndWaitWebhooks: IWebhookDescription[] = [
	{ name: 'default', httpMethod: 'GET', responseMode: 'onReceived', responseData: '', path: '={{ $nodeId }}', restartWebhook: true, isFullPath: true },
	{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', responseData: '', path: '={{ $nodeId }}', restartWebhook: true, isFullPath: true },
];

/**
 * The resume webhook (n8n calls it for `POST {resumeUrl}` once the signature checked out). Only
 * the trigger's answer resumes; any other request is answered and leaves the execution waiting.
 */
export async function sendAndWaitWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = this.getRequestObject();
	const body = (this.getBodyData() ?? {}) as Partial<WaitAnswer>;
	if (req.method !== 'POST' || body.source !== 'whatsapp-cloud-trigger' || typeof body.messageId !== 'string') {
		return { webhookResponse: 'This URL resumes a WhatsApp "Send and Wait for Response" with the contact\'s answer; the WhatsApp Cloud Trigger calls it.' };
	}
	const answer: IDataObject = {
		answered: true,
		timedOut: false,
		text: typeof body.text === 'string' ? body.text : null,
		buttonId: typeof body.buttonId === 'string' ? body.buttonId : null,
		messageId: body.messageId,
		type: String(body.type ?? ''),
		from: body.from ?? null,
		phoneNumberId: body.phoneNumberId ?? null,
		timestamp: body.timestamp ?? null,
		replyToMessageId: body.replyToMessageId ?? null,
		profileName: body.profileName ?? null,
	};
	return { webhookResponse: { resumed: true }, workflowData: [[{ json: answer, pairedItem: { item: 0 } }]] };
}
