/**
 * What the WhatsApp Campaign operations share: the context the router hands them (Graph client,
 * credentials, the store opened once), the operation shapes, reading the business number and an
 * approved template, the recontact template of a closed window, and a ledger row as output JSON.
 * Meta's rules live in core/ (window: core/window, sending: core/messages/api.ts).
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeParameterResourceLocator, INodeProperties } from 'n8n-workflow';
import { templateMessageBody } from '../../../core/campaign/engine';
import { ledgerWaId } from '../../../core/campaign/audience';
import type { CampaignTemplate, RecipientResult } from '../../../core/campaign/types';
import type { GraphClient } from '../../../core/graph/client';
import type { Store } from '../../../core/store/types';
import { getTemplate, valuesFromInputs, type StoredTemplate } from '../../../core/templates';
import type { CloudApiCredentials } from '../../shared/credentials';
import { InputError } from '../../shared/errors';
import { templateIdFromLocator } from '../../shared/templatePicker';

/** What the router gives every operation: one Graph client, the credentials, the store (opened on first use). */
export interface CampaignContext {
	client: GraphClient;
	credentials: CloudApiCredentials;
	store(): Promise<Store>;
}

/** An operation run once per input item (the router pairs and catches per item). */
export interface ItemOperation {
	description: INodeProperties[];
	execute(fn: IExecuteFunctions, i: number, ctx: CampaignContext): Promise<INodeExecutionData[]>;
}

/** An operation run once for the whole input (Send Campaign, Continue Due Campaigns, Send and Wait). */
export interface RunOperation {
	description: INodeProperties[];
	/** How many outputs the operation has (Send Campaign: 2). */
	outputs?: number;
	executeOnce(fn: IExecuteFunctions, ctx: CampaignContext): Promise<INodeExecutionData[][]>;
}

/** Bad input naming the field (shared/errors.ts turns it into a NodeOperationError). */
export function inputError(message: string, field: string): InputError {
	return new InputError(message, field);
}

export { param } from '../../shared/params';

/** The Business Number locator's phone number ID, else the credential's. */
export function phoneNumberIdOf(fn: IExecuteFunctions, i: number, credentials: CloudApiCredentials): string {
	const locator = fn.getNodeParameter('phoneNumber', i, { mode: 'list', value: '' }) as INodeParameterResourceLocator | string;
	const id = String((typeof locator === 'object' ? locator?.value : locator) ?? '').trim() || credentials.phoneNumberId || '';
	if (!id) throw inputError('Business Number is empty and the credential has no phone number ID: pick a business number', 'phoneNumber');
	return id;
}

/** The picked template, which must be APPROVED (Meta sends nothing else). */
export async function approvedTemplate(client: GraphClient, locator: unknown, label: string, field: string): Promise<StoredTemplate> {
	const id = templateIdFromLocator(locator as INodeParameterResourceLocator);
	if (!id) throw inputError(`${label}: pick an approved template`, field);
	const template = await getTemplate(client, id);
	if (template.status && template.status !== 'APPROVED') {
		throw inputError(`${label}: template ${template.name} (${template.language}) is ${template.status}; only APPROVED templates can be sent`, field);
	}
	return template;
}

export function asCampaignTemplate(t: StoredTemplate): CampaignTemplate {
	return { name: t.name, language: t.language, category: t.category, parameter_format: t.parameter_format, components: t.components };
}

/** The Recontact Template and its variables (item i) → the template body sent when the window is closed. */
export async function recontactBody(fn: IExecuteFunctions, i: number, client: GraphClient, waId: string): Promise<{ body: unknown; template: string }> {
	const template = asCampaignTemplate(await approvedTemplate(client, fn.getNodeParameter('recontactTemplate', i), 'Recontact Template', 'recontactTemplate'));
	const rawVars = fn.getNodeParameter('recontactVariables', i, '{}') as unknown;
	let flat: Record<string, unknown>;
	try {
		flat = (typeof rawVars === 'string' ? JSON.parse(rawVars || '{}') : rawVars) as Record<string, unknown>;
	} catch (error) {
		throw inputError(`Recontact Variables (JSON) is not valid JSON: ${(error as Error).message}`, 'recontactVariables');
	}
	return { body: templateMessageBody(template, waId, valuesFromInputs(flat ?? {})), template: template.name };
}

/** One ledger row as an output item's JSON (Send Campaign's per-item output, Campaign Report's rows). */
export function rowJson(campaignId: string, campaignState: string, row: RecipientResult | undefined, extra: IDataObject = {}): IDataObject {
	return {
		campaignId,
		campaignState,
		waId: row ? ledgerWaId(row.waId) : null,
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
