/** List: templates with filters (status, category, language, name), all or up to a limit. */
import type { IDataObject } from 'n8n-workflow';
import { listTemplates } from '../../../core/templates';
import { type Ctx, param } from './shared';

export async function execute(ctx: Ctx): Promise<IDataObject[]> {
	const { fn, i, client, credentials } = ctx;
	const filters = param<IDataObject>(fn, 'filters', i, {});
	const returnAll = param(fn, 'returnAll', i, false);
	const templates = await listTemplates(client, credentials.businessAccountId, {
		status: filters.status as string[] | undefined,
		category: filters.category as string[] | undefined,
		language: filters.language as string | undefined,
		nameContains: filters.nameContains as string | undefined,
		limit: returnAll ? undefined : param(fn, 'limit', i, 50),
	});
	return templates as unknown as IDataObject[];
}
