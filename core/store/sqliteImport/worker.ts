/** The worker thread behind SqliteImportSink (sink.ts): one SqliteStore connection, batches in arrival order. */
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteStore } from '../sqlite';

async function main(): Promise<void> {
	const port = parentPort;
	if (!port) return;
	let store: SqliteStore;
	try {
		// 32 MB of page cache holds the hot index pages of a 1M-contact import (wa_id index ≈ 30 MB).
		store = await SqliteStore.open(String((workerData as { path: string }).path), { cacheMb: 32 });
	} catch (error) {
		port.postMessage({ failed: (error as Error).message });
		return;
	}
	let queue = Promise.resolve();
	port.on('message', (m: { id?: number; inputs?: never[]; options?: never; close?: boolean }) => {
		queue = queue.then(async () => {
			if (m.close) {
				await store.close();
				port.postMessage({ closed: true });
				return;
			}
			try {
				port.postMessage({ id: m.id, outcomes: await store.upsertContacts(m.inputs ?? [], m.options) });
			} catch (error) {
				port.postMessage({ id: m.id, error: (error as Error).message });
			}
		});
	});
	port.postMessage({ ready: true });
}

void main();
