export { openCsv, sniffDelimiter, CsvFileError, DEFAULT_MAX_RECORD_SIZE } from './reader';
export type { FilePosition } from './errors';
export { checkTextFile, Utf8Checker } from './utf8';
export { openXlsx, checkXlsx, looksLikeZip, looksLikeOle, cellText, formatNumber } from './xlsx';
export type { XlsxInput, XlsxReadOptions } from './xlsx';
export type { CsvReader, CsvReadOptions, CsvEntry, CsvRow, CsvRowFailure, CsvDelimiter, CsvFormat, ByteSource } from './reader';
export { matchHeaders, headerKey, fieldOfHeader, CONTACT_FIELDS } from './headers';
export type { ContactField, HeaderMapping, HeaderOverrides } from './headers';
