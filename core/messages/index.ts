export * from './limits';
export * from './media';
export * from './build';
export * from './api';
export * from './marketing';
