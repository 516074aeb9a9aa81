/** Preview: the text the customer sees for given values, what is missing, and the exact send components. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { SendComponent, SendValues, StoredTemplate, TemplateValueError, buildSendComponents, describeTemplateVariables, getTemplate, renderTemplate, templateMessage, valuesFromInputs } from '../../../core/templates';
import { type Ctx, param, parseJson, resolveTemplateId } from './shared';

function previewValues(fn: IExecuteFunctions, i: number, template: StoredTemplate): SendValues {
	if (param<string>(fn, 'valuesMode', i, 'fields') === 'json') {
		const values = parseJson<SendValues>(fn, i, 'valuesJson', 'Values (JSON)');
		if (typeof values !== 'object' || values === null || Array.isArray(values)) {
			throw new NodeOperationError(fn.getNode(), 'Values (JSON) must be an object like {"body": [...], "header": {...}, "buttons": {...}}', { itemIndex: i });
		}
		// The campaign mapper's flat keys ("body.1", "card.0.header.media", "offer.expiration"…) work too.
		if (Object.keys(values).some((k) => k.includes('.') || k === 'catalog_id')) return valuesFromInputs(values as Record<string, unknown>);
		return values;
	}
	const values: SendValues = {};
	const entries = param<{ value?: { variable?: string; value?: string }[] }>(fn, 'bodyValues', i, {}).value ?? [];
	if (entries.length) {
		if (entries.every((e) => !String(e.variable ?? '').trim())) values.body = entries.map((e) => String(e.value ?? ''));
		else {
			const body: Record<string, string> = {};
			entries.forEach((e, n) => (body[String(e.variable ?? '').trim().replace(/^\{\{|\}\}$/g, '') || String(n + 1)] = String(e.value ?? '')));
			values.body = body;
		}
	}
	const header = String(param(fn, 'headerValue', i, '')).trim();
	if (header) {
		const format = String(template.components.find((c) => c.type === 'HEADER')?.format ?? 'TEXT').toUpperCase();
		if (format === 'TEXT') values.header = { text: header };
		else values.header = /^https?:\/\//i.test(header) ? { link: header } : { id: header };
	}
	const buttons = param<{ value?: { index?: number; value?: string }[] }>(fn, 'buttonValues', i, {}).value ?? [];
	if (buttons.length) values.buttons = Object.fromEntries(buttons.map((b) => [String(b.index ?? 0), String(b.value ?? '')]));
	const code = String(param(fn, 'code', i, '')).trim();
	if (code) values.code = code;
	const expiration = String(param(fn, 'offerExpiration', i, '')).trim();
	if (expiration) values.offer = { expiration };
	return values;
}

export async function execute(ctx: Ctx): Promise<IDataObject> {
	const { fn, i, client } = ctx;
	const template = await getTemplate(client, await resolveTemplateId(ctx));
	const values = previewValues(fn, i, template);
	const rendered = renderTemplate(template, values);
	let components: SendComponent[] | null = null;
	let sendError: string | null = null;
	try {
		components = buildSendComponents(template, values);
	} catch (error) {
		if (!(error instanceof TemplateValueError)) throw error;
		sendError = error.message;
	}
	return {
		id: template.id,
		name: template.name,
		language: template.language,
		status: template.status,
		text: rendered.text,
		header: rendered.header ?? null,
		offer: rendered.offer ?? null,
		body: rendered.body,
		footer: rendered.footer ?? null,
		buttons: rendered.buttons as unknown as IDataObject[],
		cards: (rendered.cards ?? null) as unknown as IDataObject[] | null,
		missing: rendered.missing,
		ready: sendError === null,
		sendError,
		components: components as unknown as IDataObject[] | null,
		// The `template` object of a send body, ready for POST /{PHONE_NUMBER_ID}/messages.
		template: (components ? templateMessage(template, components) : null) as IDataObject | null,
		variables: describeTemplateVariables(template) as unknown as IDataObject[],
	};
}
