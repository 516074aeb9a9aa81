/**
 * The webhook fuzzer (fuzz/webhooks.ts) at a small size: every signed delivery answered 2xx/4xx,
 * no unsigned one accepted. `npm run fuzz` runs it at full size (10,000 deliveries).
 */
import { fuzzWebhooks } from '../../fuzz/webhooks';

jest.setTimeout(120_000);

it('600 seeded deliveries through the trigger node: 0 violations, both kinds exercised', async () => {
	const result = await fuzzWebhooks({ seed: 15, count: 600 });
	expect(result.violations).toEqual([]);
	expect(result.deliveries).toBe(600);
	expect(result.status5xx).toBe(0);
	expect(result.acceptedUnsigned).toBe(0);
	// the mix really covers signed and unsigned, accepted and rejected, and skipped-event reports
	expect(result.signed).toBeGreaterThan(300);
	expect(result.unsigned).toBeGreaterThan(150);
	expect(result.signed + result.unsigned).toBe(600);
	expect(result.byStatus['401']).toBe(result.unsigned);
	expect(result.byStatus['400']).toBeGreaterThan(10);
	expect((result.byStatus['200'] ?? 0)).toBeGreaterThan(100);
	expect(result.skippedItems).toBeGreaterThan(0);
});

it('is deterministic for a seed', async () => {
	const a = await fuzzWebhooks({ seed: 7, count: 150 });
	const b = await fuzzWebhooks({ seed: 7, count: 150 });
	expect({ ...a }).toEqual({ ...b });
});
