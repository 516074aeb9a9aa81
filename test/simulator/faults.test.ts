/** Scripted faults per recipient (simulator/faults.ts): option, control route, each kind of answer. */
import { metaErrorTitle } from '../../core/graph/errorTitles';
import { parseArgs } from '../../simulator/cli';
import { createSimulator } from '../../simulator';
import { helloWorld, startSim, type TestSim } from './support';

let t: TestSim;
afterEach(async () => {
	await t?.stop();
	t = undefined as unknown as TestSim;
});

const TO = '16505550300';
const log = async (to = TO) => (await t.ctl(`/messages?to=${to}`)).data;

describe('recipientFaults', () => {
	it('answers the next sends with the scripted errors in Meta’s body (late if asked), then serves the recipient normally', async () => {
		t = await startSim({ pairRateMs: 0, recipientFaults: { [`+${TO}`]: [131049, { code: 131000, status: 503, details: 'scripted outage', delayMs: 250 }, 131031] } });
		const first = await t.send(helloWorld(TO));
		expect(first.status).toBe(400);
		expect(first.body.error).toMatchObject({
			message: '(#131049) This message was not delivered to maintain healthy ecosystem engagement.',
			type: 'OAuthException',
			code: 131049,
			error_data: { messaging_product: 'whatsapp', details: expect.any(String) },
			fbtrace_id: expect.any(String),
		});
		const started = Date.now();
		const second = await t.send(helloWorld(TO));
		expect(Date.now() - started).toBeGreaterThanOrEqual(240);
		expect(second.status).toBe(503);
		expect(second.body.error).toMatchObject({ code: 131000, error_data: { details: 'scripted outage' } });
		// A code outside the simulator's own catalog: Meta's title from core/graph/errorTitles.ts.
		const third = await t.send(helloWorld(TO));
		expect(third.body.error.message).toBe(`(#131031) ${metaErrorTitle(131031)}`);
		expect(await log()).toEqual([]);
		// The script is used up: accepted.
		const fourth = await t.send(helloWorld(TO));
		expect(fourth.status).toBe(200);
		expect((await log()).length).toBe(1);
		// Another recipient was never affected.
		expect((await t.send(helloWorld('16505550301'))).status).toBe(200);
		const stats = await t.ctl('/stats');
		expect(stats.recipientFaults).toEqual({ used: 3, pending: 0 });
		expect(stats.errors).toMatchObject({ 131049: 1, 131000: 1, 131031: 1 });
	});

	it('late, lost and reset answers; another wa_id', async () => {
		t = await startSim({
			pairRateMs: 0,
			recipientFaults: {
				[TO]: [{ delayMs: 300 }, 'hang', { drop: 'hang', accept: true }, 'reset', { drop: 'reset', accept: true }, { waId: '16505559999' }],
			},
		});
		const started = Date.now();
		const late = await t.send(helloWorld(TO));
		expect(late.status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);
		expect((await log()).length).toBe(1);
		// 'hang': no answer, and Meta never had it.
		await expect(fetch(`${t.url}/v23.0/${t.sim.options.phoneNumbers[0].id}/messages`, post(helloWorld(TO), AbortSignal.timeout(200)))).rejects.toThrow();
		expect((await log()).length).toBe(1);
		// hang with accept: Meta has it (logged), the answer never comes.
		await expect(fetch(`${t.url}/v23.0/${t.sim.options.phoneNumbers[0].id}/messages`, post(helloWorld(TO), AbortSignal.timeout(200)))).rejects.toThrow();
		expect((await log()).length).toBe(2);
		// 'reset': the connection is destroyed; with accept the message was taken first.
		await expect(t.send(helloWorld(TO))).rejects.toThrow();
		expect((await log()).length).toBe(2);
		await expect(t.send(helloWorld(TO))).rejects.toThrow();
		expect((await log()).length).toBe(3);
		// Answered for the account registered under another number.
		const other = await t.send(helloWorld(TO));
		expect(other.body.contacts).toEqual([{ input: TO, wa_id: '16505559999' }]);
		expect((await log('16505559999')).length).toBe(1);
		expect((await t.send(helloWorld(TO))).body.contacts).toEqual([{ input: TO, wa_id: TO }]);
	});

	it('POST /_sim/faults/recipients replaces scripts; GET lists what is left; reset restores the option', async () => {
		t = await startSim({ pairRateMs: 0, recipientFaults: { [TO]: [130429] } });
		expect(await t.ctl('/faults/recipients', { '16505550302': [131026, 'hang'], [TO]: [] })).toEqual({
			recipientFaults: { '16505550302': [{ code: 131026 }, { drop: 'hang' }] },
			used: 0,
		});
		expect((await t.send(helloWorld(TO))).status).toBe(200);
		expect((await t.send(helloWorld('16505550302'))).body.error.code).toBe(131026);
		expect(await t.ctl('/faults/recipients')).toEqual({ recipientFaults: { '16505550302': [{ drop: 'hang' }] }, used: 1 });
		await t.ctl('/reset', {});
		expect(await t.ctl('/faults/recipients')).toEqual({ recipientFaults: { [TO]: [{ code: 130429 }] }, used: 0 });
		await expect(t.ctl('/faults/recipients', { [TO]: [999999] })).rejects.toThrow(/400 .*faults\/recipients.*16505550300.*\[0\]\.code 999999 is not a Cloud API error code/);
		await expect(t.ctl('/faults/recipients', { [TO]: [{ drop: 'late' }] })).rejects.toThrow(/400 .*\[0\]\.drop must be .*hang.* or .*reset/);
		await expect(t.ctl('/faults/recipients', { [TO]: 131049 })).rejects.toThrow(/400 .*must be a list of faults/);
	});

	it('a bad option is refused when the simulator is created, naming the entry; the CLI takes JSON', () => {
		expect(() => createSimulator({ recipientFaults: { [TO]: [{ code: 131049, drop: 'hang' }] } })).toThrow(/recipientFaults\["16505550300"\]\[0\]: an error \(code\) cannot also drop/);
		expect(() => createSimulator({ recipientFaults: { [TO]: [{ delay: 5 } as never] } })).toThrow(/\[0\]\.delay is not a fault field/);
		expect(parseArgs(['--recipient-faults', `{"${TO}":[131049,"hang"]}`])).toEqual({ recipientFaults: { [TO]: [131049, 'hang'] } });
		expect(() => parseArgs(['--recipient-faults', '{oops'])).toThrow(/--recipient-faults needs JSON/);
	});
});

function post(body: unknown, signal: AbortSignal): RequestInit {
	return { method: 'POST', headers: { authorization: `Bearer ${t.sim.options.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ messaging_product: 'whatsapp', ...(body as object) }), signal };
}
