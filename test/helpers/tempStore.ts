/**
 * A fresh SQLite store file per test (in a temp folder from tmp.ts), and its clean-up: the stores
 * the nodes opened on it (nodes/shared/store.ts caches them) are closed first, then the test's own.
 *
 *   beforeEach(async () => ({ dir, dbPath, store } = await openTempStore('wa-contacts-')));
 *   afterEach(() => closeTempStore({ dir, store }));
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openStore } from '../../core/store';
import type { Store } from '../../core/store/types';
import { closeAllStores } from '../../nodes/shared/store';
import { tmpDir } from './tmp';

export interface TempStore {
	dir: string;
	dbPath: string;
	store: Store;
}

export async function openTempStore(prefix = 'wa-store-'): Promise<TempStore> {
	const dir = tmpDir(prefix);
	const dbPath = path.join(dir, 'store.sqlite');
	return { dir, dbPath, store: await openStore({ backend: 'sqlite', path: dbPath }) };
}

export async function closeTempStore(t: Pick<TempStore, 'dir' | 'store'>): Promise<void> {
	await closeAllStores();
	await t.store.close();
	fs.rmSync(t.dir, { recursive: true, force: true });
}
