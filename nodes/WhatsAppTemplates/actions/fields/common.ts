/**
 * Pieces several WhatsApp Templates operations' fields are built from: the language and category
 * lists, the template picker of Edit / Wait for Review / Preview, and the Name / Language fields.
 * Meta's limits in descriptions come from core/templates/rules.ts.
 */
import type { IDisplayOptions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { TEMPLATE_LANGUAGES } from '../../../../core/templates/languages';
import { templateLocatorProperty } from '../../../shared/templatePicker';

type Show = NonNullable<IDisplayOptions['show']>;

/** displayOptions showing a field for these operations. */
export const op = (...operation: string[]) => ({ show: { operation } });

export const languageOptions: INodePropertyOptions[] = [...TEMPLATE_LANGUAGES]
	.sort((a, b) => a.name.localeCompare(b.name))
	.map((l) => ({ name: `${l.name} (${l.code})`, value: l.code }));

export const categoryOptions: INodePropertyOptions[] = [
	{ name: 'Authentication', value: 'AUTHENTICATION', description: 'One-time passcodes; Meta supplies the text' },
	{ name: 'Marketing', value: 'MARKETING', description: 'Promotions, offers, announcements' },
	{ name: 'Utility', value: 'UTILITY', description: 'Updates about an existing order or account' },
];

/** Edit, Wait for Review and Preview: the template they act on (one field, shown by all three). */
export const templateField = templateLocatorProperty({ displayOptions: op('edit', 'waitForReview', 'preview') });

/** The template name (Create; Get by name and language; Delete all languages). */
export function nameField(show: Show, description?: string): INodeProperties {
	return {
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. order_confirmation',
		displayOptions: { show },
		...(description ? { description } : {}),
	};
}

/** A template language from Meta's list (core/templates/languages.ts), or a code by expression. */
export function languageField(show: Show, description: string): INodeProperties {
	return { displayName: 'Language', name: 'language', type: 'options', options: languageOptions, default: 'en_US', displayOptions: { show }, description };
}

// Create / Edit with fields: which fields show for which category and layout. Edit with "Keep
// Current" shows the non-authentication fields (authentication templates: use JSON or pick the category).
export const nonAuthFields = { operation: ['create', 'edit'], definitionMode: ['fields'], category: ['MARKETING', 'UTILITY', 'KEEP'] };
export const authFields = { operation: ['create', 'edit'], definitionMode: ['fields'], category: ['AUTHENTICATION'] };
// Layouts: a standard template, a limited-time offer (no footer) or a carousel (body + cards, no header / footer / buttons).
export const withHeader = { ...nonAuthFields, layout: ['standard', 'limitedTimeOffer'] };
export const withFooter = { ...nonAuthFields, layout: ['standard'] };
export const carouselFields = { ...nonAuthFields, layout: ['carousel'] };
