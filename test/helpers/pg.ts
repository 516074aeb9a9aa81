/**
 * Test helpers for the Postgres store: a throwaway server from scripts/pg.sh, random schemas per
 * run, and the child-process worker of the two-process test (test/store/postgres.test.ts).
 *
 *  - WA_SKIP_PG=1 skips the Postgres suites (only when asked; CI runs them).
 *  - WA_PG_URL=postgres://user@host:port/db uses that server instead of starting one.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { Pool } from 'pg';
import { openPostgresStore } from '../../core/store/postgres';
import { postgresOptionsFromUrl } from '../../core/store';
import type { StoreChildResult } from './storeChildren';

export const ROOT = path.join(__dirname, '..', '..');

/** True when the caller explicitly asked to skip Postgres tests. */
export function pgSkipped(): boolean {
	return process.env.WA_SKIP_PG === '1' || process.env.WA_SKIP_PG === 'true';
}

/**
 * The URL of a running throwaway Postgres: WA_PG_URL, or `scripts/pg.sh start` (installs Debian's
 * package on first use, reuses a running server). Generous timeout for a cold apt install.
 */
export function startPostgres(): string {
	if (process.env.WA_PG_URL) return process.env.WA_PG_URL;
	const out = execFileSync('bash', [path.join(ROOT, 'scripts', 'pg.sh'), 'start'], {
		cwd: ROOT,
		encoding: 'utf8',
		timeout: 10 * 60_000,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const url = out.trim().split('\n').pop() ?? '';
	if (!/^postgres(ql)?:\/\//.test(url)) throw new Error(`scripts/pg.sh start printed no URL: ${JSON.stringify(out)}`);
	return url;
}

/** Store options for a URL and schema. */
export const pgOptions = postgresOptionsFromUrl;

/** A schema-name prefix unique to this test run: wa_t_<pid>_<random>. */
export function runPrefix(): string {
	return `wa_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

/** Drops every schema whose name starts with `prefix` (test cleanup). */
export async function dropSchemas(url: string, prefix: string): Promise<void> {
	const pool = new Pool({ connectionString: url, max: 1 });
	try {
		const { rows } = await pool.query(`SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)`, [prefix]);
		for (const r of rows) await pool.query(`DROP SCHEMA "${r.nspname as string}" CASCADE`);
	} finally {
		await pool.end();
	}
}


/**
 * Child-process body (run via `node -r test/helpers/register-ts.js -e …`): opens the store on
 * the shared schema, prints "ready", waits for "go" on stdin, then interleaves claims (recording an
 * outcome under the claim guard), budget reservations, merged
 * contact upserts and dedup keys; drains the ledger; prints its JSON line.
 */
export async function runPgWorker(url: string, schema: string, role: string, rounds: number): Promise<void> {
	const store = await openPostgresStore({ ...pgOptions(url, schema), poolSize: 4 });
	process.stdout.write('ready\n');
	await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
	const result: StoreChildResult = { role, claimed: [], lostGuard: 0, charged: [], firstKeys: [] };
	const claimAndAccept = async (limit: number): Promise<number> => {
		const batch = await store.claimRecipients({ campaignId: 'c', workerId: role, limit, now: 1_000_000, leaseMs: 600_000 });
		for (const rec of batch) {
			result.claimed.push(rec.waId);
			const ok = await store.updateRecipient('c', rec.waId, { state: 'accepted', messageId: `m-${rec.waId}`, expectClaimedBy: role });
			if (!ok) result.lostGuard++;
		}
		return batch.length;
	};
	for (let round = 0; round < rounds; round++) {
		await claimAndAccept(5);
		const r = await store.reserveBudget('waba', `b${round}`, 40, 1_000_000);
		if (r.charged) result.charged.push(`b${round}`);
		await store.upsertContacts(
			Array.from({ length: 5 }, (_, i) => ({ waId: String(500000 + round * 5 + i), tags: [role], attributes: { [role]: round } })),
		);
		const fresh = await store.markProcessedMany([`k${round}`, `k${round + 1}`], 1_000_000);
		if (fresh[0]) result.firstKeys.push(`k${round}`);
		if (fresh[1]) result.firstKeys.push(`k${round + 1}`);
	}
	while ((await claimAndAccept(25)) > 0);
	await store.close();
	process.stdout.write(JSON.stringify(result) + '\n');
}
