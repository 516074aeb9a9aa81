/** The Campaign node's editor methods: the business-number and template pickers, and the template's variables. */
import type { ILoadOptionsFunctions, INodeListSearchResult, INodeParameterResourceLocator, ResourceMapperFields } from 'n8n-workflow';
import { listPhoneNumbersPage } from '../../core/numbers/info';
import { describeTemplateVariables, getTemplate } from '../../core/templates';
import { getGraphClient } from '../shared/credentials';
import { templateIdFromLocator, templateListSearch } from '../shared/templatePicker';

export const methods = {
	listSearch: {
		...templateListSearch,
		async searchPhoneNumbers(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
			const { client, credentials } = await getGraphClient(this);
			const page = await listPhoneNumbersPage(client, credentials.businessAccountId, paginationToken);
			const terms = (filter ?? '').toLowerCase();
			const results = page.numbers
				.map((p) => ({ name: [p.display_phone_number, p.verified_name, p.throughput?.level].filter(Boolean).join(' · ') || p.id, value: p.id }))
				.filter((r) => !terms || r.name.toLowerCase().includes(terms) || r.value.includes(terms));
			return { results, paginationToken: page.after };
		},
	},
	resourceMapping: {
		/** Send Campaign's Variables: one field per variable of the picked template (body, header, buttons). */
		async getTemplateVariables(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
			const id = templateIdFromLocator(this.getNodeParameter('template', undefined) as INodeParameterResourceLocator);
			if (!id) return { fields: [], emptyFieldsNotice: 'Pick a template first' };
			const { client } = await getGraphClient(this);
			const template = await getTemplate(client, id);
			return {
				fields: describeTemplateVariables(template).map((v) => ({
					id: v.key,
					displayName: v.example ? `${v.label} (e.g. ${v.example})` : v.label,
					required: v.required,
					defaultMatch: false,
					canBeUsedToMatch: false,
					display: true,
					type: 'string',
				})),
				emptyFieldsNotice: 'This template has no variables',
			};
		},
	},
};
