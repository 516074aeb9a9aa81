export * from './types';
export * from './engine';
export * from './audience';
export * from './dryRun';
export * from './pricing';
export * from './control';
