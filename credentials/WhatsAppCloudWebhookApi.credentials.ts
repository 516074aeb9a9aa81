/**
 * WhatsApp Cloud Webhook — what the trigger needs to accept Meta's webhook calls.
 * cloud-api.md (webhooks): Meta signs every POST with `X-Hub-Signature-256` = HMAC-SHA256 of the raw
 * body keyed by the app secret; the GET subscription handshake echoes `hub.challenge` when
 * `hub.verify_token` matches the verify token entered in the app dashboard.
 */
import type { ICredentialType, INodeProperties } from 'n8n-workflow';
import { secretField, textField } from './shared';

export class WhatsAppCloudWebhookApi implements ICredentialType {
	name = 'whatsAppCloudWebhookApi';

	displayName = 'WhatsApp Cloud Webhook API';

	icon = 'file:whatsAppCloudWebhook.svg' as const;

	documentationUrl = 'https://developers.facebook.com/docs/graph-api/webhooks/getting-started';

	properties: INodeProperties[] = [
		secretField('App Secret', 'appSecret', { required: true, description: 'The Meta app secret (App settings → Basic). Used to check the X-Hub-Signature-256 header of every webhook call.' }),
		secretField('Verify Token', 'verifyToken', {
			required: true,
			description: 'Any secret string; enter the same value as the webhook verify token in the Meta app dashboard',
		}),
		textField('App ID', 'appId', { description: 'The Meta app ID. Optional: only needed to register the webhook URL automatically.' }),
		secretField('Receiver Secret', 'receiverSecret', {
			description:
				'Only with the webhook receiver (n8n-nodes-whatsapp-cloud-receiver, see the README): the secret it signs forwarded events with (its WHATSAPP_RECEIVER_SECRET). Empty: the trigger accepts only requests signed by Meta.',
		}),
	];
}
