/**
 * Campaigns that run themselves (issue 17), through workflow executions against the simulator:
 *  - a scheduled campaign is started by the WhatsApp Campaign Trigger (polling) → Continue Due
 *    Campaigns, with no human re-run;
 *  - two Continue Due Campaigns executions at once on Postgres: 0 duplicates, ≤ the number's cap;
 *  - a follow-up to "read, not replied" of an earlier campaign: exactly that set, minus new opt-outs.
 */
import { createSimulator, DEFAULT_PHONE_NUMBERS, DEFAULT_WABA_ID } from '../../simulator';
import type { RunningSimulator, Simulator } from '../../simulator';
import { openStore } from '../../core/store';
import type { Store } from '../../core/store/types';
import { WhatsAppCampaign } from '../../nodes/WhatsAppCampaign/WhatsAppCampaign.node';
import { WhatsAppCampaignTrigger } from '../../nodes/WhatsAppCampaignTrigger/WhatsAppCampaignTrigger.node';
import { WhatsAppContacts } from '../../nodes/WhatsAppContacts/WhatsAppContacts.node';
import { closeAllStores } from '../../nodes/shared/store';
import { jsonOf, runNode, runPoll, runWorkflow } from '../harness';
import { pgOptions, pgSkipped, startPostgres } from '../helpers/pg';
import { simControl, startTriggerReceiver, waitFor, type TriggerReceiver } from '../helpers/triggerReceiver';
import { sendCampaignParams, tmpDb } from '../helpers/campaignFixtures';
import type { IDataObject } from 'n8n-workflow';

const PHONE = DEFAULT_PHONE_NUMBERS[0].id;
const SECRET = 'due-runs-secret';

let sim: Simulator;
let running: RunningSimulator;
let dbPath: string;
let storeCred: Record<string, string>;

const creds = () => ({
	whatsAppCloudApi: { accessToken: 'sim-token', businessAccountId: DEFAULT_WABA_ID, phoneNumberId: PHONE, baseUrl: running.url, apiVersion: 'v23.0' },
	whatsAppCloudStoreApi: storeCred,
});
const templateId = (name: string) => sim.state.templates.find(DEFAULT_WABA_ID, name, 'en_US')?.id as string;
const people = (n: number, base: number) => Array.from({ length: n }, (_, i) => ({ json: { phone: `+${base + i}`, name: `P${i}` } }));

function sendParams(campaignId: string, extra: IDataObject = {}) {
	const mapping = { 'body.1': '={{ $json.name }}', 'body.2': 'A1', 'button.0': 'A1' };
	return sendCampaignParams(campaignId, { phoneNumberId: PHONE, templateId: templateId('order_update') }, mapping, extra);
}

async function start(options: Parameters<typeof createSimulator>[0] = {}): Promise<void> {
	sim = createSimulator({ mps: 80, tier: 100_000, latencyMs: 5, seed: 21, appSecret: SECRET, ...options });
	running = await sim.start();
}

afterEach(async () => {
	await closeAllStores();
	await running?.stop();
});

describe('SQLite store', () => {
	beforeEach(() => {
		dbPath = tmpDb();
		storeCred = { backend: 'sqlite', path: dbPath };
	});

	it('a scheduled campaign is started by the WhatsApp Campaign Trigger → Continue Due Campaigns, with no human re-run', async () => {
		await start();
		const startAt = new Date(Date.now() + 1500).toISOString();
		const scheduled = await runNode(new WhatsAppCampaign(), sendParams('scheduled', { schedule: { startAt } }), people(5, 4915200005000), creds());
		expect(scheduled.status).toBe('success');
		const summary = scheduled.nodeOutputs[1][0].json as Record<string, any>;
		expect(summary).toMatchObject({ campaignState: 'running', scheduledFor: startAt, thisRun: { sent: 0 } });
		expect(sim.state.messages).toHaveLength(0);

		let staticData = {};
		const early = await runPoll(new WhatsAppCampaignTrigger(), {}, creds(), { staticData });
		expect(early.result).toBeNull();
		await new Promise((r) => setTimeout(r, Date.parse(startAt) - Date.now() + 50));
		const due = await runPoll(new WhatsAppCampaignTrigger(), {}, creds(), { staticData });
		staticData = due.staticData;
		expect(jsonOf(due.result?.[0] ?? [])).toEqual([expect.objectContaining({ campaignId: 'scheduled', due: 5, expire: false, startAt })]);

		// The workflow the trigger starts: Campaign Trigger → WhatsApp Campaign (Continue Due Campaigns).
		const run = await runWorkflow({
			nodes: [
				{ name: 'Due', type: 'whatsAppCampaignTrigger', parameters: {} },
				{ name: 'Continue', type: 'whatsAppCampaign', parameters: { operation: 'continueDue', maxSeconds: 60 } },
			],
			connections: { Due: { main: [[{ node: 'Continue', type: 'main', index: 0 }]] } },
			credentials: creds(),
			startNode: 'Due',
			startOutputs: due.result as never,
		});
		expect(run.status).toBe('success');
		expect(jsonOf(run.outputs.Continue[0])).toEqual([expect.objectContaining({ campaignId: 'scheduled', campaignState: 'completed', thisRun: expect.objectContaining({ sent: 5 }) })]);
		expect(sim.state.messages).toHaveLength(5);
		// Nothing due any more: the next poll starts nothing.
		expect((await runPoll(new WhatsAppCampaignTrigger(), {}, creds(), { staticData })).result).toBeNull();
	}, 60_000);

	it('a follow-up to "read, not replied" of an earlier campaign: exactly that set, minus new opt-outs', async () => {
		dbPath = tmpDb();
		storeCred = { backend: 'sqlite', path: dbPath };
		const receiver: TriggerReceiver = await startTriggerReceiver(SECRET, () => storeCred);
		await start({ webhookUrl: receiver.url, readRate: 0.5, statusDelays: { sent: 10, delivered: 20, read: 40 } });
		try {
			const first = await runNode(new WhatsAppCampaign(), sendParams('first', { throughputMode: 'manual', mps: 80 }), people(12, 4915200006000), creds());
			expect(first.status).toBe('success');
			await waitFor(() => sim.state.messages.every((m) => m.status === 'delivered' || m.status === 'read'));
			await new Promise((r) => setTimeout(r, 300)); // the last status webhooks
			const store: Store = await openStore({ backend: 'sqlite', path: dbPath });
			try {
				const rows = (await store.listRecipients('first', {}, { limit: 100 })).items;
				const read = rows.filter((r) => r.state === 'read').map((r) => r.waId);
				expect(read.length).toBeGreaterThan(2);
				// One reader replies (typed); one opts out since (by hand, e.g. a support call).
				const before = receiver.deliveries.length;
				await simControl(running.url, 'inbound', { from: read[0], type: 'text', text: 'thanks!' });
				await waitFor(() => receiver.deliveries.slice(before).some((d) => d.field === 'messages'));
				const out = await runNode(new WhatsAppContacts(), { operation: 'optOut', phone: `+${read[1]}`, consentSource: 'support call' }, [{ json: {} }], creds());
				expect(jsonOf(out.items)[0]).toMatchObject({ optedOut: true });
				expect((await store.getRecipient('first', read[0]))?.state).toBe('replied');
				const sentBefore = sim.state.messages.length;
				const follow = await runNode(
					new WhatsAppCampaign(),
					{ ...sendParams('follow-up', { throughputMode: 'manual', mps: 80 }), template: { mode: 'id', value: templateId('promo_named') }, audience: 'campaign', sourceCampaignId: 'first', sourceStates: ['read'], variables: { mappingMode: 'defineBelow', value: { 'header.media': 'https://cdn.example/p.jpg', 'body.first_name': 'you', 'body.promo_code': 'AGAIN' } } },
					[{ json: {} }],
					creds(),
				);
				expect(follow.status).toBe('success');
				const to = sim.state.messages.slice(sentBefore).map((m) => m.to).sort();
				expect(to).toEqual(read.slice(2).sort());
				expect(await store.getRecipient('follow-up', read[1])).toMatchObject({ state: 'skipped', errorMessage: expect.stringMatching(/^opted out \(support call/) });
			} finally {
				await store.close();
			}
		} finally {
			await receiver.close();
		}
	}, 60_000);
});

(pgSkipped() ? describe.skip : describe)('Postgres store (queue mode)', () => {
	it('two Continue Due Campaigns executions at once: 0 duplicates, combined rate ≤ the cap', async () => {
		const url = startPostgres();
		const schema = `due_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
		const o = pgOptions(url, schema);
		storeCred = { backend: 'postgres', host: o.host, port: String(o.port ?? 5432), database: o.database, user: o.user, password: o.password ?? '', schema };
		await start({ mps: 80 });
		const startAt = new Date(Date.now() + 2000).toISOString();
		const r = await runNode(
			new WhatsAppCampaign(),
			sendParams('pg-due', { schedule: { startAt }, campaignOptions: { sharedThroughput: true } }),
			people(400, 4915200007000),
			creds(),
		);
		expect(r.status).toBe('success');
		await new Promise((res) => setTimeout(res, Date.parse(startAt) - Date.now() + 50));
		const [a, b] = await Promise.all([
			runNode(new WhatsAppCampaign(), { operation: 'continueDue', maxSeconds: 60 }, [{ json: {} }], creds()),
			runNode(new WhatsAppCampaign(), { operation: 'continueDue', maxSeconds: 60 }, [{ json: {} }], creds()),
		]);
		expect(a.status).toBe('success');
		expect(b.status).toBe('success');
		const sentA = (jsonOf(a.items)[0] as Record<string, any>).thisRun?.sent ?? 0;
		const sentB = (jsonOf(b.items)[0] as Record<string, any>).thisRun?.sent ?? 0;
		expect(sentA + sentB).toBe(400);
		expect(sentA).toBeGreaterThan(0);
		expect(sentB).toBeGreaterThan(0);
		const stats = sim.stats() as unknown as { duplicateSends: { total: number }; maxAcceptedPerSecond: Record<string, number>; errors: Record<string, number> };
		expect(stats.duplicateSends.total).toBe(0);
		expect(stats.maxAcceptedPerSecond[PHONE]).toBeLessThanOrEqual(80);
		expect(sim.state.messages).toHaveLength(400);
	}, 120_000);
});
