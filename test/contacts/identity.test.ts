/**
 * One person, one contact (issue 14), through workflow executions: the simulator's signed webhooks
 * go to the WhatsApp Cloud Trigger node; Contacts, Conversation Window and Campaign nodes then ask
 * about the person under another form of their number, or by their BSUID.
 *
 *  - BR (9th digit), MX (mobile 1), AR (mobile 9): inbound from one form → window open for the
 *    other and vice versa; both forms in one campaign audience → one send; Contacts Get by either
 *    form → the same contact
 *  - a send response whose wa_id differs from the input → the mapping is stored and the next inbound
 *    webhook from that wa_id lands on the same contact
 *  - a BSUID-only user: contact, STOP and user_preferences stop opt them out, window open, a
 *    marketing campaign skips them; an authentication template to them is refused before sending
 */
import { DEFAULT_PHONE_NUMBERS, DEFAULT_WABA_ID } from '../../simulator';
import { WhatsAppCampaign } from '../../nodes/WhatsAppCampaign/WhatsAppCampaign.node';
import { WhatsAppContacts } from '../../nodes/WhatsAppContacts/WhatsAppContacts.node';
import { WhatsAppConversationWindow } from '../../nodes/WhatsAppConversationWindow/WhatsAppConversationWindow.node';
import { jsonOf, runNode } from '../harness';
import { simControl, waitFor } from '../helpers/triggerReceiver';
import { SimWorld } from '../helpers/simStore';

const PHONE = DEFAULT_PHONE_NUMBERS[0].id;
const SECRET = 'identity-app-secret';

const w = new SimWorld();
const control = (path: string, body: unknown) => simControl(w.running.url, path, body);

/** A customer writes (signed webhook → trigger); resolves once the trigger committed it. */
async function inbound(body: Record<string, unknown>): Promise<void> {
	const before = w.receiver.deliveries.length;
	await control('inbound', body);
	await waitFor(() => w.receiver.deliveries.slice(before).some((d) => d.field === 'messages'));
}

async function windowFor(contact: string): Promise<Record<string, unknown>> {
	const r = await runNode(new WhatsAppConversationWindow(), { contact, phoneNumberId: PHONE }, [{ json: {} }], w.creds());
	const open = jsonOf(r.nodeOutputs[0] ?? []);
	return (open[0] ?? { ...(jsonOf(r.nodeOutputs[1] ?? [])[0] ?? {}), windowOpen: false }) as Record<string, unknown>;
}

async function getContact(phone: string): Promise<Record<string, unknown>> {
	const r = await runNode(new WhatsAppContacts(), { operation: 'get', phone }, [{ json: {} }], w.creds());
	return jsonOf(r.items)[0] as Record<string, unknown>;
}

function campaign(campaignId: string, phones: string[], template = 'order_update') {
	const params = {
		operation: 'sendCampaign',
		campaignId,
		phoneNumber: { mode: 'id', value: PHONE },
		template: { mode: 'id', value: w.templateId(template) },
		audience: 'items',
		phoneField: 'phone',
		variables: {
			mappingMode: 'defineBelow',
			value:
				template === 'promo_named'
					? { 'header.media': 'https://cdn.example/p.jpg', 'body.first_name': 'Ana', 'body.promo_code': 'SPRING' }
					: template === 'auth_code'
						? { 'body.1': '123456', 'button.0': '123456' }
						: { 'body.1': 'Ana', 'body.2': 'A1', 'button.0': 'A1' },
		},
		throughputMode: 'manual',
		mps: 80,
		messagingLimitMode: 'graph',
	};
	return runNode(new WhatsAppCampaign(), params, phones.map((phone) => ({ json: { phone } })), w.creds());
}

beforeEach(() => w.start({ mps: 80, tier: 2000, latencyMs: 1, seed: 11, statusDelays: { sent: 10, delivered: 20, read: 30 } }, { appSecret: SECRET }));
afterEach(() => w.stop());

describe.each([
	['BR 9th digit', '551187654321', '+55 11 98765-4321'],
	['MX mobile 1', '5215512345678', '+52 55 1234 5678'],
	['AR mobile 9', '5491123456789', '+54 11 2345-6789'],
])('%s', (_label, oldForm, otherForm) => {
	it('inbound from one form → window open and the same contact for the other form', async () => {
		await inbound({ from: oldForm, type: 'text', text: 'hola', name: 'Ana' });
		const win = await windowFor(otherForm);
		expect(win.windowOpen).toBe(true);
		expect(win.lastInboundAt).not.toBeNull();
		const a = await getContact(otherForm);
		const b = await getContact(`+${oldForm}`);
		expect(a).toMatchObject({ found: true, name: 'Ana' });
		expect(b.waId).toBe(a.waId);
		expect((await w.store.listContacts({})).items).toHaveLength(1);
	});

	it('and vice versa: the contact imported under the other form is the one the inbound reaches', async () => {
		await runNode(new WhatsAppContacts(), { operation: 'upsert', phone: otherForm, fields: { name: 'Imported', tags: 'vip' } }, [{ json: {} }], w.creds());
		await inbound({ from: oldForm, type: 'text', text: 'hi' });
		const c = await getContact(otherForm);
		expect(c).toMatchObject({ found: true, name: 'Imported', tags: ['vip'] });
		expect((await windowFor(`+${oldForm}`)).windowOpen).toBe(true);
		expect((await w.store.listContacts({})).items).toHaveLength(1);
	});

	it('both forms in one campaign audience → one send', async () => {
		const r = await campaign(`dup-${oldForm}`, [`+${oldForm}`, otherForm]);
		expect(r.status).toBe('success');
		expect(w.sim.state.messages.filter((m) => m.type === 'template')).toHaveLength(1);
		const rows = jsonOf(r.items) as Array<Record<string, unknown>>;
		expect(rows).toHaveLength(2);
		expect(rows[1]).toMatchObject({ duplicate: true, waId: rows[0].waId, sentThisRun: false });
		expect(rows[0].sentThisRun).toBe(true);
	});
});

it("a send response whose wa_id differs from the number is learnt; the next inbound from that wa_id is the same contact", async () => {
	// An account registered before Brazil's 9th digit: Meta answers with the old wa_id.
	await control('config', { waIdAliases: { '5511912345678': '551112345678' } });
	await runNode(new WhatsAppContacts(), { operation: 'upsert', phone: '+55 11 91234-5678', fields: { name: 'Bia' } }, [{ json: {} }], w.creds());
	const send = await runNode(new WhatsAppCampaign(), { operation: 'sendMessage', phoneNumber: { mode: 'id', value: PHONE }, to: '+55 11 91234-5678', windowClosed: 'ignore', messageType: 'text', text: 'Hi Bia' }, [{ json: {} }], w.creds());
	expect(jsonOf(send.items)[0]).toMatchObject({ to: '5511912345678', waId: '551112345678' });
	expect((await w.store.resolveContacts(['551112345678'])).get('551112345678')).toBe('5511912345678');
	expect(await w.store.contactIdentities('5511912345678')).toEqual([expect.objectContaining({ identifier: '551112345678', kind: 'wa_id', source: 'send_response' })]);
	await inbound({ from: '551112345678', type: 'text', text: 'oi' });
	expect((await windowFor('+55 11 91234-5678')).windowOpen).toBe(true);
	expect((await w.store.listContacts({})).items.map((c) => c.waId)).toEqual(['5511912345678']);
});

describe('username users (BSUID only)', () => {
	const BSUID = 'US.13491208655302741';

	it('inbound → a contact; STOP → opted out; window open for the BSUID; a marketing campaign skips them', async () => {
		await inbound({ from: '14155550100', user_id: BSUID, hide_phone: true, type: 'text', text: 'hello', name: 'Neo' });
		expect(await getContact(BSUID)).toMatchObject({ found: true, waId: BSUID, name: 'Neo', optedOut: false });
		expect((await windowFor(BSUID)).windowOpen).toBe(true);
		await inbound({ from: '14155550100', user_id: BSUID, hide_phone: true, type: 'stop', text: 'STOP' });
		expect(await getContact(BSUID)).toMatchObject({ optedOut: true, optOutSource: 'keyword:STOP' });
		const r = await campaign('bsuid-marketing', [BSUID], 'promo_named');
		expect(jsonOf(r.items)[0]).toMatchObject({ waId: BSUID, state: 'skipped' });
		expect(w.sim.state.messages).toHaveLength(0);
	});

	it('a user_preferences stop opts the BSUID out too', async () => {
		const before = w.receiver.deliveries.length;
		// Meta's marketing preference webhook for a username user (user_id, no wa_id).
		w.sim.state.webhooks.emit(DEFAULT_WABA_ID, 'user_preferences', {
			messaging_product: 'whatsapp',
			metadata: { display_phone_number: DEFAULT_PHONE_NUMBERS[0].display_phone_number, phone_number_id: PHONE },
			contacts: [{ profile: { name: 'Neo' }, user_id: BSUID }],
			user_preferences: [{ user_id: BSUID, detail: 'User requested to stop marketing messages', category: 'marketing_messages', value: 'stop', timestamp: Math.floor(Date.now() / 1000) }],
		});
		await waitFor(() => w.receiver.deliveries.length > before);
		expect(await getContact(BSUID)).toMatchObject({ found: true, optedOut: true, optOutSource: 'user_preferences' });
	});

	it('a utility template goes to the BSUID with `recipient`; an authentication template is refused before sending', async () => {
		await inbound({ from: '14155550101', user_id: 'US.22222222222222', hide_phone: true, type: 'text', text: 'hi' });
		const ok = await campaign('bsuid-utility', ['US.22222222222222']);
		expect(jsonOf(ok.items)[0]).toMatchObject({ state: 'accepted', sentThisRun: true });
		expect(w.sim.state.messages[0]).toMatchObject({ to: 'US.22222222222222', type: 'template' });
		const auth = await campaign('bsuid-auth', ['US.22222222222222'], 'auth_code');
		expect(jsonOf(auth.items)[0]).toMatchObject({ state: 'skipped', error: expect.stringMatching(/^131062: authentication templates can't be sent to a business-scoped user ID/) });
		expect(w.sim.state.messages).toHaveLength(1);
	});

	it('the number shown later merges the BSUID contact into the number’s contact', async () => {
		await inbound({ from: '14155550102', user_id: 'US.33333333333333', hide_phone: true, type: 'stop', text: 'STOP' });
		await inbound({ from: '14155550102', user_id: 'US.33333333333333', type: 'text', text: 'now with my number' });
		const c = await getContact('+1 415 555 0102');
		expect(c).toMatchObject({ found: true, waId: '14155550102', optedOut: true });
		expect((await getContact('US.33333333333333')).waId).toBe('14155550102');
		expect((await w.store.listContacts({})).items.map((x) => x.waId)).toEqual(['14155550102']);
	});
});

it('two trigger executions at once learning the same person (old form + BSUID, new form) end in one contact', async () => {
	const SECRET_BODY = (from: string, extra: Record<string, unknown> = {}) => ({ from, type: 'text', text: 'hi', ...extra });
	const before = w.receiver.deliveries.length;
	await Promise.all([
		control('inbound', SECRET_BODY('551187650002', { user_id: 'BR.77665544332211' })),
		control('inbound', SECRET_BODY('5511987650002')),
	]);
	await waitFor(() => w.receiver.deliveries.slice(before).filter((d) => d.field === 'messages').length >= 2);
	const people = (await w.store.listContacts({})).items;
	expect(people.map((c) => c.waId)).toEqual(['5511987650002']);
	const keys = await w.store.resolveContacts(['551187650002', '5511987650002', 'BR.77665544332211']);
	expect(new Set(keys.values())).toEqual(new Set(['5511987650002']));
	expect((await windowFor('BR.77665544332211')).windowOpen).toBe(true);
});
