/** Create: a template from fields or JSON components, validated against Meta's rules (core/templates/rules.ts) before it is submitted; media header samples uploaded through Meta's resumable upload. */
import type { IDataObject } from 'n8n-workflow';
import { TemplateDefinition, createTemplate, validateTemplate } from '../../../core/templates';
import { componentsFromParameters, type Ctx, param, withMediaHandle } from './shared';

export async function execute(ctx: Ctx): Promise<IDataObject> {
	const { fn, i, client, credentials } = ctx;
	const category = param<string>(fn, 'category', i, 'UTILITY');
	const parameterFormat = category === 'AUTHENTICATION' ? 'POSITIONAL' : param<'POSITIONAL' | 'NAMED'>(fn, 'parameterFormat', i, 'POSITIONAL');
	const options = param<IDataObject>(fn, 'createOptions', i, {});
	const definition: TemplateDefinition = {
		name: String(param(fn, 'name', i, '')).trim(),
		language: String(param(fn, 'language', i, '')).trim(),
		category,
		components: await componentsFromParameters(ctx, category, parameterFormat),
	};
	if (category !== 'AUTHENTICATION') definition.parameter_format = parameterFormat;
	if (options.allowCategoryChange) definition.allow_category_change = true;
	const validateOptions = { allowUnknownLanguage: Boolean(options.allowUnknownLanguage) };
	await withMediaHandle(ctx, definition.components, (components) => validateTemplate({ ...definition, components }, validateOptions).errors, `Template "${definition.name}" (${definition.language})`);
	const created = await createTemplate(client, credentials.businessAccountId, definition);
	return { ...created, name: definition.name, language: definition.language, definition: definition as unknown as IDataObject };
}
