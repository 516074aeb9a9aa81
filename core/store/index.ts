/**
 * The state store entry point: `openStore(options)` picks the backend. Callers only see the Store
 * interface (types.ts); SQL stays behind it.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { SqliteStore } from './sqlite';
import { openPostgresStore } from './postgres';
import type { PostgresStoreOptions, Store, StoreOptions } from './types';

export * from './types';
export { MIGRATIONS, LATEST_SCHEMA_VERSION } from './migrations';
export type { Migration } from './migrations';

/**
 * The embedded SQLite file the nodes and the receiver share when no store is configured:
 * $WHATSAPP_CLOUD_STORE_PATH, else `<N8N_USER_FOLDER or home>/.n8n/whatsapp-cloud.sqlite` (beside n8n's own data).
 */
export function defaultStorePath(): string {
	if (process.env.WHATSAPP_CLOUD_STORE_PATH) return process.env.WHATSAPP_CLOUD_STORE_PATH;
	return path.join(process.env.N8N_USER_FOLDER || os.homedir(), '.n8n', 'whatsapp-cloud.sqlite');
}

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

/** Postgres store options from a connection URL (`postgres://user:pass@host:port/db`) and an optional schema. */
export function postgresOptionsFromUrl(url: string, schema?: string): PostgresStoreOptions {
	const u = new URL(url);
	if (!/^postgres(ql)?:$/.test(u.protocol)) throw new Error(`Not a Postgres URL (postgres://…): got protocol ${u.protocol}`);
	return {
		backend: 'postgres',
		host: u.hostname,
		port: u.port ? Number(u.port) : 5432,
		database: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres',
		user: decodeURIComponent(u.username) || 'postgres',
		password: u.password ? decodeURIComponent(u.password) : undefined,
		schema,
	};
}
