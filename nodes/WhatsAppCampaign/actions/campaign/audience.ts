/**
 * Send Campaign's audience: input items (a phone field), store contacts (tags / attributes), or a
 * follow-up of another campaign's recipients in chosen states (issue 17), each recipient with its
 * template values. The audience rules (one row per person, consent, `$contact.x` values) live in
 * core/campaign/audience.ts.
 */
import type { IExecuteFunctions, INodeProperties, ResourceMapperValue } from 'n8n-workflow';
import { contactValues, followUpAudience, storeAudience } from '../../../../core/campaign/audience';
import type { RecipientSpec } from '../../../../core/campaign/types';
import type { ContactFilter, RecipientState, Store } from '../../../../core/store/types';
import type { SendValues } from '../../../../core/templates';
import { op } from '../fields';
import { inputError, param } from '../shared';

const show = (audience: string[]) => ({ show: { operation: ['sendCampaign'], audience } });

export const audienceFields: INodeProperties[] = [
	{
		displayName: 'Audience',
		name: 'audience',
		type: 'options',
		default: 'items',
		displayOptions: op('sendCampaign'),
		options: [
			{ name: 'Input Items', value: 'items', description: 'One recipient per input item (phone field + fields for the variables)' },
			{ name: 'Store Contacts', value: 'store', description: 'Contacts in the WhatsApp store, filtered by tag and attributes' },
			{
				name: 'Follow-Up: Another Campaign’s Recipients',
				value: 'campaign',
				description: 'Recipients of an earlier campaign in chosen states (e.g. delivered but not read), optionally filtered by tag and attributes',
			},
		],
	},
	{ displayName: 'Source Campaign ID', name: 'sourceCampaignId', type: 'string', default: '', placeholder: 'e.g. spring-sale-2026', description: 'The earlier campaign whose recipients to follow up', displayOptions: show(['campaign']) },
	{
		displayName: 'Recipients In State',
		name: 'sourceStates',
		type: 'multiOptions',
		default: ['delivered'],
		description: 'Which of its recipients: each is in exactly one state (a read message is no longer "delivered")',
		displayOptions: show(['campaign']),
		options: [
			{ name: 'Accepted (No Delivery Report Yet)', value: 'accepted' },
			{ name: 'Delivered, Not Read', value: 'delivered' },
			{ name: 'Expired (Not Sent Before End By)', value: 'expired' },
			{ name: 'Failed', value: 'failed' },
			{ name: 'Read, Not Replied', value: 'read' },
			{ name: 'Replied', value: 'replied' },
		],
	},
	{
		displayName: 'Phone Field',
		name: 'phoneField',
		type: 'string',
		default: 'phone',
		description: 'Field of each input item holding the recipient phone number (any format with country code, or with the default country)',
		displayOptions: show(['items']),
	},
	{ displayName: 'Tags (Any)', name: 'tagsAny', type: 'string', default: '', placeholder: 'e.g. vip, newsletter', description: 'Comma-separated: contacts with at least one of these tags (empty: every contact)', displayOptions: show(['store', 'campaign']) },
	{
		displayName: 'Attribute Filters',
		name: 'attributeFilters',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add Attribute Filter',
		displayOptions: show(['store', 'campaign']),
		options: [
			{
				displayName: 'Filter',
				name: 'filter',
				values: [
					{ displayName: 'Attribute', name: 'name', type: 'string', default: '' },
					{ displayName: 'Equals', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	{
		displayName: 'Variables',
		name: 'variables',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		required: true,
		description:
			'Values for the template variables, per recipient: body variables, header text or media (URL or media ID), URL-button suffixes, quick-reply payloads. For store audiences write $contact.firstName, $contact.name or $contact.attributes.city to take a contact field.',
		displayOptions: op('sendCampaign'),
		typeOptions: {
			loadOptionsDependsOn: ['template.value'],
			resourceMapper: { resourceMapperMethod: 'getTemplateVariables', mode: 'add', fieldWords: { singular: 'variable', plural: 'variables' }, addAllFields: true, multiKeyMatch: false, supportAutoMap: true },
		},
	},
];

/** The flat variable mapping of one item: resource mapper values (keys like body.1, header.media, button.0). */
function flatVariables(fn: IExecuteFunctions, i: number): Record<string, unknown> {
	const mapper = fn.getNodeParameter('variables', i, { mappingMode: 'defineBelow', value: null }) as ResourceMapperValue;
	return { ...((mapper?.value as Record<string, unknown> | null) ?? {}) };
}

/** The Tags (Any) / Attribute Filters parameters as a store contact filter. */
function contactFilterOf(fn: IExecuteFunctions): ContactFilter {
	const tagsAny = String(param<string>(fn, 'tagsAny', 0, '')).split(',').map((t) => t.trim()).filter(Boolean);
	const attrs = (param(fn, 'attributeFilters', 0, {}) as { filter?: { name: string; value: string }[] }).filter ?? [];
	return {
		...(tagsAny.length ? { tagsAny } : {}),
		...(attrs.length ? { attributes: Object.fromEntries(attrs.map((a) => [a.name, a.value])) } : {}),
	};
}

/** The recipients of the chosen audience, each with its template values (`valuesOf` adds the uploaded header). */
export async function recipientsOf(fn: IExecuteFunctions, store: Store, valuesOf: (flat: Record<string, unknown>) => SendValues): Promise<RecipientSpec[] | AsyncIterable<RecipientSpec>> {
	const audience = param<string>(fn, 'audience', 0, 'items');
	if (audience === 'campaign') {
		// Follow-up (issue 17): another campaign's recipients in the chosen states, within the tag /
		// attribute filters; opt-outs since then are stopped by the send-time gates.
		const source = String(param<string>(fn, 'sourceCampaignId', 0, '')).trim();
		const states = param<string[]>(fn, 'sourceStates', 0, ['delivered']);
		if (!source) throw inputError('Source Campaign ID is required for a follow-up audience', 'sourceCampaignId');
		if (!(await store.getCampaign(source))) throw inputError(`Source Campaign ID: no campaign "${source}" in the store`, 'sourceCampaignId');
		const flat = flatVariables(fn, 0);
		return followUpAudience(store, source, states as RecipientState[], contactFilterOf(fn), (c) => valuesOf(contactValues(flat, c)));
	}
	if (audience === 'store') {
		const flat = flatVariables(fn, 0);
		return storeAudience(store, contactFilterOf(fn), (c) => valuesOf(contactValues(flat, c)));
	}
	const phoneField = param<string>(fn, 'phoneField', 0, 'phone');
	return fn.getInputData().map((it, i) => {
		const phone = it.json[phoneField];
		return { phone: phone === undefined || phone === null ? '' : String(phone), itemIndex: i, values: valuesOf(flatVariables(fn, i)) };
	});
}
