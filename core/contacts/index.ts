export { importContacts } from './import';
export type { ImportOptions, ImportSummary, ImportFailure, DuplicatePolicy, ContactSink } from './import';
export { RowMapper, splitName, splitTags } from './mapping';
export type { RowMappingOptions, MappedRow } from './mapping';
export { contactsToCsv, contactCsvRow, csvField, EXPORT_COLUMNS } from './export';
