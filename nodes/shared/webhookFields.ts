/**
 * Fields both webhook triggers show (WhatsApp Cloud Trigger and WhatsApp Cloud Listener Trigger): the
 * event kinds of core/webhook/types.ts, the filters of core/webhook/handle.ts (EventFilter) and the
 * opt-out words of core/webhook/optOut.ts.
 */
import type { INodeProperties } from 'n8n-workflow';
import type { EventFilter } from '../../core/webhook/handle';
import { parseKeywordList, type OptKeywordOptions } from '../../core/webhook/optOut';
import type { WebhookEventKind } from '../../core/webhook/types';

export const EVENT_OPTIONS: Array<{ name: string; value: WebhookEventKind; description: string }> = [
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

export const PHONE_NUMBER_IDS_OPTION: INodeProperties = {
	displayName: 'Business Phone Number IDs',
	name: 'phoneNumberIds',
	type: 'string',
	default: '',
	placeholder: 'e.g. 106540352242922, 106540352242923',
	description: 'Only emit events for these business numbers (comma-separated phone_number_id). Account and template events have no number and always pass.',
};

export const STATUS_FILTER_OPTION: INodeProperties = {
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
};

export const TOUCH_CONTACTS_OPTION: INodeProperties = {
	displayName: 'Record Contact Activity',
	name: 'touchContacts',
	type: 'boolean',
	default: true,
	description: "Whether each inbound message updates the contact's last-active time and profile name in the store (creating the contact if new)",
};

/** Send and Wait for Response answers (core/sendAndWait/resume.ts). */
export const WAIT_ANSWER_OPTIONS: INodeProperties[] = [
	{
		displayName: 'Emit Answers to Waiting Executions',
		name: 'emitWaitAnswers',
		type: 'boolean',
		default: false,
		description:
			'Whether a message that resumed a "Send and Wait for Response" execution also starts this workflow. Off: it only resumes the waiting execution (a workflow that waits and starts on messages would otherwise run again on every answer).',
	},
	{
		displayName: 'Resume Waiting Executions',
		name: 'resumeWaits',
		type: 'boolean',
		default: true,
		description:
			"Whether an inbound message resumes the executions waiting for this contact's answer (WhatsApp Campaign → Send and Wait for Response, same WhatsApp store)",
	},
];

/** Opt-out / opt-in keyword handling (core/webhook/optOut.ts). */
export const OPT_OUT_OPTIONS: INodeProperties[] = [
	{
		displayName: 'Detect Opt-Out Keywords',
		name: 'optOutKeywords',
		type: 'boolean',
		default: true,
		description: 'Whether a message that is only an opt-out word (STOP, UNSUBSCRIBE, BAJA, PARE, STOPP, 退订…) opts the contact out of marketing, and START opts back in',
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
];

/** A trigger's Events parameter and filter options as core/webhook/handle.ts takes them (EventFilter). */
export function eventFilterOf(events: unknown, options: Record<string, unknown>): EventFilter {
	return {
		kinds: (events as WebhookEventKind[] | undefined) ?? [],
		statuses: (options.statuses as string[] | undefined) ?? [],
		phoneNumberIds: String(options.phoneNumberIds ?? '')
			.split(/[\s,]+/)
			.filter(Boolean),
	};
}

/** The keyword options of a trigger's Options collection, as core/webhook/optOut.ts takes them. */
export function keywordOptionsOf(options: Record<string, unknown>): OptKeywordOptions {
	return {
		optOutKeywords: parseKeywordList(options.optOutList as string | undefined),
		extraOptOutKeywords: parseKeywordList(options.extraOptOutList as string | undefined),
		optInKeywords: parseKeywordList(options.optInList as string | undefined),
	};
}
