/**
 * WhatsApp Conversation Window node through the harness: Open / Closed outputs, store-backed and
 * item-field sources, phone normalisation, safety margin, errors naming the item.
 */
import { runNode } from '../harness';
import { getStoreFor } from '../../nodes/shared/store';
import { WhatsAppConversationWindow } from '../../nodes/WhatsAppConversationWindow/WhatsAppConversationWindow.node';
import { useEnvStorePath } from '../helpers/tempStore';

const PNID = '106540352242922';
const H = 3_600_000;
const env = useEnvStorePath('wa-window-');

const node = () => new WhatsAppConversationWindow();
const jsons = (items: Array<{ json: unknown }> | undefined) => (items ?? []).map((i) => i.json as Record<string, unknown>);

describe('store-backed window check', () => {
	it('routes contacts to Open or Closed from the recorded inbound, any phone format', async () => {
		const store = await getStoreFor({ backend: 'sqlite', path: env.storePath });
		const now = Date.now();
		await store.recordInbound([
			{ phoneNumberId: PNID, waId: '919876543210', at: now - 2 * H },
			{ phoneNumberId: PNID, waId: '14155550123', at: now - 25 * H },
			{ phoneNumberId: PNID, waId: '447911123456', at: now - 30 * H, referral: true },
		]);
		const input = [
			{ json: { phone: '+91 98765 43210' } },
			{ json: { phone: '(415) 555-0123' } },
			{ json: { phone: '447911123456' } },
			{ json: { phone: '+49 151 23456789' } }, // never wrote
		];
		const result = await runNode(node(), { contact: '={{ $json.phone }}', defaultCountry: 'US', phoneNumberId: PNID }, input);
		expect(result.status).toBe('success');
		const [open, closed] = result.nodeOutputs;
		expect(jsons(open).map((j) => j.phone)).toEqual(['+91 98765 43210']);
		expect(jsons(open)[0]).toMatchObject({ windowOpen: true, canSendFreeForm: true, recommendedAction: 'session_message', freeEntryPoint: false });
		expect(jsons(open)[0].secondsLeft).toBeGreaterThan(21.9 * 3600);
		expect(jsons(closed).map((j) => j.phone)).toEqual(['(415) 555-0123', '447911123456', '+49 151 23456789']);
		expect(jsons(closed)[1]).toMatchObject({ windowOpen: false, freeEntryPoint: true, recommendedAction: 'template' });
		expect(jsons(closed)[2]).toMatchObject({ windowOpen: false, lastInboundAt: null, expiresAt: null });
		expect(closed?.map((i) => i.pairedItem)).toEqual([{ item: 1 }, { item: 2 }, { item: 3 }]);
	});

	it('takes the business number from the WhatsApp Cloud API credential', async () => {
		const store = await getStoreFor({ backend: 'sqlite', path: env.storePath });
		await store.recordInbound([{ phoneNumberId: PNID, waId: '919876543210', at: Date.now() - H }]);
		const creds = { whatsAppCloudApi: { accessToken: 't', businessAccountId: '1', phoneNumberId: PNID } };
		const result = await runNode(node(), { contact: '919876543210' }, [{ json: {} }], creds);
		expect(jsons(result.nodeOutputs[0])).toHaveLength(1);
	});

	it('safety margin: a window closing within N minutes goes to Closed', async () => {
		const store = await getStoreFor({ backend: 'sqlite', path: env.storePath });
		await store.recordInbound([{ phoneNumberId: PNID, waId: '919876543210', at: Date.now() - 24 * H + 10 * 60_000 }]);
		const noMargin = await runNode(node(), { contact: '919876543210', phoneNumberId: PNID }, [{ json: {} }]);
		expect(jsons(noMargin.nodeOutputs[0])).toHaveLength(1);
		const margin = await runNode(node(), { contact: '919876543210', phoneNumberId: PNID, safetyMarginMinutes: 30 }, [{ json: {} }]);
		expect(jsons(margin.nodeOutputs[0])).toHaveLength(0);
		expect(jsons(margin.nodeOutputs[1])[0]).toMatchObject({ windowOpen: false, secondsLeft: 0 });
	});
});

describe('item-field window check', () => {
	it('reads the last inbound time from the item (ISO, epoch seconds)', async () => {
		const now = Date.now();
		const input = [
			{ json: { id: 1, last: new Date(now - H).toISOString() } },
			{ json: { id: 2, last: Math.floor((now - 48 * H) / 1000) } },
			{ json: { id: 3, last: '' } },
		];
		const result = await runNode(node(), { contact: '919876543210', source: 'field', lastInboundAt: '={{ $json.last }}' }, input);
		expect(jsons(result.nodeOutputs[0]).map((j) => j.id)).toEqual([1]);
		expect(jsons(result.nodeOutputs[1]).map((j) => j.id)).toEqual([2, 3]);
	});

	it('flags clock skew for a time in the future', async () => {
		const result = await runNode(node(), { contact: '919876543210', source: 'field', lastInboundAt: new Date(Date.now() + 10 * 60_000).toISOString() }, [{ json: {} }]);
		expect(jsons(result.nodeOutputs[0])[0]).toMatchObject({ windowOpen: true, clockSkew: true });
	});
});

describe('errors', () => {
	it('an invalid phone number fails naming the item; continueOnFail sends it to Closed with the error', async () => {
		const input = [{ json: { p: '919876543210' } }, { json: { p: 'call me' } }];
		const params = { contact: '={{ $json.p }}', source: 'field', lastInboundAt: '' };
		const failed = await runNode(node(), params, input);
		expect(failed.status).toBe('error');
		expect(failed.error?.message).toMatch(/Item 1: Contact "call me" is not a valid phone number/);
		const cont = await runNode(node(), params, input, {}, { continueOnFail: true });
		expect(jsons(cont.nodeOutputs[1])[1]).toMatchObject({ p: 'call me', error: expect.stringMatching(/not a valid phone number/) });
	});

	it('no business number anywhere → a clear error', async () => {
		const result = await runNode(node(), { contact: '919876543210' }, [{ json: {} }]);
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/Business Phone Number ID is empty/);
	});

	it('an unparseable time names the item', async () => {
		const result = await runNode(node(), { contact: '919876543210', source: 'field', lastInboundAt: 'soon' }, [{ json: {} }]);
		expect(result.error?.message).toMatch(/Item 0: lastInboundAt is not a valid time/);
	});
});
