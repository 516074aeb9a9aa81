/** The workflow-execution harness every node test uses. API: docs in test/harness/README.md. */
export * from './credentials';
export * from './nodeTypes';
export * from './workflow';
export * from './webhook';
export * from './loadOptions';
export * from './binaryData';
export * from './waiting';
