/**
 * The trigger's Events and Options fields, and how a request reads them (read per request as plain
 * values: none is an expression of ours, hotPath.ts). The fields both webhook triggers show
 * (filters, opt-out words, contact activity) live in nodes/shared/webhookFields.ts.
 */
import type { IDataObject, INodeProperties, IWebhookFunctions } from 'n8n-workflow';
import { DEFAULT_REPLY_ATTRIBUTION_MS, type HandleOptions } from '../../core/webhook/handle';
import {
	EVENT_OPTIONS,
	eventFilterOf,
	keywordOptionsOf,
	OPT_OUT_OPTIONS,
	PHONE_NUMBER_IDS_OPTION,
	STATUS_FILTER_OPTION,
	TOUCH_CONTACTS_OPTION,
	WAIT_ANSWER_OPTIONS,
} from '../shared/webhookFields';
import { DEFAULT_TRIGGER_MEDIA_MAX_MB } from './downloadMedia';

const HOUR_MS = 3_600_000;

const ownOptions: INodeProperties[] = [
	{
		displayName: 'De-Duplicate Redeliveries',
		name: 'dedup',
		type: 'boolean',
		default: true,
		description:
			'Whether to emit each message (by ID) and each status (by ID + status) once, even when Meta delivers it again',
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
		default: DEFAULT_TRIGGER_MEDIA_MAX_MB,
		description: 'Download Media skips larger files (reported as mediaError). 100 MB is the largest file WhatsApp carries.',
	},
	{
		displayName: 'Reply Attribution Window (Hours)',
		name: 'replyAttributionHours',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 72, // DEFAULT_REPLY_ATTRIBUTION_MS (n8n's lint wants a literal here)
		description:
			'A message from a campaign recipient within this many hours after our latest campaign message from that number marks them "replied" (typed replies count, not only quick-reply taps). 0: only replies that quote our message.',
	},
	{
		displayName: 'Update Store',
		name: 'updateStore',
		type: 'boolean',
		default: true,
		description:
			'Whether to record conversation windows, campaign delivery states, replies and opt-outs in the WhatsApp store',
	},
];

export const eventFields: INodeProperties[] = [
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
		// Alphabetical, as n8n lists a collection's options.
		options: [PHONE_NUMBER_IDS_OPTION, STATUS_FILTER_OPTION, TOUCH_CONTACTS_OPTION, ...OPT_OUT_OPTIONS, ...WAIT_ANSWER_OPTIONS, ...ownOptions].sort((a, b) =>
			a.displayName.localeCompare(b.displayName),
		),
	},
];

/** The node's Events and Options as core/webhook/handle.ts takes them (filters, de-duplication, side effects). */
export function handleOptionsOf(ctx: IWebhookFunctions, options: IDataObject): HandleOptions {
	const node = ctx.getNode();
	return {
		...eventFilterOf(ctx.getNodeParameter('events', []), options),
		dedup: options.dedup !== false,
		// The webhook id is the URL Meta posts to: stable across renames and restarts.
		dedupScope: `trigger:${node.webhookId ?? node.id}`,
		sideEffects: options.updateStore !== false,
		touchContacts: options.touchContacts !== false,
		replyAttributionMs: Number(options.replyAttributionHours ?? DEFAULT_REPLY_ATTRIBUTION_MS / HOUR_MS) * HOUR_MS,
		optOutKeywords: options.optOutKeywords !== false,
		keywordOptions: keywordOptionsOf(options),
	};
}
