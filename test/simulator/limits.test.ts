/** Throughput, pair rate, messaging limit, 24 h window and recipient outcomes (cloud-api.md §3, §5, §6). */
import { helloWorld, PHONE, PHONE2, promo, startSim, statusesOf, text, type TestSim } from './support';

let t: TestSim;
afterEach(async () => t?.stop());

const failedCodes = async (sim: TestSim): Promise<number[]> => {
	const wh = await sim.ctl('/webhooks?field=messages');
	return statusesOf(wh.data.map((w: any) => w.body))
		.filter((s) => s.status === 'failed')
		.map((s) => s.errors[0].code);
};

describe('throughput (mps, sliding 1 s window)', () => {
	it('accepts mps messages per second per number, then 130429 until the window slides', async () => {
		t = await startSim({ mps: 5 });
		for (let i = 0; i < 5; i++) expect((await t.send(helloWorld(`1650555${1000 + i}`))).status).toBe(200);
		const over = await t.send(helloWorld('16505552000'));
		expect(over.status).toBe(400);
		expect(over.body.error.code).toBe(130429);
		expect(over.body.error.message).toMatch(/^\(#130429\)/);
		// the other number has its own window
		expect((await t.send(helloWorld('16505552001'), PHONE2)).status).toBe(200);
		await t.advance(999);
		expect((await t.send(helloWorld('16505552002'))).body.error.code).toBe(130429);
		await t.advance(1);
		expect((await t.send(helloWorld('16505552003'))).status).toBe(200);
		const stats = await t.ctl('/stats');
		expect(stats.maxAcceptedPerSecond[PHONE]).toBe(5);
		expect(stats.errors['130429']).toBe(2);
	});

	it('uses the configured HTTP status and the per-number mps set via the control API', async () => {
		t = await startSim({ mps: 100, errorStatus: { 130429: 429 } });
		await t.ctl(`/phone-numbers/${PHONE}`, { mps: 1 });
		expect((await t.send(helloWorld('16505551000'))).status).toBe(200);
		const r = await t.send(helloWorld('16505551001'));
		expect(r.status).toBe(429);
		expect(r.body.error.code).toBe(130429);
		expect(r.headers.get('x-business-use-case-usage')).toContain('estimated_time_to_regain_access');
		const phone = await t.api(`/v23.0/${PHONE}?fields=throughput`);
		expect(phone.body.throughput).toEqual({ level: 'STANDARD' });
		await t.ctl(`/phone-numbers/${PHONE}`, { mps: 1000 });
		expect((await t.api(`/v23.0/${PHONE}?fields=throughput`)).body.throughput).toEqual({ level: 'HIGH' });
		const upgrade = (await t.ctl('/webhooks?field=phone_number_quality_update')).data.map((w: any) => w.body.entry[0].changes[0].value);
		expect(upgrade).toEqual([{ display_phone_number: '15550783881', event: 'THROUGHPUT_UPGRADE', max_daily_conversations_per_business: 2000 }]);
	});

	it('forced 130429 bursts fail exactly the next N sends', async () => {
		t = await startSim();
		await t.ctl('/faults', { force130429: 2 });
		const codes = [];
		for (let i = 0; i < 3; i++) codes.push((await t.send(helloWorld(`165055530${i}0`))).body.error?.code ?? 'ok');
		expect(codes).toEqual([130429, 130429, 'ok']);
	});
});

describe('pair rate', () => {
	it('rejects a second message to the same recipient within 6 s with 131056', async () => {
		t = await startSim();
		expect((await t.send(helloWorld('16505554000'))).status).toBe(200);
		await t.advance(5999);
		const r = await t.send(helloWorld('16505554000'));
		expect(r.body.error.code).toBe(131056);
		expect((await t.send(helloWorld('16505554001'))).status).toBe(200); // others unaffected
		await t.advance(1);
		expect((await t.send(helloWorld('16505554000'))).status).toBe(200);
	});

	it('is configurable (0 disables)', async () => {
		t = await startSim({ pairRateMs: 0 });
		expect((await t.send(helloWorld('16505554000'))).status).toBe(200);
		expect((await t.send(helloWorld('16505554000'))).status).toBe(200);
	});
});

describe('messaging limit (unique business-initiated recipients per rolling 24 h, portfolio-wide)', () => {
	it('fails new recipients over the tier asynchronously with 131049 by default, across numbers', async () => {
		t = await startSim({ tier: 2 });
		expect((await t.send(helloWorld('16505556001'))).status).toBe(200);
		expect((await t.send(helloWorld('16505556002'), PHONE2)).status).toBe(200);
		const third = await t.send(helloWorld('16505556003'));
		expect(third.status).toBe(200); // accepted, then failed
		await t.advance(7000);
		expect((await t.send(helloWorld('16505556001'))).status).toBe(200); // already counted: fine
		await t.advance(1000);
		expect(await failedCodes(t)).toEqual([131049]);
		const msgs = await t.ctl('/messages?status=failed');
		expect(msgs.data.map((m: any) => m.to)).toEqual(['16505556003']);
		const stats = await t.ctl('/stats');
		expect(stats.messagingLimit).toEqual({ limit: 'TIER_2', uniqueRecipients24h: 2 });
		// rolling: 24 h later the budget is free again
		await t.advance(24 * 3600 * 1000);
		expect((await t.send(helloWorld('16505556004'))).status).toBe(200);
		await t.advance(1000);
		expect(await failedCodes(t)).toEqual([131049]);
	});

	it('does not count recipients with an open window, and can fail synchronously with a configured code', async () => {
		t = await startSim({ tier: 1, messagingLimit: { mode: 'sync', code: 131048 } });
		await t.ctl('/inbound', { from: '16505557000', text: 'hi' });
		expect((await t.send(helloWorld('16505557000'))).status).toBe(200); // window open: free
		expect((await t.send(helloWorld('16505557001'))).status).toBe(200); // uses the 1 slot
		const r = await t.send(helloWorld('16505557002'));
		expect(r.status).toBe(400);
		expect(r.body.error.code).toBe(131048);
	});

	it('uses the highest tier of the portfolio and reports it on the phone number', async () => {
		t = await startSim({ tier: 250 });
		await t.ctl(`/phone-numbers/${PHONE2}`, { tier: 10000 });
		await t.ctl(`/phone-numbers/${PHONE}`, { tier: 500 }); // portfolio stays at 10K: no second event
		const caps = (await t.ctl('/webhooks?field=business_capability_update')).data.map((w: any) => w.body.entry[0].changes[0].value);
		expect(caps).toEqual([{ max_daily_conversations_per_business: 10000, max_phone_numbers_per_waba: 25 }]);
		const r = await t.api(`/v23.0/${PHONE}?fields=whatsapp_business_manager_messaging_limit,messaging_limit_tier`);
		expect(r.body).toMatchObject({ whatsapp_business_manager_messaging_limit: 'TIER_10K', messaging_limit_tier: 'TIER_500' });
	});
});

describe('24 h customer-service window', () => {
	it('free-form messages without a recent inbound message fail with 131047 (async by default)', async () => {
		t = await startSim();
		expect((await t.send(text('16505558000'))).status).toBe(200);
		await t.advance(1000);
		expect(await failedCodes(t)).toEqual([131047]);
	});

	it('inbound opens the window for 24 h; sync mode answers 131047 directly', async () => {
		t = await startSim({ windowMode: 'sync' });
		expect((await t.send(text('16505558001'))).body.error.code).toBe(131047);
		await t.ctl('/inbound', { from: '16505558001', text: 'hello' });
		await t.advance(6000);
		expect((await t.send(text('16505558001'))).status).toBe(200);
		await t.advance(24 * 3600 * 1000);
		expect((await t.send(text('16505558001'))).body.error.code).toBe(131047);
		expect((await t.send(helloWorld('16505558001'))).status).toBe(200); // templates still allowed
	});
});

describe('recipient outcomes', () => {
	it('unreachable numbers (default: ending in 0000) are accepted then fail with 131026', async () => {
		t = await startSim();
		expect((await t.send(helloWorld('16505550000'))).status).toBe(200);
		expect((await t.send(helloWorld('16505550001'))).status).toBe(200);
		await t.advance(2000);
		expect(await failedCodes(t)).toEqual([131026]);
		await t.ctl('/config', { unreachable: '^1999' });
		expect((await t.send(helloWorld('19995550001'))).status).toBe(200);
		await t.advance(2000);
		expect(await failedCodes(t)).toEqual([131026, 131026]);
	});

	it('opted-out recipients get 131050 for MARKETING templates only (control API and inbound STOP)', async () => {
		t = await startSim({ optOutOnStop: true });
		await t.ctl('/opt-outs', { wa_id: '+16505559001' });
		await t.ctl('/inbound', { from: '16505559002', text: 'STOP' });
		expect((await t.ctl('/opt-outs')).data.sort()).toEqual(['16505559001', '16505559002']);
		await t.send(promo('16505559001'));
		await t.send(promo('16505559002'));
		await t.send(helloWorld('16505559003'));
		await t.advance(7000);
		await t.send(helloWorld('16505559001')); // utility: not affected
		await t.advance(2000);
		expect(await failedCodes(t)).toEqual([131050, 131050]);
		await t.ctl('/opt-outs', { wa_id: '16505559001', opted_out: false });
		await t.advance(7000);
		await t.send(promo('16505559001'));
		await t.advance(2000);
		expect(await failedCodes(t)).toEqual([131050, 131050]);
	});

	it('inbound STOP does not opt out unless configured', async () => {
		t = await startSim();
		await t.ctl('/inbound', { from: '16505559002', text: 'STOP' });
		expect((await t.ctl('/opt-outs')).data).toEqual([]);
	});

	it('per-user marketing cap 131049 at a seeded probability, deterministic per seed', async () => {
		const run = async (seed: number) => {
			t = await startSim({ marketingCapRate: 0.5, seed });
			for (let i = 0; i < 20; i++) await t.send(promo(`165055590${String(i).padStart(2, '0')}`));
			await t.advance(2000);
			const failed = (await t.ctl('/messages?status=failed')).data.map((m: any) => m.to);
			await t.stop();
			return failed;
		};
		const a = await run(7);
		const b = await run(7);
		const c = await run(8);
		expect(a).toEqual(b);
		expect(a.length).toBeGreaterThan(0);
		expect(a.length).toBeLessThan(20);
		expect(c).not.toEqual(a);
		t = await startSim({ marketingCapRate: 1 });
		await t.send(helloWorld('16505559100'));
		await t.send(promo('16505559101'));
		await t.advance(2000);
		expect(await failedCodes(t)).toEqual([131049]);
	});
});
