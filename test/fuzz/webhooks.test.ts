/**
 * The webhook fuzzer (fuzz/webhooks.ts) at a small size (2,000 deliveries, about a second): every
 * signed delivery answered 2xx/4xx, no unsigned one accepted. `npm run fuzz` runs 10,000.
 */
import { fuzzWebhooks } from '../../fuzz/webhooks';

jest.setTimeout(120_000);

it('2,000 seeded deliveries through the trigger node: 0 violations, both kinds exercised', async () => {
	const result = await fuzzWebhooks({ seed: 15, count: 2000 });
	expect(result.violations).toEqual([]);
	expect(result.deliveries).toBe(2000);
	expect(result.status5xx).toBe(0);
	expect(result.acceptedUnsigned).toBe(0);
	// the mix really covers signed and unsigned, accepted and rejected, and skipped-event reports
	expect(result.signed).toBeGreaterThan(1000);
	expect(result.unsigned).toBeGreaterThan(500);
	expect(result.signed + result.unsigned).toBe(2000);
	expect(result.byStatus['401']).toBe(result.unsigned);
	expect(result.byStatus['400']).toBeGreaterThan(30);
	expect(result.byStatus['200'] ?? 0).toBeGreaterThan(300);
	expect(result.skippedItems).toBeGreaterThan(0);
});

it('is deterministic for a seed', async () => {
	const a = await fuzzWebhooks({ seed: 7, count: 150 });
	const b = await fuzzWebhooks({ seed: 7, count: 150 });
	expect({ ...a }).toEqual({ ...b });
});
