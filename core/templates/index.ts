/** Message templates: Meta's rules, validation, variables, send building, rendering, languages and Graph calls. */
export * from './types';
export * from './rules';
export * from './variables';
export * from './validate';
export * from './build';
export * from './render';
export * from './languages';
export * from './api';
export * from './fields';
