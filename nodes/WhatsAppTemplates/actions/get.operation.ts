/** Get: one template by ID or by name and language, with `variables` (the inputs a send needs). */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { StoredTemplate, TemplateNotFoundError, describeTemplateVariables, getTemplate, getTemplateByName } from '../../../core/templates';
import { templateLocatorProperty } from '../../shared/templatePicker';
import { languageField, nameField, op } from './fields/common';
import { param, resolveTemplateId, withGraph } from './shared';

const byName = { operation: ['get'], findBy: ['nameLanguage'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Find By',
		name: 'findBy',
		type: 'options',
		default: 'template',
		displayOptions: op('get'),
		options: [
			{ name: 'Template (List or ID)', value: 'template' },
			{ name: 'Name and Language', value: 'nameLanguage' },
		],
	},
	templateLocatorProperty({ displayOptions: { show: { operation: ['get'], findBy: ['template'] } } }),
	nameField(byName),
	languageField(byName, 'Choose from the list, or specify a code using an <a href="https://docs.n8n.io/code/expressions/">expression</a>'),
];

export const execute = withGraph(async (ctx) => {
	const { fn, i, client, credentials } = ctx;
	let template: StoredTemplate;
	if (param<string>(fn, 'findBy', i, 'template') === 'nameLanguage') {
		const name = String(param(fn, 'name', i, '')).trim();
		const language = String(param(fn, 'language', i, '')).trim();
		try {
			template = await getTemplateByName(client, credentials.businessAccountId, name, language);
		} catch (error) {
			if (error instanceof TemplateNotFoundError) throw new NodeOperationError(fn.getNode(), error.message, { itemIndex: i });
			throw error;
		}
	} else {
		template = await getTemplate(client, await resolveTemplateId(ctx));
	}
	return { ...template, variables: describeTemplateVariables(template) as unknown as IDataObject[] } as IDataObject;
});
