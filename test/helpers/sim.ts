/**
 * The simulator (simulator/) for tests that drive core/ directly — the campaign engine, crash and
 * concurrency tests — with the campaign tests' MARKETING template (campaignFixtures TEMPLATE)
 * preloaded, and views of what it accepted. Scripted Meta answers per recipient go in
 * `recipientFaults` (simulator/faults.ts): `startCampaignSim({ recipientFaults: { [to]: [131049, 'hang'] } })`.
 *
 * The limits the engine paces itself by are the engine's own options in these tests, so Meta's are
 * off unless a test turns them on: no throughput cap (`mps` 0), no messaging-limit tier, and no pair
 * rate (`pairRateMs` 0) — a second send to one recipient is accepted and counted by `duplicates()`,
 * not refused with 131056 where nobody would count it.
 */
import { createSimulator, DEFAULT_PHONE_NUMBERS, resolveOptions, type Simulator, type SimulatorOptions } from '../../simulator';
import type { MessageRecord } from '../../simulator/context';
import { TEMPLATE } from './campaignFixtures';

/** The simulator's default token and first phone number ID (simulator/options.ts). */
export const SIM_TOKEN = resolveOptions().token;
export const PHONE = DEFAULT_PHONE_NUMBERS[0].id;

export interface CampaignSim {
	sim: Simulator;
	url: string;
	/** Accepted sends, oldest first (live; each with its request body). */
	readonly accepted: readonly MessageRecord[];
	/** Graph requests that reached the simulator, answered or not. */
	readonly requests: number;
	/** Sends beyond the first per (recipient, biz_opaque_callback_data). */
	duplicates(): number;
	/** Every recipient with an accepted send. */
	acceptedTo(): Set<string>;
	stop(): Promise<void>;
}

export async function startCampaignSim(options: Partial<SimulatorOptions> = {}): Promise<CampaignSim> {
	const sim = createSimulator({ mps: 0, pairRateMs: 0, tier: Infinity, logRequestBodies: true, extraTemplates: [TEMPLATE], ...options });
	const running = await sim.start();
	return {
		sim,
		url: running.url,
		get accepted() {
			return sim.state.messages;
		},
		get requests() {
			return sim.state.stats.requests.graph;
		},
		duplicates() {
			const seen = new Set<string>();
			let d = 0;
			for (const m of sim.state.messages) {
				const key = `${m.to}|${m.biz_opaque_callback_data}`;
				if (seen.has(key)) d++;
				else seen.add(key);
			}
			return d;
		},
		acceptedTo() {
			return new Set(sim.state.messages.map((m) => m.to));
		},
		stop: () => running.stop(),
	};
}
