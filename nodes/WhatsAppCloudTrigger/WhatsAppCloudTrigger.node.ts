/**
 * WhatsApp Cloud Trigger: Meta's webhooks for a WhatsApp Business Account (cloud-api.md §4).
 *
 *  - GET  (subscription handshake): `hub.mode=subscribe` + the credential's verify token → the raw
 *    `hub.challenge` as text/plain 200; anything else 403.
 *  - POST: `X-Hub-Signature-256` checked over the raw request bytes with the app secret
 *    (constant time). Missing / invalid → 401 and no execution. A signed request never gets a 5xx
 *    for its content (Meta would redeliver it for days, failing the same way each time): over
 *    8 MiB → 413, nested deeper than 64 levels / not JSON / not a webhook → 400 (size and depth
 *    are checked on the raw bytes, before parsing or hashing); an event whose id is missing, empty
 *    or unusable as a store key is skipped, reported (one `kind: "skipped"` item + a log warning),
 *    and the request's other events are applied and answered 200. Store writes (windows, ledger,
 *    replies, opt-outs) and de-duplication happen before answering; only a store failure (an
 *    outage) → 500 so Meta redelivers.
 *  - One output item per event (core/webhook/parse.ts), the change's value kept in `raw`.
 *  - Registration: manual (paste the URL and verify token in the Meta app dashboard) or automatic
 *    (`POST /{WABA}/subscribed_apps` with `override_callback_uri`, undone on deactivation). An
 *    override held by another URL is never replaced silently: activation fails naming that URL
 *    unless *Take Over* is on; the activation log names the URL that now receives the events.
 * A thin adapter: all logic lives in core/webhook.
 */
import type {
	IDataObject,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { handleWebhookEvents, type HandleOptions } from '../../core/webhook/handle';
import { passesFilter } from '../../core/webhook/handle';
import { parseKeywordList } from '../../core/webhook/optOut';
import { parseWebhookRequest, WebhookParseError, type ParsedWebhook } from '../../core/webhook/parse';
import { findOverride, registerOverride, unregisterOverride, type DeactivateMode } from '../../core/webhook/subscription';
import type { SkippedEvent, WebhookEvent, WebhookEventKind } from '../../core/webhook/types';
import { verifyChallenge, verifySignature } from '../../core/webhook/verify';
import { CLOUD_API_CREDENTIAL, getGraphClient, getWebhookCredentials, STORE_CREDENTIAL, WEBHOOK_CREDENTIAL, type WebhookCredentials } from '../shared/credentials';
import { toNodeError } from '../shared/errors';
import { attachMedia, downloadMediaOptions, mediaIdOf } from './downloadMedia';
import { triggerStore, webhookCredentials } from './hotPath';
import { ForwardedBatchError, parseForwardedBatch, RECEIVER_SIGNATURE_HEADER, verifyForward } from '../../core/receiver/protocol';
import { claimAnswers, resumeClaimed, resumeNote, type ResumeOutcome } from './resumeWaits';

const EVENT_OPTIONS: Array<{ name: string; value: WebhookEventKind; description: string }> = [
	{ name: 'Account Update', value: 'account_update', description: 'Restrictions, violations, bans, verification (account_update)' },
	{ name: 'Business Capability Update', value: 'business_capability', description: 'Messaging and phone number limits (business_capability_update)' },
	{ name: 'Error', value: 'error', description: 'Errors Meta reports in value.errors[]' },
	{ name: 'Message', value: 'message', description: 'Inbound messages of every type (text, media, location, buttons, flows, orders…)' },
	{ name: 'Phone Number Name Update', value: 'phone_name', description: 'Display name review (phone_number_name_update)' },
	{ name: 'Phone Number Quality Update', value: 'phone_quality', description: 'Messaging limit and throughput (phone_number_quality_update)' },
	{ name: 'Status', value: 'status', description: 'Delivery statuses of sent messages (sent, delivered, read, failed, played)' },
	{ name: 'Template Category Update', value: 'template_category', description: 'Template recategorised (template_category_update)' },
	{ name: 'Template Quality Update', value: 'template_quality', description: 'Template quality score changed (message_template_quality_update)' },
	{ name: 'Template Status Update', value: 'template_status', description: 'Template approved, rejected, paused… (message_template_status_update)' },
	{ name: 'Unknown Field', value: 'unknown', description: 'Any other webhook field, passed through as is' },
	{ name: 'User Preference', value: 'user_preference', description: 'Marketing messages stopped or resumed (user_preferences)' },
];

export class WhatsAppCloudTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Cloud Trigger',
		name: 'whatsAppCloudTrigger',
		icon: 'file:whatsAppCloudTrigger.svg',
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["registration"] === "automatic" ? "Registered automatically" : "Manual registration"}}',
		description: 'Starts the workflow on WhatsApp Cloud API webhooks (messages, statuses, template and account updates), with signature check, de-duplication and opt-out handling',
		defaults: { name: 'WhatsApp Cloud Trigger' },
		inputs: [],
		outputs: ['main'],
		credentials: [
			{ name: WEBHOOK_CREDENTIAL, required: true },
			// Needed by automatic registration and by Download Media. n8n's displayOptions cannot say "automatic
			// OR Download Media", and n8n reads only the first entry of a credential type, so it is optional
			// here and each feature names it when it is missing (registrationContext, downloadMedia.ts).
			{ name: CLOUD_API_CREDENTIAL, required: false },
			{ name: STORE_CREDENTIAL, required: false },
		],
		// GET first: n8n registers a node's webhooks in order, so the handshake endpoint is live
		// when create() asks Meta to verify the URL (automatic registration).
		webhooks: [
			{ name: 'default', httpMethod: 'GET', responseMode: 'onReceived', path: 'webhook' },
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		properties: [
			{
				displayName: 'Registration',
				name: 'registration',
				type: 'options',
				options: [
					{
						name: 'Manual',
						value: 'manual',
						description: 'Paste the webhook URL and the verify token into the Meta app dashboard yourself',
					},
					{
						name: 'Automatic (Per WhatsApp Business Account)',
						value: 'automatic',
						description: 'On activation, point the WhatsApp Business Account at this URL (subscribed_apps override_callback_uri); undone on deactivation',
					},
				],
				default: 'manual',
			},
			{
				displayName:
					'In the Meta app dashboard (WhatsApp → Configuration → Webhook), set the Callback URL to this node\'s Production URL (shown above under Webhook URLs) and the Verify Token to the one in the WhatsApp Cloud Webhook credential, then subscribe to the fields you need (messages, message_template_status_update, user_preferences…)',
				name: 'manualNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { registration: ['manual'] } },
			},
			{
				displayName: 'WhatsApp Business Account ID',
				name: 'wabaId',
				type: 'string',
				default: '',
				placeholder: 'e.g. 102290129340398',
				description: 'The WhatsApp Business Account whose webhooks go to this URL. Empty: the one in the WhatsApp Cloud API credential.',
				displayOptions: { show: { registration: ['automatic'] } },
			},
			{
				displayName: 'On Deactivation',
				name: 'onDeactivate',
				type: 'options',
				options: [
					{ name: 'Restore App Callback URL', value: 'restore', description: 'Remove the override: events go back to the app-level callback URL' },
					{ name: 'Unsubscribe the App', value: 'unsubscribe', description: 'DELETE subscribed_apps: the app gets no more events from this account' },
					{ name: 'Keep the Registration', value: 'keep', description: 'Leave the override in place' },
				],
				default: 'restore',
				displayOptions: { show: { registration: ['automatic'] } },
			},
			{
				displayName: 'Take Over',
				name: 'takeOver',
				type: 'boolean',
				default: false,
				description:
					'Whether to point the account\'s webhooks at this workflow even when another URL (another workflow, another n8n, another system) holds the override. Off: activation fails and names the URL that holds it.',
				displayOptions: { show: { registration: ['automatic'] } },
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: EVENT_OPTIONS,
				default: [],
				description: 'Which events start the workflow. None selected: all.',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Business Phone Number IDs',
						name: 'phoneNumberIds',
						type: 'string',
						default: '',
						placeholder: 'e.g. 106540352242922, 106540352242923',
						description: 'Only emit events for these business numbers (comma-separated phone_number_id). Account and template events have no number and always pass.',
					},
					{
						displayName: 'De-Duplicate Redeliveries',
						name: 'dedup',
						type: 'boolean',
						default: true,
						description: 'Whether to emit each message (by ID) and each status (by ID + status) once, even when Meta delivers it again',
					},
					{
						displayName: 'Detect Opt-Out Keywords',
						name: 'optOutKeywords',
						type: 'boolean',
						default: true,
						description: 'Whether a message that is only an opt-out word (STOP, UNSUBSCRIBE, BAJA, PARE, STOPP, 退订…) opts the contact out of marketing, and START opts back in',
					},
					{
						displayName: 'Download Media',
						name: 'downloadMedia',
						type: 'boolean',
						default: false,
						description:
							'Whether to attach each inbound image, video, audio, document and sticker to its item as binary data (needs the WhatsApp Cloud API credential). A failed download is reported on the item as mediaError; the event is never dropped.',
					},
					{
						displayName: 'Emit Answers to Waiting Executions',
						name: 'emitWaitAnswers',
						type: 'boolean',
						default: false,
						description:
							'Whether a message that resumed a "Send and Wait for Response" execution also starts this workflow. Off: it only resumes the waiting execution (a workflow that waits and starts on messages would otherwise run again on every answer).',
					},
					{
						displayName: 'Extra Opt-Out Keywords',
						name: 'extraOptOutList',
						type: 'string',
						default: '',
						placeholder: 'e.g. CANCEL, SAIR, END, QUIT',
						description:
							'Comma-separated words added to the opt-out list (default or your own). Ambiguous words such as CANCEL, SAIR, END or QUIT are not in the default list: in a support chat they usually mean "cancel my order".',
					},
					{
						displayName: 'Media Binary Field',
						name: 'mediaBinaryProperty',
						type: 'string',
						default: 'data',
						description: 'The binary property Download Media puts the file in',
					},
					{
						displayName: 'Media Max Size (MB)',
						name: 'mediaMaxSizeMb',
						type: 'number',
						typeOptions: { minValue: 0.001 },
						default: 100,
						description: 'Download Media skips larger files (reported as mediaError). 100 MB is the largest file WhatsApp carries.',
					},
					{
						displayName: 'Opt-In Keywords',
						name: 'optInList',
						type: 'string',
						default: '',
						placeholder: 'e.g. START, SUBSCRIBE',
						description: 'Comma-separated; replaces the default list (START, SUBSCRIBE, UNSTOP, RESUME, INICIAR, ALTA…)',
					},
					{
						displayName: 'Opt-Out Keywords',
						name: 'optOutList',
						type: 'string',
						default: '',
						placeholder: 'e.g. STOP, UNSUBSCRIBE, BAJA',
						description: 'Comma-separated; replaces the default multilingual STOP-family list (see the README). Matched against the whole message, ignoring case, accents and punctuation.',
					},
					{
						displayName: 'Record Contact Activity',
						name: 'touchContacts',
						type: 'boolean',
						default: true,
						description: 'Whether each inbound message updates the contact\'s last-active time and profile name in the store (creating the contact if new)',
					},
					{
						displayName: 'Reply Attribution Window (Hours)',
						name: 'replyAttributionHours',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 72,
						description:
							'A message from a campaign recipient within this many hours after our latest campaign message from that number marks them "replied" (typed replies count, not only quick-reply taps). 0: only replies that quote our message.',
					},
					{
						displayName: 'Resume Waiting Executions',
						name: 'resumeWaits',
						type: 'boolean',
						default: true,
						description:
							'Whether an inbound message resumes the executions waiting for this contact\'s answer (WhatsApp Campaign → Send and Wait for Response, same WhatsApp store)',
					},
					{
						displayName: 'Statuses',
						name: 'statuses',
						type: 'multiOptions',
						options: [
							{ name: 'Delivered', value: 'delivered' },
							{ name: 'Failed', value: 'failed' },
							{ name: 'Played', value: 'played' },
							{ name: 'Read', value: 'read' },
							{ name: 'Sent', value: 'sent' },
						],
						default: [],
						description: 'Which delivery statuses to emit. None selected: all.',
					},
					{
						displayName: 'Update Store',
						name: 'updateStore',
						type: 'boolean',
						default: true,
						description: 'Whether to record conversation windows, campaign delivery states, replies and opt-outs in the WhatsApp store',
					},
				],
			},
		],
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				if (this.getNodeParameter('registration', 'manual') !== 'automatic') return true;
				const { client, wabaId, url } = await registrationContext(this);
				const { appId } = await getWebhookCredentials(this);
				let found;
				try {
					found = (await findOverride(client, wabaId, url, appId)) !== undefined;
				} catch (error) {
					throw toNodeError(this.getNode(), error);
				}
				if (found) this.logger?.info(`WhatsApp Cloud Trigger: WhatsApp Business Account ${wabaId}'s webhooks go to ${url} (registration already in place)`);
				return found;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				if (this.getNodeParameter('registration', 'manual') !== 'automatic') return true;
				const { client, wabaId, url } = await registrationContext(this);
				const { verifyToken, appId } = await getWebhookCredentials(this);
				if (!verifyToken) throw new NodeOperationError(this.getNode(), 'The WhatsApp Cloud Webhook credential has no verify token');
				const takeOver = this.getNodeParameter('takeOver', false) === true;
				let registered;
				try {
					registered = await registerOverride(client, wabaId, url, verifyToken, { takeOver, appId });
				} catch (error) {
					throw toNodeError(this.getNode(), error);
				}
				this.logger?.info(
					`WhatsApp Cloud Trigger: WhatsApp Business Account ${wabaId}'s webhooks now go to ${url}` +
						(registered.previousUrl ? ` (taken over from ${registered.previousUrl}, which no longer receives them)` : ''),
				);
				const data = this.getWorkflowStaticData('node');
				data.registeredWabaId = wabaId;
				data.registeredUrl = url;
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				if (this.getNodeParameter('registration', 'manual') !== 'automatic') return true;
				const data = this.getWorkflowStaticData('node');
				const { client, wabaId, url } = await registrationContext(this, data.registeredWabaId as string | undefined);
				const mode = this.getNodeParameter('onDeactivate', 'restore') as DeactivateMode;
				const { appId } = await getWebhookCredentials(this);
				let done;
				try {
					done = await unregisterOverride(client, wabaId, url, mode, appId);
				} catch (error) {
					throw toNodeError(this.getNode(), error);
				}
				this.logger?.info(
					`WhatsApp Cloud Trigger: ${
						done === 'restored'
							? `WhatsApp Business Account ${wabaId}'s webhooks go back to the app's callback URL`
							: done === 'unsubscribed'
								? `the app is unsubscribed from WhatsApp Business Account ${wabaId}`
								: `WhatsApp Business Account ${wabaId}'s registration left as is (${mode === 'keep' ? 'On Deactivation: keep' : `it no longer points at ${url}`})`
					}`,
				);
				delete data.registeredWabaId;
				delete data.registeredUrl;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const req = this.getRequestObject();
		const res = this.getResponseObject();
		// Read once per minute, not per request (hotPath.ts: each read costs n8n an isolate).
		let credentials = await webhookCredentials(this);
		const reply = (status: number, body: string): IWebhookResponseData => {
			res.status(status);
			res.setHeader('content-type', 'text/plain; charset=utf-8');
			res.end(body);
			return { noWebhookResponse: true };
		};

		if (req.method === 'GET') {
			// cloud-api.md §4: echo hub.challenge only for subscribe + the right verify token.
			const query = this.getQueryData() as Record<string, unknown>;
			let result = verifyChallenge(query, credentials.verifyToken);
			if (!result.ok) result = verifyChallenge(query, (await webhookCredentials(this, true)).verifyToken);
			return result.ok ? reply(200, result.challenge) : reply(403, 'Forbidden');
		}

		let raw = (req as unknown as { rawBody?: Buffer }).rawBody;
		if (raw === undefined && typeof (req as unknown as { readRawBody?: () => Promise<void> }).readRawBody === 'function') {
			await (req as unknown as { readRawBody: () => Promise<void> }).readRawBody();
			raw = (req as unknown as { rawBody?: Buffer }).rawBody;
		}
		const headers = this.getHeaderData();
		// A batch from the webhook receiver (core/receiver, issue 19): signed with the Receiver Secret, its
		// store side effects already applied; otherwise Meta's own request, signed with the app secret.
		const forwardHeader = headers[RECEIVER_SIGNATURE_HEADER];
		const forwarded = forwardHeader !== undefined;
		const header = forwarded ? forwardHeader : headers['x-hub-signature-256'];
		const signature = Array.isArray(header) ? header[0] : header;
		const signedWith = (c: WebhookCredentials) =>
			raw !== undefined && (forwarded ? verifyForward(raw, signature, c.receiverSecret ?? '') : verifySignature(raw, signature, c.appSecret));
		// A secret edited in the credential is picked up at once: a failing signature re-reads it.
		if (!signedWith(credentials) && !signedWith((credentials = await webhookCredentials(this, true)))) {
			return reply(401, 'Invalid signature');
		}

		let parsed: ParsedWebhook;
		try {
			parsed = forwarded ? { events: parseForwardedBatch(raw!), skipped: [] } : parseWebhookRequest(raw!);
		} catch (error) {
			if (error instanceof WebhookParseError) return reply(error.status, error.message);
			if (error instanceof ForwardedBatchError) return reply(400, error.message);
			// Not an outage: the same bytes would fail the same way on every redelivery.
			this.logger?.error(`WhatsApp Cloud Trigger: could not read a signed webhook request: ${(error as Error).message}`);
			return reply(400, 'The webhook body could not be read');
		}
		const events: WebhookEvent[] = parsed.events;
		if (parsed.skipped.length) {
			const reasons = parsed.skipped.slice(0, 5).map((s) => `${s.path}: ${s.reason}`);
			if (parsed.skipped.length > 5) reasons.push(`… and ${parsed.skipped.length - 5} more`);
			this.logger?.warn(
				`WhatsApp Cloud Trigger: skipped ${parsed.skipped.length} event(s) of a signed request; its other ${events.length} event(s) are applied. ${reasons.join('; ')}`,
			);
		}

		const options = this.getNodeParameter('options', {}) as IDataObject;
		const handleOptions: HandleOptions = {
			kinds: this.getNodeParameter('events', []) as WebhookEventKind[],
			statuses: (options.statuses as string[] | undefined) ?? [],
			phoneNumberIds: String(options.phoneNumberIds ?? '')
				.split(/[\s,]+/)
				.filter(Boolean),
			dedup: options.dedup !== false,
			// The webhook id is the URL Meta posts to: stable across renames and restarts.
			dedupScope: `trigger:${this.getNode().webhookId ?? this.getNode().id}`,
			sideEffects: !forwarded && options.updateStore !== false,
			touchContacts: options.touchContacts !== false,
			replyAttributionMs: Number(options.replyAttributionHours ?? 72) * 3_600_000,
			optOutKeywords: options.optOutKeywords !== false,
			keywordOptions: {
				optOutKeywords: parseKeywordList(options.optOutList as string | undefined),
				extraOptOutKeywords: parseKeywordList(options.extraOptOutList as string | undefined),
				optInKeywords: parseKeywordList(options.optInList as string | undefined),
			},
		};

		let result;
		try {
			const needsStore = handleOptions.dedup || handleOptions.sideEffects;
			const store = needsStore && events.length ? await triggerStore(this) : undefined;
			result = await handleWebhookEvents(store, events, handleOptions);
		} catch (error) {
			// Not acknowledged: Meta redelivers, and nothing was marked processed.
			this.logger?.error(`WhatsApp Cloud Trigger: store update failed: ${(error as Error).message}`);
			return reply(500, 'Store update failed');
		}
		// Skipped events are reported under the same filters as the kind they would have had.
		const reported = parsed.skipped.filter((s) => passesFilter(skippedAsFilterable(s), handleOptions));
		if (result.events.length === 0 && reported.length === 0) return reply(200, 'EVENT_RECEIVED');

		// Meta gets its 200 before slow work (resumes, downloads): the events are applied and de-duplicated.
		let acked = false;
		const ack = () => {
			if (!acked) reply(200, 'EVENT_RECEIVED');
			acked = true;
		};
		// Send and Wait for Response: answers resume the executions waiting for them (resumeWaits.ts).
		const claimed = options.resumeWaits !== false ? await claimAnswers(this, result.events) : [];
		let resumed: Map<string, ResumeOutcome[]> | undefined;
		if (claimed.length) {
			ack();
			resumed = await resumeClaimed(this, claimed);
		}

		const items: INodeExecutionData[] = [];
		for (const event of result.events) {
			const outcomes = resumed?.get(event.eventId);
			// An answer that resumed its execution belongs to it; emitted too only when asked (a workflow that
			// waits and also starts on messages would otherwise start again on every answer).
			if (outcomes?.some((o) => o.resumed) && options.emitWaitAnswers !== true) continue;
			const json = { ...event } as unknown as IDataObject;
			const note = result.annotations.get(event.eventId);
			if (note) Object.assign(json, note);
			const resumeInfo = resumeNote(outcomes);
			if (resumeInfo) Object.assign(json, resumeInfo);
			items.push({ json });
		}
		for (const s of reported) items.push({ json: { ...s } as unknown as IDataObject });
		if (!items.length) return acked ? { noWebhookResponse: true } : reply(200, 'EVENT_RECEIVED');
		const media = downloadMediaOptions(options);
		if (media && items.some((item) => mediaIdOf(item.json) !== undefined)) {
			ack();
			await attachMedia(this, items, media);
		}
		return acked ? { noWebhookResponse: true, workflowData: [items] } : { workflowData: [items] };
	}
}

function skippedAsFilterable(s: SkippedEvent): WebhookEvent {
	return { kind: s.skippedKind, status: s.status ?? '', phoneNumberId: s.phoneNumberId } as unknown as WebhookEvent;
}

async function registrationContext(ctx: IHookFunctions, storedWabaId?: string) {
	const url = ctx.getNodeWebhookUrl('default');
	if (!url) throw new NodeOperationError(ctx.getNode(), 'n8n did not provide a webhook URL for this node');
	let graph;
	try {
		graph = await getGraphClient(ctx);
	} catch (error) {
		if (error instanceof NodeOperationError && /credential/i.test(error.message)) {
			throw new NodeOperationError(ctx.getNode(), 'Automatic registration needs a WhatsApp Cloud API credential: add one to the trigger');
		}
		throw error;
	}
	const { client, credentials } = graph;
	const wabaId = (storedWabaId || String(ctx.getNodeParameter('wabaId', '') || '').trim() || credentials.businessAccountId).trim();
	if (!wabaId) {
		throw new NodeOperationError(ctx.getNode(), 'No WhatsApp Business Account ID: set it on the node or in the WhatsApp Cloud API credential');
	}
	return { client, wabaId, url };
}
