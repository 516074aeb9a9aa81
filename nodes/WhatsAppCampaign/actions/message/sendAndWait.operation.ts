/**
 * Send and Wait for Response (operation `sendAndWait`, n8n's SEND_AND_WAIT_OPERATION),
 * human-in-the-loop over WhatsApp as n8n's own messaging nodes do it:
 *  1. Send a session message to one contact (the first input item): a text, or reply buttons.
 *     Session messages need the 24 h window (cloud-api.md §6, 131047); when the store says it is
 *     closed the node fails, or sends the Recontact Template instead (its quick-reply tap or any
 *     reply is the answer) — core/messages/api.ts sendMessage.
 *  2. Record (business number, contact, n8n's signed resume URL, the question's wamid, deadline) in
 *     the wait store (core/sendAndWait/waits.ts: SQLite file or Postgres schema, so it works in
 *     queue mode) and put the execution to wait until the deadline.
 *  3. The answer arrives at the WhatsApp Cloud Trigger, which claims the wait and POSTs it to the
 *     resume URL: this node's webhook (sendAndWait.webhook.ts) makes it the output.
 *  4. No answer before the deadline: n8n resumes the execution itself and passes the node's input
 *     through, which the node set, before waiting, to the timeout item `{ timedOut: true, … }`.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { SEND_AND_WAIT_OPERATION } from 'n8n-workflow';
import { recipientWaId } from '../../../../core/campaign/phone';
import { replyButtonsMessage, sendMessage, textMessage } from '../../../../core/messages';
import { item } from '../../../shared/items';
import { getWaitStore } from '../../../shared/waitStore';
import { windowClosedFields } from '../fields';
import { inputError, phoneNumberIdOf, recontactBody, type CampaignContext } from '../shared';

export const SEND_AND_WAIT = SEND_AND_WAIT_OPERATION;
const show = (extra: IDataObject = {}) => ({ show: { operation: [SEND_AND_WAIT], ...extra } });
const UNIT_MS: Record<string, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

export const description: INodeProperties[] = [
	{
		displayName:
			'The answer reaches n8n through the WhatsApp Cloud Trigger: keep an active workflow with that trigger (same WhatsApp store) for this number. One contact per execution (the first input item).',
		name: 'sendAndWaitNotice',
		type: 'notice',
		default: '',
		displayOptions: show(),
	},
	{ displayName: 'To', name: 'to', type: 'string', required: true, default: '', placeholder: 'e.g. +4915123456789', displayOptions: show() },
	{
		displayName: 'Response Type',
		name: 'waitMessageType',
		type: 'options',
		default: 'text',
		displayOptions: show(),
		options: [
			{ name: 'Free Text', value: 'text', description: 'A text message; any reply is the answer' },
			{ name: 'Reply Buttons', value: 'buttons', description: 'Up to three buttons; the tapped button\'s ID and title are the answer' },
		],
	},
	{ displayName: 'Message', name: 'waitMessage', type: 'string', typeOptions: { rows: 3 }, required: true, default: '', description: 'The question (up to 4,096 characters as text, 1,024 with buttons)', displayOptions: show() },
	{
		displayName: 'Buttons',
		name: 'waitButtons',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, maxValue: 3 },
		default: {},
		placeholder: 'Add Button',
		displayOptions: show({ waitMessageType: ['buttons'] }),
		options: [
			{
				displayName: 'Button',
				name: 'button',
				values: [
					{ displayName: 'ID', name: 'id', type: 'string', default: '', description: 'Up to 256 characters: the answer\'s buttonId' },
					{ displayName: 'Title', name: 'title', type: 'string', default: '', description: 'Up to 20 characters' },
				],
			},
		],
	},
	{ displayName: 'Limit Wait Time', name: 'waitAmount', type: 'number', typeOptions: { minValue: 1 }, default: 24, description: 'How long to wait for the answer before going on with timedOut: true', displayOptions: show() },
	{
		displayName: 'Unit',
		name: 'waitUnit',
		type: 'options',
		default: 'hours',
		displayOptions: show(),
		options: [
			{ name: 'Minutes', value: 'minutes' },
			{ name: 'Hours', value: 'hours' },
			{ name: 'Days', value: 'days' },
		],
	},
	...windowClosedFields(SEND_AND_WAIT, 'Its quick-reply tap (or any reply) is the answer'),
];

/** Send, record the wait, put the execution to wait. Only the first input item is used. */
export async function executeOnce(fn: IExecuteFunctions, { client, credentials, store }: CampaignContext): Promise<INodeExecutionData[][]> {
	const phoneNumberId = phoneNumberIdOf(fn, 0, credentials);
	const phone = recipientWaId(fn.getNodeParameter('to', 0, ''));
	if (!phone.ok) throw inputError(`To: ${phone.reason}`, 'to');
	const waId = phone.waId;
	const amount = Number(fn.getNodeParameter('waitAmount', 0, 24));
	const unit = String(fn.getNodeParameter('waitUnit', 0, 'hours'));
	if (!(amount > 0) || !UNIT_MS[unit]) throw inputError(`Limit Wait Time must be a positive number of minutes, hours or days (got ${JSON.stringify(amount)} ${unit})`, 'waitAmount');
	// The resume URL is checked before anything is sent: without an execution id (a partial run of a
	// single node in the editor) n8n cannot resume.
	const resumeUrl = fn.getSignedResumeUrl();
	const waits = await getWaitStore(fn);
	const question = await sendMessage(client, {
		phoneNumberId,
		to: waId,
		whenClosed: fn.getNodeParameter('windowClosed', 0, 'fail') as string,
		readWindow: async () => (await store()).getWindow(phoneNumberId, waId),
		closedHint: 'Choose "Send a Recontact Template".',
		recontact: () => recontactBody(fn, 0, client, waId),
		body: () => {
			const text = String(fn.getNodeParameter('waitMessage', 0, '') ?? '');
			if (fn.getNodeParameter('waitMessageType', 0, 'text') !== 'buttons') return textMessage(waId, text);
			const buttons = ((fn.getNodeParameter('waitButtons', 0, {}) as { button?: Array<{ id: string; title: string }> }).button ?? []).map((b) => ({ id: b.id, title: b.title }));
			return replyButtonsMessage(waId, { body: text, buttons });
		},
	});
	const now = Date.now();
	const waitTill = new Date(now + amount * UNIT_MS[unit]);
	const executionId = fn.getExecutionId();
	await waits.add({ id: `${executionId}:${fn.getNode().id}`, phoneNumberId, waId, resumeUrl, messageId: question.messageId, executionId, createdAt: now, expiresAt: waitTill.getTime() });
	const base: IDataObject = { to: waId, phoneNumberId, questionMessageId: question.messageId ?? null, questionType: question.type, recontact: question.recontact };
	// Timeout path: n8n resumes a timed-out execution by passing this node's input through, so the
	// saved input becomes the timeout item.
	fn.getExecuteData().data = { main: [[{ json: { ...base, answered: false, timedOut: true, waitedUntil: waitTill.toISOString() }, pairedItem: { item: 0 } }]] };
	await fn.putExecutionToWait(waitTill);
	return [[item({ ...base, waiting: true, waitTill: waitTill.toISOString() }, 0)]];
}
