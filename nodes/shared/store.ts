/**
 * The node side of the state store: which store a node uses, opened once per process.
 *
 * No WhatsApp Store credential → the embedded SQLite file in the n8n user folder
 * (`$N8N_USER_FOLDER/.n8n/whatsapp-cloud.sqlite`, n8n's own convention for its folder), or
 * `WHATSAPP_CLOUD_STORE_PATH` when set. Stores stay open for the life of the n8n process so
 * concurrent executions share one connection pool (and one set of locks).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { defaultStorePath, openStore } from '../../core/store';
import type { Store, StoreOptions } from '../../core/store/types';
import { CredentialReader, getOptionalCredentials, STORE_CREDENTIAL } from './credentials';

export function storeOptionsFromCredentials(c: ICredentialDataDecryptedObject | undefined): StoreOptions {
	if (!c || (c.backend ?? 'sqlite') === 'sqlite') {
		const file = c?.path ? String(c.path) : defaultStorePath();
		return { backend: 'sqlite', path: file };
	}
	return {
		backend: 'postgres',
		host: String(c.host ?? '127.0.0.1'),
		port: Number(c.port ?? 5432),
		database: String(c.database ?? ''),
		user: String(c.user ?? ''),
		password: c.password ? String(c.password) : undefined,
		ssl: Boolean(c.ssl),
		schema: c.schema ? String(c.schema) : 'public',
	};
}

/**
 * One open store per options for the life of the process (`get`), a failed open forgotten so the
 * next call retries; `closeAll` closes them (tests). The SQLite file's folder is created on first use.
 */
export function storesByOptions<T extends { close(): Promise<void> }>(openFor: (options: StoreOptions) => Promise<T>) {
	const open = new Map<string, Promise<T>>();
	return {
		get(options: StoreOptions): Promise<T> {
			const key = JSON.stringify(options);
			let store = open.get(key);
			if (!store) {
				if (options.backend === 'sqlite' && options.path !== ':memory:') fs.mkdirSync(path.dirname(options.path), { recursive: true });
				store = openFor(options);
				store.catch(() => open.delete(key));
				open.set(key, store);
			}
			return store;
		},
		async closeAll(): Promise<void> {
			const stores = [...open.values()];
			open.clear();
			await Promise.all(stores.map(async (s) => (await s).close().catch(() => undefined)));
		},
	};
}

const stores = storesByOptions(openStore);

export function getStoreFor(options: StoreOptions): Promise<Store> {
	return stores.get(options);
}

/** The store this node is configured for (the optional WhatsApp Store credential, or the default). */
export async function getStore(ctx: CredentialReader): Promise<Store> {
	const credentials = await getOptionalCredentials(ctx, STORE_CREDENTIAL);
	return getStoreFor(storeOptionsFromCredentials(credentials));
}

/** Closes every store opened by this process (tests). */
export function closeAllStores(): Promise<void> {
	return stores.closeAll();
}
