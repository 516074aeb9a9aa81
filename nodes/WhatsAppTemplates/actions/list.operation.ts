/** List: templates with filters (status, category, language, name), all or up to a limit. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { TEMPLATE_STATUSES, listTemplates } from '../../../core/templates';
import { limitField, returnAllField } from '../../shared/fields';
import { categoryOptions, languageOptions, op } from './fields/common';
import { param, withGraph } from './shared';

export const description: INodeProperties[] = [
	returnAllField({ operation: ['list'] }),
	limitField({ operation: ['list'], returnAll: [false] }),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: op('list'),
		options: [
			{
				displayName: 'Category',
				name: 'category',
				type: 'multiOptions',
				options: categoryOptions.map(({ name, value }) => ({ name, value })),
				default: [],
			},
			{
				displayName: 'Language',
				name: 'language',
				type: 'options',
				options: languageOptions,
				default: 'en_US',
			},
			{
				displayName: 'Name Contains',
				name: 'nameContains',
				type: 'string',
				default: '',
				description: 'Only templates whose name contains this text (case-insensitive)',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'multiOptions',
				options: [...TEMPLATE_STATUSES].sort().map((s) => ({ name: s.charAt(0) + s.slice(1).toLowerCase().replace(/_/g, ' '), value: s })),
				default: [],
			},
		],
	},
];

export const execute = withGraph(async ({ fn, i, client, credentials }) => {
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
});
