/**
 * The Send and Wait store (core/sendAndWait/waits.ts) beside the WhatsApp store a node uses: the
 * same SQLite file or Postgres schema, from the same optional WhatsApp Store credential, opened
 * once per process (the waiting node and the trigger must share it; in queue mode the file or
 * the database is what the worker and the main process have in common).
 */
import { openWaitStore, type WaitStore } from '../../core/sendAndWait/waits';
import type { StoreOptions } from '../../core/store/types';
import { CredentialReader, getOptionalCredentials, STORE_CREDENTIAL } from './credentials';
import { storeOptionsFromCredentials, storesByOptions } from './store';

const waitStores = storesByOptions(openWaitStore);

export function getWaitStoreFor(options: StoreOptions): Promise<WaitStore> {
	return waitStores.get(options);
}

export async function getWaitStore(ctx: CredentialReader): Promise<WaitStore> {
	return getWaitStoreFor(storeOptionsFromCredentials(await getOptionalCredentials(ctx, STORE_CREDENTIAL)));
}

/** Closes every wait store opened by this process (tests). */
export function closeAllWaitStores(): Promise<void> {
	return waitStores.closeAll();
}
