/**
 * The contact import pipeline (store-agnostic): file entries → mapped contacts → batched upserts.
 *
 *  - Duplicates inside one file are decided by waId: keep first (later rows skipped) or keep last
 *    (later rows upserted again, so the last row's values win) — only a compact waId → outcome
 *    table is kept (waIdTable.ts: ~20 MB at 1M), never the rows.
 *  - Upserts go to the store in batches (default 1,000 per call = one transaction). The store
 *    merges attributes, merges or replaces tags, keeps created/updated times and never clears an
 *    opt-out.
 *  - An opt-out column (mapping.ts) opts contacts out and never back in. A later duplicate row that
 *    carries an opt-out is never dropped: with keep-first only its opt-out is written.
 *  - Per-row failures carry the line, the raw value and the reason; the import goes on.
 */
import type { ContactInput, Store, UpsertOptions, UpsertOutcome } from '../store/types';
import { fieldOfHeader, matchHeaders, type HeaderMapping, type HeaderOverrides } from '../csv/headers';
import type { CsvEntry, CsvReader } from '../csv/reader';
import type { FilePosition } from '../csv/errors';
import { attributeColumnsOf, RowMapper, type RowMappingOptions } from './mapping';
import { WaIdTable } from './waIdTable';


/**
 * Contacts per store transaction. 4,000 measured best for a 1M-row file on 2 cores with the
 * worker-thread sink (17.9 s, 380 MB peak RSS): fewer commits and WAL checkpoints, two batches
 * in flight at most.
 */
export const DEFAULT_IMPORT_BATCH_SIZE = 4000;
export type DuplicatePolicy = 'keepFirst' | 'keepLast';

export interface ImportOptions extends RowMappingOptions {
	mapping?: HeaderOverrides;
	duplicates?: DuplicatePolicy;
	tagsMode?: UpsertOptions['tagsMode'];
	/** Contacts per upsert call (one transaction), default 1,000. */
	/** Contacts per store transaction (default DEFAULT_IMPORT_BATCH_SIZE). */
	batchSize?: number;
	/** Failures kept in the summary (all are counted), default 10,000. */
	maxFailuresKept?: number;
	/** Called for each contact written, with the store's outcome (for "emit contacts as items"). */
	onContact?: (contact: ContactInput, outcome: UpsertOutcome, line: number) => void;
	now?: () => number;
}

export interface ImportFailure {
	line: number;
	/** The offending value (the phone cell), or the raw line for unreadable rows. */
	raw: string;
	reason: string;
	field?: string;
}

export interface ImportSummary {
	rowsRead: number;
	added: number;
	updated: number;
	unchanged: number;
	failed: number;
	duplicates: number;
	/** Rows whose opt-out column said yes (duplicates included): those contacts are opted out. */
	optedOut: number;
	format: string;
	delimiter?: string;
	headers: string[];
	mapping: HeaderMapping['fields'];
	attributeColumns: string[];
	failures: ImportFailure[];
	/** True when more failures happened than were kept. */
	failuresTruncated: boolean;
	/**
	 * False when reading (or writing) stopped part-way after batches had been written: the counts
	 * above are what was read and written up to there, `error` says why it stopped and `stoppedAt`
	 * where. Re-running the fixed file is safe: rows already written come back as unchanged.
	 */
	complete: boolean;
	error?: string;
	stoppedAt?: FilePosition;
	/** Rows read but not written because a batch write failed (store error) or reading stopped first. */
	notWritten: number;
}

export type ContactSink = Pick<Store, 'upsertContacts'>;

const OUTCOME_CODE: Record<UpsertOutcome, number> = { added: 1, updated: 2, unchanged: 3 };

export async function importContacts(reader: CsvReader, sink: ContactSink, options: ImportOptions = {}): Promise<ImportSummary> {
	// A TXT file is one column: its title line ("Clients", "Numbers") names the phone column —
	// unless it names another field ("Name"), which stays the clear "No phone column" error.
	const title = reader.format === 'txt' && reader.headers.length === 1 ? reader.headers[0] : undefined;
	const txtColumn = title !== undefined && !options.mapping?.phone && (fieldOfHeader(title) ?? 'phone') === 'phone' ? { phone: title } : {};
	const mapping = matchHeaders(reader.headers, { ...options.mapping, ...txtColumn });
	const mapper = new RowMapper(mapping, options);
	const batchSize = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_IMPORT_BATCH_SIZE));
	const maxFailuresKept = options.maxFailuresKept ?? 10_000;
	const keepLast = (options.duplicates ?? 'keepFirst') === 'keepLast';
	const summary: ImportSummary = {
		rowsRead: 0,
		added: 0,
		updated: 0,
		unchanged: 0,
		failed: 0,
		duplicates: 0,
		optedOut: 0,
		format: reader.format,
		delimiter: reader.delimiter,
		headers: reader.headers,
		mapping: mapping.fields,
		attributeColumns: attributeColumnsOf(mapping, options.keepColumns ?? true),
		failures: [],
		failuresTruncated: false,
		complete: true,
		notWritten: 0,
	};
	/** waId → outcome code of its first write (0 = not yet written). */
	const seen = new WaIdTable();
	let batch: ContactInput[] = [];
	let lines: number[] = [];
	/** Per batch entry: is it a repeat of a waId seen earlier in the file (keep-last)? */
	let repeats: boolean[] = [];

	const fail = (failure: ImportFailure) => {
		summary.failed++;
		if (summary.failures.length < maxFailuresKept) summary.failures.push(failure);
		else summary.failuresTruncated = true;
	};

	/** Applies one written batch's outcomes to the summary (in file order). */
	const account = (b: ContactInput[], l: number[], r: boolean[], outcomes: UpsertOutcome[]) => {
		for (let k = 0; k < b.length; k++) {
			const outcome = outcomes[k];
			const waId = b[k].waId;
			const firstCode = seen.get(waId) ?? 0;
			if (!r[k] || firstCode === 0) {
				// First write of this waId in the file.
				seen.set(waId, OUTCOME_CODE[outcome]);
				summary[outcome]++;
			} else if (outcome === 'updated' && firstCode === OUTCOME_CODE.unchanged) {
				// A later row changed a contact its first row had left as it was.
				summary.unchanged--;
				summary.updated++;
				seen.set(waId, OUTCOME_CODE.updated);
			}
			options.onContact?.(b[k], outcome, l[k]);
		}
	};

	/**
	 * Hands the batch to the sink and keeps reading: at most one batch is being written while the
	 * next is parsed (a sink in another thread then overlaps parsing with database work). Batches
	 * are accounted for strictly in file order; a batch whose write failed is counted as not
	 * written, and every batch already handed to the sink is still awaited and accounted (so a
	 * summary never leaves out a batch the store did commit).
	 */
	const inflight: Array<{ b: ContactInput[]; l: number[]; r: boolean[]; write: Promise<UpsertOutcome[]> }> = [];
	let batchesWritten = 0;
	let sinkError: unknown;
	const settleOldest = async () => {
		const w = inflight.shift();
		if (!w) return;
		try {
			const outcomes = await w.write;
			account(w.b, w.l, w.r, outcomes);
			batchesWritten++;
		} catch (error) {
			sinkError ??= error;
			summary.notWritten += w.r.filter((repeat) => !repeat).length;
		}
	};
	const flush = async () => {
		if (batch.length === 0) return;
		const write = sink.upsertContacts(batch, { tagsMode: options.tagsMode ?? 'merge', now: options.now?.() });
		write.catch(() => undefined); // its rejection is handled in settleOldest
		inflight.push({ b: batch, l: lines, r: repeats, write });
		batch = [];
		lines = [];
		repeats = [];
		while (inflight.length > 1) await settleOldest();
		if (sinkError !== undefined) throw sinkError;
	};
	const drain = async () => {
		while (inflight.length > 0) await settleOldest();
	};
	const dropPending = () => {
		summary.notWritten += repeats.filter((repeat) => !repeat).length;
		batch = [];
		lines = [];
		repeats = [];
	};

	let readError: unknown;
	try {
		for await (const entry of reader.entries as AsyncIterable<CsvEntry>) {
			summary.rowsRead++;
			if (!entry.ok) {
				fail({ line: entry.line, raw: entry.raw, reason: entry.reason });
				continue;
			}
			const mapped = mapper.map(entry.record);
			if (!mapped.ok) {
				fail({ line: entry.line, raw: mapped.raw, reason: mapped.reason, field: mapped.field });
				continue;
			}
			let contact = mapped.contact;
			if (contact.optOut) summary.optedOut++;
			const waId = contact.waId;
			const known = seen.has(waId);
			if (known) {
				summary.duplicates++;
				if (!keepLast) {
					if (!contact.optOut) continue;
					// Keep-first skips the row's fields but never its opt-out.
					contact = { waId, optOut: contact.optOut };
				}
			} else {
				seen.set(waId, 0);
			}
			batch.push(contact);
			lines.push(entry.line);
			repeats.push(known);
			if (batch.length >= batchSize) await flush();
		}
	} catch (error) {
		if (sinkError === undefined) readError = error;
	}
	// Reading failed part-way with nothing handed to the store yet: a file-level error, nothing
	// written. Otherwise the rows read before the failure are written too, and the summary says
	// where reading stopped. (readError is only kept while the sink has not failed.)
	if (readError !== undefined && inflight.length === 0 && batchesWritten === 0) throw readError;
	if (sinkError === undefined) {
		try {
			await flush();
		} catch {
			// counted as not written by settleOldest
		}
	}
	await drain();
	if (sinkError !== undefined) dropPending();
	const error = readError ?? sinkError;
	if (error === undefined) return summary;
	if (batchesWritten === 0 && summary.added + summary.updated + summary.unchanged === 0) throw error;
	summary.complete = false;
	summary.error = error instanceof Error ? error.message : String(error);
	const at = (error as { at?: FilePosition }).at;
	summary.stoppedAt = at ?? reader.position?.();
	return summary;
}
