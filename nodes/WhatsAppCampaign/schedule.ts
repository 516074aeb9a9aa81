/**
 * Send Campaign's schedule and the settings a due run needs (issue 17), node side: the "Schedule"
 * parameters → core/campaign/schedule.ts SendWindow + Start At / End By; and the run settings stored
 * with the campaign, so Continue Due Campaigns (or the WhatsApp Campaign Trigger's workflow) carries
 * it on without the original execution. The rules live in core/campaign/schedule.ts.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import type { SendWindow, Weekday } from '../../core/campaign/schedule';
import { InputError } from '../shared/errors';

/** The run settings kept with a campaign (Campaign.runConfig): what Send Campaign's options were. */
export interface RunConfig {
	throughputMode: string;
	mps?: number;
	messagingLimitMode: string;
	messagingLimit?: number;
	options: IDataObject;
}

function time(value: unknown, field: string): number | null | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const t = typeof value === 'number' ? value : Date.parse(String(value));
	if (!Number.isFinite(t)) throw new InputError(`${field}: not a date and time (${JSON.stringify(value)})`, 'schedule');
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

/** What Send Campaign was asked, for later due runs. */
export function runConfigOf(fn: IExecuteFunctions): RunConfig {
	return {
		throughputMode: fn.getNodeParameter('throughputMode', 0, 'graph') as string,
		mps: fn.getNodeParameter('mps', 0, 80) as number,
		messagingLimitMode: fn.getNodeParameter('messagingLimitMode', 0, 'graph') as string,
		messagingLimit: fn.getNodeParameter('messagingLimit', 0, 250) as number,
		options: (fn.getNodeParameter('campaignOptions', 0, {}) as IDataObject) ?? {},
	};
}
