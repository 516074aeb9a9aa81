import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CampaignTemplate } from '../../core/campaign/types';
import type { Clock } from '../../core/throttle/clock';
import { preloadedTemplate } from '../../simulator';
import { tmpDir } from './tmp';
import type { IDataObject } from 'n8n-workflow';

/**
 * The campaign tests' MARKETING template `spring_sale`: the simulator's `order_update` (body {{1}}
 * and {{2}}, URL button {{1}}) as a marketing template (test/helpers/sim.ts preloads it).
 */
export const TEMPLATE = { ...preloadedTemplate('order_update'), name: 'spring_sale', category: 'MARKETING' } satisfies CampaignTemplate;

export const values = (name: string) => ({ body: [name, 'today'], buttons: { 0: `c/${name}` } });

export function phones(n: number, start = 16505100000): string[] {
	return Array.from({ length: n }, (_, i) => String(start + i));
}

const tmpDirs: string[] = [];
// Each test file removes its store folders when it ends (on Linux an open SQLite file may be unlinked).
if (typeof afterAll === 'function') {
	afterAll(() => {
		for (const dir of tmpDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
	});
}

/** A store file in a fresh temp folder, removed when the test process exits. */
export function tmpDb(): string {
	const dir = tmpDir('wa-campaign-');
	tmpDirs.push(dir);
	return path.join(dir, 'store.sqlite');
}

/**
 * Real time plus an offset; long sleeps (retry back-offs, pair-rate waits) jump the offset instead
 * of waiting, short ones (pacing) really wait. `advance` moves time like the simulator's fake clock.
 */
export class JumpClock implements Clock {
	offset = 0;
	constructor(private readonly jumpAboveMs = 100) {}
	now(): number {
		return Date.now() + this.offset;
	}
	advance(ms: number): void {
		this.offset += ms;
	}
	async sleep(ms: number): Promise<void> {
		if (ms <= 0) return;
		if (ms > this.jumpAboveMs) {
			this.offset += ms;
			await new Promise((r) => setImmediate(r));
			return;
		}
		await new Promise((r) => setTimeout(r, ms));
	}
}

/**
 * The WhatsApp Campaign node's Send Campaign parameters the workflow tests start from: the audience
 * is the input items (phone in `phone`), the template and number by ID, throughput and messaging
 * limit read from Graph; `extra` overrides any of them (e.g. `{ throughputMode: 'manual', mps: 20 }`).
 */
export function sendCampaignParams(
	campaignId: string,
	target: { phoneNumberId: string; templateId: string },
	mapping: Record<string, string>,
	extra: IDataObject = {},
): IDataObject {
	return {
		operation: 'sendCampaign',
		campaignId,
		phoneNumber: { mode: 'id', value: target.phoneNumberId },
		template: { mode: 'id', value: target.templateId },
		audience: 'items',
		phoneField: 'phone',
		variables: { mappingMode: 'defineBelow', value: mapping },
		throughputMode: 'graph',
		messagingLimitMode: 'graph',
		...extra,
	};
}

/** The simulator's `promo_named` (MARKETING, image header) filled from an item's `name`. */
export const PROMO_NAMED_MAPPING = { 'header.media': 'https://cdn.example/p.jpg', 'body.first_name': '={{ $json.name }}', 'body.promo_code': 'SPRING' };
