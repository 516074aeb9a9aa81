/**
 * Issue 17, "Progress an n8n user sees": the Campaign Report's eta / nextDueAt / funnel / sends per
 * hour / per-number rows / failures with Meta's titles (core/campaign/progressReport.ts), the HTML
 * report (core/campaign/htmlReport.ts) as binary output of a Campaign Report workflow execution
 * after a real campaign against the simulator (statuses and a reply through the trigger), the store
 * query behind the hourly chart on SQLite and Postgres, and the progress lines with ETA.
 */
import { ExecuteContext } from 'n8n-core';
import { createSimulator, DEFAULT_PHONE_NUMBERS, DEFAULT_WABA_ID } from '../../simulator';
import type { RunningSimulator, Simulator } from '../../simulator';
import { estimateEta, failureRows, funnelOf, hourlySeries, HOUR_MS, perNumberRows, campaignProgressReport } from '../../core/campaign/progressReport';
import { renderCampaignReportHtml } from '../../core/campaign/htmlReport';
import { openStore } from '../../core/store';
import { openPostgresStore } from '../../core/store/postgres';
import type { Store } from '../../core/store/types';
import { WhatsAppCampaign } from '../../nodes/WhatsAppCampaign/WhatsAppCampaign.node';
import { progressLine, progressReporter } from '../../nodes/WhatsAppCampaign/progress';
import { closeAllStores } from '../../nodes/shared/store';
import { jsonOf, runNode } from '../harness';
import { dropSchemas, pgOptions, pgSkipped, runPrefix, startPostgres } from '../helpers/pg';
import { simControl, startTriggerReceiver, waitFor, type TriggerReceiver } from '../helpers/triggerReceiver';
import { tmpDb } from '../helpers/campaignFixtures';

const PHONE = DEFAULT_PHONE_NUMBERS[0].id;
const T0 = Date.UTC(2026, 11, 5, 10, 0, 0);

describe('ETA, funnel, hourly series, failures (pure)', () => {
	it('ETA = now + left ÷ the pace of the last two clock hours; paused → none; only deferred → not before they are due', () => {
		const now = T0 + 30 * 60_000; // 10:30
		const hourly = [
			{ hourStart: T0 - HOUR_MS, sends: 3000 },
			{ hourStart: T0, sends: 1500 },
		];
		// 4,500 sends over 1.5 h = 3,000/h → 6,000 left = 2 h.
		const e = estimateEta({ now, state: 'running', ready: 6000, deferred: 0, hourly, startedAt: T0 - 5 * HOUR_MS });
		expect(e.eta).toBe(now + 2 * HOUR_MS);
		expect(e.basis).toMatch(/6000 left at 3000\/h/);
		// Started at 10:15: the pace is measured over 15 min, not 1.5 h.
		expect(estimateEta({ now, state: 'running', ready: 100, deferred: 0, hourly: [{ hourStart: T0, sends: 150 }], startedAt: T0 + 15 * 60_000 }).eta).toBe(now + 10 * 60_000);
		expect(estimateEta({ now, state: 'paused', ready: 10, deferred: 0, hourly }).eta).toBeNull();
		expect(estimateEta({ now, state: 'running', ready: 0, deferred: 0, hourly }).basis).toBe('nothing left to send');
		expect(estimateEta({ now, state: 'running', ready: 5, deferred: 0, hourly: [] }).eta).toBeNull();
		expect(estimateEta({ now, state: 'running', ready: 80, deferred: 0, hourly: [], fallbackMps: 80 }).eta).toBe(now + 1000);
		const due = now + 20 * HOUR_MS;
		const d = estimateEta({ now, state: 'running', ready: 0, deferred: 300, hourly, startedAt: 0, nextDueAt: due });
		expect(d.eta).toBe(due + 6 * 60_000);
		expect(d.basis).toContain('deferred recipients wait until');
	});

	it('hourly series: 24 clock hours, oldest first, gaps as 0, hours outside the window ignored; per-number rows', () => {
		const now = T0 + 5 * 60_000;
		const s = hourlySeries(
			[
				{ hourStart: T0 - 30 * HOUR_MS, sends: 99 },
				{ hourStart: T0 - 2 * HOUR_MS, sends: 7, phoneNumberId: 'a' },
				{ hourStart: T0 - 2 * HOUR_MS, sends: 5, phoneNumberId: 'b' },
				{ hourStart: T0, sends: 4 },
			],
			now,
		);
		expect(s).toHaveLength(24);
		expect(s[23]).toEqual({ hour: new Date(T0).toISOString(), sends: 4 });
		expect(s[21]).toEqual({ hour: new Date(T0 - 2 * HOUR_MS).toISOString(), sends: 12 });
		expect(s.reduce((a, x) => a + x.sends, 0)).toBe(16);

		const since = T0 - 23 * HOUR_MS;
		const hourly = [
			{ hourStart: T0, sends: 2, phoneNumberId: 'a' },
			{ hourStart: T0, sends: 3, phoneNumberId: 'b' },
		];
		const rows = perNumberRows(
			[
				{ phoneNumberId: 'a', total: 4, byState: { read: 1, delivered: 1, queued: 2 } },
				{ phoneNumberId: 'b', total: 3, byState: { replied: 1, failed: 2 } },
			],
			hourly,
			'campaign-number',
			since,
		);
		expect(rows).toEqual([
			{ phoneNumberId: 'a', total: 4, sent: 2, delivered: 2, read: 1, replied: 0, failed: 0, remaining: 2, sendsLast24h: 2 },
			{ phoneNumberId: 'b', total: 3, sent: 1, delivered: 1, read: 1, replied: 1, failed: 2, remaining: 0, sendsLast24h: 3 },
		]);
		// A ledger without a number per row: one row, the campaign's number; rows without one and rows
		// naming the campaign's number are the same number.
		expect(perNumberRows([{ total: 2, byState: { accepted: 2 } }], [{ hourStart: T0, sends: 2 }], 'n1', since)).toEqual([
			{ phoneNumberId: 'n1', total: 2, sent: 2, delivered: 0, read: 0, replied: 0, failed: 0, remaining: 0, sendsLast24h: 2 },
		]);
		expect(
			perNumberRows(
				[
					{ total: 2, byState: { accepted: 2 } },
					{ phoneNumberId: 'n1', total: 3, byState: { accepted: 1, queued: 2 } },
				],
				[{ hourStart: T0, sends: 2 }, { hourStart: T0, sends: 1, phoneNumberId: 'n1' }],
				'n1',
				since,
			),
		).toEqual([{ phoneNumberId: 'n1', total: 5, sent: 3, delivered: 0, read: 0, replied: 0, failed: 0, remaining: 2, sendsLast24h: 3 }]);
	});

	it("funnel stages include the later ones; failures carry Meta's titles, most frequent first", () => {
		expect(funnelOf({ accepted: 1, delivered: 2, read: 3, replied: 4, failed: 5 })).toEqual({ sent: 10, delivered: 9, read: 7, replied: 4, failed: 5 });
		expect(failureRows({ '131026': 2, '131049': 5, '999999': 1 })).toEqual([
			{ code: '131049', title: 'This message was not delivered to maintain healthy ecosystem engagement.', count: 5 },
			{ code: '131026', title: 'Message undeliverable', count: 2 },
			{ code: '999999', title: '', count: 1 },
		]);
	});

	it('the HTML escapes ledger text and needs nothing from outside (no script, no external URL)', () => {
		const html = renderCampaignReportHtml({
			campaignId: '<script>alert(1)</script>',
			state: 'running',
			reason: 'a "quoted" & <b>bold</b> reason',
			template: 'promo (en_US)',
			total: 1,
			byState: { queued: 1 },
			byErrorCode: {},
			hopper: { fresh: 1, retry: 0, pending: 0, closed: 0 },
			rates: { delivery: 0, read: 0, reply: 0 },
			generatedAt: new Date(T0).toISOString(),
			phoneNumberId: PHONE,
			funnel: { sent: 0, delivered: 0, read: 0, replied: 0, failed: 0 },
			remaining: 1,
			eta: null,
			etaBasis: 'no sends in the last 24 h to measure a pace',
			nextDueAt: null,
			sendsPerHour: hourlySeries([], T0),
			perNumber: [],
			failures: [],
		});
		expect(html).not.toContain('<script>');
		expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
		expect(html).toContain('a &quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt; reason');
		expect(html).not.toMatch(/(src|href)=["']?https?:/);
		expect((html.match(/<rect /g) ?? []).length).toBe(24);
	});
});

describe('progress lines with ETA (Send Campaign)', () => {
	const p = { campaignId: 'c', accepted: 100, skipped: 1, failed: 2, retried: 0, deferred: 0, unknown: 0, inFlight: 3, rateMps: 50, throttleErrors: 0, elapsedMs: 2000 };
	it('"N left, ETA …" at the current pace while something is left; the plain line when nothing is', () => {
		const now = T0;
		const l = progressLine('c', p, 500, now);
		expect(l.message).toBe(`WhatsApp campaign c: 100 accepted, 1 skipped, 2 failed, 0 deferred, 0 retried, 0 unknown, 3 in flight, 50 mps, 0 throttle errors, 2 s, 500 left, ETA ${new Date(now + 10_000).toISOString()}`);
		expect(l.meta).toMatchObject({ remaining: 500, eta: new Date(now + 10_000).toISOString() });
		expect(progressLine('c', p, 0, now).message).toMatch(/0 throttle errors, 2 s$/);
		expect(progressLine('c', { ...p, rateMps: 0 }, 100, now).message).toContain(`ETA ${new Date(now + 2000).toISOString()}`); // achieved 50/s
	});

	it('the reporter logs and sends the line to the editor; "left" follows the store minus what the run closed since', async () => {
		const store = await openStore({ backend: 'sqlite', path: tmpDb() });
		try {
			await store.createCampaign({ id: 'pr-1', phoneNumberId: PHONE }, T0);
			await store.addRecipients('pr-1', Array.from({ length: 40 }, (_, i) => ({ waId: String(4915200001000 + i), payload: {} })), T0);
			const info = jest.fn();
			const ui = jest.fn();
			const fn = { logger: { info }, sendMessageToUI: ui } as never;
			const report = progressReporter(fn, store, 'pr-1', () => T0);
			await new Promise((r) => setTimeout(r, 20)); // the first store read
			report({ ...p, accepted: 10, skipped: 0, failed: 0 });
			expect(info.mock.calls[0][0]).toMatch(/, 30 left, ETA /);
			expect(ui).toHaveBeenCalledWith(info.mock.calls[0][0]);
			const failing = { logger: { info }, sendMessageToUI: () => { throw new Error('no UI'); } } as never;
			expect(() => progressReporter(failing, store, 'pr-1')({ ...p })).not.toThrow();
		} finally {
			await store.close();
		}
	});
});

/** Store.sendsPerHour / reportByNumber and the template_category breaker: the same answers from both backends. */
function describeHourlyStore(name: string, open: () => Promise<Store>) {
	describe(`Store.sendsPerHour and reportByNumber (${name})`, () => {
		it('a template_category action sets the category of every campaign of that template (by id, or name + language), whatever its state', async () => {
			const store = await open();
			try {
				await store.createCampaign({ id: 'c-1', phoneNumberId: PHONE, templateName: 'promo', templateLanguage: 'en_US', category: 'MARKETING', templateId: '71' }, T0);
				await store.createCampaign({ id: 'c-2', phoneNumberId: PHONE, templateName: 'promo', templateLanguage: 'en_US', category: 'MARKETING' }, T0);
				await store.createCampaign({ id: 'c-3', phoneNumberId: PHONE, templateName: 'promo', templateLanguage: 'de', category: 'MARKETING' }, T0);
				await store.createCampaign({ id: 'c-4', phoneNumberId: PHONE, templateName: 'other', templateLanguage: 'en_US', category: 'MARKETING', templateId: '72' }, T0);
				await store.setCampaignState('c-2', 'paused', 'by user', T0, 'user');
				const effects = await store.applyBreakers([{ kind: 'template_category', templateId: '71', templateName: 'promo', language: 'en_US', category: 'UTILITY' }], T0 + 1);
				expect(effects).toEqual([]); // no campaign changes state
				const cat = async (id: string) => (await store.getCampaign(id))?.category;
				// c-1 by its template id; c-2 (no template id stored, paused) by name + language; not the German one.
				expect([await cat('c-1'), await cat('c-2'), await cat('c-3'), await cat('c-4')]).toEqual(['UTILITY', 'UTILITY', 'MARKETING', 'MARKETING']);
				expect((await store.getCampaign('c-2'))?.state).toBe('paused');
				// An event without a template id: by name + language only.
				await store.applyBreakers([{ kind: 'template_category', templateName: 'promo', language: 'de', category: 'UTILITY' }], T0 + 2);
				expect([await cat('c-3'), await cat('c-4')]).toEqual(['UTILITY', 'MARKETING']);
			} finally {
				await store.close();
			}
		});

		it("buckets recipients' dispatched_at by clock hour since a time; one row per number (the ledger has none per row)", async () => {
			const store = await open();
			try {
				await store.createCampaign({ id: 'h-1', phoneNumberId: PHONE }, T0 - 3 * HOUR_MS);
				const ids = Array.from({ length: 9 }, (_, i) => String(4915200002000 + i));
				await store.addRecipients('h-1', ids.map((waId) => ({ waId, payload: {} })), T0 - 3 * HOUR_MS);
				const at = [T0 - 3 * HOUR_MS + 10, T0 - 2 * HOUR_MS + 5, T0 - 2 * HOUR_MS + 3_599_000, T0 + 1, T0 + 2, T0 + 3];
				for (let i = 0; i < at.length; i++) {
					const [row] = await store.claimRecipients({ campaignId: 'h-1', workerId: 'w', limit: 1, now: at[i], leaseMs: 60_000 });
					expect(await store.markDispatched('h-1', [row.waId], 'w', at[i])).toEqual([row.waId]);
					await store.updateRecipient('h-1', row.waId, { state: i === 5 ? 'failed' : 'accepted', errorCode: i === 5 ? 131026 : null, now: at[i] });
				}
				// A ledger row names no number (single-number campaign), or the campaign's number (migration v9).
				const own = <T extends { phoneNumberId?: string }>(rows: T[]) => rows.map((r) => ({ ...r, phoneNumberId: r.phoneNumberId ?? PHONE }));
				expect(own(await store.sendsPerHour('h-1', T0 - 2 * HOUR_MS))).toEqual([
					{ hourStart: T0 - 2 * HOUR_MS, sends: 2, phoneNumberId: PHONE },
					{ hourStart: T0, sends: 3, phoneNumberId: PHONE },
				]);
				expect((await store.sendsPerHour('h-1', 0)).reduce((a, r) => a + r.sends, 0)).toBe(6);
				expect(await store.sendsPerHour('nope', 0)).toEqual([]);
				expect(own(await store.reportByNumber('h-1'))).toEqual([{ total: 9, byState: { accepted: 5, failed: 1, queued: 3 }, phoneNumberId: PHONE }]);

				const r = await campaignProgressReport(store, 'h-1', { now: T0 + 30 * 60_000 });
				expect(r).toMatchObject({ remaining: 3, funnel: { sent: 5, failed: 1 }, nextDueAt: null, failures: [{ code: '131026', title: 'Message undeliverable', count: 1 }] });
				expect(r.sendsPerHour).toHaveLength(24);
				expect(r.sendsPerHour.slice(-3).map((h) => h.sends)).toEqual([2, 0, 3]);
				expect(r.perNumber).toEqual([{ phoneNumberId: PHONE, total: 9, sent: 5, delivered: 0, read: 0, replied: 0, failed: 1, remaining: 3, sendsLast24h: 6 }]);
				// The last two clock hours (09:00–10:30) hold 3 sends: 2/h → 3 left = 1.5 h.
				expect(r.eta).toBe(new Date(T0 + 30 * 60_000 + 1.5 * HOUR_MS).toISOString());
				expect(r.etaBasis).toBe('3 left at 2/h (3 sends in the last 2 clock hours)');
			} finally {
				await store.close();
			}
		});
	});
}

describeHourlyStore('sqlite', () => openStore({ backend: 'sqlite', path: tmpDb() }));

it('per-number rows and hourly sends split by number once the ledger holds a phone_number_id per recipient (sender pools)', async () => {
	const file = tmpDb();
	const store = await openStore({ backend: 'sqlite', path: file });
	try {
		await store.createCampaign({ id: 'pool-1', phoneNumberId: 'n1' }, T0);
		await store.addRecipients('pool-1', ['4915200003001', '4915200003002', '4915200003003'].map((waId) => ({ waId, payload: {} })), T0);
		for (const [i, at] of [T0 + 1, T0 + 2, T0 + HOUR_MS].entries()) {
			const [row] = await store.claimRecipients({ campaignId: 'pool-1', workerId: 'w', limit: 1, now: at, leaseMs: 60_000 });
			await store.markDispatched('pool-1', [row.waId], 'w', at);
			await store.updateRecipient('pool-1', row.waId, { state: i === 2 ? 'failed' : 'accepted', now: at });
		}
		// The number each recipient is sent from (store migration v9, sender pools; added here when the
		// schema predates it).
		const { DatabaseSync } = await import('node:sqlite');
		const db = new DatabaseSync(file);
		const columns = db.prepare(`PRAGMA table_info(recipients)`).all() as { name: string }[];
		if (!columns.some((c) => c.name === 'phone_number_id')) db.exec(`ALTER TABLE recipients ADD COLUMN phone_number_id TEXT`);
		db.exec(`UPDATE recipients SET phone_number_id = CASE WHEN wa_id = '4915200003001' THEN 'n1' ELSE 'n2' END`);
		db.close();
		expect(await store.sendsPerHour('pool-1', 0)).toEqual([
			{ hourStart: T0, sends: 1, phoneNumberId: 'n1' },
			{ hourStart: T0, sends: 1, phoneNumberId: 'n2' },
			{ hourStart: T0 + HOUR_MS, sends: 1, phoneNumberId: 'n2' },
		]);
		const r = await campaignProgressReport(store, 'pool-1', { now: T0 + HOUR_MS + 60_000 });
		expect(r.perNumber).toEqual([
			{ phoneNumberId: 'n1', total: 1, sent: 1, delivered: 0, read: 0, replied: 0, failed: 0, remaining: 0, sendsLast24h: 1 },
			{ phoneNumberId: 'n2', total: 2, sent: 1, delivered: 0, read: 0, replied: 0, failed: 1, remaining: 0, sendsLast24h: 2 },
		]);
	} finally {
		await store.close();
	}
});

const describePg = pgSkipped() ? describe.skip : describe;
describePg('on Postgres', () => {
	let url = '';
	const prefix = runPrefix();
	let n = 0;
	beforeAll(() => {
		url = startPostgres();
	}, 10 * 60_000);
	afterAll(async () => {
		if (url) await dropSchemas(url, prefix);
	});
	describeHourlyStore('postgres', () => openPostgresStore({ ...pgOptions(url, `${prefix}_${++n}`), poolSize: 2 }));
});

describe('Campaign Report with HTML report (workflow executions, simulator, statuses through the trigger)', () => {
	const SECRET = 'report-secret';
	let sim: Simulator;
	let running: RunningSimulator;
	let receiver: TriggerReceiver;
	let dbPath: string;
	const storeCred = () => ({ backend: 'sqlite', path: dbPath });
	const creds = () => ({
		whatsAppCloudApi: { accessToken: 'sim-token', businessAccountId: DEFAULT_WABA_ID, phoneNumberId: PHONE, baseUrl: running.url, apiVersion: 'v27.0' },
		whatsAppCloudStoreApi: storeCred(),
	});
	const node = new WhatsAppCampaign();

	beforeEach(async () => {
		dbPath = tmpDb();
		receiver = await startTriggerReceiver(SECRET, storeCred);
		sim = createSimulator({ mps: 80, tier: 2000, latencyMs: 2, seed: 5, appSecret: SECRET, webhookUrl: receiver.url, readRate: 0.5, statusDelays: { sent: 10, delivered: 20, read: 30 } });
		running = await sim.start();
	});
	afterEach(async () => {
		await closeAllStores();
		await running.stop();
		await receiver.close();
	});

	it('funnel, failures with titles, 24 h chart and the per-number table in the summary and the HTML binary', async () => {
		const templateId = sim.state.templates.find(DEFAULT_WABA_ID, 'promo_named', 'en_US')?.id as string;
		// 12 people; the simulator cannot deliver to numbers ending 0000 (131026 by status webhook).
		const people = Array.from({ length: 12 }, (_, i) => ({ json: { phone: `+4915200${i < 2 ? `0${i}0000` : String(300100 + i)}`, name: `P${i}` } }));
		const ui = jest.spyOn(ExecuteContext.prototype, 'sendMessageToUI');
		const send = await runNode(
			node,
			{
				operation: 'sendCampaign',
				campaignId: 'rep-1',
				phoneNumber: { mode: 'id', value: PHONE },
				template: { mode: 'id', value: templateId },
				audience: 'items',
				phoneField: 'phone',
				variables: { mappingMode: 'defineBelow', value: { 'header.media': 'https://cdn.example/p.jpg', 'body.first_name': '={{ $json.name }}', 'body.promo_code': 'SPRING' } },
				throughputMode: 'graph',
				messagingLimitMode: 'graph',
			},
			people,
			creds(),
		);
		expect(send.nodeError).toBeUndefined();
		// The progress line reached the editor (n8n shows it in a manual run's browser console).
		expect(ui.mock.calls.map((c) => String(c[0])).filter((m) => m.startsWith('WhatsApp campaign rep-1: 12 accepted'))).toHaveLength(1);
		ui.mockRestore();
		// Sent to all 12 (statuses may already have moved some rows on).
		expect(jsonOf(send.items).filter((o) => o.sentThisRun === true && typeof o.messageId === 'string')).toHaveLength(12);
		const replier = (jsonOf(send.items)[5] as { waId: string }).waId;
		await waitFor(() => receiver.deliveries.filter((d) => d.field === 'messages').length >= 12 + 12, 20_000).catch(() => undefined);
		await simControl(running.url, 'inbound', { from: replier, type: 'button', text: 'Shop now' });
		const store = await openStore({ backend: 'sqlite', path: dbPath });
		try {
			for (let i = 0; i < 200; i++) {
				const r = await store.campaignReport('rep-1');
				if ((r.byState.failed ?? 0) === 2 && (r.byState.replied ?? 0) === 1 && (r.byState.accepted ?? 0) === 0) break;
				await new Promise((res) => setTimeout(res, 50));
			}
		} finally {
			await store.close();
		}

		const rep = await runNode(node, { operation: 'report', campaignId: 'rep-1', htmlReport: true, htmlBinaryProperty: 'html' }, [{ json: {} }], creds());
		expect(rep.nodeError).toBeUndefined();
		const summary = rep.items[0].json as Record<string, any>;
		expect(summary).toMatchObject({ campaignId: 'rep-1', state: 'completed', remaining: 0, eta: null, nextDueAt: null, phoneNumberId: PHONE });
		expect(summary.funnel).toMatchObject({ sent: 10, delivered: 10, replied: 1, failed: 2 });
		expect(summary.funnel.read).toBeGreaterThanOrEqual(1);
		expect(summary.failures).toEqual([{ code: '131026', title: 'Message undeliverable', count: 2 }]);
		expect(summary.sendsPerHour).toHaveLength(24);
		expect(summary.sendsPerHour[23].sends).toBe(12);
		expect(summary.perNumber).toEqual([expect.objectContaining({ phoneNumberId: PHONE, total: 12, sent: 10, failed: 2, sendsLast24h: 12 })]);

		const bin = rep.items[0].binary?.html;
		expect(bin).toMatchObject({ mimeType: 'text/html', fileName: 'campaign-rep-1-report.html' });
		const html = Buffer.from(bin?.data as string, 'base64').toString('utf8');
		expect(html).toContain('<h1>Campaign rep-1');
		expect(html).toContain('Message undeliverable');
		expect(html).toMatch(/<th scope="row">Replied<\/th><td class="num">1<\/td>/);
		expect((html.match(/<rect /g) ?? []).length).toBe(24);
		expect(html).not.toContain('sim-token');

		// Without the option: no binary; a bad field name is refused naming the field.
		const plain = await runNode(node, { operation: 'report', campaignId: 'rep-1' }, [{ json: {} }], creds());
		expect(plain.items[0].binary).toBeUndefined();
		const bad = await runNode(node, { operation: 'report', campaignId: 'rep-1', htmlReport: true, htmlBinaryProperty: '1 bad' }, [{ json: {} }], creds());
		expect(String(bad.nodeError?.message)).toContain('Put Report in Field');
	});
});
