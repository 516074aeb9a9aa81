/** Create / Edit with fields, carousel layout: the cards' header format, the cards and the buttons every card gets (Meta's carousel rules: core/templates/rules.ts CAROUSEL_LIMITS). */
import type { INodeProperties } from 'n8n-workflow';
import { CAROUSEL_LIMITS } from '../../../../core/templates/rules';
import { buttonValues } from './buttons';
import { carouselFields } from './common';

export const carouselCardFields: INodeProperties[] = [
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
];
