/** Create / Edit with fields, authentication category: Meta supplies the text; the node sets the security line, expiry and OTP button (core/templates/fields.ts). */
import type { INodeProperties } from 'n8n-workflow';
import { TEMPLATE_LIMITS } from '../../../../core/templates/rules';
import { authFields } from './common';

export const authenticationFields: INodeProperties[] = [
	{
		displayName: 'Add Security Recommendation',
		name: 'addSecurityRecommendation',
		type: 'boolean',
		default: true,
		displayOptions: { show: authFields },
		description: 'Whether Meta appends "For your security, do not share this code."',
	},
	{
		displayName: 'Code Expiration (Minutes)',
		name: 'codeExpirationMinutes',
		type: 'number',
		default: 10,
		typeOptions: { minValue: 0, maxValue: TEMPLATE_LIMITS.CODE_EXPIRATION_MAX },
		displayOptions: { show: authFields },
		description: `Adds "This code expires in N minutes." (${TEMPLATE_LIMITS.CODE_EXPIRATION_MIN}–${TEMPLATE_LIMITS.CODE_EXPIRATION_MAX}; 0 for no expiry footer)`,
	},
	{
		displayName: 'OTP Button',
		name: 'otpType',
		type: 'options',
		default: 'COPY_CODE',
		displayOptions: { show: authFields },
		options: [
			{ name: 'Copy Code', value: 'COPY_CODE' },
			{ name: 'One-Tap Autofill (Android)', value: 'ONE_TAP' },
			{ name: 'Zero-Tap (Android)', value: 'ZERO_TAP' },
		],
	},
	{
		displayName: 'Button Text',
		name: 'otpButtonText',
		type: 'string',
		default: '',
		placeholder: 'e.g. Copy code',
		displayOptions: { show: authFields },
		description: "Optional; Meta's default label otherwise",
	},
	{
		displayName: 'Android Package Name',
		name: 'packageName',
		type: 'string',
		default: '',
		placeholder: 'e.g. com.example.app',
		displayOptions: { show: { ...authFields, otpType: ['ONE_TAP', 'ZERO_TAP'] } },
	},
	{
		displayName: 'App Signature Hash',
		name: 'signatureHash',
		type: 'string',
		default: '',
		displayOptions: { show: { ...authFields, otpType: ['ONE_TAP', 'ZERO_TAP'] } },
	},
	{
		displayName: 'Accept Zero-Tap Terms',
		name: 'zeroTapTermsAccepted',
		type: 'boolean',
		default: false,
		displayOptions: { show: { ...authFields, otpType: ['ZERO_TAP'] } },
		description: "Whether you accept Meta's zero-tap terms (sent as zero_tap_terms_accepted; Meta rejects zero-tap templates without it)",
	},
	{
		displayName: 'Autofill Text',
		name: 'autofillText',
		type: 'string',
		default: '',
		placeholder: 'e.g. Autofill',
		displayOptions: { show: { ...authFields, otpType: ['ONE_TAP', 'ZERO_TAP'] } },
	},
];
