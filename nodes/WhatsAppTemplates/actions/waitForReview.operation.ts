/** Wait for Review: polls a template until Meta's review is over or the timeout passes (core/templates/api.ts waitForReview). */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { waitForReview } from '../../../core/templates';
import { op, templateField } from './fields/common';
import { param, resolveTemplateId, withGraph } from './shared';

export const description: INodeProperties[] = [
	templateField,
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollIntervalSeconds',
		type: 'number',
		default: 30,
		typeOptions: { minValue: 0.05, numberPrecision: 2 },
		displayOptions: op('waitForReview'),
		description: 'Time between two status checks',
	},
	{
		displayName: 'Timeout (Minutes)',
		name: 'timeoutMinutes',
		type: 'number',
		default: 60,
		typeOptions: { minValue: 0 },
		displayOptions: op('waitForReview'),
		description: 'Stop waiting after this long and output the last status (timedOut: true)',
	},
	{
		displayName: 'Error on Rejection',
		name: 'errorOnRejection',
		type: 'boolean',
		default: false,
		displayOptions: op('waitForReview'),
		description: 'Whether a rejected template fails the item instead of being output with its rejection reason',
	},
];

export const execute = withGraph(async (ctx) => {
	const { fn, i, client } = ctx;
	const id = await resolveTemplateId(ctx);
	const intervalMs = Math.max(50, Math.round(Number(param(fn, 'pollIntervalSeconds', i, 30)) * 1000));
	const timeoutMs = Math.max(0, Number(param(fn, 'timeoutMinutes', i, 60)) * 60_000);
	const outcome = await waitForReview(client, id, { intervalMs, timeoutMs });
	const t = outcome.template;
	const result: IDataObject = {
		id,
		name: t.name,
		language: t.language,
		category: t.category,
		status: outcome.status,
		approved: outcome.status === 'APPROVED',
		rejected: outcome.status === 'REJECTED',
		rejectedReason: outcome.rejectedReason ?? null,
		timedOut: outcome.timedOut,
		polls: outcome.polls,
		waitedSeconds: Math.round(outcome.elapsedMs / 100) / 10,
	};
	if (outcome.status === 'REJECTED' && param(fn, 'errorOnRejection', i, false)) {
		throw new NodeOperationError(fn.getNode(), `Template "${t.name}" (${t.language}) was rejected: ${outcome.rejectedReason ?? 'no reason given'}`, { itemIndex: i });
	}
	return result;
});
