/**
 * Import: a CSV / TXT / XLSX file from the item's binary data → contacts, through core/contacts
 * (importContactFile: file check, rows, normalised, tagged, upserted, failure report). One summary
 * item per file on output 1 (optionally followed by the contacts), failed rows on output 2.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { CsvFileError, type CsvDelimiter } from '../../../core/csv';
import { importContactFile, type ContactFileFormat, type DuplicatePolicy, type ImportSummary } from '../../../core/contacts';
import type { ContactInput } from '../../../core/store/types';
import { binaryPropertyField } from '../../shared/fields';
import type { ItemRun } from '../../shared/router';
import { defaultCountryField, requireMobileField, tagsModeField } from './fields';
import { binaryFile } from './importFile';
import { importOptionsField } from './importOptions';
import { commaList, executionStore, param } from './shared';

const onImport = { operation: ['import'] };

export const description: INodeProperties[] = [
	binaryPropertyField({ name: 'binaryPropertyName', required: true, description: 'Name of the binary property holding the CSV, TXT or XLSX file', show: onImport }),
	defaultCountryField,
	requireMobileField,
	{
		displayName: 'Duplicates in File',
		name: 'duplicates',
		type: 'options',
		options: [
			{ name: 'Keep First', value: 'keepFirst', description: 'Later rows with the same number are skipped' },
			{ name: 'Keep Last', value: 'keepLast', description: 'Later rows with the same number overwrite earlier ones' },
		],
		default: 'keepFirst',
		displayOptions: { show: onImport },
	},
	tagsModeField,
	{
		displayName: 'Emit Imported Contacts',
		name: 'emitContacts',
		type: 'boolean',
		default: false,
		displayOptions: { show: onImport },
		description: 'Whether to output one item per imported contact after the summary item',
	},
	importOptionsField,
];

function countsText(s: ImportSummary): string {
	return `${s.rowsRead} rows read, ${s.added} added, ${s.updated} updated, ${s.unchanged} unchanged, ${s.failed} failed, ${s.duplicates} duplicates${s.notWritten ? `, ${s.notWritten} not written` : ''}`;
}

export async function execute({ fn, i, emit }: ItemRun): Promise<void> {
	const store = await executionStore(fn);
	const property = param(fn, 'binaryPropertyName', i, 'data');
	const o = param<IDataObject>(fn, 'importOptions', i, {});
	const file = await binaryFile(fn, i, property);
	const { fileName } = file;
	const emitContacts = param(fn, 'emitContacts', i, false);
	const contacts: IDataObject[] = [];
	let summary: ImportSummary;
	// A SQLite file: a worker thread writes while this thread parses (Store.importSink).
	const target = await store.importSink();
	try {
		const keep = (o.keepColumns as string) ?? 'all';
		summary = await importContactFile(file, target.sink, {
			format: (o.format as ContactFileFormat) ?? 'auto',
			delimiter: (o.delimiter as CsvDelimiter | 'auto') ?? 'auto',
			shortRows: o.shortRows === 'fail' ? 'fail' : 'pad',
			sheet: (o.sheetName as string) || undefined,
			headerRow: typeof o.headerRow === 'number' && o.headerRow >= 1 ? o.headerRow : undefined,
			defaultCountry: param(fn, 'defaultCountry', i, '') || undefined,
			requireMobile: param(fn, 'requireMobile', i, false),
			duplicates: param<DuplicatePolicy>(fn, 'duplicates', i, 'keepFirst'),
			tagsMode: param<'merge' | 'replace'>(fn, 'tagsMode', i, 'merge'),
			tagSeparator: (o.tagSeparator as string) || '|',
			extraTags: commaList(o.extraTags),
			defaultSource: (o.source as string) || fileName,
			keepColumns: keep === 'none' ? false : keep === 'listed' ? commaList(o.columnsToKeep) : true,
			maxFailuresKept: typeof o.maxFailures === 'number' ? o.maxFailures : 10_000,
			batchSize: typeof o.batchSize === 'number' && o.batchSize >= 1 ? o.batchSize : undefined,
			mapping: {
				phone: (o.phoneColumn as string) || undefined,
				name: (o.nameColumn as string) || undefined,
				firstName: (o.firstNameColumn as string) || undefined,
				lastName: (o.lastNameColumn as string) || undefined,
				tags: (o.tagsColumn as string) || undefined,
				source: (o.sourceColumn as string) || undefined,
				optOut: (o.optOutColumn as string) || undefined,
			},
			onContact: emitContacts ? (c: ContactInput, outcome, line) => contacts.push({ ...c, phone: '+' + c.waId, outcome, line } as IDataObject) : undefined,
		});
	} catch (error) {
		if (error instanceof CsvFileError) {
			throw new NodeOperationError(fn.getNode(), `Item ${i}, file ${JSON.stringify(fileName)}: ${error.message}`, { itemIndex: i, description: 'Nothing from this file was written.' });
		}
		throw error;
	} finally {
		await target.close();
	}
	if (!summary.complete) {
		// Batches were written before the problem was found: say what was written, and where it stopped.
		const at = summary.stoppedAt;
		const where = at ? ` at line ${at.line}${at.byte !== undefined ? ` (byte ${at.byte})` : ''}` : '';
		if (!fn.continueOnFail()) {
			throw new NodeOperationError(
				fn.getNode(),
				`Item ${i}, file ${JSON.stringify(fileName)}: the import stopped${where}: ${summary.error}. Written before it stopped: ${countsText(summary)}`,
				{ itemIndex: i, description: 'Fix the file and import it again: rows already imported come back as unchanged, so a re-run is safe.' },
			);
		}
	}
	const { failures, ...totals } = summary;
	emit({ operation: 'import', fileName, ...totals } as unknown as IDataObject);
	contacts.forEach((c) => emit(c));
	// Output 2: the failed rows.
	for (const f of failures) emit({ fileName, line: f.line, raw: f.raw, reason: f.reason, ...(f.field ? { field: f.field } : {}) }, 1);
}
