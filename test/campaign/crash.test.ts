/**
 * A campaign process killed with SIGKILL mid-send, then re-run: zero duplicates by the server's
 * stats, and every recipient accounted for (accepted, or 'unknown' for the few whose request may
 * have reached Meta when the process died — never resent blindly).
 *
 * The dead run's rows stay 'sending' until their lease runs out (a live run's claims are never
 * expired early): the child runs with a short lease (request timeout 1 s, lease 3 s), and the
 * re-run waits for those leases, then accounts for them as 'unknown'.
 */
import { fork } from 'node:child_process';
import * as path from 'node:path';
import { GraphClient } from '../../core/graph/client';
import { openStore } from '../../core/store';
import { runCampaign, campaignRecipients } from '../../core/campaign/engine';
import { startFakeCloudApi } from './helpers/fakeCloudApi';
import { TEMPLATE, tmpDb } from './helpers/fixtures';

const LEASE_MS = 3000;

it('kill -9 mid-send, re-run → no duplicates, everyone accounted for', async () => {
	const api = await startFakeCloudApi({ latencyMs: 30 });
	const db = tmpDb();
	const total = 150;
	const child = fork(path.join(__dirname, 'helpers/campaignChild.ts'), [db, api.url, String(total), '50', String(LEASE_MS), '1000'], {
		execArgv: ['-r', path.join(__dirname, '../store/helpers/register-ts.js')],
		stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
	});
	let stderr = '';
	child.stderr?.on('data', (d) => (stderr += d));
	const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
	try {
		// Kill once a good part (but not all) of the campaign went out.
		const deadline = Date.now() + 20_000;
		while (api.accepted.length < 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
		expect(api.accepted.length).toBeGreaterThanOrEqual(40);
		child.kill('SIGKILL');
		expect(await exited).toBe('SIGKILL');
		const sentByChild = api.accepted.length;
		expect(sentByChild).toBeLessThan(total);

		const store = await openStore({ backend: 'sqlite', path: db });
		try {
			const client = new GraphClient({ accessToken: 'T', baseUrl: api.url });
			// The dead run's rows are still leased right after the kill.
			const leased = (await store.listRecipients('crash', { states: ['sending'] })).items;
			const killedAt = Date.now();
			const result = await runCampaign({ client, store, campaignId: 'crash', phoneNumberId: '1001', template: TEMPLATE, limits: { mps: 200 } });
			if (leased.some((r) => (r.claimExpiresAt ?? 0) > killedAt)) {
				// It waited for those leases instead of leaving them 'sending' or expiring them early.
				expect(Date.now()).toBeGreaterThanOrEqual(Math.min(...leased.map((r) => r.claimExpiresAt ?? Infinity)));
			}
			expect(result.report.byState.sending ?? 0).toBe(0);
			expect(result.state).toBe('completed');
			expect(api.duplicates()).toBe(0);
			const received = api.acceptedTo();
			let accepted = 0;
			let unknown = 0;
			for await (const r of campaignRecipients(store, 'crash')) {
				if (r.state === 'accepted') {
					accepted++;
					expect(received.has(r.waId)).toBe(true);
				} else {
					// The only other outcome: the row was in flight when the process died.
					expect(r.state).toBe('unknown');
					unknown++;
				}
			}
			expect(accepted + unknown).toBe(total);
			// Every recipient the server received is in the ledger as accepted or unknown, none twice.
			expect(received.size).toBe(api.accepted.length);
			expect(unknown).toBeLessThan(30);
			expect(result.report.total).toBe(total);
		} finally {
			await store.close();
		}
	} finally {
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
		await api.stop();
		if (stderr) console.log(stderr);
	}
});
