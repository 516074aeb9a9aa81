/** Parameters of the WhatsApp Contacts node. */
import { cursorField, limitField, returnAllField } from '../shared/fields';
import type { INodeProperties } from 'n8n-workflow';

const phoneOps = ['upsert', 'get', 'optOut', 'optIn', 'block', 'unblock', 'delete'];
const filterOps = ['list', 'export'];

const defaultCountry: INodeProperties = {
	displayName: 'Default Country Name or ID',
	name: 'defaultCountry',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getCountries' },
	default: '',
	description:
		'Country for numbers written without a country code (e.g. India: a bare 10-digit number becomes +91…). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};

const requireMobile: INodeProperties = {
	displayName: 'Require Mobile',
	name: 'requireMobile',
	type: 'boolean',
	default: false,
	description: 'Whether to reject landlines, toll-free and other non-mobile numbers (NANP numbers, which can be either, are accepted)',
};

const tagsMode: INodeProperties = {
	displayName: 'Tags Mode',
	name: 'tagsMode',
	type: 'options',
	options: [
		{ name: 'Merge', value: 'merge', description: 'Add the new tags to the existing ones' },
		{ name: 'Replace', value: 'replace', description: "Replace the contact's tags by the new ones (when a row has tags)" },
	],
	default: 'merge',
};

export const contactProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Block', value: 'block', action: 'Block a contact', description: 'Put a contact on the block list: no campaign message of any category is sent to them' },
			{
				name: 'Create or Update',
				value: 'upsert',
				action: 'Create or update a contact',
				description: 'Create a new record, or update the current one if it already exists (upsert)',
			},
			{ name: 'Delete', value: 'delete', action: 'Delete a contact', description: 'Delete a contact from the store' },
			{ name: 'Export', value: 'export', action: 'Export contacts to CSV', description: 'Write matching contacts to a CSV file' },
			{ name: 'Get', value: 'get', action: 'Get a contact', description: 'Get one contact by phone number' },
			{ name: 'Import', value: 'import', action: 'Import contacts from a file', description: 'Import contacts from a CSV or TXT file' },
			{ name: 'List', value: 'list', action: 'List contacts', description: 'List contacts matching filters' },
			{ name: 'Opt In', value: 'optIn', action: 'Opt a contact in', description: 'Record a marketing opt-in' },
			{ name: 'Opt Out', value: 'optOut', action: 'Opt a contact out', description: 'Record a marketing opt-out' },
			{ name: 'Unblock', value: 'unblock', action: 'Unblock a contact', description: 'Take a contact off the block list' },
		],
		default: 'import',
	},

	// ───────── Import ─────────
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show: { operation: ['import'] } },
		description: 'Name of the binary property holding the CSV, TXT or XLSX file',
	},
	{ ...defaultCountry, displayOptions: { show: { operation: ['import', 'upsert', 'get', 'optOut', 'optIn', 'block', 'unblock', 'delete'] } } },
	{ ...requireMobile, displayOptions: { show: { operation: ['import', 'upsert'] } } },
	{
		displayName: 'Duplicates in File',
		name: 'duplicates',
		type: 'options',
		options: [
			{ name: 'Keep First', value: 'keepFirst', description: 'Later rows with the same number are skipped' },
			{ name: 'Keep Last', value: 'keepLast', description: 'Later rows with the same number overwrite earlier ones' },
		],
		default: 'keepFirst',
		displayOptions: { show: { operation: ['import'] } },
	},
	{ ...tagsMode, displayOptions: { show: { operation: ['import', 'upsert'] } } },
	{
		displayName: 'Emit Imported Contacts',
		name: 'emitContacts',
		type: 'boolean',
		default: false,
		displayOptions: { show: { operation: ['import'] } },
		description: 'Whether to output one item per imported contact after the summary item',
	},
	{
		displayName: 'Options',
		name: 'importOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { operation: ['import'] } },
		options: [
			{
				displayName: 'Attribute Columns',
				name: 'keepColumns',
				type: 'options',
				options: [
					{ name: 'Keep All Other Columns', value: 'all' },
					{ name: 'Keep Listed Columns', value: 'listed' },
					{ name: 'Keep None', value: 'none' },
				],
				default: 'all',
				description: 'Which columns not mapped to a contact field are stored as custom attributes',
			},
			{
				displayName: 'Batch Size',
				name: 'batchSize',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 100000 },
				default: 4000,
				description: 'Contacts written per store transaction. Larger is faster for big files but holds the write lock longer.',
			},
			{
				displayName: 'Columns to Keep',
				name: 'columnsToKeep',
				type: 'string',
				default: '',
				description: 'Comma-separated column names kept as attributes (with "Keep Listed Columns")',
			},
			{
				displayName: 'Delimiter',
				name: 'delimiter',
				type: 'options',
				options: [
					{ name: 'Auto-Detect', value: 'auto' },
					{ name: 'Comma', value: ',' },
					{ name: 'Pipe', value: '|' },
					{ name: 'Semicolon', value: ';' },
					{ name: 'Tab', value: '\t' },
				],
				default: 'auto',
			},
			{
				displayName: 'Extra Tags',
				name: 'extraTags',
				type: 'string',
				default: '',
				description: 'Comma-separated tags added to every imported contact',
			},
			{
				displayName: 'File Format',
				name: 'format',
				type: 'options',
				options: [
					{ name: 'Auto-Detect', value: 'auto' },
					{ name: 'CSV', value: 'csv' },
					{ name: 'TXT (One Number per Line)', value: 'txt' },
					{ name: 'XLSX (Excel Workbook)', value: 'xlsx' },
				],
				default: 'auto',
				description: 'Auto-Detect reads an Excel workbook by its content (whatever its name) and sniffs CSV / TXT',
			},
			{
				displayName: 'First Name Column',
				name: 'firstNameColumn',
				type: 'string',
				default: '',
				description: 'Header of the first-name column (auto-detected when empty)',
			},
			{
				displayName: 'Header Row',
				name: 'headerRow',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 1,
				description: 'XLSX: the sheet row holding the column names (the first non-empty row from here on); rows above it are skipped',
			},
			{
				displayName: 'Last Name Column',
				name: 'lastNameColumn',
				type: 'string',
				default: '',
				description: 'Header of the last-name column (auto-detected when empty)',
			},
			{
				displayName: 'Max Failed Rows Output',
				name: 'maxFailures',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 10000,
				description: 'Failed rows sent to the second output (all are counted in the summary)',
			},
			{
				displayName: 'Name Column',
				name: 'nameColumn',
				type: 'string',
				default: '',
				description: 'Header of the full-name column (auto-detected when empty: Name, Full Name…)',
			},
			{
				displayName: 'Opt-Out Column',
				name: 'optOutColumn',
				type: 'string',
				default: '',
				description:
					'Header of the opt-out column (auto-detected when empty: Opted Out, Opt Out, Unsubscribed, Do Not Contact, DNC). True/yes/y/1/x/opted out/unsubscribed/stop opts the contact out; false/no/empty changes nothing (an import never opts a contact back in); other values fail the row.',
			},
			{
				displayName: 'Phone Column',
				name: 'phoneColumn',
				type: 'string',
				default: '',
				description: 'Header of the phone column (auto-detected when empty: Phone, Mobile Number, WhatsApp…)',
			},
			{
				displayName: 'Sheet Name',
				name: 'sheetName',
				type: 'string',
				default: '',
				description: 'XLSX: the sheet to import (default: the first visible sheet)',
			},
			{
				displayName: 'Short Rows',
				name: 'shortRows',
				type: 'options',
				options: [
					{ name: 'Fill Missing Trailing Fields With Empty', value: 'pad', description: 'Spreadsheets drop trailing empty cells when they export CSV' },
					{ name: 'Fail the Row', value: 'fail', description: 'A row with fewer fields than the header fails (strict)' },
				],
				default: 'pad',
				description: 'CSV rows with fewer fields than the header row',
			},
			{
				displayName: 'Source',
				name: 'source',
				type: 'string',
				default: '',
				description: 'Source recorded on contacts whose row has none (default: the file name)',
			},
			{
				displayName: 'Source Column',
				name: 'sourceColumn',
				type: 'string',
				default: '',
				description: 'Header of the source column (auto-detected when empty)',
			},
			{
				displayName: 'Tag Separator',
				name: 'tagSeparator',
				type: 'string',
				default: '|',
				description: 'Separator between tags inside one cell',
			},
			{
				displayName: 'Tags Column',
				name: 'tagsColumn',
				type: 'string',
				default: '',
				description: 'Header of the tags column (auto-detected when empty: Tags, Labels…)',
			},
		],
	},

	// ───────── phone-addressed operations ─────────
	{
		displayName: 'Phone Number',
		name: 'phone',
		type: 'string',
		default: '={{ $json.phone }}',
		required: true,
		displayOptions: { show: { operation: phoneOps } },
		description: 'Phone number in any format (+1 (541) 754-3010, 0044 7911 123456, or national with the default country)',
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show: { operation: ['upsert'] } },
		options: [
			{ displayName: 'Attributes (JSON)', name: 'attributes', type: 'json', default: '{}', description: 'Custom attributes, merged key by key' },
			{ displayName: 'First Name', name: 'firstName', type: 'string', default: '' },
			{ displayName: 'Last Name', name: 'lastName', type: 'string', default: '' },
			{ displayName: 'Name', name: 'name', type: 'string', default: '', description: 'Full name (split into first and last name when those are empty)' },
			{ displayName: 'Source', name: 'source', type: 'string', default: '' },
			{ displayName: 'Tags', name: 'tags', type: 'string', default: '', description: 'Comma-separated tags' },
		],
	},
	{
		displayName: 'Source',
		name: 'consentSource',
		type: 'string',
		default: 'manual',
		displayOptions: { show: { operation: ['optOut', 'optIn'] } },
		description: 'Where the consent change came from (STOP keyword, web form, support call…)',
	},
	{
		displayName: 'Block Reason',
		name: 'blockReason',
		type: 'string',
		default: 'blocked by hand',
		displayOptions: { show: { operation: ['block'] } },
		description: 'Why the contact is blocked (shown on every skipped campaign message)',
	},
	{
		displayName: 'Time',
		name: 'consentTime',
		type: 'dateTime',
		default: '',
		displayOptions: { show: { operation: ['optOut', 'optIn'] } },
		description: 'When it happened (default: now)',
	},

	// ───────── List / Export ─────────
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show: { operation: filterOps } },
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
	},
	returnAllField({ operation: ['list'] }),
	limitField({ operation: ['list'], returnAll: [false] }),
	cursorField({ operation: ['list'], returnAll: [false] }),
	{
		displayName: 'Put Output File in Field',
		name: 'outputBinaryPropertyName',
		type: 'string',
		default: 'data',
		displayOptions: { show: { operation: ['export'] } },
	},
	{
		displayName: 'File Name',
		name: 'exportFileName',
		type: 'string',
		default: 'contacts.csv',
		displayOptions: { show: { operation: ['export'] } },
	},
];
