/** Control API (/_sim): inbound injection, fake clock, reset, stats, logs, faults, latency, determinism, CLI args. */
import { parseArgs } from '../../simulator/cli';
import { helloWorld, PHONE, PHONE2, startReceiver, startSim, text, type TestSim } from './support';

let t: TestSim;
afterEach(async () => t?.stop());

describe('inbound injection', () => {
	it('posts a signed messages webhook with contacts and referral, and opens the 24 h window', async () => {
		const rx = await startReceiver();
		t = await startSim({ webhookUrl: rx.url, windowMode: 'sync' });
		const r = await t.ctl('/inbound', { from: '+1 650 555 0123', name: 'Ann', text: 'I saw your ad', referral: { headline: 'Fall sale' }, phone_number_id: PHONE2 });
		expect(r.id).toMatch(/^wamid\./);
		await rx.waitFor(() => rx.posts('messages').length === 1, 'inbound');
		const [e] = rx.posts('messages');
		expect(rx.signatureOk(e)).toBe(true);
		const v = e.body.entry[0].changes[0].value;
		expect(v.metadata).toEqual({ display_phone_number: '15550783882', phone_number_id: PHONE2 });
		expect(v.contacts).toEqual([{ profile: { name: 'Ann' }, wa_id: '16505550123' }]);
		expect(v.messages[0]).toMatchObject({ from: '16505550123', id: r.id, type: 'text', text: { body: 'I saw your ad' }, referral: { source_type: 'ad', headline: 'Fall sale', ctwa_clid: expect.any(String) } });
		expect((await t.send(text('16505550123'))).status).toBe(200);
		await rx.stop();
	});

	it('button replies reference the last message sent to that customer', async () => {
		t = await startSim();
		const sent = await t.send(helloWorld('16505550124'));
		const r = await t.ctl('/inbound', { from: '16505550124', type: 'button', payload: 'YES', text: 'Yes' });
		expect(r.message).toMatchObject({ type: 'button', button: { payload: 'YES', text: 'Yes' }, context: { id: sent.body.messages[0].id, from: '15550783881' } });
		const list = await t.ctl('/inbound', { from: '16505550124', type: 'list_reply', id: 'r1', title: 'Express', description: '1 day' });
		expect(list.message.interactive).toEqual({ type: 'list_reply', list_reply: { id: 'r1', title: 'Express', description: '1 day' } });
		await expect(t.ctl('/inbound', { from: 'nope', text: 'x' })).rejects.toThrow(/from must be a phone number/);
	});
});

describe('fake clock', () => {
	it('advance moves simulated time; freeze/unfreeze toggle real-time flow', async () => {
		t = await startSim();
		const a = (await t.ctl('/clock')).now;
		expect((await t.ctl('/clock/advance', { ms: 3_600_000 })).now).toBe(a + 3_600_000);
		expect(t.sim.clock.now()).toBe(a + 3_600_000);
		expect((await t.ctl('/clock/unfreeze', {})).frozen).toBe(false);
		expect((await t.ctl('/clock')).frozen).toBe(false);
		expect((await t.ctl('/clock/freeze', {})).frozen).toBe(true);
		await expect(t.ctl('/clock/advance', { ms: -1 })).rejects.toThrow(/ms must be/);
	});
});

describe('stats, logs and reset', () => {
	it('counts accepted per number and recipient, duplicate sends per (recipient, biz_opaque_callback_data), errors', async () => {
		t = await startSim({ pairRateMs: 0 });
		await t.send(helloWorld('16505550200', { biz_opaque_callback_data: 'row-1' }));
		await t.send(helloWorld('16505550200', { biz_opaque_callback_data: 'row-1' }));
		await t.send(helloWorld('16505550200', { biz_opaque_callback_data: 'row-2' }));
		await t.send(helloWorld('16505550201'), PHONE2);
		await t.send({ to: '16505550201', type: 'template', template: { name: 'nope', language: { code: 'en_US' } } });
		await t.api(`/v23.0/${PHONE}`, { token: null });
		const s = await t.ctl('/stats');
		expect(s.accepted).toEqual({ total: 4, byPhone: { [PHONE]: 3, [PHONE2]: 1 }, byRecipient: { '16505550200': 3, '16505550201': 1 } });
		expect(s.duplicateSends).toEqual({ total: 1, byKey: { '16505550200|row-1': 1 } });
		expect(s.errors).toEqual({ '132001': 1, '190': 1 });
		expect(s.maxAcceptedPerSecond).toEqual({ [PHONE]: 3, [PHONE2]: 1 });
		expect(s.requests).toEqual({ total: 7, graph: 6, control: 1, sends: 5 });
		const filtered = await t.ctl('/messages?to=16505550200&biz_opaque_callback_data=row-1');
		expect(filtered.data).toHaveLength(2);
		expect((await t.ctl(`/messages?phone_number_id=${PHONE2}`)).data.map((m: any) => m.to)).toEqual(['16505550201']);
		await t.ctl('/reset', {});
		const after = await t.ctl('/stats');
		expect(after.accepted.total).toBe(0);
		expect((await t.ctl('/messages')).data).toEqual([]);
		expect((await t.ctl('/info')).templates).toHaveLength(4);
	});

	it('reset restores templates, opt-outs, windows and faults', async () => {
		t = await startSim();
		await t.ctl('/opt-outs', { wa_id: '16505550300' });
		await t.ctl('/faults', { errorRate: 1 });
		await t.api('/v23.0/102290129340398/message_templates?name=hello_world', { method: 'DELETE' });
		await t.ctl('/reset', {});
		expect((await t.ctl('/opt-outs')).data).toEqual([]);
		expect((await t.send(helloWorld('16505550300'))).status).toBe(200);
	});
});

describe('faults and latency', () => {
	it('errorRate 1 answers every Graph call with a 5xx (configurable status); control calls are unaffected', async () => {
		t = await startSim();
		await t.ctl('/faults', { errorRate: 1, errorStatus: 503 });
		const r = await t.send(helloWorld('16505550400'));
		expect(r.status).toBe(503);
		expect(r.body.error.code).toBe(131000);
		expect((await t.ctl('/stats')).accepted.total).toBe(0);
	});

	it('timeouts: the message is accepted but the answer never comes ("never") or comes late ("late")', async () => {
		t = await startSim();
		await t.ctl('/faults', { timeoutRate: 1, timeoutMode: 'never' });
		await expect(
			fetch(`${t.url}/v23.0/${PHONE}/messages`, {
				method: 'POST',
				headers: { authorization: 'Bearer test-token', 'content-type': 'application/json' },
				body: JSON.stringify({ messaging_product: 'whatsapp', ...helloWorld('16505550401') }),
				signal: AbortSignal.timeout(300),
			}),
		).rejects.toThrow();
		expect((await t.ctl('/messages?to=16505550401')).data).toHaveLength(1);
		await t.ctl('/faults', { timeoutMode: 'late', timeoutAfterMs: 20 });
		const late = await t.send(helloWorld('16505550402'));
		expect(late.status).toBe(200);
		await t.ctl('/faults', { timeoutRate: 0 });
	});

	it('latency and slow answers delay but do not change the answer', async () => {
		t = await startSim();
		expect(await t.ctl('/latency', { latencyMs: 5, jitterMs: 5 })).toEqual({ latencyMs: 5, jitterMs: 5 });
		await t.ctl('/faults', { slowRate: 1, slowMs: 5 });
		expect((await t.send(helloWorld('16505550403'))).status).toBe(200);
		expect((await t.api(`/v23.0/${PHONE}`)).body.id).toBe(PHONE);
	});
});

describe('determinism', () => {
	it('the same seed gives the same ids, trace ids and outcomes', async () => {
		const run = async (seed: number) => {
			const s = await startSim({ seed, readRate: 0.5 });
			const out: unknown[] = [];
			for (let i = 0; i < 5; i++) out.push((await s.send(helloWorld(`165055506${i}1`))).body.messages[0].id);
			out.push((await s.send({ to: '16505550700', type: 'template', template: { name: 'nope', language: { code: 'en_US' } } })).body.error.fbtrace_id);
			await s.advance(5000);
			out.push((await s.ctl('/messages')).data.map((m: any) => m.status));
			await s.stop();
			return out;
		};
		expect(await run(42)).toEqual(await run(42));
		expect(await run(42)).not.toEqual(await run(43));
	});
});

describe('CLI arguments', () => {
	it('parses every flag and rejects bad ones', () => {
		expect(parseArgs(['--port', '4010', '--token', 'T', '--app-secret', 'S', '--webhook-url', 'http://127.0.0.1:1/x', '--mps', '80', '--tier', '1000', '--latency-ms', '200', '--seed=3'])).toEqual({
			port: 4010,
			token: 'T',
			appSecret: 'S',
			webhookUrl: 'http://127.0.0.1:1/x',
			mps: 80,
			tier: 1000,
			latencyMs: 200,
			seed: 3,
		});
		expect(() => parseArgs(['--mps', 'lots'])).toThrow(/--mps needs a number/);
		expect(() => parseArgs(['--bogus'])).toThrow(/unknown option --bogus/);
		expect(() => parseArgs(['--token'])).toThrow(/--token needs a value/);
	});
});
