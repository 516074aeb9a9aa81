/** The listener trigger's fields: where it listens, which events start the workflow, and opt-out words. */
import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';
import { STORE_CREDENTIAL, WEBHOOK_CREDENTIAL } from '../shared/credentials';
import { EVENT_OPTIONS, OPT_OUT_OPTIONS, PHONE_NUMBER_IDS_OPTION, STATUS_FILTER_OPTION, TOUCH_CONTACTS_OPTION, WAIT_ANSWER_OPTIONS } from '../shared/webhookFields';

export const listenerCredentials: INodeCredentialDescription[] = [
	{ name: WEBHOOK_CREDENTIAL, required: true },
	{ name: STORE_CREDENTIAL, required: false },
];

export const listenerProperties: INodeProperties[] = [
	{
		displayName:
			"For campaign volumes: this trigger answers Meta on its own port (n8n's webhook URLs are not used). Route Meta's Callback URL to it through your HTTPS reverse proxy (e.g. https://n8n.example.com/whatsapp → this port) and set the Verify Token from the WhatsApp Cloud Webhook credential. Statuses, windows, replies and opt-outs are recorded in the WhatsApp store for every event; the workflow starts only for the events below.",
		name: 'listenerNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Port',
		name: 'port',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 65535 },
		default: 5690,
		description: "The TCP port Meta's webhooks arrive on (one listener trigger per port)",
	},
	{
		displayName: 'Listen Address',
		name: 'host',
		type: 'string',
		default: '0.0.0.0',
		description: 'The address to listen on: 0.0.0.0 for every interface, 127.0.0.1 when the reverse proxy runs on the same machine',
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		options: EVENT_OPTIONS,
		default: ['message'],
		description: 'Which events start the workflow (every event updates the store either way). None selected: all — at campaign volumes keep statuses out.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [PHONE_NUMBER_IDS_OPTION, ...OPT_OUT_OPTIONS, TOUCH_CONTACTS_OPTION, ...WAIT_ANSWER_OPTIONS, STATUS_FILTER_OPTION].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	},
];
