/** Wait for Review: polls a template until Meta's review is over or the timeout passes. */
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { waitForReview } from '../../../core/templates';
import { type Ctx, param, resolveTemplateId } from './shared';

export async function execute(ctx: Ctx): Promise<IDataObject> {
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
}
