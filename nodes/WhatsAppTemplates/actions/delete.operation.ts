/** Delete: all languages of a name, or one language by ID. */
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { deleteTemplate, getTemplate } from '../../../core/templates';
import { type Ctx, param, resolveTemplateId } from './shared';

export async function execute(ctx: Ctx): Promise<IDataObject> {
	const { fn, i, client, credentials } = ctx;
	let result;
	let target: IDataObject;
	if (param<string>(fn, 'deleteScope', i, 'allLanguages') === 'oneLanguage') {
		const id = await resolveTemplateId(ctx);
		const current = await getTemplate(client, id, 'id,name,language,status');
		result = await deleteTemplate(client, credentials.businessAccountId, { name: current.name, templateId: id });
		target = { id, name: current.name, language: current.language };
	} else {
		const name = String(param(fn, 'name', i, '')).trim();
		if (!name) throw new NodeOperationError(fn.getNode(), 'Name: enter the template name to delete', { itemIndex: i });
		result = await deleteTemplate(client, credentials.businessAccountId, { name });
		target = { name, language: 'all' };
	}
	return { ...result, ...target, deleted: Boolean(result?.success) };
}
