/**
 * Import: a CSV / TXT / XLSX file from the item's binary data → contacts, through core/contacts
 * (importContactFile: file check, rows, normalised, tagged, upserted, failure report). One summary
 * item per file on output 1 (optionally followed by the contacts), failed rows on output 2.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { CsvFileError, type ByteSource, type CsvDelimiter } from '../../../core/csv';
import { importContactFile, type ContactFile, type ContactFileFormat, type DuplicatePolicy, type ImportSummary } from '../../../core/contacts';
import type { ContactInput, Store } from '../../../core/store/types';
import { item } from '../../shared/items';
import { getImportSink } from '../../shared/store';
import { commaList, param, type Ctx, type Outputs } from './shared';

/**
 * The item's binary file: its bytes in memory (n8n's default mode), or a stream that can be opened
 * twice (filesystem / S3 mode: the item carries only an id) so the file is checked before anything
 * is written (core/contacts/importFile.ts).
 */
async function binaryFile(fn: Ctx, i: number, property: string): Promise<ContactFile> {
	const binaries = fn.getInputData()[i]?.binary ?? {};
	const binary = binaries[property];
	if (!binary) {
		const present = Object.keys(binaries);
		throw new NodeOperationError(
			fn.getNode(),
			`Item ${i}: no binary property "${property}" (${present.length ? `the item has ${present.map((p) => `"${p}"`).join(', ')}` : 'the item has no binary data'})`,
			{ itemIndex: i, description: 'Set "Input Binary Field" to the name of the binary property holding the CSV / TXT / XLSX file.' },
		);
	}
	const fileName = binary.fileName ?? property;
	if (binary.id) {
		const id = binary.id;
		const open = async (): Promise<ByteSource> => {
			try {
				return (await fn.helpers.getBinaryStream(id, 1 << 20)) as AsyncIterable<Uint8Array>;
			} catch (error) {
				throw new NodeOperationError(fn.getNode(), `Item ${i}, file ${JSON.stringify(fileName)} (binary property "${property}"): the stored file cannot be read: ${(error as Error).message}`, {
					itemIndex: i,
				});
			}
		};
		return { fileName, mimeType: binary.mimeType, open };
	}
	return { fileName, mimeType: binary.mimeType, buffer: await fn.helpers.getBinaryDataBuffer(i, property) };
}

function countsText(s: ImportSummary): string {
	return `${s.rowsRead} rows read, ${s.added} added, ${s.updated} updated, ${s.unchanged} unchanged, ${s.failed} failed, ${s.duplicates} duplicates${s.notWritten ? `, ${s.notWritten} not written` : ''}`;
}

export async function execute(fn: Ctx, store: Store, i: number, { main, failed }: Outputs): Promise<void> {
	const property = param(fn, 'binaryPropertyName', i, 'data');
	const o = param<IDataObject>(fn, 'importOptions', i, {});
	const file = await binaryFile(fn, i, property);
	const { fileName } = file;
	const emit = param(fn, 'emitContacts', i, false);
	const contacts: INodeExecutionData[] = [];
	let summary: ImportSummary;
	const target = await getImportSink(fn, store);
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
			onContact: emit ? (c: ContactInput, outcome, line) => contacts.push(item({ ...c, phone: '+' + c.waId, outcome, line } as IDataObject, i)) : undefined,
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
	main.push(item({ operation: 'import', fileName, ...totals } as unknown as IDataObject, i));
	main.push(...contacts);
	for (const f of failures) failed.push(item({ fileName, line: f.line, raw: f.raw, reason: f.reason, ...(f.field ? { field: f.field } : {}) }, i));
}
