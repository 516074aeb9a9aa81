/** Parameters of the WhatsApp Templates node. */
import { limitField, returnAllField } from '../shared/fields';
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { TEMPLATE_LANGUAGES } from '../../core/templates/languages';
import { CAROUSEL_LIMITS, OFFER_LIMITS, TEMPLATE_LIMITS, TEMPLATE_STATUSES } from '../../core/templates/rules';
import { templateLocatorProperty } from '../shared/templatePicker';

const languageOptions: INodePropertyOptions[] = [...TEMPLATE_LANGUAGES]
	.sort((a, b) => a.name.localeCompare(b.name))
	.map((l) => ({ name: `${l.name} (${l.code})`, value: l.code }));

const op = (...operation: string[]) => ({ show: { operation } });

const categoryOptions: INodePropertyOptions[] = [
	{ name: 'Authentication', value: 'AUTHENTICATION', description: 'One-time passcodes; Meta supplies the text' },
	{ name: 'Marketing', value: 'MARKETING', description: 'Promotions, offers, announcements' },
	{ name: 'Utility', value: 'UTILITY', description: 'Updates about an existing order or account' },
];

// Edit with "Keep Current" shows the non-authentication fields (authentication templates: use JSON or pick the category).
const nonAuthFields = { operation: ['create', 'edit'], definitionMode: ['fields'], category: ['MARKETING', 'UTILITY', 'KEEP'] };
const authFields = { operation: ['create', 'edit'], definitionMode: ['fields'], category: ['AUTHENTICATION'] };
// Layouts: a standard template, a limited-time offer (no footer) or a carousel (body + cards, no header / footer / buttons).
const withHeader = { ...nonAuthFields, layout: ['standard', 'limitedTimeOffer'] };
const withFooter = { ...nonAuthFields, layout: ['standard'] };
const carouselFields = { ...nonAuthFields, layout: ['carousel'] };

type ButtonKind = 'quickReply' | 'url' | 'phoneNumber' | 'copyCode' | 'flow' | 'catalog' | 'mpm' | 'spm';
const BUTTON_KIND_NAMES: Record<ButtonKind, string> = {
	catalog: 'Catalog',
	copyCode: 'Copy Code (Coupon)',
	flow: 'Flow',
	mpm: 'Multi-Product (MPM)',
	phoneNumber: 'Phone Number',
	quickReply: 'Quick Reply',
	spm: 'View Product (SPM)',
	url: 'URL',
};

/** The values of one button row (the template's buttons, or the carousel's card buttons). */
function buttonValues(kinds: ButtonKind[]): INodeProperties[] {
	const has = (...k: ButtonKind[]) => k.filter((x) => kinds.includes(x));
	const fields: INodeProperties[] = [
		{
			displayName: 'Example Code',
			name: 'couponExample',
			type: 'string',
			default: '',
			placeholder: 'e.g. SAVE20',
			description: `Copy Code buttons: an example offer code, at most ${TEMPLATE_LIMITS.COPY_CODE_EXAMPLE_MAX_LENGTH} characters`,
			displayOptions: { show: { type: ['copyCode'] } },
		},
		{
			displayName: 'Flow By',
			name: 'flowBy',
			type: 'options',
			default: 'id',
			options: [
				{ name: 'Flow ID', value: 'id' },
				{ name: 'Flow Name', value: 'name' },
				{ name: 'Flow JSON', value: 'json' },
			],
			displayOptions: { show: { type: ['flow'] } },
		},
		{ displayName: 'Flow ID', name: 'flowId', type: 'string', default: '', displayOptions: { show: { type: ['flow'], flowBy: ['id'] } } },
		{ displayName: 'Flow Name', name: 'flowName', type: 'string', default: '', displayOptions: { show: { type: ['flow'], flowBy: ['name'] } } },
		{
			displayName: 'Flow JSON',
			name: 'flowJson',
			type: 'json',
			default: '{"version": "5.0", "screens": []}',
			displayOptions: { show: { type: ['flow'], flowBy: ['json'] } },
		},
		{
			displayName: 'Flow Action',
			name: 'flowAction',
			type: 'options',
			default: 'navigate',
			options: [
				{ name: 'Navigate', value: 'navigate' },
				{ name: 'Data Exchange', value: 'data_exchange' },
			],
			displayOptions: { show: { type: ['flow'] } },
		},
		{ displayName: 'First Screen', name: 'navigateScreen', type: 'string', default: '', placeholder: 'e.g. WELCOME_SCREEN', displayOptions: { show: { type: ['flow'] } } },
		{
			displayName: 'Phone Number',
			name: 'phoneNumber',
			type: 'string',
			default: '',
			placeholder: 'e.g. +15550001234',
			description: 'With its country code (E.164)',
			displayOptions: { show: { type: ['phoneNumber'] } },
		},
		{
			displayName: 'Text',
			name: 'text',
			type: 'string',
			default: '',
			description: `Button label, at most ${TEMPLATE_LIMITS.BUTTON_TEXT_MAX_LENGTH} characters (Catalog and View Product: optional)`,
			displayOptions: { show: { type: has('quickReply', 'url', 'phoneNumber', 'flow', 'catalog', 'mpm', 'spm') } },
		},
		{
			displayName: 'Type',
			name: 'type',
			type: 'options',
			default: 'quickReply',
			options: [...kinds].sort((a, b) => BUTTON_KIND_NAMES[a].localeCompare(BUTTON_KIND_NAMES[b])).map((k) => ({ name: BUTTON_KIND_NAMES[k], value: k })),
		},
		{
			displayName: 'URL',
			name: 'url',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://example.com/track/{{1}}',
			description: 'A static URL, or one ending in {{1}} that each send completes',
			displayOptions: { show: { type: ['url'] } },
		},
		{
			displayName: 'URL Example',
			name: 'urlExample',
			type: 'string',
			default: '',
			placeholder: 'e.g. 42 or https://example.com/track/42',
			description: 'For a URL with {{1}}: the example suffix or full URL',
			displayOptions: { show: { type: ['url'] } },
		},
	];
	return fields.filter((f) => {
		const types = f.displayOptions?.show?.type as string[] | undefined;
		return !types || types.some((t) => kinds.includes(t as ButtonKind));
	});
}

export const templateProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'list',
		options: [
			{ name: 'Create', value: 'create', action: 'Create a template', description: 'Submit a new template (one language per item) for review' },
			{ name: 'Delete', value: 'delete', action: 'Delete a template', description: 'Delete a template name (all languages) or one language' },
			{ name: 'Edit', value: 'edit', action: 'Edit a template', description: "Change a template's components (and category while rejected)" },
			{ name: 'Get', value: 'get', action: 'Get a template', description: 'Get one template by ID or by name and language' },
			{ name: 'List', value: 'list', action: 'List templates', description: 'List templates with filters' },
			{ name: 'Preview', value: 'preview', action: 'Preview a template', description: 'Render a template with values and build the send components' },
			{ name: 'Wait for Review', value: 'waitForReview', action: 'Wait for a template review', description: 'Poll until the template is approved, rejected or the timeout passes' },
		],
	},

	// ----- List
	returnAllField({ operation: ['list'] }),
	limitField({ operation: ['list'], returnAll: [false] }),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: op('list'),
		options: [
			{
				displayName: 'Category',
				name: 'category',
				type: 'multiOptions',
				options: categoryOptions.map(({ name, value }) => ({ name, value })),
				default: [],
			},
			{
				displayName: 'Language',
				name: 'language',
				type: 'options',
				options: languageOptions,
				default: 'en_US',
			},
			{
				displayName: 'Name Contains',
				name: 'nameContains',
				type: 'string',
				default: '',
				description: 'Only templates whose name contains this text (case-insensitive)',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'multiOptions',
				options: [...TEMPLATE_STATUSES].sort().map((s) => ({ name: s.charAt(0) + s.slice(1).toLowerCase().replace(/_/g, ' '), value: s })),
				default: [],
			},
		],
	},

	// ----- Get
	{
		displayName: 'Find By',
		name: 'findBy',
		type: 'options',
		default: 'template',
		displayOptions: op('get'),
		options: [
			{ name: 'Template (List or ID)', value: 'template' },
			{ name: 'Name and Language', value: 'nameLanguage' },
		],
	},
	templateLocatorProperty({
		displayOptions: { show: { operation: ['get'], findBy: ['template'] } },
	}),
	templateLocatorProperty({
		displayOptions: { show: { operation: ['edit', 'waitForReview', 'preview'] } },
	}),
	templateLocatorProperty({
		displayOptions: { show: { operation: ['delete'], deleteScope: ['oneLanguage'] } },
		description: 'The template (one language) to delete',
	}),

	// ----- Delete
	{
		displayName: 'Delete',
		name: 'deleteScope',
		type: 'options',
		default: 'allLanguages',
		displayOptions: op('delete'),
		options: [
			{ name: 'All Languages of a Name', value: 'allLanguages', description: 'DELETE …/message_templates?name=… removes every translation' },
			{ name: 'One Language', value: 'oneLanguage', description: 'Delete a single template (one language) by its ID' },
		],
	},

	// ----- Name / language (create, get by name, delete by name)
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. order_confirmation',
		displayOptions: {
			show: { operation: ['create'] },
		},
		description: `Lowercase letters, digits and underscores, at most ${TEMPLATE_LIMITS.NAME_MAX_LENGTH} characters. To create several languages of one name, send one item per language.`,
	},
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. order_confirmation',
		displayOptions: { show: { operation: ['get'], findBy: ['nameLanguage'] } },
	},
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. order_confirmation',
		displayOptions: { show: { operation: ['delete'], deleteScope: ['allLanguages'] } },
		description: 'Every language of this template name is deleted',
	},
	{
		displayName: 'Language',
		name: 'language',
		type: 'options',
		options: languageOptions,
		default: 'en_US',
		displayOptions: { show: { operation: ['create'] } },
		description: 'Language of this template. Choose from the list, or specify a code using an <a href="https://docs.n8n.io/code/expressions/">expression</a> (e.g. one item per language).',
	},
	{
		displayName: 'Language',
		name: 'language',
		type: 'options',
		options: languageOptions,
		default: 'en_US',
		displayOptions: { show: { operation: ['get'], findBy: ['nameLanguage'] } },
		description: 'Choose from the list, or specify a code using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
	},

	// ----- Create / Edit definition
	{
		displayName: 'Category',
		name: 'category',
		type: 'options',
		options: categoryOptions,
		default: 'UTILITY',
		displayOptions: op('create'),
	},
	{
		displayName: 'Category',
		name: 'category',
		type: 'options',
		options: [{ name: 'Keep Current', value: 'KEEP' }, ...categoryOptions],
		default: 'KEEP',
		displayOptions: op('edit'),
		description: 'Meta lets the category change only while the template is rejected',
	},
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
	{
		displayName: 'Header',
		name: 'headerType',
		type: 'options',
		default: 'none',
		displayOptions: { show: withHeader },
		options: [
			{ name: 'Document', value: 'document' },
			{ name: 'Image', value: 'image' },
			{ name: 'Location', value: 'location' },
			{ name: 'None', value: 'none' },
			{ name: 'Text', value: 'text' },
			{ name: 'Video', value: 'video' },
		],
	},
	{
		displayName: 'Header Text',
		name: 'headerText',
		type: 'string',
		default: '',
		displayOptions: { show: { ...withHeader, headerType: ['text'] } },
		description: `At most ${TEMPLATE_LIMITS.HEADER_TEXT_MAX_LENGTH} characters and one variable`,
	},
	{
		displayName: 'Header Variable Example',
		name: 'headerExample',
		type: 'string',
		default: '',
		displayOptions: { show: { ...withHeader, headerType: ['text'] } },
		description: 'Example value for the header variable (required by Meta when the header has one)',
	},
	{
		displayName: 'Sample Media Source',
		name: 'headerMediaSource',
		type: 'options',
		default: 'binary',
		displayOptions: { show: { ...withHeader, headerType: ['image', 'video', 'document'] } },
		options: [
			{ name: 'Binary Data', value: 'binary', description: 'A file from the input item, uploaded to Meta' },
			{ name: 'Existing Handle', value: 'handle', description: 'A header_handle from an earlier upload' },
			{ name: 'URL', value: 'url', description: 'A file downloaded from a URL, then uploaded to Meta' },
		],
		description: 'Meta reviews media templates with a sample file, uploaded through the Resumable Upload API',
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		displayOptions: { show: { ...withHeader, headerType: ['image', 'video', 'document'], headerMediaSource: ['binary'] } },
		hint: 'The name of the input binary field containing the sample file (JPEG/PNG, MP4 or PDF)',
	},
	{
		displayName: 'Sample Media URL',
		name: 'headerMediaUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://example.com/sample.jpg',
		displayOptions: { show: { ...withHeader, headerType: ['image', 'video', 'document'], headerMediaSource: ['url'] } },
	},
	{
		displayName: 'Header Handle',
		name: 'headerHandle',
		type: 'string',
		default: '',
		placeholder: 'e.g. 4::aW1hZ2UvanBlZw==:ARb…',
		displayOptions: { show: { ...withHeader, headerType: ['image', 'video', 'document'], headerMediaSource: ['handle'] } },
	},
	{
		displayName: 'Body',
		name: 'bodyText',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		displayOptions: { show: nonAuthFields },
		description: `Message text, at most ${TEMPLATE_LIMITS.BODY_MAX_LENGTH} characters. Variables: {{1}}, {{2}}… (positional) or {{first_name}} (named); not at the very start or end, never side by side.`,
	},
	{
		displayName: 'Body Variable Examples',
		name: 'bodyExamples',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add Example',
		displayOptions: { show: nonAuthFields },
		description: 'Meta needs an example for every body variable',
		options: [
			{
				displayName: 'Example',
				name: 'example',
				values: [
					{
						displayName: 'Variable',
						name: 'variable',
						type: 'string',
						default: '',
						placeholder: 'e.g. 1 or first_name',
						description: 'The variable name without braces; leave empty to fill the variables in order',
					},
					{
						displayName: 'Example Value',
						name: 'example',
						type: 'string',
						default: '',
					},
				],
			},
		],
	},
	{
		displayName: 'Footer',
		name: 'footerText',
		type: 'string',
		default: '',
		displayOptions: { show: withFooter },
		description: `Optional, at most ${TEMPLATE_LIMITS.FOOTER_MAX_LENGTH} characters, no variables`,
	},
	{
		displayName: 'Buttons',
		name: 'buttons',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		default: {},
		placeholder: 'Add Button',
		displayOptions: { show: { ...nonAuthFields, layout: ['standard', 'limitedTimeOffer'] } },
		description: `At most ${TEMPLATE_LIMITS.BUTTONS_MAX_TOTAL} buttons (≤${TEMPLATE_LIMITS.BUTTONS_MAX_URL} URL, ≤${TEMPLATE_LIMITS.BUTTONS_MAX_PHONE_NUMBER} phone); keep quick replies next to each other`,
		options: [
			{
				displayName: 'Button',
				name: 'button',
				values: buttonValues(['quickReply', 'url', 'phoneNumber', 'copyCode', 'flow', 'catalog', 'mpm']),
			},
		],
	},
	// CAROUSEL fields
	{
		displayName: 'Card Header',
		name: 'cardHeaderFormat',
		type: 'options',
		default: 'image',
		displayOptions: { show: carouselFields },
		options: [
			{ name: 'Image', value: 'image' },
			{ name: 'Video', value: 'video' },
			{ name: 'Product (From Your Catalog)', value: 'product' },
		],
		description: 'The same on every card; product cards show a catalog product chosen at send time',
	},
	{
		displayName: 'Cards',
		name: 'cards',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		default: {},
		placeholder: 'Add Card',
		displayOptions: { show: carouselFields },
		description: `${CAROUSEL_LIMITS.CARDS_MIN}–${CAROUSEL_LIMITS.CARDS_MAX} cards; a card body is optional (all cards or none), at most ${CAROUSEL_LIMITS.CARD_BODY_MAX_LENGTH} characters`,
		options: [
			{
				displayName: 'Card',
				name: 'card',
				values: [
					{ displayName: 'Card Body', name: 'bodyText', type: 'string', default: '', placeholder: 'e.g. Rose Echeveria, now {{1}} off' },
					{ displayName: 'Card Body Examples', name: 'bodyExamples', type: 'string', default: '', placeholder: 'e.g. 15%', description: 'Example values for the card body variables, in order, separated by |' },
					{ displayName: 'Sample Binary Field', name: 'sampleBinaryProperty', type: 'string', default: '', placeholder: 'e.g. card1', description: 'Image / video cards: an input binary field uploaded as the card sample' },
					{ displayName: 'Sample Handle', name: 'headerHandle', type: 'string', default: '', description: 'Image / video cards: the header_handle of an uploaded sample (or use Sample Binary Field)' },
					{ displayName: 'URL Example', name: 'urlExample', type: 'string', default: '', description: "For a card URL button with {{1}}: this card's example suffix or full URL" },
				],
			},
		],
	},
	{
		displayName: 'Card Buttons',
		name: 'cardButtons',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		default: {},
		placeholder: 'Add Card Button',
		displayOptions: { show: carouselFields },
		description: `Every card gets these buttons: ${CAROUSEL_LIMITS.MEDIA_CARD_BUTTONS_MIN}–${CAROUSEL_LIMITS.MEDIA_CARD_BUTTONS_MAX} quick reply / URL / phone buttons on media cards, one View Product or URL button on product cards`,
		options: [{ displayName: 'Button', name: 'button', values: buttonValues(['quickReply', 'url', 'phoneNumber', 'spm']) }],
	},
	// AUTHENTICATION fields
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
	{
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
	},

	// ----- Wait for review
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollIntervalSeconds',
		type: 'number',
		default: 30,
		typeOptions: { minValue: 0.05, numberPrecision: 2 },
		displayOptions: op('waitForReview'),
		description: 'Time between two status checks',
	},
	{
		displayName: 'Timeout (Minutes)',
		name: 'timeoutMinutes',
		type: 'number',
		default: 60,
		typeOptions: { minValue: 0 },
		displayOptions: op('waitForReview'),
		description: 'Stop waiting after this long and output the last status (timedOut: true)',
	},
	{
		displayName: 'Error on Rejection',
		name: 'errorOnRejection',
		type: 'boolean',
		default: false,
		displayOptions: op('waitForReview'),
		description: 'Whether a rejected template fails the item instead of being output with its rejection reason',
	},

	// ----- Preview
	{
		displayName: 'Values From',
		name: 'valuesMode',
		type: 'options',
		default: 'fields',
		displayOptions: op('preview'),
		options: [
			{ name: 'Fields', value: 'fields' },
			{
				name: 'JSON',
				value: 'json',
				description: '{"body": {...} | [...], "header": {...}, "buttons": {"0": "..."}, "cards": [...], "offer": {"expiration": ...}, "code": "..."}, or the campaign mapper\'s keys {"body.1": "...", "card.0.header.media": "..."}',
			},
		],
	},
	{
		displayName: 'Values (JSON)',
		name: 'valuesJson',
		type: 'json',
		default: '{\n  "body": ["Ana", "A-100"]\n}',
		displayOptions: { show: { operation: ['preview'], valuesMode: ['json'] } },
	},
	{
		displayName: 'Body Values',
		name: 'bodyValues',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add Value',
		displayOptions: { show: { operation: ['preview'], valuesMode: ['fields'] } },
		options: [
			{
				displayName: 'Value',
				name: 'value',
				values: [
					{ displayName: 'Variable', name: 'variable', type: 'string', default: '', placeholder: 'e.g. 1 or first_name', description: 'Leave empty to fill the variables in order' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	{
		displayName: 'Header Value',
		name: 'headerValue',
		type: 'string',
		default: '',
		displayOptions: { show: { operation: ['preview'], valuesMode: ['fields'] } },
		description: 'Header variable text, or for a media header a URL (link) or media ID',
	},
	{
		displayName: 'Button Values',
		name: 'buttonValues',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add Button Value',
		displayOptions: { show: { operation: ['preview'], valuesMode: ['fields'] } },
		description: 'URL suffixes, quick-reply payloads or coupon codes, by 0-based button index',
		options: [
			{
				displayName: 'Value',
				name: 'value',
				values: [
					{ displayName: 'Button Index', name: 'index', type: 'number', default: 0, typeOptions: { minValue: 0 } },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	{
		displayName: 'Offer Expiration',
		name: 'offerExpiration',
		type: 'string',
		default: '',
		placeholder: 'e.g. 2026-12-31T23:00:00Z',
		displayOptions: { show: { operation: ['preview'], valuesMode: ['fields'] } },
		description: 'Limited-time offers with an expiry: when the offer ends (ISO date or Unix milliseconds)',
	},
	{
		displayName: 'One-Time Code',
		name: 'code',
		type: 'string',
		default: '',
		displayOptions: { show: { operation: ['preview'], valuesMode: ['fields'] } },
		description: 'For authentication templates',
	},
];
