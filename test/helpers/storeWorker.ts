/**
 * Child process for test/store/concurrency.test.ts: opens the shared SQLite file and hammers it
 * (contact upserts, budget reservations, recipient claims, dedup keys, shared arrival slots), then
 * prints one JSON line.
 * Run with `node -r test/helpers/register-ts.js test/helpers/storeWorker.ts <file> <role> <n>`.
 * It waits for "go" on stdin so both processes start writing at the same moment.
 */
import { openStore } from '../../core/store';

async function main(): Promise<void> {
	const [file, role, nText] = process.argv.slice(2);
	const n = Number(nText);
	const store = await openStore({ backend: 'sqlite', path: file });
	process.stdout.write('ready\n');
	await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));

	const startedAt = Date.now();
	const charged: string[] = [];
	const claimed: string[] = [];
	const firstKeys: string[] = [];
	const slots: Array<{ seq: number; at: number }> = [];
	let lostGuard = 0;
	for (let round = 0; round < n; round++) {
		// Shared contacts: both processes merge their own tag and attribute into the same rows.
		await store.upsertContacts(
			Array.from({ length: 10 }, (_, i) => ({ waId: String(100000 + round * 10 + i), tags: [role], attributes: { [role]: round } })),
		);
		// Own contacts.
		await store.upsertContacts([{ waId: `${role === 'A' ? 2 : 3}${String(round).padStart(6, '0')}`, name: role }]);
		// Both try to charge the same recipients against one small budget.
		const r = await store.reserveBudget('waba', `b${round}`, 25, 1_000_000);
		if (r.charged) charged.push(`b${round}`);
		// Claim a few ledger rows and record an outcome under the claim guard.
		for (const rec of await store.claimRecipients({ campaignId: 'c', workerId: role, limit: 3, now: 1_000_000, leaseMs: 600_000 })) {
			claimed.push(rec.waId);
			const ok = await store.updateRecipient('c', rec.waId, { state: 'accepted', messageId: `m-${rec.waId}`, expectClaimedBy: role });
			if (!ok) lostGuard++;
		}
		// One shared pace: ≤ 5 slots in any 200 ms, whoever books.
		slots.push(
			await store.bookArrival('mps', { ratePerS: 1000, toleranceMs: 0, windowCount: 5, windowMs: 200, at: 1_000_000, maxAheadMs: 1e12, keepMs: 1e9 }),
		);
		const fresh = await store.markProcessedMany([`k${round}`, `k${round + 1}`], 1_000_000);
		if (fresh[0]) firstKeys.push(`k${round}`);
		if (fresh[1]) firstKeys.push(`k${round + 1}`);
	}
	// Drain the ledger.
	for (;;) {
		const batch = await store.claimRecipients({ campaignId: 'c', workerId: role, limit: 7, now: 1_000_000, leaseMs: 600_000 });
		if (batch.length === 0) break;
		for (const rec of batch) {
			claimed.push(rec.waId);
			if (!(await store.updateRecipient('c', rec.waId, { state: 'accepted', expectClaimedBy: role }))) lostGuard++;
		}
	}
	const endedAt = Date.now();
	await store.close();
	process.stdout.write(JSON.stringify({ role, charged, claimed, firstKeys, slots, lostGuard, startedAt, endedAt }) + '\n');
}

main().catch((error: unknown) => {
	process.stderr.write(String((error as Error)?.stack ?? error) + '\n');
	process.exit(1);
});
