/**
 * Process setup every harness entry point needs before n8n-core builds its services.
 *
 * - n8n-core's InstanceSettings (read by every node execution context) creates `<N8N_USER_FOLDER>/.n8n/config`
 *   with an encryption key on first use: tests get a throwaway user folder so nothing is written to ~/.n8n,
 *   and nodes/shared/store.ts puts its default SQLite file there too.
 * - Expressions: n8n-workflow 2.x defaults to the `legacy` (in-process) expression engine; the `vm` engine
 *   needs the native isolated-vm addon, which is not built here (.npmrc ignore-scripts). We pin `legacy`
 *   explicitly (`Expression.setExpressionEngine('legacy')`, same as N8N_EXPRESSION_ENGINE=legacy) so the
 *   harness never tries to load it.
 * - Logging: n8n-core's logger is silenced unless WA_HARNESS_LOG_LEVEL is set (e.g. `debug`).
 * - Binary data: BinaryDataService without `init()` has no storage manager and keeps binary data inline
 *   (base64 in `binary.<key>.data`), n8n's in-memory "default" mode. Nothing to initialise.
 */
import * as fs from 'node:fs';
import { Expression } from 'n8n-workflow';
import { tmpDir } from '../helpers/tmp';

let userFolder: string | undefined;

export function ensureHarnessEnv(): string {
	if (userFolder) return userFolder;
	// One folder per jest worker process (env survives jest's per-file module registry).
	if (!process.env.WA_HARNESS_USER_FOLDER) {
		const created = tmpDir('wa-harness-');
		process.env.WA_HARNESS_USER_FOLDER = created;
		process.once('exit', () => fs.rmSync(created, { recursive: true, force: true }));
	}
	userFolder = process.env.WA_HARNESS_USER_FOLDER;
	process.env.N8N_USER_FOLDER = userFolder;
	process.env.N8N_ENCRYPTION_KEY ??= 'wa-harness-test-key';
	process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
	// n8n-core logs every node error; keep test output readable (WA_HARNESS_LOG_LEVEL=debug to see them).
	process.env.N8N_LOG_LEVEL = process.env.WA_HARNESS_LOG_LEVEL ?? 'silent';
	process.env.N8N_EXPRESSION_ENGINE = 'legacy';
	Expression.setExpressionEngine('legacy');
	return userFolder;
}
