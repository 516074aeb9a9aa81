/** Import's "Options" collection: file format, columns, tags, batches (read in import.operation.ts; the rules behind them live in core/contacts and core/csv). */
import type { INodeProperties } from 'n8n-workflow';

const column = (displayName: string, name: string, description: string): INodeProperties => ({ displayName, name, type: 'string', default: '', description });

export const importOptionsField: INodeProperties = {
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
		column('Columns to Keep', 'columnsToKeep', 'Comma-separated column names kept as attributes (with "Keep Listed Columns")'),
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
		column('Extra Tags', 'extraTags', 'Comma-separated tags added to every imported contact'),
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
		column('First Name Column', 'firstNameColumn', 'Header of the first-name column (auto-detected when empty)'),
		{
			displayName: 'Header Row',
			name: 'headerRow',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 1,
			description: 'XLSX: the sheet row holding the column names (the first non-empty row from here on); rows above it are skipped',
		},
		column('Last Name Column', 'lastNameColumn', 'Header of the last-name column (auto-detected when empty)'),
		{
			displayName: 'Max Failed Rows Output',
			name: 'maxFailures',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 10000,
			description: 'Failed rows sent to the second output (all are counted in the summary)',
		},
		column('Name Column', 'nameColumn', 'Header of the full-name column (auto-detected when empty: Name, Full Name…)'),
		column(
			'Opt-Out Column',
			'optOutColumn',
			'Header of the opt-out column (auto-detected when empty: Opted Out, Opt Out, Unsubscribed, Do Not Contact, DNC). True/yes/y/1/x/opted out/unsubscribed/stop opts the contact out; false/no/empty changes nothing (an import never opts a contact back in); other values fail the row.',
		),
		column('Phone Column', 'phoneColumn', 'Header of the phone column (auto-detected when empty: Phone, Mobile Number, WhatsApp…)'),
		column('Sheet Name', 'sheetName', 'XLSX: the sheet to import (default: the first visible sheet)'),
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
		column('Source', 'source', 'Source recorded on contacts whose row has none (default: the file name)'),
		column('Source Column', 'sourceColumn', 'Header of the source column (auto-detected when empty)'),
		{ displayName: 'Tag Separator', name: 'tagSeparator', type: 'string', default: '|', description: 'Separator between tags inside one cell' },
		column('Tags Column', 'tagsColumn', 'Header of the tags column (auto-detected when empty: Tags, Labels…)'),
	],
};
