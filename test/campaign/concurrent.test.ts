/**
 * Two executions of one campaign at once (n8n queue mode: two workers, one store): the second run
 * must not take the first run's live claims for a crashed run's leftovers. Only claims whose lease
 * has run out are stale; every recipient is sent exactly once and ends in one final state.
 */
import { GraphClient } from '../../core/graph/client';
import { openStore } from '../../core/store';
import type { Store } from '../../core/store/types';
import { runCampaign, campaignRecipients } from '../../core/campaign/engine';
import type { RunCampaignOptions } from '../../core/campaign/types';
import { startCampaignSim, PHONE, SIM_TOKEN } from '../helpers/sim';
import { TEMPLATE, values, phones, tmpDb } from '../helpers/campaignFixtures';

/** Counts the rows each expireClaims call moved (to 'unknown' or back to the queue). */
function countExpired(store: Store): { moved: number } {
	const seen = { moved: 0 };
	const expire = store.expireClaims.bind(store);
	store.expireClaims = async (campaignId, now) => {
		const n = await expire(campaignId, now);
		seen.moved += n.unknown + n.requeued;
		return n;
	};
	return seen;
}

it('two concurrent runs of one campaign: no live claim becomes unknown, every recipient exactly once', async () => {
	const api = await startCampaignSim({ latencyMs: 20 });
	const db = tmpDb();
	// Two handles on one file, as two worker processes would have.
	const storeA = await openStore({ backend: 'sqlite', path: db });
	const storeB = await openStore({ backend: 'sqlite', path: db });
	const expiredA = countExpired(storeA);
	const expiredB = countExpired(storeB);
	const total = 240;
	try {
		const client = new GraphClient({ accessToken: SIM_TOKEN, baseUrl: api.url });
		const opts = (store: Store, workerId: string, extra: Partial<RunCampaignOptions> = {}): RunCampaignOptions => ({
			client,
			store,
			campaignId: 'twice',
			phoneNumberId: PHONE,
			template: TEMPLATE,
			limits: { mps: 120, sharedThroughput: true },
			requestTimeoutMs: 2000,
			workerId,
			...extra,
		});
		const recipients = phones(total).map((p, i) => ({ phone: p, itemIndex: i, values: values(`n${i}`) }));
		const a = runCampaign(opts(storeA, 'A', { recipients }));
		// B starts while A has claims in flight (both executions of the campaign run at once).
		const deadline = Date.now() + 10_000;
		while (api.accepted.length < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
		const inFlight = (await storeB.listRecipients('twice', { states: ['sending'] })).items;
		expect(inFlight.length).toBeGreaterThan(0);
		const b = runCampaign(opts(storeB, 'B'));
		const [ra, rb] = await Promise.all([a, b]);

		expect(expiredA.moved + expiredB.moved).toBe(0);
		expect(api.duplicates()).toBe(0);
		expect(api.accepted.length).toBe(total);
		// Both really sent: B is a second worker, not a no-op.
		expect(ra.accepted).toBeGreaterThan(0);
		expect(rb.accepted).toBeGreaterThan(0);
		expect(ra.accepted + rb.accepted).toBe(total);
		expect(ra.unknown + rb.unknown).toBe(0);
		const received = api.acceptedTo();
		let accepted = 0;
		for await (const r of campaignRecipients(storeA, 'twice')) {
			expect(r.state).toBe('accepted');
			expect(received.has(r.waId)).toBe(true);
			accepted++;
		}
		expect(accepted).toBe(total);
		// Each run waited for the other's sends to settle before reporting: both see it complete.
		expect(ra.state).toBe('completed');
		expect(rb.state).toBe('completed');
	} finally {
		await storeA.close();
		await storeB.close();
		await api.stop();
	}
});
