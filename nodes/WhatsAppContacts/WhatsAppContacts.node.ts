/**
 * WhatsApp Contacts: import contacts from CSV/TXT/XLSX, upsert from items, get, list, opt out / in,
 * delete and export — against the package's store (embedded SQLite by default, or the optional
 * WhatsApp Store credential). A thin adapter: phone rules live in core/phone, file reading in
 * core/csv, the import pipeline in core/contacts, storage rules in core/store (an import never
 * clears an opt-out; tags merge or replace; attributes merge).
 *
 * Output 1: results (Import: one summary item per file, optionally followed by the contacts; a file
 * whose import stopped part-way gives, with Continue On Fail, its summary with `complete: false`,
 * `error` and `stoppedAt` — without it, an error with the counts written).
 * Output 2: Import's failed rows (line, raw value, reason).
 */
import { Readable } from 'node:stream';
import type {
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { CsvFileError, type ByteSource, type CsvDelimiter } from '../../core/csv';
import {
	contactsToCsv,
	importContactFile,
	splitName,
	splitTags,
	type ContactFile,
	type ContactFileFormat,
	type DuplicatePolicy,
	type ImportSummary,
} from '../../core/contacts';
import { countryOptions, isBsuid, normalizePhone } from '../../core/phone';
import type { Contact, ContactFilter, ContactInput, Store } from '../../core/store/types';
import { STORE_CREDENTIAL } from '../shared/credentials';
import { failedItem, item } from '../shared/items';
import { getImportSink, getStore } from '../shared/store';
import { contactProperties } from './description';

type Ctx = IExecuteFunctions;

function param<T>(fn: Ctx, name: string, i: number, fallback: T): T {
	return fn.getNodeParameter(name, i, fallback) as T;
}

function commaList(value: unknown): string[] {
	return typeof value === 'string' ? splitTags(value, ',') : [];
}

function timeParam(fn: Ctx, i: number, value: unknown, field: string): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const t = typeof value === 'number' ? value : Date.parse(String(value));
	if (!Number.isFinite(t)) throw new NodeOperationError(fn.getNode(), `${field}: ${JSON.stringify(value)} is not a date/time`, { itemIndex: i });
	return t;
}

function contactJson(c: Contact): IDataObject {
	return {
		...c,
		phone: '+' + c.waId,
		optOutAt: c.optOutAt === undefined ? undefined : new Date(c.optOutAt).toISOString(),
		optInAt: c.optInAt === undefined ? undefined : new Date(c.optInAt).toISOString(),
		createdAt: new Date(c.createdAt).toISOString(),
		updatedAt: new Date(c.updatedAt).toISOString(),
		lastActiveAt: c.lastActiveAt === undefined ? undefined : new Date(c.lastActiveAt).toISOString(),
		blockedAt: c.blockedAt === undefined ? undefined : new Date(c.blockedAt).toISOString(),
	} as IDataObject;
}

/** The waId of the item's phone parameter, or a NodeOperationError naming item and value. */
function waIdParam(fn: Ctx, i: number, requireMobile = false): { waId: string; country: string } {
	const raw = fn.getNodeParameter('phone', i, '') as unknown;
	// A username user's business-scoped user ID (BSUID) is a contact key too (issue 14).
	if (isBsuid(typeof raw === 'string' ? raw.trim() : raw)) return { waId: (raw as string).trim(), country: '' };
	const defaultCountry = param(fn, 'defaultCountry', i, '');
	const r = normalizePhone(raw, { defaultCountry: defaultCountry || undefined, requireMobile });
	if (!r.ok) {
		throw new NodeOperationError(fn.getNode(), `Phone Number ${JSON.stringify(raw)}: ${r.reason}`, {
			itemIndex: i,
			description: `Item ${i}, field "Phone Number". ${r.code === 'NEEDS_DEFAULT_COUNTRY' ? 'Set "Default Country" or write the number with + and its country code.' : ''}`.trim(),
		});
	}
	return { waId: r.waId, country: r.country };
}

function filterParam(fn: Ctx, i: number): ContactFilter {
	const f = param<IDataObject>(fn, 'filters', i, {});
	const filter: ContactFilter = {};
	const tagsAny = commaList(f.tagsAny);
	const tagsAll = commaList(f.tagsAll);
	if (tagsAny.length > 0) filter.tagsAny = tagsAny;
	if (tagsAll.length > 0) filter.tagsAll = tagsAll;
	const attrs = ((f.attributes as IDataObject | undefined)?.attribute as Array<{ name?: string; value?: string }> | undefined) ?? [];
	for (const a of attrs) {
		if (!a.name) throw new NodeOperationError(fn.getNode(), 'Filters → Attributes: an attribute filter has no name', { itemIndex: i });
		filter.attributes = { ...filter.attributes, [a.name]: String(a.value ?? '') };
	}
	if (f.consent === 'optedOut') filter.optedOut = true;
	else if (f.consent === 'optedIn') filter.optedOut = false;
	filter.createdFrom = timeParam(fn, i, f.createdFrom, 'Filters → Created After');
	filter.createdTo = timeParam(fn, i, f.createdTo, 'Filters → Created Before');
	filter.lastActiveFrom = timeParam(fn, i, f.lastActiveFrom, 'Filters → Last Active After');
	filter.lastActiveTo = timeParam(fn, i, f.lastActiveTo, 'Filters → Last Active Before');
	for (const k of Object.keys(filter) as Array<keyof ContactFilter>) if (filter[k] === undefined) delete filter[k];
	return filter;
}

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

async function runImport(fn: Ctx, store: Store, i: number, main: INodeExecutionData[], failed: INodeExecutionData[]): Promise<void> {
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

async function runUpsert(fn: Ctx, store: Store, i: number): Promise<IDataObject> {
	const { waId, country } = waIdParam(fn, i, param(fn, 'requireMobile', i, false));
	const fields = param<IDataObject>(fn, 'fields', i, {});
	const input: ContactInput = { waId, country };
	for (const key of ['name', 'firstName', 'lastName', 'source'] as const) {
		const v = fields[key];
		if (v !== undefined && v !== null && v !== '') input[key] = String(v).trim();
	}
	if (input.name && !input.firstName && !input.lastName) Object.assign(input, splitName(input.name));
	const tags = commaList(fields.tags);
	if (tags.length > 0) input.tags = tags;
	if (fields.attributes !== undefined && fields.attributes !== '') {
		let attributes: unknown = fields.attributes;
		if (typeof attributes === 'string') {
			try {
				attributes = JSON.parse(attributes);
			} catch (error) {
				throw new NodeOperationError(fn.getNode(), `Item ${i}, field "Attributes (JSON)": not valid JSON (${(error as Error).message})`, { itemIndex: i });
			}
		}
		if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
			throw new NodeOperationError(fn.getNode(), `Item ${i}, field "Attributes (JSON)": must be a JSON object`, { itemIndex: i });
		}
		if (Object.keys(attributes).length > 0) input.attributes = attributes as Record<string, unknown>;
	}
	// The person's existing contact under another form of the number (Meta's wa_id, a national variant).
	input.waId = (await store.resolveContacts([waId])).get(waId) ?? waId;
	const [outcome] = await store.upsertContacts([input], { tagsMode: param(fn, 'tagsMode', i, 'merge') });
	const contact = await store.getContact(input.waId);
	return { outcome, ...(contact ? contactJson(contact) : { waId: input.waId }) };
}

async function runList(fn: Ctx, store: Store, i: number, main: INodeExecutionData[]): Promise<void> {
	const filter = filterParam(fn, i);
	if (param(fn, 'returnAll', i, false)) {
		for await (const c of store.iterateContacts(filter, 1000)) main.push(item(contactJson(c), i));
		return;
	}
	const limit = param(fn, 'limit', i, 50);
	const cursor = param(fn, 'cursor', i, '') || undefined;
	let page;
	try {
		page = await store.listContacts(filter, { limit, cursor });
	} catch (error) {
		throw new NodeOperationError(fn.getNode(), `Item ${i}, field "Page Cursor": ${(error as Error).message}`, { itemIndex: i });
	}
	page.items.forEach((c, k) => {
		const json = contactJson(c);
		// The cursor of the next page rides on the last item (n8n's usual paging shape).
		if (k === page.items.length - 1 && page.next) json.nextCursor = page.next;
		main.push(item(json, i));
	});
}

async function runExport(fn: Ctx, store: Store, i: number): Promise<INodeExecutionData> {
	const filter = filterParam(fn, i);
	const counter = { rows: 0 };
	const csv = contactsToCsv(store.iterateContacts(filter, 1000), counter);
	const stream = Readable.from(
		(async function* () {
			for await (const chunk of csv) yield Buffer.from(chunk, 'utf8');
		})(),
	);
	const fileName = param(fn, 'exportFileName', i, 'contacts.csv') || 'contacts.csv';
	const binary = await fn.helpers.prepareBinaryData(stream, fileName, 'text/csv');
	const property = param(fn, 'outputBinaryPropertyName', i, 'data') || 'data';
	return { json: { operation: 'export', fileName, rows: counter.rows }, binary: { [property]: binary }, pairedItem: { item: i } };
}

export class WhatsAppContacts implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Contacts',
		name: 'whatsAppContacts',
		icon: 'file:whatsAppContacts.svg',
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description: 'Import, update, list, export and opt contacts in or out for WhatsApp campaigns',
		defaults: { name: 'WhatsApp Contacts' },
		usableAsTool: true,
		inputs: ['main'],
		// Two outputs on purpose: results, and Import's failed rows (line, raw value, reason).
		// eslint-disable-next-line n8n-nodes-base/node-class-description-outputs-wrong
		outputs: ['main', 'main'],
		outputNames: ['Result', 'Failed Rows'],
		credentials: [{ name: STORE_CREDENTIAL, required: false }],
		properties: contactProperties,
	};

	methods = {
		loadOptions: {
			async getCountries(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				return [
					{ name: 'None (Numbers Must Have a Country Code)', value: '' },
					...countryOptions().map((c) => ({ name: `${c.name} (+${c.callingCode})`, value: c.code, description: c.code })),
				];
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const input = this.getInputData();
		const main: INodeExecutionData[] = [];
		const failed: INodeExecutionData[] = [];
		let store: Store | undefined;
		for (let i = 0; i < input.length; i++) {
			try {
				store ??= await getStore(this);
				const operation = this.getNodeParameter('operation', i) as string;
				switch (operation) {
					case 'import':
						await runImport(this, store, i, main, failed);
						break;
					case 'upsert':
						main.push(item(await runUpsert(this, store, i), i));
						break;
					case 'get': {
						// The person, by any of their identifiers: the number in either national form, Meta's wa_id, a BSUID.
						const { waId } = waIdParam(this, i);
						const key = (await store.resolveContacts([waId])).get(waId) ?? waId;
						const c = await store.getContact(key);
						const identities = c ? (await store.contactIdentities(key)).map((x) => ({ ...x, createdAt: new Date(x.createdAt).toISOString() })) : [];
						main.push(item(c ? { found: true, ...contactJson(c), identities } : { found: false, waId }, i));
						break;
					}
					case 'list':
						await runList(this, store, i, main);
						break;
					case 'optOut':
					case 'optIn': {
						const { waId } = waIdParam(this, i);
						const source = param(this, 'consentSource', i, 'manual') || 'manual';
						const at = timeParam(this, i, param(this, 'consentTime', i, ''), 'Time') ?? Date.now();
						const c = await store.setOptOut(waId, operation === 'optOut', source, at);
						if (!c) throw new NodeOperationError(this.getNode(), `Item ${i}: no contact with phone +${waId}`, { itemIndex: i });
						main.push(item(contactJson(c), i));
						break;
					}
					case 'block':
					case 'unblock': {
						// The block list: checked at every campaign send, whatever the template's category.
						const { waId } = waIdParam(this, i);
						const reason = param(this, 'blockReason', i, 'blocked by hand') || 'blocked by hand';
						const c = await store.setBlocked(waId, operation === 'block', reason, Date.now());
						main.push(item(c ? contactJson(c) : { waId, blocked: false, found: false }, i));
						break;
					}
					case 'delete': {
						const { waId } = waIdParam(this, i);
						main.push(item({ waId, deleted: await store.deleteContact(waId) }, i));
						break;
					}
					case 'export':
						main.push(await runExport(this, store, i));
						break;
					default:
						throw new NodeOperationError(this.getNode(), `Unknown operation ${JSON.stringify(operation)}`, { itemIndex: i });
				}
			} catch (error) {
				main.push(failedItem(this, error, i));
			}
		}
		return [main, failed];
	}
}
