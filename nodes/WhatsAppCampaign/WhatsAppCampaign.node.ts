/**
 * WhatsApp Campaign: tier-throttled, exactly-once template campaigns, session messages, mark as
 * read, campaign report and pause/resume/stop (issue #7). A thin adapter: throttling, the ledger,
 * retries and message building live in core/campaign, core/throttle and core/messages.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodeListSearchResult,
	INodeParameterResourceLocator,
	INodeType,
	INodeTypeDescription,
	ResourceMapperFields,
	ResourceMapperValue,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { GraphClient } from '../../core/graph/client';
import { describeTemplateVariables, getTemplate, valuesFromInputs, type SendValues, type StoredTemplate } from '../../core/templates';
import { runCampaign, campaignRecipients, templateMessageBody } from '../../core/campaign/engine';
import { dryRunCampaign } from '../../core/campaign/dryRun';
import { setCampaignControl, HOPPER } from '../../core/campaign/control';
import { DUPLICATE_KEY_PREFIX, INVALID_KEY_PREFIX, followUpAudience } from '../../core/campaign/audience';
import { recipientWaId } from '../../core/campaign/phone';
import type { CampaignTemplate, RecipientResult, RecipientSpec } from '../../core/campaign/types';
import { markAsRead, markAsReadBody, postMessage } from '../../core/messages';
import { listPhoneNumbersPage, readNumberInfo } from '../../core/numbers/info';
import { conversationWindow } from '../../core/window/window';
import type { Contact, ContactFilter, RecipientState, Store } from '../../core/store/types';
import { CLOUD_API_CREDENTIAL, STORE_CREDENTIAL, getGraphClient, type CloudApiCredentials } from '../shared/credentials';
import { errorJson, toNodeError, InputError } from '../shared/errors';
import { failedItem, item } from '../shared/items';
import { getStore } from '../shared/store';
import { templateIdFromLocator, templateListSearch } from '../shared/templatePicker';
import { campaignProperties } from './description';
import { continueDueCampaigns, engineOptions, haltMessage, readLimits, runSummary, senderPool } from './run';
import { runConfigOf, scheduleFromParameters } from './schedule';
import { sessionMessageBody, uploadBinary } from './sessionMessage';
import { progressReporter } from './progress';
import { campaignReportOutput, reportItem, reportProperties } from './report';
import { executeSendAndWait, SEND_AND_WAIT, sendAndWaitProperties, sendAndWaitWebhook, sendAndWaitWebhooks } from './sendAndWait';

/** The node's outputs: one for most operations; Send Campaign adds "Run Summary". */
const SEND_CAMPAIGN_OUTPUTS = [[{ type: 'main' }], [{ type: 'main', displayName: 'Recipients' }, { type: 'main', displayName: 'Run Summary' }]];

import { PROGRESS_LOG_EVERY_MS } from './run';
export { PROGRESS_LOG_EVERY_MS };

/** Bad input naming the field (toNodeError turns it into a NodeOperationError). */
function inputError(message: string, field: string): InputError {
	return new InputError(message, field);
}

function param<T>(fn: IExecuteFunctions, name: string, i: number, fallback: T): T {
	return fn.getNodeParameter(name, i, fallback) as T;
}

function phoneNumberIdOf(fn: IExecuteFunctions, i: number, credentials: CloudApiCredentials): string {
	const locator = fn.getNodeParameter('phoneNumber', i, { mode: 'list', value: '' }) as INodeParameterResourceLocator | string;
	const id = String((typeof locator === 'object' ? locator?.value : locator) ?? '').trim() || credentials.phoneNumberId || '';
	if (!id) throw inputError('Business Number is empty and the credential has no phone number ID: pick a business number', 'phoneNumber');
	return id;
}

async function approvedTemplate(client: GraphClient, locator: unknown, field: string): Promise<StoredTemplate> {
	const id = templateIdFromLocator(locator as INodeParameterResourceLocator);
	if (!id) throw inputError(`${field}: pick an approved template`, field);
	const template = await getTemplate(client, id);
	if (template.status && template.status !== 'APPROVED') {
		throw inputError(`${field}: template ${template.name} (${template.language}) is ${template.status}; only APPROVED templates can be sent`, field);
	}
	return template;
}

function asCampaignTemplate(t: StoredTemplate): CampaignTemplate {
	return { name: t.name, language: t.language, category: t.category, parameter_format: t.parameter_format, components: t.components };
}

/** The flat variable mapping of one item: resource mapper values (keys like body.1, header.media, button.0). */
function flatVariables(fn: IExecuteFunctions, i: number): Record<string, unknown> {
	const mapper = fn.getNodeParameter('variables', i, { mappingMode: 'defineBelow', value: null }) as ResourceMapperValue;
	return { ...((mapper?.value as Record<string, unknown> | null) ?? {}) };
}

/** `$contact.firstName` / `$contact.attributes.city` → the contact's value (store audiences). */
function fromContact(flat: Record<string, unknown>, contact: Contact): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(flat)) {
		const m = typeof v === 'string' ? /^\s*\$contact\.([\w.]+)\s*$/.exec(v) : null;
		if (!m) {
			out[k] = v;
			continue;
		}
		let cur: unknown = contact;
		for (const part of m[1].split('.')) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[part] : undefined;
		out[k] = cur;
	}
	return out;
}

function rowJson(campaignId: string, campaignState: string, row: RecipientResult | undefined, extra: IDataObject = {}): IDataObject {
	const invalid = row?.waId.startsWith(INVALID_KEY_PREFIX);
	return {
		campaignId,
		campaignState,
		waId: invalid ? null : (row?.waId ?? null),
		state: row?.state ?? null,
		messageId: row?.messageId ?? null,
		attempts: row?.attempts ?? 0,
		errorCode: row?.errorCode ?? null,
		errorClass: row?.errorClass ?? null,
		error: row?.errorMessage ?? null,
		nextAttemptAt: row?.nextAttemptAt ? new Date(row.nextAttemptAt).toISOString() : null,
		...extra,
	};
}

/** The Tags (Any) / Attribute Filters parameters as a store contact filter. */
function contactFilterOf(fn: IExecuteFunctions): ContactFilter {
	const tagsAny = String(param<string>(fn, 'tagsAny', 0, ''))
		.split(',')
		.map((t) => t.trim())
		.filter(Boolean);
	const attrs = (param(fn, 'attributeFilters', 0, {}) as { filter?: { name: string; value: string }[] }).filter ?? [];
	return {
		...(tagsAny.length ? { tagsAny } : {}),
		...(attrs.length ? { attributes: Object.fromEntries(attrs.map((a) => [a.name, a.value])) } : {}),
	};
}

/** Send Campaign: [per-recipient items (items audience) or the summary, the run summary]. */
async function sendCampaign(fn: IExecuteFunctions, client: GraphClient, credentials: CloudApiCredentials): Promise<INodeExecutionData[][]> {
	const input = fn.getInputData();
	const store = await getStore(fn);
	const campaignId = String(param<string>(fn, 'campaignId', 0, '')).trim();
	if (!campaignId) throw inputError('Campaign ID is required', 'campaignId');
	const phoneNumberId = phoneNumberIdOf(fn, 0, credentials);
	const storedTemplate = await approvedTemplate(client, fn.getNodeParameter('template', 0), 'Template');
	const template = asCampaignTemplate(storedTemplate);
	const audience = param<string>(fn, 'audience', 0, 'items');
	const options = param(fn, 'campaignOptions', 0, {}) as IDataObject;
	const defaultCountry = options.defaultCountry ? String(options.defaultCountry) : undefined;

	// Header media from binary: uploaded once, used for every recipient.
	const headerBinary = String(param<string>(fn, 'headerBinaryProperty', 0, '')).trim();
	const headerFormat = String(template.components.find((c) => String(c.type).toUpperCase() === 'HEADER')?.format ?? '').toLowerCase();
	const headerType = (['image', 'video', 'document'] as const).find((t) => t === headerFormat);
	const headerMediaId = headerBinary ? (await uploadBinary(fn, client, phoneNumberId, 0, headerBinary, headerType, 'headerBinaryProperty')).id : undefined;
	const valuesOf = (flat: Record<string, unknown>): SendValues => {
		if (headerMediaId) flat['header.media'] = headerMediaId;
		return valuesFromInputs(flat);
	};

	let recipients: RecipientSpec[] | AsyncIterable<RecipientSpec>;
	if (audience === 'campaign') {
		// Follow-up (issue 17): another campaign's recipients in the chosen states, within the tag /
		// attribute filters; opt-outs since then are stopped by the send-time gates.
		const source = String(param<string>(fn, 'sourceCampaignId', 0, '')).trim();
		const states = param<string[]>(fn, 'sourceStates', 0, ['delivered']);
		if (!source) throw inputError('Source Campaign ID is required for a follow-up audience', 'sourceCampaignId');
		if (!(await store.getCampaign(source))) throw inputError(`Source Campaign ID: no campaign "${source}" in the store`, 'sourceCampaignId');
		const flat = flatVariables(fn, 0);
		const filter = contactFilterOf(fn);
		recipients = followUpAudience(store, source, states as RecipientState[], filter, (c) => valuesOf(fromContact(flat, c)));
	} else if (audience === 'store') {
		const flat = flatVariables(fn, 0);
		const filter = contactFilterOf(fn);
		recipients = (async function* () {
			for await (const c of store.iterateContacts(filter, 1000)) yield { phone: c.waId, optedOut: c.optedOut, values: valuesOf(fromContact(flat, c)) };
		})();
	} else {
		const phoneField = param<string>(fn, 'phoneField', 0, 'phone');
		recipients = input.map((it, i) => {
			const phone = it.json[phoneField];
			return { phone: phone === undefined || phone === null ? '' : String(phone), itemIndex: i, values: valuesOf(flatVariables(fn, i)) };
		});
	}
	const runConfig = runConfigOf(fn);
	const schedule = scheduleFromParameters(fn);
	const { mps, messagingLimit, info, limitFromGraph } = await readLimits(client, phoneNumberId, runConfig);
	const pool = await senderPool(client, phoneNumberId, String(options.senderPool ?? ''), runConfig, { mps, info, limitFromGraph });
	const portfolioId = String(options.portfolioId || credentials.businessAccountId || phoneNumberId);

	if (options.dryRun) {
		const result = await dryRunCampaign({
			store,
			template,
			recipients,
			phoneNumberId,
			portfolioId,
			campaignId,
			mps,
			messagingLimit,
			defaultCountry,
			collectRows: audience === 'items',
			schedule,
		});
		const { rows, ...summary } = result;
		if (audience !== 'items') return [[item(summary as unknown as IDataObject, 0)], []];
		return [(rows ?? []).map((r, i) => item({ ...(r as unknown as IDataObject), dryRun: true, ...(i === 0 ? { summary: summary as unknown as IDataObject } : {}) }, r.itemIndex ?? i)), []];
	}

	const signal = (fn as unknown as { getExecutionCancelSignal?: () => AbortSignal | undefined }).getExecutionCancelSignal?.();
	const audienceKeys = audience === 'items' ? new Map<number, string>() : undefined;
	const result = await runCampaign({
		client,
		store,
		campaignId,
		phoneNumberId,
		portfolioId,
		template,
		templateId: storedTemplate.id,
		templateQuality: storedTemplate.quality_score?.score,
		wabaId: credentials.businessAccountId || undefined,
		numberInfo: info,
		// Graph's limits and quality again every minute: a downgrade reaches the run without webhooks.
		refreshNumber: limitFromGraph ? () => readNumberInfo(client, phoneNumberId) : undefined,
		recipients,
		limits: { mps, messagingLimit, sharedThroughput: Boolean(options.sharedThroughput) },
		...engineOptions(options),
		// issue 17: Start At / End By / Send Window, and what a later due run needs, kept with the campaign.
		schedule,
		pool,
		runConfig: runConfig as unknown as Record<string, unknown>,
		collectSent: audience === 'items',
		audienceKeys,
		signal,
		// Long campaigns report progress (issues #7, 17): every 5 s while sending, and once at the end —
		// counts, pace, what is left and the ETA, in n8n's log and the editor (progress.ts).
		onProgress: progressReporter(fn, store, campaignId),
		progressEveryMs: PROGRESS_LOG_EVERY_MS,
	});
	if (result.haltedAtStart && !fn.continueOnFail()) {
		// Sticky pause: a schedule or a second execution must not undo it, and must not pass silently.
		throw new NodeOperationError(fn.getNode(), haltMessage(campaignId, result), {
			description: `State ${result.haltedAtStart.state}, set by ${result.haltedAtStart.by ?? 'unknown'}. ${result.added.inserted} new recipient(s) were recorded and wait for the campaign to be resumed.`,
		});
	}
	if (result.stopError && !fn.continueOnFail()) {
		throw new NodeOperationError(fn.getNode(), `Campaign ${campaignId} stopped: ${result.stopError.message}`, {
			description: `Meta error ${result.stopError.code ?? ''} (class ${result.stopError.errorClass}): the account or token cannot send. Fix it, then resume the campaign (operation Resume Campaign).`,
		});
	}
	const summary = runSummary(campaignId, result, mps, messagingLimit);
	if (audience !== 'items') return [[item(summary, 0)], [item(summary, 0)]];

	// One item per input item, paired: its ledger row — the person's row, found under whatever form
	// the input used (duplicates of one person point at the first one).
	const byWaId = new Map<string, RecipientResult>();
	for await (const r of campaignRecipients(store, campaignId)) byWaId.set(r.waId, r);
	const seen = new Set<string>();
	const rows = input.map((_, i) => {
		let key = audienceKeys?.get(i) ?? `${INVALID_KEY_PREFIX}${i}`;
		let duplicate = key.startsWith(DUPLICATE_KEY_PREFIX);
		if (duplicate) key = key.slice(DUPLICATE_KEY_PREFIX.length);
		duplicate ||= !key.startsWith(INVALID_KEY_PREFIX) && seen.has(key);
		seen.add(key);
		const row = byWaId.get(key);
		const sentThisRun = !duplicate && Boolean(result.sentThisRun?.has(key));
		return item(rowJson(campaignId, result.state, row, { itemIndex: i, sentThisRun, ...(duplicate ? { duplicate: true } : {}) }), i);
	});
	return [rows, [{ json: summary, pairedItem: input.map((_, i) => ({ item: i })) }]];
}

async function sendMessage(fn: IExecuteFunctions, i: number, client: GraphClient, credentials: CloudApiCredentials, storeRef: { store?: Store }): Promise<IDataObject> {
	const phoneNumberId = phoneNumberIdOf(fn, i, credentials);
	const phone = recipientWaId(param<string>(fn, 'to', i, ''));
	if (!phone.ok) throw inputError(`To: ${phone.reason}`, 'to');
	const waId = phone.waId;
	const mode = param<string>(fn, 'windowClosed', i, 'fail');
	if (mode !== 'ignore') {
		storeRef.store ??= await getStore(fn);
		const w = await storeRef.store.getWindow(phoneNumberId, waId);
		const state = conversationWindow(w?.lastInboundAt ?? null, Date.now(), { freeEntryPointAt: w?.freeEntryPointAt });
		if (!state.windowOpen) {
			const last = w?.lastInboundAt ? `last message ${new Date(w.lastInboundAt).toISOString()}` : 'no message from them on record';
			if (mode === 'fail') {
				throw inputError(
					`The 24 h customer-service window with ${waId} is closed (${last}): only templates can be sent (Meta error 131047). Choose "Send a Recontact Template" or use a template.`,
					'windowClosed',
				);
			}
			const template = asCampaignTemplate(await approvedTemplate(client, fn.getNodeParameter('recontactTemplate', i), 'Recontact Template'));
			const rawVars = fn.getNodeParameter('recontactVariables', i, '{}') as unknown;
			let flat: Record<string, unknown>;
			try {
				flat = (typeof rawVars === 'string' ? JSON.parse(rawVars || '{}') : rawVars) as Record<string, unknown>;
			} catch (error) {
				throw inputError(`Recontact Variables (JSON) is not valid JSON: ${(error as Error).message}`, 'recontactVariables');
			}
			const sent = await postMessage(client, phoneNumberId, templateMessageBody(template, waId, valuesFromInputs(flat ?? {})));
			return { messageId: sent.messageId ?? null, to: waId, waId: sent.waId ?? null, type: 'template', recontact: true, template: template.name, windowOpen: false };
		}
	}
	const body = await sessionMessageBody(fn, i, client, phoneNumberId, waId);
	const sent = await postMessage(client, phoneNumberId, body);
	// Meta's answer names the WhatsApp ID it resolved the number to: learn it (issue 14).
	if (sent.waId && sent.waId !== waId) {
		storeRef.store ??= await getStore(fn);
		await storeRef.store.linkIdentity(waId, sent.waId, 'wa_id', 'send_response', Date.now());
	}
	return { messageId: sent.messageId ?? null, to: waId, waId: sent.waId ?? null, type: body.type, recontact: false };
}

async function report(fn: IExecuteFunctions, i: number, store: Store): Promise<INodeExecutionData[]> {
	const campaignId = String(param<string>(fn, 'campaignId', i, '')).trim();
	const { summary, binary } = await campaignReportOutput(fn, i, store, campaignId);
	const out: INodeExecutionData[] = [];
	if (!param(fn, 'includeRows', i, false)) return [reportItem(summary as unknown as IDataObject, binary, i)];
	const groups = param(fn, 'hopper', i, []) as (keyof typeof HOPPER)[];
	const states: RecipientState[] = groups.flatMap((g) => HOPPER[g] ?? []);
	const page = await store.listRecipients(campaignId, states.length ? { states } : {}, { limit: param(fn, 'limit', i, 50), cursor: param<string>(fn, 'cursor', i, '') || undefined });
	out.push(reportItem({ ...(summary as unknown as IDataObject), nextCursor: page.next ?? null, rows: page.items.length }, binary, i));
	for (const r of page.items) out.push(item(rowJson(campaignId, summary.state, { ...r }, { itemIndex: r.itemIndex ?? null }), i));
	return out;
}

export class WhatsAppCampaign implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Campaign',
		name: 'whatsAppCampaign',
		icon: 'file:whatsAppCampaign.svg',
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description: 'Send throttled, exactly-once WhatsApp template campaigns and session messages through the Cloud API',
		defaults: { name: 'WhatsApp Campaign' },
		usableAsTool: true,
		inputs: ['main'],
		// Send Campaign has a second output with the run summary (sent, skipped, deferred, failed,
		// unknown, achieved mps, state, reason, next due time); other operations have one.
		outputs: `={{ ${JSON.stringify(SEND_CAMPAIGN_OUTPUTS)}[$parameter["operation"] === "sendCampaign" ? 1 : 0] }}`,
		credentials: [
			{ name: CLOUD_API_CREDENTIAL, required: true },
			{ name: STORE_CREDENTIAL, required: false },
		],
		// Send and Wait for Response: n8n resumes the waiting execution through these (sendAndWait.ts).
		webhooks: sendAndWaitWebhooks,
		properties: [...campaignProperties, ...reportProperties, ...sendAndWaitProperties],
	};

	webhook = sendAndWaitWebhook;

	methods = {
		listSearch: {
			...templateListSearch,
			async searchPhoneNumbers(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
				const { client, credentials } = await getGraphClient(this);
				const page = await listPhoneNumbersPage(client, credentials.businessAccountId, paginationToken);
				const terms = (filter ?? '').toLowerCase();
				const results = page.numbers
					.map((p) => ({ name: [p.display_phone_number, p.verified_name, p.throughput?.level].filter(Boolean).join(' · ') || p.id, value: p.id }))
					.filter((r) => !terms || r.name.toLowerCase().includes(terms) || r.value.includes(terms));
				return { results, paginationToken: page.after };
			},
		},
		resourceMapping: {
			async getTemplateVariables(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
				const id = templateIdFromLocator(this.getNodeParameter('template', undefined) as INodeParameterResourceLocator);
				if (!id) return { fields: [], emptyFieldsNotice: 'Pick a template first' };
				const { client } = await getGraphClient(this);
				const template = await getTemplate(client, id);
				const inputs = describeTemplateVariables(template);
				return {
					fields: inputs.map((v) => ({
						id: v.key,
						displayName: v.example ? `${v.label} (e.g. ${v.example})` : v.label,
						required: v.required,
						defaultMatch: false,
						canBeUsedToMatch: false,
						display: true,
						type: 'string',
					})),
					emptyFieldsNotice: 'This template has no variables',
				};
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const input = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as string;
		const { client, credentials } = await getGraphClient(this, 0);
		if (operation === SEND_AND_WAIT) return await executeSendAndWait(this, client, credentials);
		if (operation === 'continueDue') {
			try {
				return [await continueDueCampaigns(this, client, credentials, await getStore(this))];
			} catch (error) {
				if (this.continueOnFail()) return [[item(errorJson(error), 0)]];
				throw toNodeError(this.getNode(), error);
			}
		}
		if (operation === 'sendCampaign') {
			try {
				return await sendCampaign(this, client, credentials);
			} catch (error) {
				if (this.continueOnFail()) return [[item(errorJson(error), 0)], []];
				throw toNodeError(this.getNode(), error);
			}
		}
		const out: INodeExecutionData[] = [];
		const storeRef: { store?: Store } = {};
		for (let i = 0; i < input.length; i++) {
			try {
				switch (operation) {
					case 'sendMessage':
						out.push(item(await sendMessage(this, i, client, credentials, storeRef), i));
						break;
					case 'markAsRead': {
						const phoneNumberId = phoneNumberIdOf(this, i, credentials);
						const res = await markAsRead(client, phoneNumberId, markAsReadBody(param<string>(this, 'messageId', i, ''), param(this, 'typingIndicator', i, false)));
						out.push(item({ success: res.success, messageId: param<string>(this, 'messageId', i, '') }, i));
						break;
					}
					case 'report':
						storeRef.store ??= await getStore(this);
						out.push(...(await report(this, i, storeRef.store)));
						break;
					case 'pause':
					case 'resume':
					case 'stop': {
						storeRef.store ??= await getStore(this);
						const campaignId = String(param<string>(this, 'campaignId', i, '')).trim();
						const reason = operation === 'resume' ? undefined : param<string>(this, 'reason', i, '') || undefined;
						const c = await setCampaignControl(storeRef.store, campaignId, operation, reason);
						out.push(item({ campaignId: c.id, state: c.state, reason: c.reason ?? null }, i));
						break;
					}
					default:
						throw inputError(`Unknown operation "${operation}"`, 'operation');
				}
			} catch (error) {
				out.push(failedItem(this, error, i));
			}
		}
		return [out];
	}
}
