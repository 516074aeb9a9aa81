/** Preview: the values to render with, from the form fields or from JSON (the campaign mapper's flat keys work too, core/templates valuesFromInputs). */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { type SendValues, type StoredTemplate, valuesFromInputs } from '../../../core/templates';
import { jsonParam } from '../../shared/params';
import { param } from './shared';

export function previewValues(fn: IExecuteFunctions, i: number, template: StoredTemplate): SendValues {
	if (param<string>(fn, 'valuesMode', i, 'fields') === 'json') {
		const values = jsonParam<SendValues>(fn, 'valuesJson', i, 'Values (JSON)');
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
