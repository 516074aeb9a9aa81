/**
 * The SQLite store's import sink (SqliteStore.importSink): contact upserts written by a worker
 * thread (worker.ts), so a large import parses CSV rows and normalizes phone numbers on the main
 * thread while SQLite writes the previous batch (node:sqlite is synchronous: in one thread the two
 * never overlap). Same store file, same semantics: the worker opens its own SqliteStore connection
 * (WAL lets both coexist).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ContactInput, Store, UpsertOptions, UpsertOutcome } from '../types';

type Reply = { id: number; outcomes?: UpsertOutcome[]; error?: string } | { ready: true } | { closed: true } | { failed: string };

export class SqliteImportSink implements Pick<Store, 'upsertContacts'> {
	private nextId = 1;
	private readonly waiting = new Map<number, { resolve: (o: UpsertOutcome[]) => void; reject: (e: Error) => void }>();
	private closing?: () => void;

	private constructor(private readonly worker: Worker) {
		worker.on('message', (m: Reply) => {
			if ('closed' in m) return this.closing?.();
			if (!('id' in m)) return;
			const w = this.waiting.get(m.id);
			this.waiting.delete(m.id);
			if (m.error !== undefined) w?.reject(new Error(m.error));
			else w?.resolve(m.outcomes ?? []);
		});
		worker.on('error', (error) => this.failAll(error));
		worker.on('exit', (code) => this.failAll(new Error(`The import's store worker exited (code ${code})`)));
	}

	/** The compiled worker script (absent when running from TypeScript sources, e.g. under jest). */
	static readonly defaultScript = path.join(__dirname, 'worker.js');

	static available(script = SqliteImportSink.defaultScript): boolean {
		return fs.existsSync(script);
	}

	/** Starts the worker on the SQLite file at `storePath` (migrations already applied by the caller's store). */
	static async open(storePath: string, script = SqliteImportSink.defaultScript): Promise<SqliteImportSink> {
		// A bounded heap: the worker holds at most two batches; SQLite's page cache lives outside it.
		const worker = new Worker(script, { workerData: { path: storePath }, resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 } });
		await new Promise<void>((resolve, reject) => {
			const onMessage = (m: Reply) => {
				if ('ready' in m) done(resolve);
				else if ('failed' in m) done(() => reject(new Error(m.failed)));
			};
			const onError = (e: Error) => done(() => reject(e));
			const done = (fn: () => void) => {
				worker.off('message', onMessage);
				worker.off('error', onError);
				fn();
			};
			worker.on('message', onMessage);
			worker.on('error', onError);
		});
		return new SqliteImportSink(worker);
	}

	upsertContacts(inputs: ContactInput[], options?: UpsertOptions): Promise<UpsertOutcome[]> {
		const id = this.nextId++;
		return new Promise((resolve, reject) => {
			this.waiting.set(id, { resolve, reject });
			this.worker.postMessage({ id, inputs, options });
		});
	}

	async close(): Promise<void> {
		await new Promise<void>((resolve) => {
			this.closing = resolve;
			this.worker.postMessage({ close: true });
		});
		await this.worker.terminate();
	}

	private failAll(error: Error): void {
		for (const w of this.waiting.values()) w.reject(error);
		this.waiting.clear();
	}
}
