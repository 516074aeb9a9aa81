/**
 * The one temp-folder helper for tests: folders live inside the jest run's folder (WA_TEST_TMP,
 * test/setup/tmpRoot.js), which the global teardown removes even when a worker is stopped early.
 * Outside jest (a child process, a script) they fall back to the OS temp folder.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A fresh, empty folder named `<prefix>XXXXXX`. */
export function tmpDir(prefix = 'wa-test-'): string {
	return fs.mkdtempSync(path.join(process.env.WA_TEST_TMP ?? os.tmpdir(), prefix));
}

/** A store file path (`store.sqlite`) in a fresh folder. */
export function tmpStorePath(prefix = 'wa-store-'): string {
	return path.join(tmpDir(prefix), 'store.sqlite');
}
