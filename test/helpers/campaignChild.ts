/**
 * Child process for the crash test: runs one campaign against a shared SQLite file until the parent
 * kills it with SIGKILL. argv: <dbPath> <apiUrl> <count> <mps> [leaseMs] [requestTimeoutMs]
 */
import { GraphClient } from '../../core/graph/client';
import { openStore } from '../../core/store';
import { runCampaign } from '../../core/campaign/engine';
import { TEMPLATE, values, phones } from './campaignFixtures';
import { PHONE, SIM_TOKEN } from './sim';

async function main() {
	const [dbPath, url, count, mps, lease, timeout] = process.argv.slice(2);
	const store = await openStore({ backend: 'sqlite', path: dbPath });
	const client = new GraphClient({ accessToken: SIM_TOKEN, baseUrl: url });
	const recipients = phones(Number(count)).map((p, i) => ({ phone: p, itemIndex: i, values: values(`n${i}`) }));
	process.send?.({ ready: true });
	const result = await runCampaign({ client, store, campaignId: 'crash', phoneNumberId: PHONE, template: TEMPLATE, recipients, limits: { mps: Number(mps) },
		leaseMs: lease ? Number(lease) : undefined,
		requestTimeoutMs: timeout ? Number(timeout) : undefined,
	});
	process.send?.({ done: result.accepted });
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
