/** Create: a template from fields or JSON components, validated against Meta's rules (core/templates/rules.ts) before it is submitted; media header samples uploaded through Meta's resumable upload (samples.ts). */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { TEMPLATE_LIMITS, TemplateDefinition, createTemplate, validateTemplate } from '../../../core/templates';
import { componentsFromParameters } from './components';
import { categoryOptions, languageField, nameField, op } from './fields/common';
import { definitionFields } from './fields/definition';
import { withMediaHandle } from './samples';
import { param, withGraph } from './shared';

export const description: INodeProperties[] = [
	nameField(
		{ operation: ['create'] },
		`Lowercase letters, digits and underscores, at most ${TEMPLATE_LIMITS.NAME_MAX_LENGTH} characters. To create several languages of one name, send one item per language.`,
	),
	languageField(
		{ operation: ['create'] },
		'Language of this template. Choose from the list, or specify a code using an <a href="https://docs.n8n.io/code/expressions/">expression</a> (e.g. one item per language).',
	),
	{ displayName: 'Category', name: 'category', type: 'options', options: categoryOptions, default: 'UTILITY', displayOptions: op('create') },
	...definitionFields,
];

export const execute = withGraph(async (ctx) => {
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
});
