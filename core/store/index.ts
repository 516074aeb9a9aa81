/**
 * The state store entry point: `openStore(options)` picks the backend. Callers only see the Store
 * interface (types.ts); SQL stays behind it.
 */
import { SqliteStore } from './sqlite';
import { openPostgresStore } from './postgres';
import type { Store, StoreOptions } from './types';

export * from './types';
export { MIGRATIONS, LATEST_SCHEMA_VERSION } from './migrations';
export type { Migration } from './migrations';

/** Opens the store and brings its schema up to date (migrations are applied on open). */
export async function openStore(options: StoreOptions): Promise<Store> {
	switch (options?.backend) {
		case 'sqlite':
			return SqliteStore.open(options.path);
		case 'postgres':
			return openPostgresStore(options);
		default:
			throw new Error(`Unknown store backend ${JSON.stringify((options as { backend?: unknown } | undefined)?.backend)}: use "sqlite" or "postgres"`);
	}
}
