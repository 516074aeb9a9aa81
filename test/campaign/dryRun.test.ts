import { openStore } from '../../core/store';
import type { Store } from '../../core/store/types';
import { dryRunCampaign } from '../../core/campaign/dryRun';
import { approxPrice } from '../../core/campaign/pricing';
import { campaignSummary, setCampaignControl } from '../../core/campaign/control';
import { TEMPLATE, values, tmpDb } from '../helpers/campaignFixtures';

let store: Store;
beforeEach(async () => {
	store = await openStore({ backend: 'sqlite', path: tmpDb() });
});
afterEach(() => store.close());

describe('dryRunCampaign', () => {
	it('validates every payload, reports skips, deferrals, budget, ETA and cost; sends and writes nothing', async () => {
		const now = Date.UTC(2026, 0, 10);
		const clock = { now: () => now, sleep: async () => undefined };
		await store.upsertContacts([{ waId: '16505100003' }]);
		await store.setOptOut('16505100003', true, 'STOP');
		await store.recordInbound([{ phoneNumberId: '1001', waId: '4915123456789', at: now - 3600_000 }]);
		// Another campaign already used 1 of the 3 slots.
		await store.reserveBudget('bp1', '16505109999', 3, now - 1000);
		const recipients = [
			{ phone: '+1 650 510 0001', itemIndex: 0, values: values('a') },
			{ phone: '16505100002', itemIndex: 1, values: values('b') },
			{ phone: '16505100001', itemIndex: 2, values: values('dup') },
			{ phone: '16505100003', itemIndex: 3, values: values('c') },
			{ phone: 'abc', itemIndex: 4, values: values('d') },
			{ phone: '16505100005', itemIndex: 5, values: { body: ['only one'] } },
			{ phone: '+4915123456789', itemIndex: 6, values: values('open window') },
			{ phone: '16505100007', itemIndex: 7, values: values('over budget') },
		];
		const r = await dryRunCampaign({
			store,
			template: TEMPLATE,
			recipients,
			phoneNumberId: '1001',
			portfolioId: 'bp1',
			mps: 80,
			messagingLimit: 3,
			clock,
			collectRows: true,
		});
		expect(r.total).toBe(8);
		expect(r.skipped).toEqual({ duplicate: 1, optedOut: 1, invalidPhone: 1, invalidValues: 1, alreadyInCampaign: 0 });
		expect(r.wouldSend).toBe(3);
		expect(r.wouldDefer).toBe(1);
		expect(r.budget).toEqual({ limit: 3, usedNow: 1, newRecipients: 2, openWindow: 1, after: 3 });
		expect(r.etaSeconds).toBeGreaterThanOrEqual(24 * 3600);
		const rows = r.rows ?? [];
		expect(rows[5]).toMatchObject({ outcome: 'invalid', itemIndex: 5 });
		expect(rows[5].reason).toMatch(/item 5/);
		expect(rows[6]).toMatchObject({ outcome: 'would_send', windowOpen: true, country: 'DE' });
		expect(rows[7]).toMatchObject({ outcome: 'would_defer' });
		// two US marketing sends and one German one
		const expected = approxPrice('US', 'MARKETING') * 2 + approxPrice('DE', 'MARKETING');
		expect(r.estimatedCost.total).toBeCloseTo(expected, 4);
		expect(r.estimatedCost.byCountry.DE).toBeCloseTo(approxPrice('DE', 'MARKETING'), 6);
		expect(r.estimatedCost.note).toMatch(/approximate/);
		// Nothing was written.
		expect(await store.getCampaign('any')).toBeUndefined();
		expect(await store.budgetUsed('bp1', now)).toBe(1);
	});

	it('utility templates to open-window recipients cost nothing; unlimited budget never defers', async () => {
		const now = Date.UTC(2026, 0, 10);
		await store.recordInbound([{ phoneNumberId: '1001', waId: '12025550143', at: now - 1000 }]);
		const r = await dryRunCampaign({
			store,
			template: { ...TEMPLATE, category: 'UTILITY' },
			recipients: [
				{ phone: '+1 202 555 0143', values: values('a') },
				{ phone: '+1 202 555 0144', values: values('b') },
			],
			phoneNumberId: '1001',
			mps: 1000,
			clock: { now: () => now, sleep: async () => undefined },
		});
		expect(r.wouldSend).toBe(2);
		expect(r.budget.limit).toBeNull();
		expect(r.estimatedCost.total).toBeCloseTo(approxPrice('US', 'UTILITY'), 6);
		expect(r.etaSeconds).toBe(1);
	});
});

describe('campaign control and report', () => {
	it('pause / resume / stop with clear errors, and the hopper', async () => {
		await expect(setCampaignControl(store, 'nope', 'pause')).rejects.toThrow(/Campaign "nope" not found/);
		await store.createCampaign({ id: 'k1', phoneNumberId: '1001', templateName: 't', templateLanguage: 'en' });
		await store.addRecipients('k1', [{ waId: '16505100001' }, { waId: '16505100002' }, { waId: '16505100003', skipReason: 'x' }]);
		expect((await setCampaignControl(store, 'k1', 'pause')).state).toBe('paused');
		await expect(setCampaignControl(store, 'k1', 'pause')).rejects.toThrow(/is paused, not running/);
		expect((await setCampaignControl(store, 'k1', 'resume')).state).toBe('running');
		expect((await setCampaignControl(store, 'k1', 'stop', 'wrong audience')).reason).toBe('wrong audience');
		await store.updateRecipient('k1', '16505100001', { state: 'accepted', messageId: 'wamid.1' });
		await store.applyStatus({ messageId: 'wamid.1', status: 'read', at: Date.now() });
		const s = await campaignSummary(store, 'k1');
		expect(s.total).toBe(3);
		expect(s.hopper).toEqual({ fresh: 1, retry: 0, pending: 0, closed: 2 });
		expect(s.rates).toEqual({ delivery: 1, read: 1, reply: 0 });
	});
});
