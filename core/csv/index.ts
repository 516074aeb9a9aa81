export { openCsv, sniffDelimiter, CsvFileError, DEFAULT_MAX_RECORD_SIZE } from './reader';
export type { CsvReader, CsvReadOptions, CsvEntry, CsvRow, CsvRowFailure, CsvDelimiter, CsvFormat, ByteSource } from './reader';
export { matchHeaders, headerKey, CONTACT_FIELDS } from './headers';
export type { ContactField, HeaderMapping, HeaderOverrides } from './headers';
