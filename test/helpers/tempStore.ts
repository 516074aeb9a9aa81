/**
 * A fresh SQLite store file per test (in a temp folder from tmp.ts), and its clean-up: the stores
 * the nodes opened on it (nodes/shared/store.ts caches them) are closed first, then the test's own.
 *
 *   beforeEach(async () => ({ dir, dbPath, store } = await openTempStore('wa-contacts-')));
 *   afterEach(() => closeTempStore({ dir, store }));
 *
 * or, as one live object: `const t = useTempStore('wa-contacts-')` (t.dir, t.dbPath, t.store).
 *
 * Or, for nodes run without a Store credential, the default store path (env) per test:
 *
 *   const env = useEnvStorePath('wa-window-');   // env.storePath: this test's file
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

/**
 * Registers the hooks that point WHATSAPP_CLOUD_STORE_PATH (the store the nodes open without a
 * Store credential) at a fresh file before each test, in one temp folder per test file; after all,
 * the stores are closed, the variable unset and the folder removed. The returned object is live:
 * `storePath` is the current test's file, `dir` the folder.
 */
export function useEnvStorePath(prefix: string): { dir: string; storePath: string } {
	const env = { dir: '', storePath: '' };
	beforeAll(() => {
		env.dir = tmpDir(prefix);
	});
	beforeEach(async () => {
		await closeAllStores();
		env.storePath = path.join(env.dir, `store-${Math.random().toString(36).slice(2)}.sqlite`);
		process.env.WHATSAPP_CLOUD_STORE_PATH = env.storePath;
	});
	afterAll(async () => {
		await closeAllStores();
		delete process.env.WHATSAPP_CLOUD_STORE_PATH;
		fs.rmSync(env.dir, { recursive: true, force: true });
	});
	return env;
}

/** Registers the hooks for a fresh store per test (openTempStore / closeTempStore); the object is live. */
export function useTempStore(prefix = 'wa-store-'): TempStore {
	const t = {} as TempStore;
	beforeEach(async () => {
		Object.assign(t, await openTempStore(prefix));
	});
	afterEach(() => closeTempStore(t));
	return t;
}
