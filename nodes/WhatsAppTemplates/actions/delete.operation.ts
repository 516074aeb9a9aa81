/** Delete: all languages of a name, or one language by ID. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { deleteTemplate, getTemplate } from '../../../core/templates';
import { templateLocatorProperty } from '../../shared/templatePicker';
import { nameField, op } from './fields/common';
import { param, resolveTemplateId, withGraph } from './shared';

export const description: INodeProperties[] = [
	templateLocatorProperty({
		displayOptions: { show: { operation: ['delete'], deleteScope: ['oneLanguage'] } },
		description: 'The template (one language) to delete',
	}),
	{
		displayName: 'Delete',
		name: 'deleteScope',
		type: 'options',
		default: 'allLanguages',
		displayOptions: op('delete'),
		options: [
			{ name: 'All Languages of a Name', value: 'allLanguages', description: 'Delete the template by name: every translation goes' },
			{ name: 'One Language', value: 'oneLanguage', description: 'Delete a single template (one language) by its ID' },
		],
	},
	nameField({ operation: ['delete'], deleteScope: ['allLanguages'] }, 'Every language of this template name is deleted'),
];

export const execute = withGraph(async (ctx) => {
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
});
