/**
 * The simulator and a fresh SQLite store per test, for workflow tests that run the Campaign,
 * Contacts or Conversation Window nodes against it (the nodes open the same store file through
 * their Store credential):
 *
 *   beforeEach(async () => ({ sim, running, dbPath, store } = await startSimStore({ mps: 80, seed: 3 })));
 *   afterEach(() => stopSimStore({ running, store }));
 *   runNode(node, params, items, simCreds(running.url, dbPath));
 */
import { openStore } from '../../core/store';
import type { Store } from '../../core/store/types';
import { closeAllStores } from '../../nodes/shared/store';
import { createSimulator, DEFAULT_PHONE_NUMBERS, DEFAULT_WABA_ID } from '../../simulator';
import type { RunningSimulator, Simulator, SimulatorOptions } from '../../simulator';
import { tmpDb } from './campaignFixtures';
import { startTriggerReceiver, type TriggerReceiver } from './triggerReceiver';

export interface SimStore {
	sim: Simulator;
	running: RunningSimulator;
	dbPath: string;
	store: Store;
}

/** Starts the simulator with `options`, then opens a store on a fresh file (tmpDb). */
export async function startSimStore(options: Partial<SimulatorOptions>): Promise<SimStore> {
	const sim = createSimulator(options);
	const running = await sim.start();
	const dbPath = tmpDb();
	return { sim, running, dbPath, store: await openStore({ backend: 'sqlite', path: dbPath }) };
}

/** After each test: the stores the nodes opened, then the test's own store, then the simulator. */
export async function stopSimStore(t: Pick<SimStore, 'running' | 'store'>): Promise<void> {
	await closeAllStores();
	await t.store.close();
	await t.running.stop();
}

/**
 * The Cloud API and Store credentials the nodes get: the simulator's default WABA and first number
 * (or `phoneNumberId`), its default token `sim-token` (or `token`), Graph `apiVersion` v23.0 unless
 * given, and the SQLite store at `dbPath`.
 */
export function simCreds(baseUrl: string, dbPath: string, o: { phoneNumberId?: string; token?: string; apiVersion?: string } = {}) {
	return {
		whatsAppCloudApi: {
			accessToken: o.token ?? 'sim-token',
			businessAccountId: DEFAULT_WABA_ID,
			phoneNumberId: o.phoneNumberId ?? DEFAULT_PHONE_NUMBERS[0].id,
			baseUrl,
			apiVersion: o.apiVersion ?? 'v23.0',
		},
		whatsAppCloudStoreApi: { backend: 'sqlite', path: dbPath },
	};
}

/** The ID of one of the simulator's preloaded templates (default WABA). */
export function simTemplateId(sim: Simulator, name: string, language = 'en_US'): string {
	return sim.state.templates.find(DEFAULT_WABA_ID, name, language)?.id as string;
}

/**
 * A test file's simulator and store as one object, started before each test and stopped after it:
 *
 *   const w = new SimWorld();
 *   beforeEach(() => w.start({ mps: 80, tier: 2000, latencyMs: 2, seed: 3 }));
 *   afterEach(() => w.stop());
 *   runNode(node, params, items, w.creds());   // w.sim, w.running, w.dbPath, w.store
 *
 * `w.start(options, { appSecret })` also starts a WhatsApp Cloud Trigger receiver on the same store
 * (test/helpers/triggerReceiver.ts, `w.receiver`) that gets the simulator's signed webhooks.
 */
export class SimWorld implements SimStore {
	sim!: Simulator;
	running!: RunningSimulator;
	dbPath!: string;
	store!: Store;
	/** Set when started with a trigger. */
	receiver!: TriggerReceiver;

	async start(options: Partial<SimulatorOptions>, trigger?: { appSecret: string }): Promise<void> {
		if (trigger) {
			this.receiver = await startTriggerReceiver(trigger.appSecret, () => this.storeCred());
			options = { ...options, appSecret: trigger.appSecret, webhookUrl: this.receiver.url };
		}
		Object.assign(this, await startSimStore(options));
	}

	async stop(): Promise<void> {
		await stopSimStore(this);
		await this.receiver?.close();
	}

	/** The nodes' credentials for this simulator and store (see simCreds). */
	creds(o: { phoneNumberId?: string; token?: string; apiVersion?: string } = {}) {
		return simCreds(this.running.url, this.dbPath, o);
	}

	/** The Store credential alone (e.g. for the trigger receiver). */
	storeCred(): Record<string, string> {
		return { backend: 'sqlite', path: this.dbPath };
	}

	templateId(name: string, language = 'en_US'): string {
		return simTemplateId(this.sim, name, language);
	}
}
