/**
 * WhatsApp Cloud API — the Graph API access token and the account it acts for.
 * Field names are read in one place: nodes/shared/credentials.ts.
 * cloud-api.md §1: every call is `https://graph.facebook.com/<version>/<id>/…` with a bearer token
 * (system-user token recommended); the base URL is configurable for a proxy or the local simulator.
 */
import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';
import { secretField, textField } from './shared';

export class WhatsAppCloudApi implements ICredentialType {
	name = 'whatsAppCloudApi';

	displayName = 'WhatsApp Cloud API';

	icon = 'file:whatsAppCloud.svg' as const;

	documentationUrl = 'https://developers.facebook.com/docs/whatsapp/cloud-api/get-started';

	properties: INodeProperties[] = [
		secretField('Access Token', 'accessToken', { required: true, description: 'A permanent system-user access token with whatsapp_business_messaging and whatsapp_business_management permissions' }),
		textField('WhatsApp Business Account ID', 'businessAccountId', {
			required: true,
			description: 'The WABA ID (WhatsApp Manager → Account tools). Templates and phone numbers belong to it.',
		}),
		textField('Default Phone Number ID', 'phoneNumberId', { description: 'The sending phone number ID used when a node does not choose one (optional)' }),
		textField('Graph API Version', 'apiVersion', {
			default: 'v27.0',
			placeholder: 'e.g. v27.0',
			description: 'The Graph API version in every request path (default the current v27.0; older versions such as v24.0 work until Meta retires them)',
		}),
		textField('Base URL', 'baseUrl', {
			default: 'https://graph.facebook.com',
			placeholder: 'e.g. https://graph.facebook.com',
			description: 'Meta Graph API host. Change it only for a proxy or the local Cloud API simulator.',
		}),
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.accessToken}}',
			},
		},
	};

	// Lists the account's phone numbers: a wrong token or WABA ID fails with Meta's own message.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}/{{$credentials.apiVersion}}',
			url: '=/{{$credentials.businessAccountId}}/phone_numbers',
			method: 'GET',
		},
	};
}
