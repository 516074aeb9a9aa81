/** Errors about a contact file as a whole (as opposed to one row of it). */

/** Where reading stopped: the 1-based line (CSV/TXT) or sheet row (XLSX), and the byte offset in the file. */
export interface FilePosition {
	line: number;
	byte?: number;
}

/**
 * A problem with the file as a whole (binary, not UTF-8, empty, no record structure, no phone column,
 * a damaged workbook…). `at` says where it was found when that is known.
 */
export class CsvFileError extends Error {
	constructor(
		message: string,
		readonly at?: FilePosition,
	) {
		super(message);
		this.name = 'CsvFileError';
	}
}
