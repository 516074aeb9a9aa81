export { importContacts, DEFAULT_IMPORT_BATCH_SIZE } from './import';
export type { ImportOptions, ImportSummary, ImportFailure, DuplicatePolicy, ContactSink } from './import';
export { RowMapper, splitName, splitTags } from './mapping';
export type { RowMappingOptions, MappedRow } from './mapping';
export { contactsToCsv, contactCsvRow, csvField, EXPORT_COLUMNS } from './export';
export { importContactFile, openContactFile } from './importFile';
export type { ContactFile, ContactFileFormat, ImportFileOptions } from './importFile';
export { parseLastFirst } from './mapping';
