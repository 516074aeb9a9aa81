/**
 * n8n's filesystem binary-data mode (`N8N_DEFAULT_BINARY_DATA_MODE=filesystem`, the n8n 2.x default)
 * for harness runs. By default the harness keeps binaries inline (base64 in `binary.<key>.data`, see
 * env.ts); with this mode on, binaries live in files and items carry only an `id`
 * (`filesystem-v2:workflows/…/binary_data/<uuid>`), so nodes must read them with
 * `getBinaryStream(id)` / `getBinaryDataBuffer`, and `prepareBinaryData` writes files.
 *
 *   const fsMode = await useFilesystemBinaryData();
 *   const binary = await fsMode.store(Buffer.from('phone\n…'), { fileName: 'c.csv', mimeType: 'text/csv' });
 *   await runNode(node, params, [{ json: {}, binary: { data: binary } }], creds);
 *   fsMode.restore(); // back to inline mode (in afterEach)
 *
 * It switches n8n-core's BinaryDataService (a DI singleton: one per jest test file) for every run
 * until `restore()`.
 */
import * as fs from 'node:fs';
import type { Readable } from 'node:stream';
import { Container } from '@n8n/di';
import { BinaryDataConfig, BinaryDataService, FileLocation } from 'n8n-core';
import type { IBinaryData } from 'n8n-workflow';
import { ensureHarnessEnv } from './env';
import { tmpDir } from '../helpers/tmp';

export interface FilesystemBinaryData {
	/** Folder holding the binary files (a temp folder unless given). */
	storagePath: string;
	/** Stores bytes (or a stream) as n8n does for a node output and returns the item's binary entry. */
	store(data: Buffer | Readable, meta: { mimeType: string; fileName?: string }): Promise<IBinaryData>;
	/** Absolute path of a stored binary's file. */
	pathOf(binary: IBinaryData): string;
	/** Back to inline (in-memory) binaries; removes the temp folder. */
	restore(): void;
}

export async function useFilesystemBinaryData(storagePath?: string): Promise<FilesystemBinaryData> {
	ensureHarnessEnv();
	const dir = storagePath ?? tmpDir('wa-harness-binary-');
	const config = Container.get(BinaryDataConfig);
	const service = Container.get(BinaryDataService);
	const saved = { mode: config.mode, localStoragePath: config.localStoragePath };
	config.mode = 'filesystem';
	config.localStoragePath = dir;
	await service.init();
	// Binaries given to a run as input: stored under their own "execution" of the harness workflow.
	const inputLocation = FileLocation.ofExecution('harness-workflow', 'harness-input');
	return {
		storagePath: dir,
		store: (data, meta) => service.store(inputLocation, data, { data: '', mimeType: meta.mimeType, ...(meta.fileName ? { fileName: meta.fileName } : {}) }),
		pathOf: (binary) => {
			if (!binary.id) throw new Error('Harness: this binary is inline (no id), not stored in the filesystem');
			return service.getPath(binary.id);
		},
		restore: () => {
			// Without managers BinaryDataService keeps binaries inline again (what an un-initialised service does).
			(service as unknown as { managers: Record<string, unknown> }).managers = {};
			config.mode = saved.mode;
			config.localStoragePath = saved.localStoragePath;
			if (!storagePath) fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}
