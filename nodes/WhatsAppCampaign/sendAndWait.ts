/**
 * WhatsApp Campaign → "Send and Wait for Response" (operation `sendAndWait`, n8n's
 * SEND_AND_WAIT_OPERATION), human-in-the-loop over WhatsApp as n8n's own messaging nodes do it:
 *
 *  1. Send a session message to one contact (the first input item): a text, or reply buttons.
 *     Session messages need the 24 h customer-service window (cloud-api.md §6, Meta error 131047);
 *     when the store says it is closed the node fails, or sends the Recontact Template instead (its
 *     quick-reply tap or any reply is the answer).
 *  2. Record (business number, contact, n8n's signed resume URL, the question's wamid, deadline) in
 *     the wait store (core/sendAndWait/waits.ts: the WhatsApp store's SQLite file or Postgres
 *     schema, so it works in queue mode) and put the execution to wait until the deadline
 *     (`putExecutionToWait`).
 *  3. The contact's answer arrives at the WhatsApp Cloud Trigger as an inbound message; the trigger
 *     claims the wait and POSTs the answer to the resume URL. n8n (its `webhook-waiting` endpoint,
 *     which checks the URL's HMAC signature for send-and-wait nodes) calls this node's `webhook()`
 *     (a restart webhook, path = node id, as n8n's sendAndWait webhooks), whose item becomes the
 *     node's output: `{ answered: true, text, buttonId, messageId, timestamp, … }`.
 *  4. No answer before the deadline: n8n resumes the execution itself and passes the node's input
 *     through. The node sets that input, before waiting, to the timeout item `{ timedOut: true, … }`
 *     (the execution stack entry n8n saves with the waiting execution), so the output says so.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeParameterResourceLocator, INodeProperties, IWebhookDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { SEND_AND_WAIT_OPERATION } from 'n8n-workflow';
import type { GraphClient } from '../../core/graph/client';
import { templateMessageBody } from '../../core/campaign/engine';
import { recipientWaId } from '../../core/campaign/phone';
import { postMessage, replyButtonsMessage, textMessage } from '../../core/messages';
import { getTemplate, valuesFromInputs } from '../../core/templates';
import { conversationWindow } from '../../core/window/window';
import type { CloudApiCredentials } from '../shared/credentials';
import { errorJson, InputError, toNodeError } from '../shared/errors';
import { item } from '../shared/items';
import { getStore } from '../shared/store';
import { templateIdFromLocator, templateLocatorProperty } from '../shared/templatePicker';
import { getWaitStore } from '../shared/waitStore';

export const SEND_AND_WAIT = SEND_AND_WAIT_OPERATION;

/** What the WhatsApp Cloud Trigger POSTs to a resume URL (the answer). */
export interface WaitAnswer {
	source: 'whatsapp-cloud-trigger';
	/** The answer's message ID (wamid) and type (text, interactive, button…). */
	messageId: string;
	type: string;
	from?: string;
	phoneNumberId?: string;
	/** What the contact wrote, or the tapped button's title / text. */
	text?: string;
	/** A reply button's ID, or a template quick reply's payload. */
	buttonId?: string;
	/** When the contact sent it (Meta's timestamp, ISO 8601). */
	timestamp?: string;
	/** The message the contact quoted (the question, when they used "reply"). */
	replyToMessageId?: string;
	profileName?: string;
}

const show = (extra: IDataObject = {}) => ({ show: { operation: [SEND_AND_WAIT], ...extra } });

/** n8n's send-and-wait webhooks: restart webhooks on the node's id, resumed by n8n's webhook-waiting endpoint. */
export const sendAndWaitWebhooks: IWebhookDescription[] = [
	{ name: 'default', httpMethod: 'GET', responseMode: 'onReceived', responseData: '', path: '={{ $nodeId }}', restartWebhook: true, isFullPath: true },
	{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', responseData: '', path: '={{ $nodeId }}', restartWebhook: true, isFullPath: true },
];

export const sendAndWaitProperties: INodeProperties[] = [
	{
		displayName:
			'The answer reaches n8n through the WhatsApp Cloud Trigger: keep an active workflow with that trigger (same WhatsApp store) for this number. One contact per execution (the first input item).',
		name: 'sendAndWaitNotice',
		type: 'notice',
		default: '',
		displayOptions: show(),
	},
	{
		displayName: 'To',
		name: 'to',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. +4915123456789',
		displayOptions: show(),
	},
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
	{
		displayName: 'Message',
		name: 'waitMessage',
		type: 'string',
		typeOptions: { rows: 3 },
		required: true,
		default: '',
		description: 'The question (up to 4,096 characters as text, 1,024 with buttons)',
		displayOptions: show(),
	},
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
	{
		displayName: 'Limit Wait Time',
		name: 'waitAmount',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 24,
		description: 'How long to wait for the answer before going on with timedOut: true',
		displayOptions: show(),
	},
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
	{
		displayName: 'When the Window Is Closed',
		name: 'windowClosed',
		type: 'options',
		default: 'fail',
		description: 'Free-form messages only go through within 24 h of the customer’s last message (131047 otherwise)',
		displayOptions: show(),
		options: [
			{ name: 'Fail With a Clear Error', value: 'fail' },
			{ name: 'Send a Recontact Template', value: 'recontact', description: 'Its quick-reply tap (or any reply) is the answer' },
			{ name: 'Send Anyway (No Check)', value: 'ignore', description: 'Skip the store check and let Meta decide' },
		],
	},
	templateLocatorProperty({
		name: 'recontactTemplate',
		displayName: 'Recontact Template',
		approvedOnly: true,
		description: 'Approved template sent instead when the window is closed',
		displayOptions: show({ windowClosed: ['recontact'] }),
	}),
	{
		displayName: 'Recontact Variables (JSON)',
		name: 'recontactVariables',
		type: 'json',
		default: '{}',
		description: 'Values keyed like body.1, body.first_name, header.media, button.0',
		displayOptions: show({ windowClosed: ['recontact'] }),
	},
];

const UNIT_MS: Record<string, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

function inputError(message: string, field: string): InputError {
	return new InputError(message, field);
}

function phoneNumberIdOf(fn: IExecuteFunctions, credentials: CloudApiCredentials): string {
	const locator = fn.getNodeParameter('phoneNumber', 0, { mode: 'list', value: '' }) as INodeParameterResourceLocator | string;
	const id = String((typeof locator === 'object' ? locator?.value : locator) ?? '').trim() || credentials.phoneNumberId || '';
	if (!id) throw inputError('Business Number is empty and the credential has no phone number ID: pick a business number', 'phoneNumber');
	return id;
}

/** The question: a session text or reply buttons, or the recontact template when the window is closed. */
async function sendQuestion(fn: IExecuteFunctions, client: GraphClient, phoneNumberId: string, waId: string): Promise<IDataObject> {
	const mode = fn.getNodeParameter('windowClosed', 0, 'fail') as string;
	if (mode !== 'ignore') {
		const store = await getStore(fn);
		const w = await store.getWindow(phoneNumberId, waId);
		const state = conversationWindow(w?.lastInboundAt ?? null, Date.now(), { freeEntryPointAt: w?.freeEntryPointAt });
		if (!state.windowOpen) {
			const last = w?.lastInboundAt ? `last message ${new Date(w.lastInboundAt).toISOString()}` : 'no message from them on record';
			if (mode === 'fail') {
				throw inputError(
					`The 24 h customer-service window with ${waId} is closed (${last}): only templates can be sent (Meta error 131047). Choose "Send a Recontact Template".`,
					'windowClosed',
				);
			}
			const id = templateIdFromLocator(fn.getNodeParameter('recontactTemplate', 0) as INodeParameterResourceLocator);
			if (!id) throw inputError('Recontact Template: pick an approved template', 'recontactTemplate');
			const t = await getTemplate(client, id);
			if (t.status && t.status !== 'APPROVED') throw inputError(`Recontact Template: template ${t.name} (${t.language}) is ${t.status}; only APPROVED templates can be sent`, 'recontactTemplate');
			const rawVars = fn.getNodeParameter('recontactVariables', 0, '{}') as unknown;
			let flat: Record<string, unknown>;
			try {
				flat = (typeof rawVars === 'string' ? JSON.parse(rawVars || '{}') : rawVars) as Record<string, unknown>;
			} catch (error) {
				throw inputError(`Recontact Variables (JSON) is not valid JSON: ${(error as Error).message}`, 'recontactVariables');
			}
			const template = { name: t.name, language: t.language, category: t.category, parameter_format: t.parameter_format, components: t.components };
			const sent = await postMessage(client, phoneNumberId, templateMessageBody(template, waId, valuesFromInputs(flat ?? {})));
			return { messageId: sent.messageId ?? null, type: 'template', recontact: true, template: t.name };
		}
	}
	const text = String(fn.getNodeParameter('waitMessage', 0, '') ?? '');
	const kind = fn.getNodeParameter('waitMessageType', 0, 'text') as string;
	let body;
	if (kind === 'buttons') {
		const buttons = ((fn.getNodeParameter('waitButtons', 0, {}) as { button?: Array<{ id: string; title: string }> }).button ?? []).map((b) => ({ id: b.id, title: b.title }));
		body = replyButtonsMessage(waId, { body: text, buttons });
	} else {
		body = textMessage(waId, text);
	}
	const sent = await postMessage(client, phoneNumberId, body);
	return { messageId: sent.messageId ?? null, type: body.type, recontact: false };
}

/** The operation: send, record the wait, put the execution to wait. Only the first input item is used. */
export async function executeSendAndWait(fn: IExecuteFunctions, client: GraphClient, credentials: CloudApiCredentials): Promise<INodeExecutionData[][]> {
	try {
		const phoneNumberId = phoneNumberIdOf(fn, credentials);
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

		const question = await sendQuestion(fn, client, phoneNumberId, waId);
		const now = Date.now();
		const waitTill = new Date(now + amount * UNIT_MS[unit]);
		const node = fn.getNode();
		const executionId = fn.getExecutionId();
		await waits.add({
			id: `${executionId}:${node.id}`,
			phoneNumberId,
			waId,
			resumeUrl,
			messageId: typeof question.messageId === 'string' ? question.messageId : undefined,
			executionId,
			createdAt: now,
			expiresAt: waitTill.getTime(),
		});
		const base: IDataObject = { to: waId, phoneNumberId, questionMessageId: question.messageId ?? null, questionType: question.type, recontact: question.recontact };
		// Timeout path: n8n resumes a timed-out execution by passing this node's input through, so the
		// saved input becomes the timeout item.
		const executeData = fn.getExecuteData();
		executeData.data = { main: [[{ json: { ...base, answered: false, timedOut: true, waitedUntil: waitTill.toISOString() }, pairedItem: { item: 0 } }]] };
		await fn.putExecutionToWait(waitTill);
		return [[item({ ...base, waiting: true, waitTill: waitTill.toISOString() }, 0)]];
	} catch (error) {
		if (fn.continueOnFail()) return [[item(errorJson(error), 0)]];
		throw toNodeError(fn.getNode(), error, 0);
	}
}

/**
 * The resume webhook (n8n calls it for `POST {resumeUrl}` once the signature checked out). Only
 * the trigger's answer resumes; any other request is answered and leaves the execution waiting.
 */
export async function sendAndWaitWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = this.getRequestObject();
	const body = (this.getBodyData() ?? {}) as Partial<WaitAnswer>;
	if (req.method !== 'POST' || body.source !== 'whatsapp-cloud-trigger' || typeof body.messageId !== 'string') {
		return { webhookResponse: 'This URL resumes a WhatsApp "Send and Wait for Response" with the contact\'s answer; the WhatsApp Cloud Trigger calls it.' };
	}
	const answer: IDataObject = {
		answered: true,
		timedOut: false,
		text: typeof body.text === 'string' ? body.text : null,
		buttonId: typeof body.buttonId === 'string' ? body.buttonId : null,
		messageId: body.messageId,
		type: String(body.type ?? ''),
		from: body.from ?? null,
		phoneNumberId: body.phoneNumberId ?? null,
		timestamp: body.timestamp ?? null,
		replyToMessageId: body.replyToMessageId ?? null,
		profileName: body.profileName ?? null,
	};
	return { webhookResponse: { resumed: true }, workflowData: [[{ json: answer, pairedItem: { item: 0 } }]] };
}
