/**
 * core/numbers/limits.ts: a number's limits as the user chose them (Graph / coexistence / by hand)
 * and a campaign's sender pool, against a stand-in Graph client that records each request.
 */
import type { GraphRequest } from '../../core/graph/client';
import { NumberLimitError, readLimits, readSenderPool } from '../../core/numbers/limits';

/** A Graph stand-in: GET /{id} answers the number's fields from `numbers`; unknown ids fail. */
function graph(numbers: Record<string, Record<string, unknown>>) {
	const paths: string[] = [];
	return {
		paths,
		async request<T>(req: GraphRequest): Promise<T> {
			paths.push(req.path);
			const id = req.path.replace(/^\//, '');
			if (!numbers[id]) throw new Error(`no number ${id}`);
			return { id, ...numbers[id] } as T;
		},
	};
}

const HIGH_2K = { throughput: { level: 'HIGH' }, whatsapp_business_manager_messaging_limit: 'TIER_2K', quality_rating: 'GREEN' };

it('graph mode: 1,000 mps for throughput.level HIGH and the tier from Graph; the limit is re-read while running', async () => {
	const l = await readLimits(graph({ '111': HIGH_2K }), '111', { throughputMode: 'graph', messagingLimitMode: 'graph' });
	expect(l).toMatchObject({ mps: 1000, messagingLimit: 2000, limitFromGraph: true });
	expect(l.info).toMatchObject({ phoneNumberId: '111', qualityRating: 'GREEN', tier: 'TIER_2K' });
});

it('coexistence and manual modes ignore Graph for the caps, but still read the number (best effort)', async () => {
	const g = graph({ '111': HIGH_2K });
	expect(await readLimits(g, '111', { throughputMode: 'coexistence', messagingLimitMode: 'manual', messagingLimit: 1000 })).toMatchObject({ mps: 20, messagingLimit: 1000, limitFromGraph: false });
	expect(await readLimits(g, '111', { throughputMode: 'manual', mps: 7, messagingLimitMode: 'unlimited' })).toMatchObject({ mps: 7, messagingLimit: Infinity });
	// Graph failing is fine when nothing is read from it: defaults 80 mps / 250 apply.
	const down = await readLimits(graph({}), '222', { throughputMode: 'manual', messagingLimitMode: 'manual' });
	expect(down).toEqual({ mps: 80, messagingLimit: 250, info: undefined, limitFromGraph: false });
});

it('graph mode with an unreadable tier fails naming the number and the setting to change', async () => {
	const error = await readLimits(graph({ '111': { throughput: { level: 'STANDARD' } } }), '111', { throughputMode: 'graph', messagingLimitMode: 'graph' }).catch((e: unknown) => e);
	expect(error).toBeInstanceOf(NumberLimitError);
	expect(error).toMatchObject({ setting: 'messagingLimitMode', message: 'Could not read the messaging limit of number 111 (whatsapp_business_manager_messaging_limit = null): set it by hand' });
});

it('a sender pool: the first number, then each other number once at its own throughput; none named → undefined', async () => {
	const g = graph({ '111': HIGH_2K, '222': { is_on_biz_app: true }, '333': {} });
	const first = await readLimits(g, '111', { throughputMode: 'graph', messagingLimitMode: 'graph' });
	expect(await readSenderPool(g, '111', ' , 111 ', { throughputMode: 'graph', messagingLimitMode: 'graph' }, first)).toBeUndefined();
	g.paths.length = 0;
	const pool = await readSenderPool(g, '111', '222; 333, 222 111', { throughputMode: 'graph', messagingLimitMode: 'graph' }, first);
	expect(pool?.map((p) => [p.phoneNumberId, p.mps])).toEqual([['111', 1000], ['222', 20], ['333', 80]]);
	// The others' messaging limits are not needed (the portfolio's is shared): no tier, no error.
	expect(g.paths).toEqual(['/222', '/333']);
	await pool?.[1].refreshNumber();
	expect(g.paths).toEqual(['/222', '/333', '/222']);
	await expect(readSenderPool(g, '111', '222, +49151', { throughputMode: 'graph', messagingLimitMode: 'graph' }, first)).rejects.toThrow('Sender Pool: "+49151" is not a phone number ID (digits)');
});
