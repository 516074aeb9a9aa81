/**
 * The importer fuzzer (fuzz/files.ts) at a small size: 150 seeded malformed CSV / TXT / XLSX files
 * through the import entry point the Contacts node calls, each into a fresh SQLite store. Every
 * file must end as a file-level error with nothing written, or as a summary whose counts are what
 * the store gained. (`npm run fuzz` runs 1,000.)
 */
import { fuzzFiles } from '../../fuzz/files';

test('150 malformed files: no crash, no hang, file-level errors write nothing, summaries count what was written', async () => {
	const result = await fuzzFiles({ seed: 15, count: 150 });
	expect(result.violations).toEqual([]);
	expect(result.files).toBe(150);
	expect(result.fileErrors + result.summaries).toBe(150);
	// The corpus reaches both outcomes.
	expect(result.fileErrors).toBeGreaterThan(20);
	expect(result.summaries).toBeGreaterThan(20);
}, 300_000);
