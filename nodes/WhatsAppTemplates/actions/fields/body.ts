/** Create / Edit with fields: body with its variable examples, footer and buttons (core/templates/fields.ts builds the components). */
import type { INodeProperties } from 'n8n-workflow';
import { TEMPLATE_LIMITS } from '../../../../core/templates/rules';
import { buttonValues } from './buttons';
import { nonAuthFields, withFooter } from './common';

export const bodyFields: INodeProperties[] = [
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
];
