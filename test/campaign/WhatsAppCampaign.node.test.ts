/**
 * WhatsApp Campaign node through n8n-core's engine (test/harness) against the simulator: Send
 * Campaign with items (paired output, resume), dry run, Pause from a second execution, the report,
 * and Send Message refused / recontact template when the window is closed.
 */
import { DEFAULT_PHONE_NUMBERS } from '../../simulator';
import { WhatsAppCampaign } from '../../nodes/WhatsAppCampaign/WhatsAppCampaign.node';
import { runNode, jsonOf, runResourceMapping, runListSearch } from '../harness';
import { sendCampaignParams } from '../helpers/campaignFixtures';
import { SimWorld } from '../helpers/simStore';
import type { IDataObject } from 'n8n-workflow';

const PHONE = DEFAULT_PHONE_NUMBERS[0].id;
const w = new SimWorld();
let templateId: string;

const node = new WhatsAppCampaign();
const stats = () => w.sim.stats() as unknown as { accepted: { total: number }; duplicateSends: { total: number }; maxAcceptedPerSecond: Record<string, number> };

function campaignParams(campaignId: string, extra: IDataObject = {}) {
	const mapping = { 'body.1': '={{ $json.name }}', 'body.2': '={{ $json.order }}', 'button.0': '={{ $json.order }}' };
	return sendCampaignParams(campaignId, { phoneNumberId: PHONE, templateId }, mapping, extra);
}

const people = (n: number, base = 4915100000100) =>
	Array.from({ length: n }, (_, i) => ({ json: { phone: `+${base + i}`, name: `P${i}`, order: `A${i}` } }));

beforeEach(async () => {
	await w.start({ mps: 80, tier: 2000, latencyMs: 2, seed: 3 });
	templateId = w.templateId('order_update');
});
afterEach(() => w.stop());

it('Send Campaign: one output item per input item (paired), duplicates and invalid phones accounted for; re-running resumes', async () => {
	const input = [...people(4), { json: { phone: '+4915100000100', name: 'dup', order: 'X' } }, { json: { phone: 'n/a', name: 'bad', order: 'Y' } }];
	const r = await runNode(node, campaignParams('n1'), input, w.creds());
	expect(r.nodeError).toBeUndefined();
	const out = jsonOf(r.items);
	expect(out).toHaveLength(6);
	expect(r.items.map((i) => i.pairedItem)).toEqual([0, 1, 2, 3, 4, 5].map((item) => ({ item })));
	expect(out.slice(0, 4).every((o) => o.state === 'accepted' && String(o.messageId).startsWith('wamid.'))).toBe(true);
	expect(out[4]).toMatchObject({ state: 'accepted', duplicate: true, messageId: out[0].messageId });
	expect(out[5]).toMatchObject({ state: 'skipped', waId: null });
	expect(String(out[5].error)).toMatch(/invalid phone number "n\/a"/);
	expect(out[0].campaignState).toBe('completed');
	expect(stats().accepted.total).toBe(4);
	const sent = w.sim.state.messages.find((m: { to: string }) => m.to === '4915100000100') as { biz_opaque_callback_data?: string };
	expect(sent.biz_opaque_callback_data).toBe('n1|4915100000100');
	// Same campaign again: nothing is sent twice.
	const again = await runNode(node, campaignParams('n1'), input, w.creds());
	expect(jsonOf(again.items)[0]).toMatchObject({ state: 'accepted' });
	expect(stats().accepted.total).toBe(4);
	expect(stats().duplicateSends.total).toBe(0);

	const report = await runNode(node, { operation: 'report', campaignId: 'n1', includeRows: true, hopper: ['pending', 'closed'], limit: 2 }, [{ json: {} }], w.creds());
	const rep = jsonOf(report.items);
	expect(rep[0]).toMatchObject({ campaignId: 'n1', total: 5, state: 'completed' });
	expect(rep[0].nextCursor).toBeTruthy();
	expect(rep).toHaveLength(3);
});

it('dry run validates every payload and sends nothing', async () => {
	const input = [...people(2), { json: { phone: '+4915100000999', name: 'no order' } }];
	const r = await runNode(node, campaignParams('n2', { campaignOptions: { dryRun: true } }), input, w.creds());
	const out = jsonOf(r.items);
	expect(out.map((o) => o.outcome)).toEqual(['would_send', 'would_send', 'invalid']);
	expect(String(out[2].reason)).toMatch(/item 2/);
	expect(out[0].summary).toMatchObject({ dryRun: true, wouldSend: 2, mps: 80, budget: { limit: 2000 } });
	expect(stats().accepted.total).toBe(0);
	expect(await w.store.getCampaign('n2')).toBeUndefined();
});

it('Pause from a second execution stops a running campaign within a second', async () => {
	const sending = runNode(node, campaignParams('n3', { throughputMode: 'manual', mps: 20 }), people(60), w.creds());
	await new Promise((r) => setTimeout(r, 700));
	const pause = await runNode(node, { operation: 'pause', campaignId: 'n3', reason: 'wrong link' }, [{ json: {} }], w.creds());
	expect(jsonOf(pause.items)[0]).toMatchObject({ campaignId: 'n3', state: 'paused', reason: 'wrong link' });
	const pausedAt = Date.now();
	const r = await sending;
	expect(Date.now() - pausedAt).toBeLessThan(1500);
	const out = jsonOf(r.items);
	expect(out[0].campaignState).toBe('paused');
	const sent = stats().accepted.total;
	expect(sent).toBeGreaterThan(0);
	expect(sent).toBeLessThan(60);
	expect(out.filter((o) => o.state === 'queued').length).toBe(60 - sent);
	// Resume + re-run sends the rest, once.
	await runNode(node, { operation: 'resume', campaignId: 'n3' }, [{ json: {} }], w.creds());
	const rest = await runNode(node, campaignParams('n3', { throughputMode: 'manual', mps: 80 }), people(60), w.creds());
	expect(jsonOf(rest.items).every((o) => o.state === 'accepted')).toBe(true);
	expect(stats().accepted.total).toBe(60);
	expect(stats().duplicateSends.total).toBe(0);
});

it('Send Campaign to store contacts by tag and attribute: $contact fields fill the variables; one summary item', async () => {
	await w.store.upsertContacts([
		{ waId: '4915100000201', firstName: 'Ana', tags: ['vip'], attributes: { city: 'Berlin' } },
		{ waId: '4915100000202', firstName: 'Ben', tags: ['vip'], attributes: { city: 'Hamburg' } },
		{ waId: '4915100000203', firstName: 'Cem', tags: ['other'], attributes: { city: 'Berlin' } },
	]);
	const r = await runNode(
		node,
		campaignParams('n4', {
			audience: 'store',
			tagsAny: 'vip',
			attributeFilters: { filter: [{ name: 'city', value: 'Berlin' }] },
			variables: { mappingMode: 'defineBelow', value: { 'body.1': '$contact.firstName', 'body.2': '$contact.attributes.city', 'button.0': 'x' } },
		}),
		[{ json: {} }],
		w.creds(),
	);
	expect(r.nodeError).toBeUndefined();
	const out = jsonOf(r.items);
	expect(out).toHaveLength(1);
	expect(out[0]).toMatchObject({ campaignId: 'n4', campaignState: 'completed', total: 1, byState: { accepted: 1 } });
	expect(stats().accepted.total).toBe(1);
	const row = await w.store.getRecipient('n4', '4915100000201');
	expect(row?.state).toBe('accepted');
	expect(row?.payload).toEqual({ values: { body: { 1: 'Ana', 2: 'Berlin' }, buttons: { 0: 'x' } } });
});

it('editor: the variable mapping is generated from the template; business numbers listed from the WABA', async () => {
	const fields = await runResourceMapping(node, { operation: 'sendCampaign', template: { mode: 'id', value: templateId } }, 'getTemplateVariables', w.creds());
	expect(fields.fields.map((f) => f.id)).toEqual(['body.1', 'body.2', 'button.0']);
	expect(fields.fields.every((f) => f.required)).toBe(true);
	const empty = await runResourceMapping(node, { operation: 'sendCampaign', template: { mode: 'list', value: '' } }, 'getTemplateVariables', w.creds());
	expect(empty).toEqual({ fields: [], emptyFieldsNotice: 'Pick a template first' });
	const numbers = await runListSearch(node, { operation: 'sendCampaign' }, 'searchPhoneNumbers', w.creds());
	expect(numbers.results.map((r) => r.value)).toEqual(DEFAULT_PHONE_NUMBERS.map((p) => p.id));
	expect(String(numbers.results[0].name)).toContain('Sim Store');
});

describe('Send Message (session)', () => {
	const text = (extra: Record<string, unknown> = {}) => ({
		operation: 'sendMessage',
		phoneNumber: { mode: 'id', value: PHONE },
		to: '+4915100000777',
		messageType: 'text',
		text: 'Your parcel is on its way',
		...extra,
	});

	it('is refused with a clear error when the window is closed', async () => {
		const r = await runNode(node, text(), [{ json: {} }], w.creds());
		expect(r.nodeError?.message).toMatch(/24 h customer-service window with 4915100000777 is closed \(no message from them on record\)/);
		expect(stats().accepted.total).toBe(0);
	});

	it('sends a recontact template instead when configured', async () => {
		const r = await runNode(
			node,
			text({ windowClosed: 'recontact', recontactTemplate: { mode: 'id', value: templateId }, recontactVariables: '{"body.1":"Ana","body.2":"A1","button.0":"A1"}' }),
			[{ json: {} }],
			w.creds(),
		);
		expect(r.nodeError).toBeUndefined();
		expect(jsonOf(r.items)[0]).toMatchObject({ recontact: true, type: 'template', template: 'order_update' });
		const m = w.sim.state.messages.find((x: { to: string }) => x.to === '4915100000777') as { type: string };
		expect(m.type).toBe('template');
	});

	it('sends inside an open window; reply buttons over the limit name the field', async () => {
		await w.store.recordInbound([{ phoneNumberId: PHONE, waId: '4915100000777', at: Date.now() - 60_000 }]);
		const ok = await runNode(node, text({ replyTo: 'wamid.abc' }), [{ json: {} }], w.creds());
		expect(jsonOf(ok.items)[0]).toMatchObject({ type: 'text', recontact: false });
		const bad = await runNode(
			node,
			text({ messageType: 'buttons', interactiveBody: 'Pick', replyButtons: { button: [{ id: 'a', title: 'x'.repeat(21) }] } }),
			[{ json: {} }],
			w.creds(),
		);
		expect(bad.nodeError?.message).toMatch(/interactive.action.buttons\[0\].reply.title: is 21 characters, at most 20 allowed/);
	});

	it('Mark as Read marks a received message (with typing indicator)', async () => {
		(w.sim.state.inboundIds as Set<string>).add('wamid.in1');
		const read = await runNode(node, { operation: 'markAsRead', phoneNumber: { mode: 'id', value: PHONE }, messageId: 'wamid.in1', typingIndicator: true }, [{ json: {} }], w.creds());
		expect(jsonOf(read.items)[0]).toEqual({ success: true, messageId: 'wamid.in1' });
		expect((w.sim.stats() as { markedRead: number }).markedRead).toBe(1);
		const unknown = await runNode(node, { operation: 'markAsRead', phoneNumber: { mode: 'id', value: PHONE }, messageId: 'wamid.nope' }, [{ json: {} }], w.creds());
		expect(unknown.nodeError?.message).toMatch(/not a message received by this number/);
	});
});
