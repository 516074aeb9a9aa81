/**
 * The trigger's Registration fields: manual (the Meta app dashboard) or automatic (registration.ts:
 * `subscribed_apps` with `override_callback_uri` per WhatsApp Business Account, core/webhook/subscription.ts).
 */
import type { INodeProperties } from 'n8n-workflow';

const automaticOnly = { show: { registration: ['automatic'] } };

export const registrationFields: INodeProperties[] = [
	{
		displayName: 'Registration',
		name: 'registration',
		type: 'options',
		options: [
			{
				name: 'Manual',
				value: 'manual',
				description: 'Paste the webhook URL and the verify token into the Meta app dashboard yourself',
			},
			{
				name: 'Automatic (Per WhatsApp Business Account)',
				value: 'automatic',
				description: 'On activation, point the WhatsApp Business Account at this URL (subscribed_apps override_callback_uri); undone on deactivation',
			},
		],
		default: 'manual',
	},
	{
		displayName:
			'In the Meta app dashboard (WhatsApp → Configuration → Webhook), set the Callback URL to this node\'s Production URL (shown above under Webhook URLs) and the Verify Token to the one in the WhatsApp Cloud Webhook credential, then subscribe to the fields you need (messages, message_template_status_update, user_preferences…)',
		name: 'manualNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { registration: ['manual'] } },
	},
	{
		displayName: 'WhatsApp Business Account ID',
		name: 'wabaId',
		type: 'string',
		default: '',
		placeholder: 'e.g. 102290129340398',
		description: 'The WhatsApp Business Account whose webhooks go to this URL. Empty: the one in the WhatsApp Cloud API credential.',
		displayOptions: automaticOnly,
	},
	{
		displayName: 'On Deactivation',
		name: 'onDeactivate',
		type: 'options',
		options: [
			{ name: 'Restore App Callback URL', value: 'restore', description: 'Remove the override: events go back to the app-level callback URL' },
			{ name: 'Unsubscribe the App', value: 'unsubscribe', description: 'DELETE subscribed_apps: the app gets no more events from this account' },
			{ name: 'Keep the Registration', value: 'keep', description: 'Leave the override in place' },
		],
		default: 'restore',
		displayOptions: automaticOnly,
	},
	{
		displayName: 'Take Over',
		name: 'takeOver',
		type: 'boolean',
		default: false,
		description:
			'Whether to point the account\'s webhooks at this workflow even when another URL (another workflow, another n8n, another system) holds the override. Off: activation fails and names the URL that holds it.',
		displayOptions: automaticOnly,
	},
];
