/**
 * Send Campaign's "Schedule" (issue 17): the parameters → core/campaign/schedule.ts SendWindow +
 * Start At / End By, kept with the campaign so Continue Due Campaigns (or the WhatsApp Campaign
 * Trigger's workflow) carries it on. The rules live in core/campaign/schedule.ts.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { SendWindow, Weekday } from '../../../../core/campaign/schedule';
import { op } from '../fields';
import { inputError } from '../shared';

export const scheduleField: INodeProperties = {
	displayName: 'Schedule',
	name: 'schedule',
	type: 'collection',
	placeholder: 'Add Schedule Setting',
	default: {},
	displayOptions: op('sendCampaign'),
	description: 'When the campaign may send. Kept with the campaign: Continue Due Campaigns (e.g. from the WhatsApp Campaign Trigger) carries on without a human.',
	options: [
		{ displayName: 'Default Time Zone', name: 'defaultZone', type: 'string', default: 'UTC', description: 'For numbers whose zone is unknown' },
		{ displayName: 'End By', name: 'endBy', type: 'dateTime', default: '', description: 'After it, what is left is "expired" (counted in the report)' },
		{ displayName: 'Fixed Time Zone', name: 'fixedZone', type: 'string', default: '', placeholder: 'e.g. Asia/Kolkata', description: 'IANA zone for "One Fixed Zone"' },
		{
			displayName: 'Send Window Days',
			name: 'windowDays',
			type: 'multiOptions',
			default: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
			options: [
				{ name: 'Friday', value: 'fri' },
				{ name: 'Monday', value: 'mon' },
				{ name: 'Saturday', value: 'sat' },
				{ name: 'Sunday', value: 'sun' },
				{ name: 'Thursday', value: 'thu' },
				{ name: 'Tuesday', value: 'tue' },
				{ name: 'Wednesday', value: 'wed' },
			],
		},
		{ displayName: 'Send Window From', name: 'windowFrom', type: 'string', default: '09:00', placeholder: '09:00', description: 'Local opening time (24 h clock)' },
		{
			displayName: 'Send Window Time Zone',
			name: 'windowZone',
			type: 'options',
			default: 'recipient',
			options: [
				{ name: "Each Recipient's (From Their Number)", value: 'recipient' },
				{ name: 'One Fixed Zone', value: 'fixed' },
			],
		},
		{ displayName: 'Send Window To', name: 'windowTo', type: 'string', default: '20:00', placeholder: '20:00', description: 'Local closing time (24 h clock); may be earlier than From for a window across midnight' },
		{ displayName: 'Start At', name: 'startAt', type: 'dateTime', default: '', description: 'Nothing is sent before (the audience is recorded now)' },
	],
};

function time(value: unknown, field: string): number | null | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const t = typeof value === 'number' ? value : Date.parse(String(value));
	if (!Number.isFinite(t)) throw inputError(`${field}: not a date and time (${JSON.stringify(value)})`, 'schedule');
	return t;
}

/** The Schedule collection → the engine's schedule (undefined fields keep what the campaign has). */
export function scheduleFromParameters(fn: IExecuteFunctions): { startAt?: number | null; endBy?: number | null; window?: SendWindow | null } | undefined {
	const s = fn.getNodeParameter('schedule', 0, {}) as IDataObject;
	if (!s || Object.keys(s).length === 0) return undefined;
	const days = (s.windowDays as string[] | undefined) ?? [];
	const hasWindow = days.length > 0 || Boolean(s.windowFrom) || Boolean(s.windowTo);
	const window: SendWindow | undefined = hasWindow
		? {
				days: days as Weekday[],
				from: s.windowFrom ? String(s.windowFrom) : undefined,
				to: s.windowTo ? String(s.windowTo) : undefined,
				zone: s.windowZone === 'fixed' ? 'fixed' : 'recipient',
				fixedZone: s.fixedZone ? String(s.fixedZone) : undefined,
				defaultZone: s.defaultZone ? String(s.defaultZone) : undefined,
			}
		: undefined;
	return { startAt: time(s.startAt, 'Start At'), endBy: time(s.endBy, 'End By'), ...(window ? { window } : {}) };
}
