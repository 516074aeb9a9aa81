/** The WhatsApp Cloud Trigger's description: credentials, its two webhook endpoints, its fields. */
import type { INodeTypeDescription } from 'n8n-workflow';
import { CLOUD_API_CREDENTIAL, STORE_CREDENTIAL, WEBHOOK_CREDENTIAL } from '../shared/credentials';
import { eventFields } from './options';
import { registrationFields } from './registrationFields';

export const triggerDescription: INodeTypeDescription = {
	displayName: 'WhatsApp Cloud Trigger',
	name: 'whatsAppCloudTrigger',
	icon: 'file:whatsAppCloudTrigger.svg',
	group: ['trigger'],
	version: 1,
	subtitle: '={{$parameter["registration"] === "automatic" ? "Registered automatically" : "Manual registration"}}',
	description: 'Starts the workflow on WhatsApp Cloud API webhooks (messages, statuses, template and account updates), with signature check, de-duplication and opt-out handling',
	defaults: { name: 'WhatsApp Cloud Trigger' },
	inputs: [],
	outputs: ['main'],
	credentials: [
		{ name: WEBHOOK_CREDENTIAL, required: true },
		// Needed by automatic registration and by Download Media. n8n's displayOptions cannot say "automatic
		// OR Download Media", and n8n reads only the first entry of a credential type, so it is optional
		// here and each feature names it when it is missing (registration.ts, downloadMedia.ts).
		{ name: CLOUD_API_CREDENTIAL, required: false },
		{ name: STORE_CREDENTIAL, required: false },
	],
	// GET first: n8n registers a node's webhooks in order, so the handshake endpoint is live
	// when create() asks Meta to verify the URL (automatic registration).
	webhooks: [
		{ name: 'default', httpMethod: 'GET', responseMode: 'onReceived', path: 'webhook' },
		{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
	],
	properties: [...registrationFields, ...eventFields],
};
