/** Create / Edit: the template's components from Meta's JSON, or from the form fields through core/templates/fields.ts. */
import { NodeOperationError } from 'n8n-workflow';
import { type ButtonField, type CardField, type HeaderType, type TemplateComponent, type TemplateFields, type TemplateLayout, componentsFromFields } from '../../../core/templates';
import { jsonParam } from '../../shared/params';
import { type Ctx, param } from './shared';

export async function componentsFromParameters(ctx: Ctx, category: string, parameterFormat: 'POSITIONAL' | 'NAMED'): Promise<TemplateComponent[]> {
	const { fn, i } = ctx;
	if (param<string>(fn, 'definitionMode', i, 'fields') === 'json') {
		const parsed = jsonParam<unknown>(fn, 'componentsJson', i, 'Components (JSON)');
		const components = Array.isArray(parsed) ? parsed : (parsed as { components?: unknown })?.components;
		if (!Array.isArray(components)) {
			throw new NodeOperationError(fn.getNode(), 'Components (JSON) must be an array of components (or an object with a components array)', { itemIndex: i });
		}
		return components as TemplateComponent[];
	}
	const fields: TemplateFields = {
		category,
		parameterFormat,
		headerType: param<HeaderType>(fn, 'headerType', i, 'none'),
		headerText: param(fn, 'headerText', i, ''),
		headerExample: param(fn, 'headerExample', i, ''),
		bodyText: param(fn, 'bodyText', i, ''),
		bodyExamples: param<{ example?: { variable?: string; example?: string }[] }>(fn, 'bodyExamples', i, {}).example ?? [],
		footerText: param(fn, 'footerText', i, ''),
		buttons: param<{ button?: ButtonField[] }>(fn, 'buttons', i, {}).button ?? [],
		addSecurityRecommendation: param(fn, 'addSecurityRecommendation', i, true),
		codeExpirationMinutes: param(fn, 'codeExpirationMinutes', i, 10),
		otpType: param(fn, 'otpType', i, 'COPY_CODE'),
		otpButtonText: param(fn, 'otpButtonText', i, ''),
		packageName: param(fn, 'packageName', i, ''),
		signatureHash: param(fn, 'signatureHash', i, ''),
		autofillText: param(fn, 'autofillText', i, ''),
		zeroTapTermsAccepted: param(fn, 'zeroTapTermsAccepted', i, false),
		layout: param<TemplateLayout>(fn, 'layout', i, 'standard'),
		offerText: param(fn, 'offerText', i, ''),
		offerHasExpiration: param(fn, 'offerHasExpiration', i, true),
		cardHeaderFormat: param<'image' | 'video' | 'product'>(fn, 'cardHeaderFormat', i, 'image'),
		cards: param<{ card?: CardField[] }>(fn, 'cards', i, {}).card ?? [],
		cardButtons: param<{ button?: ButtonField[] }>(fn, 'cardButtons', i, {}).button ?? [],
	};
	return componentsFromFields(fields);
}
