/**
 * "Long campaigns log progress" (issue #7): Send Campaign writes progress lines to n8n's log
 * (`this.logger.info`) while it sends and once at the end. The node asks the engine for a report
 * every PROGRESS_LOG_EVERY_MS (10 s); the engine's cadence itself is tested in engine.test.ts, so
 * here the engine is wrapped to report on every loop turn and the test checks what the node logs.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type * as Engine from '../../core/campaign/engine';
import type { RunCampaignOptions } from '../../core/campaign/types';
import { createSimulator, DEFAULT_PHONE_NUMBERS, DEFAULT_WABA_ID } from '../../simulator';
import type { RunningSimulator, Simulator } from '../../simulator';
import { PROGRESS_LOG_EVERY_MS, WhatsAppCampaign } from '../../nodes/WhatsAppCampaign/WhatsAppCampaign.node';
import { closeAllStores } from '../../nodes/shared/store';
import { jsonOf, runNode } from '../harness';
import { tmpDb } from '../helpers/campaignFixtures';

const asked: { progressEveryMs?: number }[] = [];
/** Off: the engine runs as the node asks (10 s cadence); on: a report on every loop turn. */
let everyTurn = false;

jest.mock('../../core/campaign/engine', () => {
	const actual = jest.requireActual<typeof Engine>('../../core/campaign/engine');
	return {
		...actual,
		runCampaign: (options: RunCampaignOptions) => {
			asked.push({ progressEveryMs: options.progressEveryMs });
			return actual.runCampaign(everyTurn ? { ...options, progressEveryMs: 0 } : options);
		},
	};
});

const PHONE = DEFAULT_PHONE_NUMBERS[0].id;
let sim: Simulator;
let running: RunningSimulator;
let dbPath: string;
let templateId: string;
const TOKEN = 'sim-token';
const creds = () => ({
	whatsAppCloudApi: { accessToken: TOKEN, businessAccountId: DEFAULT_WABA_ID, phoneNumberId: PHONE, baseUrl: running.url, apiVersion: 'v23.0' },
	whatsAppCloudStoreApi: { backend: 'sqlite', path: dbPath },
});
const node = new WhatsAppCampaign();
const people = (n: number) => Array.from({ length: n }, (_, i) => ({ json: { phone: `+${4915100000300 + i}`, name: `P${i}`, order: `A${i}` } }));
const params = (campaignId: string) => ({
	operation: 'sendCampaign',
	campaignId,
	phoneNumber: { mode: 'id', value: PHONE },
	template: { mode: 'id', value: templateId },
	audience: 'items',
	variables: { mappingMode: 'defineBelow', value: { 'body.1': '={{ $json.name }}', 'body.2': '={{ $json.order }}', 'button.0': '={{ $json.order }}' } },
	throughputMode: 'manual',
	mps: 40,
	messagingLimitMode: 'graph',
});

/** The campaign's progress lines in n8n's log (the harness logger is silent; the calls are still made). */
function progressLines(info: jest.SpyInstance, campaignId: string): { message: string; meta: Record<string, unknown> }[] {
	return info.mock.calls
		.filter(([message]) => typeof message === 'string' && message.startsWith(`WhatsApp campaign ${campaignId}:`))
		.map(([message, meta]) => ({ message: message as string, meta: (meta ?? {}) as Record<string, unknown> }));
}

beforeEach(async () => {
	asked.length = 0;
	everyTurn = false;
	sim = createSimulator({ mps: 80, tier: 2000, latencyMs: 2, seed: 4 });
	running = await sim.start();
	templateId = sim.state.templates.find(DEFAULT_WABA_ID, 'order_update', 'en_US')?.id as string;
	dbPath = tmpDb();
});
afterEach(async () => {
	jest.restoreAllMocks();
	await closeAllStores();
	await running.stop();
});

it('logs progress while sending (counts only grow) and a final line with every recipient accepted; no secrets', async () => {
	everyTurn = true;
	const info = jest.spyOn(Container.get(Logger), 'info').mockImplementation(() => undefined);
	const r = await runNode(node, params('progress-1'), people(20), creds());
	expect(r.nodeError).toBeUndefined();
	expect(jsonOf(r.items).every((o) => o.state === 'accepted')).toBe(true);
	expect(asked).toEqual([{ progressEveryMs: PROGRESS_LOG_EVERY_MS }]);

	const lines = progressLines(info, 'progress-1');
	expect(lines.length).toBeGreaterThan(2);
	const accepted = lines.map((l) => l.meta.accepted as number);
	expect(accepted).toEqual([...accepted].sort((a, b) => a - b));
	expect(accepted[0]).toBeLessThan(20);
	const last = lines[lines.length - 1];
	expect(last.message).toMatch(/^WhatsApp campaign progress-1: 20 accepted, 0 skipped, 0 failed, 0 deferred, 0 retried, 0 unknown, 0 in flight, [\d.]+ mps, 0 throttle errors, \d+ s$/);
	expect(last.meta).toMatchObject({ campaignId: 'progress-1', accepted: 20, failed: 0, inFlight: 0 });
	for (const l of lines) expect(JSON.stringify(l)).not.toContain(TOKEN);
});

it('a short campaign at the 10 s cadence still logs its final count once', async () => {
	const info = jest.spyOn(Container.get(Logger), 'info').mockImplementation(() => undefined);
	await runNode(node, params('progress-2'), people(3), creds());
	const lines = progressLines(info, 'progress-2');
	expect(lines.map((l) => l.meta.accepted)).toEqual([3]);
});
