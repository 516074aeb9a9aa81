/** Preview: the text the customer sees for given values, what is missing, and the exact send components (core/templates render.ts, build.ts). */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { SendComponent, TemplateValueError, buildSendComponents, describeTemplateVariables, getTemplate, renderTemplate, templateMessage } from '../../../core/templates';
import { op, templateField } from './fields/common';
import { previewValues } from './previewValues';
import { resolveTemplateId, withGraph } from './shared';

const onFields = { operation: ['preview'], valuesMode: ['fields'] };

export const description: INodeProperties[] = [
	templateField,
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
		displayOptions: { show: onFields },
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
		displayOptions: { show: onFields },
		description: 'Header variable text, or for a media header a URL (link) or media ID',
	},
	{
		displayName: 'Button Values',
		name: 'buttonValues',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add Button Value',
		displayOptions: { show: onFields },
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
		displayOptions: { show: onFields },
		description: 'Limited-time offers with an expiry: when the offer ends (ISO date or Unix milliseconds)',
	},
	{
		displayName: 'One-Time Code',
		name: 'code',
		type: 'string',
		default: '',
		displayOptions: { show: onFields },
		description: 'For authentication templates',
	},
];

export const execute = withGraph(async (ctx) => {
	const { fn, i, client } = ctx;
	const template = await getTemplate(client, await resolveTemplateId(ctx));
	const values = previewValues(fn, i, template);
	const rendered = renderTemplate(template, values);
	let components: SendComponent[] | null = null;
	let sendError: string | null = null;
	try {
		components = buildSendComponents(template, values);
	} catch (error) {
		if (!(error instanceof TemplateValueError)) throw error;
		sendError = error.message;
	}
	return {
		id: template.id,
		name: template.name,
		language: template.language,
		status: template.status,
		text: rendered.text,
		header: rendered.header ?? null,
		offer: rendered.offer ?? null,
		body: rendered.body,
		footer: rendered.footer ?? null,
		buttons: rendered.buttons as unknown as IDataObject[],
		cards: (rendered.cards ?? null) as unknown as IDataObject[] | null,
		missing: rendered.missing,
		ready: sendError === null,
		sendError,
		components: components as unknown as IDataObject[] | null,
		// The `template` object of a send body, ready for POST /{PHONE_NUMBER_ID}/messages.
		template: (components ? templateMessage(template, components) : null) as IDataObject | null,
		variables: describeTemplateVariables(template) as unknown as IDataObject[],
	};
});
