/**
 * The Send and Wait store (core/sendAndWait/waits.ts) beside the WhatsApp store a node uses: the
 * same SQLite file or Postgres schema, from the same optional WhatsApp Store credential, opened
 * once per process (the waiting node and the trigger must share it; in queue mode the file or
 * the database is what the worker and the main process have in common).
 */
import { openWaitStore, type WaitStore } from '../../core/sendAndWait/waits';
import type { StoreOptions } from '../../core/store/types';
import { CredentialReader, getOptionalCredentials, STORE_CREDENTIAL } from './credentials';
import { storeOptionsFromCredentials } from './store';
import * as fs from 'node:fs';
import * as path from 'node:path';

const open = new Map<string, Promise<WaitStore>>();

export function getWaitStoreFor(options: StoreOptions): Promise<WaitStore> {
	const key = JSON.stringify(options);
	let store = open.get(key);
	if (!store) {
		if (options.backend === 'sqlite' && options.path !== ':memory:') fs.mkdirSync(path.dirname(options.path), { recursive: true });
		store = openWaitStore(options);
		store.catch(() => open.delete(key));
		open.set(key, store);
	}
	return store;
}

export async function getWaitStore(ctx: CredentialReader): Promise<WaitStore> {
	return getWaitStoreFor(storeOptionsFromCredentials(await getOptionalCredentials(ctx, STORE_CREDENTIAL)));
}

/** Closes every wait store opened by this process (tests). */
export async function closeAllWaitStores(): Promise<void> {
	const stores = [...open.values()];
	open.clear();
	await Promise.all(stores.map(async (s) => (await s).close().catch(() => undefined)));
}
