/**
 * What Create and Edit share: the template definition, as fields or as Meta's JSON components, in
 * the order the editor shows it. Parameter Format shows for Create only (Edit keeps the template's).
 */
import type { INodeProperties } from 'n8n-workflow';
import { CAROUSEL_LIMITS, OFFER_LIMITS } from '../../../../core/templates/rules';
import { authenticationFields } from './authentication';
import { bodyFields } from './body';
import { carouselCardFields } from './carousel';
import { nonAuthFields, op } from './common';
import { headerFields } from './header';

/** App ID for sample uploads and the create-only switches. */
const createOptions: INodeProperties = {
	displayName: 'Options',
	name: 'createOptions',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	displayOptions: op('create', 'edit'),
	options: [
		{
			displayName: 'Allow Category Change',
			name: 'allowCategoryChange',
			type: 'boolean',
			default: false,
			description: 'Whether Meta may assign another category instead of rejecting the template (create only)',
		},
		{
			displayName: 'Allow Unknown Language Code',
			name: 'allowUnknownLanguage',
			type: 'boolean',
			default: false,
			description: "Whether to accept a language code missing from this node's list (Meta adds regional variants)",
		},
		{
			displayName: 'App ID',
			name: 'appId',
			type: 'string',
			default: '',
			description: 'Meta app ID for uploading the sample media; by default read from GET /app (the app of the access token)',
		},
	],
};

export const definitionFields: INodeProperties[] = [
	{
		displayName: 'Define With',
		name: 'definitionMode',
		type: 'options',
		default: 'fields',
		displayOptions: op('create', 'edit'),
		options: [
			{ name: 'Fields', value: 'fields', description: 'Header, body, footer and buttons as form fields' },
			{ name: 'JSON Components', value: 'json', description: "Meta's components array as JSON" },
		],
	},
	{
		displayName: 'Components (JSON)',
		name: 'componentsJson',
		type: 'json',
		default: '[\n  {"type": "BODY", "text": "Hi {{1}}, your order {{2}} ships today.", "example": {"body_text": [["Ana", "A-100"]]}}\n]',
		displayOptions: { show: { operation: ['create', 'edit'], definitionMode: ['json'] } },
		description: "Meta's components array (HEADER, BODY, FOOTER, BUTTONS), as in the Graph API create body",
	},
	{
		displayName: 'Parameter Format',
		name: 'parameterFormat',
		type: 'options',
		default: 'POSITIONAL',
		displayOptions: { show: { operation: ['create'], category: ['MARKETING', 'UTILITY'] } },
		options: [
			{ name: 'Named', value: 'NAMED', description: 'Variables like {{first_name}}' },
			{ name: 'Positional', value: 'POSITIONAL', description: 'Variables {{1}}, {{2}}…' },
		],
		description: 'How variables are written in the header and body',
	},
	{
		displayName: 'Layout',
		name: 'layout',
		type: 'options',
		default: 'standard',
		displayOptions: { show: nonAuthFields },
		options: [
			{ name: 'Standard', value: 'standard', description: 'Header, body, footer and buttons' },
			{ name: 'Limited-Time Offer', value: 'limitedTimeOffer', description: 'Offer line with an expiry countdown, coupon code and URL buttons (marketing)' },
			{ name: 'Carousel', value: 'carousel', description: `A message body and ${CAROUSEL_LIMITS.CARDS_MIN}–${CAROUSEL_LIMITS.CARDS_MAX} scrollable cards (marketing)` },
		],
	},
	{
		displayName: 'Offer Text',
		name: 'offerText',
		type: 'string',
		default: '',
		placeholder: 'e.g. Expiring offer!',
		displayOptions: { show: { ...nonAuthFields, layout: ['limitedTimeOffer'] } },
		description: `At most ${OFFER_LIMITS.TEXT_MAX_LENGTH} characters`,
	},
	{
		displayName: 'Show Expiration',
		name: 'offerHasExpiration',
		type: 'boolean',
		default: true,
		displayOptions: { show: { ...nonAuthFields, layout: ['limitedTimeOffer'] } },
		description: 'Whether the message shows when the offer ends (each send then gives the expiration time)',
	},
	...headerFields,
	...bodyFields,
	...carouselCardFields,
	...authenticationFields,
	createOptions,
];
