/**
 * Fields several WhatsApp Contacts operations show: each is one object, listed by every operation
 * module that shows it (nodes/shared/router.ts operationProperties places it once).
 */
import type { INodeProperties } from 'n8n-workflow';

const phoneOps = ['upsert', 'get', 'optOut', 'optIn', 'block', 'unblock', 'delete'];

/** Import and every phone-addressed operation: the country of numbers written without a country code. */
export const defaultCountryField: INodeProperties = {
	displayName: 'Default Country Name or ID',
	name: 'defaultCountry',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getCountries' },
	default: '',
	description:
		'Country for numbers written without a country code (e.g. India: a bare 10-digit number becomes +91…). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	displayOptions: { show: { operation: ['import', ...phoneOps] } },
};

export const requireMobileField: INodeProperties = {
	displayName: 'Require Mobile',
	name: 'requireMobile',
	type: 'boolean',
	default: false,
	description: 'Whether to reject landlines, toll-free and other non-mobile numbers (NANP numbers, which can be either, are accepted)',
	displayOptions: { show: { operation: ['import', 'upsert'] } },
};

export const tagsModeField: INodeProperties = {
	displayName: 'Tags Mode',
	name: 'tagsMode',
	type: 'options',
	options: [
		{ name: 'Merge', value: 'merge', description: 'Add the new tags to the existing ones' },
		{ name: 'Replace', value: 'replace', description: "Replace the contact's tags by the new ones (when a row has tags)" },
	],
	default: 'merge',
	displayOptions: { show: { operation: ['import', 'upsert'] } },
};

/** The contact of a phone-addressed operation (core/phone: any format, or a BSUID). */
export const phoneField: INodeProperties = {
	displayName: 'Phone Number',
	name: 'phone',
	type: 'string',
	default: '={{ $json.phone }}',
	required: true,
	displayOptions: { show: { operation: phoneOps } },
	description: 'Phone number in any format (+1 (541) 754-3010, 0044 7911 123456, or national with the default country)',
};

/** List and Export: which contacts (read by filterParam in shared.ts). */
export const filtersField: INodeProperties = {
	displayName: 'Filters',
	name: 'filters',
	type: 'collection',
	placeholder: 'Add Filter',
	default: {},
	displayOptions: { show: { operation: ['list', 'export'] } },
	options: [
		{
			displayName: 'Attributes',
			name: 'attributes',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			default: {},
			options: [
				{
					displayName: 'Attribute',
					name: 'attribute',
					values: [
						{ displayName: 'Name', name: 'name', type: 'string', default: '' },
						{ displayName: 'Value', name: 'value', type: 'string', default: '' },
					],
				},
			],
		},
		{ displayName: 'Created After', name: 'createdFrom', type: 'dateTime', default: '' },
		{ displayName: 'Created Before', name: 'createdTo', type: 'dateTime', default: '' },
		{ displayName: 'Last Active After', name: 'lastActiveFrom', type: 'dateTime', default: '' },
		{ displayName: 'Last Active Before', name: 'lastActiveTo', type: 'dateTime', default: '' },
		{
			displayName: 'Marketing Consent',
			name: 'consent',
			type: 'options',
			options: [
				{ name: 'Any', value: 'any' },
				{ name: 'Opted In (Not Opted Out)', value: 'optedIn' },
				{ name: 'Opted Out', value: 'optedOut' },
			],
			default: 'any',
		},
		{ displayName: 'Tags (All Of)', name: 'tagsAll', type: 'string', default: '', description: 'Comma-separated; contacts must have every one' },
		{ displayName: 'Tags (Any Of)', name: 'tagsAny', type: 'string', default: '', description: 'Comma-separated; contacts must have at least one' },
	],
};
