/**
 * WhatsApp Campaign → Send and Wait for Response, through workflow executions against the simulator:
 * the execution sends the question and waits (test/harness/waiting.ts plays n8n's waiting-webhook
 * endpoint, signature check included); the contact's answer comes back as a signed webhook through the
 * WhatsApp Cloud Trigger, which resumes the execution with the answer; the timeout path gives
 * `timedOut: true`; a late answer is reported on the trigger's item, not lost.
 */
import * as fs from 'node:fs';
import type { IDataObject } from 'n8n-workflow';
import { openStore } from '../../core/store';
import { WhatsAppCloudTrigger } from '../../nodes/WhatsAppCloudTrigger/WhatsAppCloudTrigger.node';
import { closeAllWaitStores, getWaitStoreFor } from '../../nodes/shared/waitStore';
import { jsonOf, runWebhook, startWaitingRun, type WaitingRun } from '../harness';
import { cloudCreds, PHONE, SimWithWebhooks, startSimAndStorePath, stopSimAndStores, tmpDir } from '../helpers/simWithWebhooks';

const CUSTOMER = '4915100000903';
let s: SimWithWebhooks;
let dir: string;
let storePath: string;
let waiting: WaitingRun | undefined;

beforeAll(() => {
	dir = tmpDir('wa-saw-');
});
beforeEach(async () => {
	({ s, storePath } = await startSimAndStorePath(dir));
});
afterEach(async () => {
	await waiting?.close();
	waiting = undefined;
	await stopSimAndStores(s);
	await closeAllWaitStores();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const creds = () => cloudCreds(s.url, storePath);

/** The contact wrote first: the trigger records the open 24 h window in the store. */
async function openWindow(): Promise<void> {
	await s.inbound({ from: CUSTOMER, text: 'I would like a refund' });
	await deliver();
}

async function deliver(options: IDataObject = {}) {
	const hook = await s.nextWebhook();
	return runWebhook(new WhatsAppCloudTrigger(), { options } as never, { method: 'POST', rawBody: hook.raw, headers: { 'x-hub-signature-256': hook.signature } }, creds());
}

function askWorkflow(ask: IDataObject) {
	return {
		nodes: [
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
			{
				name: 'Ask',
				type: 'n8n-nodes-whatsapp-cloud.whatsAppCampaign',
				parameters: { operation: 'sendAndWait', phoneNumber: { mode: 'id', value: PHONE }, to: `+${CUSTOMER}`, waitAmount: 2, waitUnit: 'hours', ...ask },
			},
			{ name: 'After', type: 'n8n-nodes-base.noOp' },
		],
		connections: { Start: { main: [[{ node: 'Ask', type: 'main' as const, index: 0 }]] }, Ask: { main: [[{ node: 'After', type: 'main' as const, index: 0 }]] } },
		credentials: creds(),
	};
}

const sentTo = async () => ((await (await fetch(`${s.url}/_sim/messages?to=${CUSTOMER}`)).json()) as { data: Array<Record<string, any>> }).data;

it('the execution waits; a signed text reply through the trigger resumes it with the answer', async () => {
	await openWindow();
	waiting = await startWaitingRun(askWorkflow({ waitMessage: 'Approve the refund of 20 EUR?' }));
	expect(waiting.first.status).toBe('waiting');
	expect(waiting.first.executedNodes).toEqual(['Start', 'Ask']);
	const [asked] = jsonOf(waiting.first.outputs.Ask[0]);
	expect(asked).toMatchObject({ waiting: true, to: CUSTOMER, questionType: 'text', recontact: false, questionMessageId: expect.stringMatching(/^wamid\./) });
	expect((await sentTo()).map((m) => m.type)).toEqual(['text']);

	// The wait is in the store with n8n's signed resume URL for this node.
	const waits = await (await getWaitStoreFor({ backend: 'sqlite', path: storePath })).pending(PHONE, CUSTOMER, Date.now());
	expect(waits).toHaveLength(1);
	expect(waits[0].resumeUrl).toMatch(new RegExp(`^${waiting.resumeBaseUrl}/${waiting.executionId}/[0-9a-f-]+\\?signature=[0-9a-f]{64}$`));
	expect(waits[0].messageId).toBe(asked.questionMessageId);

	await s.inbound({ from: CUSTOMER, text: 'Yes, go ahead', name: 'Ana' });
	const trig = await deliver();
	expect(trig.statusCode).toBe(200);
	expect(trig.body).toBe('EVENT_RECEIVED');
	// The answer belongs to the waiting execution: the trigger's own workflow is not started for it.
	expect(trig.workflowData).toBeUndefined();

	const done = await waiting.finished();
	expect(done.status).toBe('success');
	const [answer] = jsonOf(done.outputs.After[0]);
	expect(answer).toEqual({
		answered: true,
		timedOut: false,
		text: 'Yes, go ahead',
		buttonId: null,
		messageId: expect.stringMatching(/^wamid\./),
		type: 'text',
		from: CUSTOMER,
		phoneNumberId: PHONE,
		timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
		replyToMessageId: null,
		profileName: 'Ana',
	});
	expect(done.outputs.Ask[0][0].pairedItem).toEqual({ item: 0 });

	// Claimed once: the next message is an ordinary trigger event.
	await s.inbound({ from: CUSTOMER, text: 'thanks!' });
	const next = await deliver();
	expect(jsonOf(next.workflowData![0])).toEqual([expect.objectContaining({ kind: 'message', text: 'thanks!' })]);
	expect(next.workflowData![0][0].json.resumedExecutions).toBeUndefined();
});

it('reply buttons: the tapped button (quoting the question) is the answer; Emit Answers also starts the trigger workflow', async () => {
	await openWindow();
	waiting = await startWaitingRun(
		askWorkflow({ waitMessageType: 'buttons', waitMessage: 'Ship today?', waitButtons: { button: [{ id: 'ship', title: 'Ship' }, { id: 'hold', title: 'Hold' }] } }),
	);
	const questionId = waiting.first.outputs.Ask[0][0].json.questionMessageId as string;
	expect((await sentTo()).map((m) => m.type)).toEqual(['interactive']);
	await s.inbound({ from: CUSTOMER, type: 'button_reply', id: 'hold', title: 'Hold', context_id: questionId });
	const trig = await deliver({ emitWaitAnswers: true });
	expect(jsonOf(trig.workflowData![0])).toEqual([expect.objectContaining({ kind: 'message', resumedExecutions: [waiting.executionId] })]);
	const [answer] = jsonOf((await waiting.finished()).outputs.After[0]);
	expect(answer).toMatchObject({ answered: true, buttonId: 'hold', text: 'Hold', type: 'button_reply', replyToMessageId: questionId });
});

it('timeout: no answer → the execution goes on with timedOut: true; a late answer is reported on the trigger item, not lost', async () => {
	await openWindow();
	waiting = await startWaitingRun(askWorkflow({ waitMessage: 'Still interested?' }));
	const asked = waiting.first.outputs.Ask[0][0].json;
	const done = await waiting.timeout();
	expect(done.status).toBe('success');
	expect(jsonOf(done.outputs.After[0])).toEqual([
		{ to: CUSTOMER, phoneNumberId: PHONE, questionMessageId: asked.questionMessageId, questionType: 'text', recontact: false, answered: false, timedOut: true, waitedUntil: asked.waitTill },
	]);

	await s.inbound({ from: CUSTOMER, text: 'sorry, late' });
	const late = await deliver();
	expect(late.statusCode).toBe(200);
	const [item] = jsonOf(late.workflowData![0]);
	expect(item).toMatchObject({ text: 'sorry, late', resumedExecutions: [], resumeErrors: [{ executionId: waiting.executionId, error: expect.stringMatching(/^HTTP 409/) }] });
});

it("n8n's signature guards the resume URL: a forged or altered URL does not resume", async () => {
	await openWindow();
	waiting = await startWaitingRun(askWorkflow({ waitMessage: 'Approve?' }));
	const [w] = await (await getWaitStoreFor({ backend: 'sqlite', path: storePath })).pending(PHONE, CUSTOMER, Date.now());
	const body = JSON.stringify({ source: 'whatsapp-cloud-trigger', messageId: 'wamid.forged', type: 'text', text: 'yes' });
	const forged = await fetch(w.resumeUrl.replace(/signature=.*/, `signature=${'0'.repeat(64)}`), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
	expect(forged.status).toBe(401);
	const other = await fetch(`${w.resumeUrl}&approved=true`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
	expect(other.status).toBe(401);
	// A request that is not the trigger's answer is answered and leaves it waiting.
	const stray = await fetch(w.resumeUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
	expect(stray.status).toBe(200);
	await s.inbound({ from: CUSTOMER, text: 'yes' });
	await deliver();
	expect(jsonOf((await waiting.finished()).outputs.After[0])[0]).toMatchObject({ answered: true, text: 'yes' });
});

it('a closed window fails with a clear error (nothing sent, nothing waiting), or sends the recontact template and waits', async () => {
	waiting = await startWaitingRun(askWorkflow({ waitMessage: 'Approve?' }));
	expect(waiting.first.status).toBe('error');
	expect(waiting.first.nodeErrors.Ask?.message).toMatch(/^The 24 h customer-service window with 4915100000903 is closed \(no message from them on record\)/);
	expect(await sentTo()).toEqual([]);
	await waiting.close();

	const list = (await (await fetch(`${s.url}/v23.0/${s.sim.options.wabaId}/message_templates?status=APPROVED`, { headers: { authorization: 'Bearer sim-token' } })).json()) as {
		data: Array<{ id: string; name: string; category: string; components: Array<{ type: string; text?: string }> }>;
	};
	// hello_world: no variables (the simulator's preloaded utility template).
	const plain = list.data.find((t) => t.name === 'hello_world');
	expect(plain).toBeDefined();
	waiting = await startWaitingRun(askWorkflow({ waitMessage: 'Approve?', windowClosed: 'recontact', recontactTemplate: { mode: 'id', value: plain!.id } }));
	expect(waiting.first.nodeErrors.Ask?.message).toBeUndefined();
	expect(waiting.first.status).toBe('waiting');
	expect(waiting.first.outputs.Ask[0][0].json).toMatchObject({ questionType: 'template', recontact: true });
	expect((await sentTo()).map((m) => m.template?.name)).toEqual([plain!.name]);
	await s.inbound({ from: CUSTOMER, type: 'button', payload: 'Yes', text: 'Yes' });
	await deliver();
	expect(jsonOf((await waiting.finished()).outputs.After[0])[0]).toMatchObject({ answered: true, text: 'Yes', buttonId: 'Yes', type: 'button' });
});

it('store state is shared through the store file: a second process (another connection) sees and claims the wait', async () => {
	await openWindow();
	waiting = await startWaitingRun(askWorkflow({ waitMessage: 'Approve?' }));
	const other = await openStore({ backend: 'sqlite', path: storePath });
	await other.close();
	const { SqliteWaitStore } = await import('../../core/sendAndWait/waits');
	const second = SqliteWaitStore.open(storePath);
	try {
		expect((await second.pending(PHONE, CUSTOMER, Date.now())).map((w) => w.executionId)).toEqual([waiting.executionId]);
	} finally {
		await second.close();
	}
});
