/**
 * Send Campaign: an approved template to many recipients, throttled (throughput, pair rate,
 * messaging tier) and exactly once per person (core/campaign/engine.ts). Two outputs: Recipients
 * (one item per input item for an items audience, else the summary) and Run Summary.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { itemKeys } from '../../../../core/campaign/audience';
import { dryRunCampaign } from '../../../../core/campaign/dryRun';
import { campaignRecipients, runCampaign } from '../../../../core/campaign/engine';
import type { RecipientResult } from '../../../../core/campaign/types';
import { valuesFromInputs } from '../../../../core/templates';
import { item } from '../../../shared/items';
import { templateLocatorProperty } from '../../../shared/templatePicker';
import { op } from '../fields';
import { uploadBinary } from '../message/media';
import { approvedTemplate, asCampaignTemplate, inputError, param, phoneNumberIdOf, rowJson, type CampaignContext } from '../shared';
import { audienceFields, recipientsOf } from './audience';
import { limitFields, runConfigOf } from './limits';
import { campaignOptionsField, engineOptions } from './options';
import { haltMessage, numberOptions, runHooks, runSummary } from './run';
import { scheduleField, scheduleFromParameters } from './schedule';

/** The fields in editor order (Options comes after Continue Due's fields: see the node's property list). */
export const description: INodeProperties[] = [
	templateLocatorProperty({ approvedOnly: true, displayOptions: op('sendCampaign') }),
	...audienceFields,
	{
		displayName: 'Header Media From Binary',
		name: 'headerBinaryProperty',
		type: 'string',
		default: '',
		placeholder: 'e.g. data',
		description: 'Binary property of the first input item to upload once and use as the media header for every recipient (leave empty to map a URL or media ID instead)',
		displayOptions: op('sendCampaign'),
	},
	...limitFields,
	scheduleField,
];
export const optionsDescription: INodeProperties[] = [campaignOptionsField];

/** Send Campaign has a second output, the run summary. */
export const outputs = 2;

export async function executeOnce(fn: IExecuteFunctions, { client, credentials, store: openStore }: CampaignContext): Promise<INodeExecutionData[][]> {
	const input = fn.getInputData();
	const store = await openStore();
	const campaignId = String(param<string>(fn, 'campaignId', 0, '')).trim();
	if (!campaignId) throw inputError('Campaign ID is required', 'campaignId');
	const phoneNumberId = phoneNumberIdOf(fn, 0, credentials);
	const storedTemplate = await approvedTemplate(client, fn.getNodeParameter('template', 0), 'Template', 'template');
	const template = asCampaignTemplate(storedTemplate);
	const audience = param<string>(fn, 'audience', 0, 'items');
	const options = param(fn, 'campaignOptions', 0, {}) as IDataObject;

	// Header media from binary: uploaded once, used for every recipient.
	const headerBinary = String(param<string>(fn, 'headerBinaryProperty', 0, '')).trim();
	const headerFormat = String(template.components.find((c) => String(c.type).toUpperCase() === 'HEADER')?.format ?? '').toLowerCase();
	const headerType = (['image', 'video', 'document'] as const).find((t) => t === headerFormat);
	const headerMediaId = headerBinary ? (await uploadBinary(fn, client, phoneNumberId, 0, headerBinary, headerType, 'headerBinaryProperty')).id : undefined;
	const recipients = await recipientsOf(fn, store, (flat) => {
		if (headerMediaId) flat['header.media'] = headerMediaId;
		return valuesFromInputs(flat);
	});
	const runConfig = runConfigOf(fn);
	const schedule = scheduleFromParameters(fn);
	const { mps, messagingLimit, numberInfo, refreshNumber, pool } = await numberOptions(client, phoneNumberId, runConfig, String(options.senderPool ?? ''));
	const portfolioId = String(options.portfolioId || credentials.businessAccountId || phoneNumberId);
	const defaultCountry = options.defaultCountry ? String(options.defaultCountry) : undefined;

	if (options.dryRun) {
		const result = await dryRunCampaign({ store, template, recipients, phoneNumberId, portfolioId, campaignId, mps, messagingLimit, defaultCountry, collectRows: audience === 'items', schedule });
		const { rows, ...summary } = result;
		if (audience !== 'items') return [[item(summary as unknown as IDataObject, 0)], []];
		return [(rows ?? []).map((r, i) => item({ ...(r as unknown as IDataObject), dryRun: true, ...(i === 0 ? { summary: summary as unknown as IDataObject } : {}) }, r.itemIndex ?? i)), []];
	}

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
		numberInfo,
		refreshNumber,
		recipients,
		limits: { mps, messagingLimit, sharedThroughput: Boolean(options.sharedThroughput) },
		...engineOptions(options),
		// issue 17: Start At / End By / Send Window, and what a later due run needs, kept with the campaign.
		schedule,
		pool,
		runConfig: runConfig as unknown as Record<string, unknown>,
		collectSent: audience === 'items',
		audienceKeys,
		// Long campaigns report progress: counts, pace, what is left and the ETA (progress.ts).
		...runHooks(fn, store, campaignId),
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

	// One item per input item, paired: its person's ledger row, found under whatever form the input
	// used (duplicates of one person point at the first one: core/campaign/audience.ts itemKeys).
	const byWaId = new Map<string, RecipientResult>();
	for await (const r of campaignRecipients(store, campaignId)) byWaId.set(r.waId, r);
	const rows = itemKeys(input.length, audienceKeys).map(({ key, duplicate }, i) => {
		const sentThisRun = !duplicate && Boolean(result.sentThisRun?.has(key));
		return item(rowJson(campaignId, result.state, byWaId.get(key), { itemIndex: i, sentThisRun, ...(duplicate ? { duplicate: true } : {}) }), i);
	});
	return [rows, [{ json: summary, pairedItem: input.map((_, i) => ({ item: i })) }]];
}
