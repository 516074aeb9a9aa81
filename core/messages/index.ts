export * from './limits';
export * from './build';
