/** Edit: new components (and category, only while REJECTED) for an APPROVED / REJECTED / PAUSED template, refused before calling Meta otherwise (core/templates/rules.ts EDITABLE_STATUSES, CATEGORY_EDITABLE_STATUSES). */
import type { INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { CATEGORY_EDITABLE_STATUSES, EDITABLE_STATUSES, TemplateComponent, editTemplate, getTemplate, isOneOf, parameterFormatOf, validateTemplateComponents } from '../../../core/templates';
import { componentsFromParameters } from './components';
import { categoryOptions, op, templateField } from './fields/common';
import { definitionFields } from './fields/definition';
import { withMediaHandle } from './samples';
import { param, resolveTemplateId, withGraph } from './shared';

export const description: INodeProperties[] = [
	templateField,
	{
		displayName: 'Category',
		name: 'category',
		type: 'options',
		options: [{ name: 'Keep Current', value: 'KEEP' }, ...categoryOptions],
		default: 'KEEP',
		displayOptions: op('edit'),
		description: 'Meta lets the category change only while the template is rejected',
	},
	...definitionFields,
];

export const execute = withGraph(async (ctx) => {
	const { fn, i, client } = ctx;
	const id = await resolveTemplateId(ctx);
	const current = await getTemplate(client, id);
	const status = String(current.status ?? '').toUpperCase();
	if (status && !isOneOf(EDITABLE_STATUSES, status)) {
		throw new NodeOperationError(fn.getNode(), `Template "${current.name}" (${current.language}) is ${status}; only APPROVED, REJECTED or PAUSED templates can be edited`, {
			itemIndex: i,
		});
	}
	const newCategory = param<string>(fn, 'category', i, 'KEEP');
	// cloud-api.md §1 Limits (core/templates/rules.ts CATEGORY_EDITABLE_STATUSES): a template's category can change only while it is REJECTED
	if (newCategory !== 'KEEP' && newCategory !== current.category && status && !isOneOf(CATEGORY_EDITABLE_STATUSES, status)) {
		throw new NodeOperationError(
			fn.getNode(),
			`Template "${current.name}" (${current.language}) is ${status}; its category can be changed only while it is ${CATEGORY_EDITABLE_STATUSES.join(' or ')} (keep the current category to edit its components)`,
			{ itemIndex: i },
		);
	}
	const category = newCategory === 'KEEP' ? String(current.category) : newCategory;
	const format = parameterFormatOf(current);
	const components = await componentsFromParameters(ctx, category, format);
	await withMediaHandle(ctx, components, (c) => validateTemplateComponents(c, { category, parameterFormat: format }), `Edit of template "${current.name}" (${current.language})`);
	const body: { category?: string; components: TemplateComponent[] } = { components };
	if (newCategory !== 'KEEP' && newCategory !== current.category) body.category = newCategory;
	const result = await editTemplate(client, id, body);
	return { ...result, id, name: current.name, language: current.language, ...(body.category ? { category: body.category } : {}) };
});
