/**
 * The shared template picker: a resourceLocator parameter (search list, or a template ID) and the
 * `listSearch` methods behind it. The Templates node and the Campaign node include both:
 *
 *   properties: [templateLocatorProperty({ approvedOnly: true, displayOptions: … })]
 *   methods = { listSearch: { ...templateListSearch } }
 *   const id = templateIdFromLocator(this.getNodeParameter('template', i) as INodeParameterResourceLocator)
 *
 * Search matches the filter against name, language code, language name and status.
 */
import type {
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
	INodeParameterResourceLocator,
	INodeProperties,
} from 'n8n-workflow';
import { listTemplatesPage } from '../../core/templates/api';
import { templateLanguageName } from '../../core/templates/languages';
import type { StoredTemplate } from '../../core/templates/types';
import { getGraphClient } from './credentials';

export const SEARCH_TEMPLATES_METHOD = 'searchTemplates';
export const SEARCH_APPROVED_TEMPLATES_METHOD = 'searchApprovedTemplates';

export interface TemplateLocatorOptions {
	/** Parameter name (default `template`). */
	name?: string;
	displayName?: string;
	/** List only APPROVED templates (what a send can use). */
	approvedOnly?: boolean;
	displayOptions?: INodeProperties['displayOptions'];
	required?: boolean;
	description?: string;
}

/** The resourceLocator parameter: "From list" (searchable) or "By ID". */
export function templateLocatorProperty(options: TemplateLocatorOptions = {}): INodeProperties {
	return {
		displayName: options.displayName ?? 'Template',
		name: options.name ?? 'template',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: options.required ?? true,
		description: options.description ?? 'The message template (search by name, language or status)',
		...(options.displayOptions ? { displayOptions: options.displayOptions } : {}),
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a template…',
				typeOptions: {
					searchListMethod: options.approvedOnly ? SEARCH_APPROVED_TEMPLATES_METHOD : SEARCH_TEMPLATES_METHOD,
					searchable: true,
				},
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 1689556908129832',
				validation: [{ type: 'regex', properties: { regex: '^[0-9]+$', errorMessage: 'A template ID is numeric' } }],
			},
		],
	};
}

/** The template ID a locator value points at (both modes store the ID). */
export function templateIdFromLocator(value: INodeParameterResourceLocator | string | undefined): string {
	const raw = typeof value === 'object' && value !== null ? value.value : value;
	return String(raw ?? '').trim();
}

/** The label shown in the list: `order_update · English (US) · APPROVED`. */
export function templateLabel(t: Pick<StoredTemplate, 'name' | 'language' | 'status'>): string {
	const language = templateLanguageName(t.language) ?? t.language;
	return [t.name, `${language} (${t.language})`, t.status].filter(Boolean).join(' · ');
}

/** Does a template match a free-text filter (name, language code/name, status)? */
export function templateMatchesFilter(t: Pick<StoredTemplate, 'name' | 'language' | 'status'>, filter?: string): boolean {
	const terms = (filter ?? '').toLowerCase().split(/\s+/).filter(Boolean);
	if (!terms.length) return true;
	const haystack = [t.name, t.language, templateLanguageName(t.language) ?? '', t.status ?? ''].join(' ').toLowerCase();
	return terms.every((term) => haystack.includes(term));
}

async function search(ctx: ILoadOptionsFunctions, filter: string | undefined, paginationToken: string | undefined, approvedOnly: boolean): Promise<INodeListSearchResult> {
	const { client, credentials } = await getGraphClient(ctx);
	const page = await listTemplatesPage(client, credentials.businessAccountId, { after: paginationToken, status: approvedOnly ? 'APPROVED' : undefined });
	const results: INodeListSearchItems[] = page.templates
		.filter((t) => !approvedOnly || t.status === 'APPROVED')
		.filter((t) => templateMatchesFilter(t, filter))
		.map((t) => ({ name: templateLabel(t), value: t.id }));
	return { results, paginationToken: page.after };
}

/** `listSearch` methods to spread into a node's `methods.listSearch`. */
export const templateListSearch = {
	async [SEARCH_TEMPLATES_METHOD](this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
		return search(this, filter, paginationToken, false);
	},
	async [SEARCH_APPROVED_TEMPLATES_METHOD](this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
		return search(this, filter, paginationToken, true);
	},
};
