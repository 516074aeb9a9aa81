export * from './clock';
export * from './tokenBucket';
export * from './sharedPacer';
export * from './pairRate';
export * from './budget';
export * from './concurrency';
export * from './backoff';
export * from './arrivals';
