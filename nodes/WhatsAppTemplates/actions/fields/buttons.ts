/** The values of a button row: the template's Buttons and the carousel's Card Buttons (core/templates/fields.ts ButtonField reads them). */
import type { INodeProperties } from 'n8n-workflow';
import { TEMPLATE_LIMITS } from '../../../../core/templates/rules';

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
export function buttonValues(kinds: ButtonKind[]): INodeProperties[] {
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
