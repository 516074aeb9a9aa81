/** Get: one template by ID or by name and language, with `variables` (the inputs a send needs). */
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { StoredTemplate, describeTemplateVariables, getTemplate, getTemplateByName } from '../../../core/templates';
import { type Ctx, param, resolveTemplateId } from './shared';

export async function execute(ctx: Ctx): Promise<IDataObject> {
	const { fn, i, client, credentials } = ctx;
	let template: StoredTemplate;
	if (param<string>(fn, 'findBy', i, 'template') === 'nameLanguage') {
		const name = String(param(fn, 'name', i, '')).trim();
		const language = String(param(fn, 'language', i, '')).trim();
		try {
			template = await getTemplateByName(client, credentials.businessAccountId, name, language);
		} catch (error) {
			if ((error as Error).name === 'TemplateNotFoundError') throw new NodeOperationError(fn.getNode(), (error as Error).message, { itemIndex: i });
			throw error;
		}
	} else {
		template = await getTemplate(client, await resolveTemplateId(ctx));
	}
	return { ...template, variables: describeTemplateVariables(template) as unknown as IDataObject[] } as IDataObject;
}
