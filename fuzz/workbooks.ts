/**
 * Builds .xlsx workbooks for the importer's tests, the file fuzzer (files.ts) and the XLSX bench,
 * with exceljs's writer: cells typed as the user typed them (numbers, dates with a number format,
 * text, formulas), extra and hidden sheets, and a row offset for a header further down.
 */
import * as ExcelJS from 'exceljs';
import JSZip from 'jszip';

export type WorkbookCell = string | number | boolean | Date | null | { value: number | Date | string; numFmt: string } | { formula: string; result: number | string };

export interface SheetSpec {
	name: string;
	rows: WorkbookCell[][];
	/** 'hidden': not the default sheet. */
	state?: 'visible' | 'hidden';
	/** Empty rows above the first one. */
	startRow?: number;
}

function setCell(cell: ExcelJS.Cell, v: WorkbookCell): void {
	if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
		if ('numFmt' in v) {
			cell.value = v.value;
			cell.numFmt = v.numFmt;
			return;
		}
		cell.value = { formula: v.formula, result: v.result } as ExcelJS.CellFormulaValue;
		return;
	}
	cell.value = v;
	if (v instanceof Date) cell.numFmt = 'yyyy-mm-dd';
}

/** A whole workbook in memory (small files). */
export async function workbookBuffer(sheets: SheetSpec[]): Promise<Buffer> {
	const wb = new ExcelJS.Workbook();
	for (const spec of sheets) {
		const ws = wb.addWorksheet(spec.name, { state: spec.state ?? 'visible' });
		spec.rows.forEach((row, r) => {
			const excelRow = ws.getRow((spec.startRow ?? 1) + r);
			row.forEach((v, c) => {
				if (v !== null) setCell(excelRow.getCell(c + 1), v);
			});
		});
	}
	return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * A large one-sheet workbook written as a stream (exceljs's WorkbookWriter, shared strings on, as
 * Excel writes them) to `file`: `rows()` yields the rows.
 */
export async function writeLargeWorkbook(file: string, header: string[], rows: Iterable<WorkbookCell[]>): Promise<void> {
	const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true, useStyles: true });
	const ws = wb.addWorksheet('Contacts');
	ws.addRow(header).commit();
	for (const row of rows) {
		const r = ws.addRow(row.map((v) => (v !== null && typeof v === 'object' && !(v instanceof Date) && 'numFmt' in v ? v.value : v)));
		row.forEach((v, c) => {
			if (v !== null && typeof v === 'object' && !(v instanceof Date) && 'numFmt' in v) r.getCell(c + 1).numFmt = v.numFmt;
		});
		r.commit();
	}
	ws.commit();
	await wb.commit();
}

/**
 * Rewrites entries of a workbook (a valid ZIP with, say, broken XML inside): `edit` gets each file's
 * name and content and returns the new content (or the same).
 */
export async function editWorkbook(xlsx: Uint8Array, edit: (name: string, data: Buffer) => Buffer | string): Promise<Buffer> {
	const zip = await JSZip.loadAsync(xlsx);
	for (const name of Object.keys(zip.files)) {
		const entry = zip.files[name];
		if (entry.dir) continue;
		const data = await entry.async('nodebuffer');
		const next = edit(name, data);
		if (next !== data) zip.file(name, next);
	}
	return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}
