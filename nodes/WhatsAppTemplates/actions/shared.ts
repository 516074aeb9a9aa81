/**
 * What the WhatsApp Templates operations share: the per-item context (the router's item run plus the
 * Graph client of the item's credential), parameter readers and the template picker. Meta's template
 * rules live in core/templates (rules.ts, validate.ts, fields.ts), not here.
 */
import type { IDataObject, IExecuteFunctions, INodeParameterResourceLocator } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { GraphClient } from '../../../core/graph/client';
import type { TemplateValidationError } from '../../../core/templates';
import { type CloudApiCredentials, getGraphClient } from '../../shared/credentials';
import type { ItemRun, Operation } from '../../shared/router';
import { templateIdFromLocator } from '../../shared/templatePicker';

export interface Ctx extends ItemRun {
	client: GraphClient;
	credentials: CloudApiCredentials;
}

/** An operation that talks to Meta: it gets the Graph client of the item's WhatsApp Cloud API credential. */
export function withGraph(execute: (ctx: Ctx) => Promise<IDataObject | IDataObject[]>): Operation {
	return async (run) => execute({ ...run, ...(await getGraphClient(run.fn, run.i)) });
}

/** Thrown for a failed pre-flight validation: lists every problem with its path and rule. */
export function validationError(fn: IExecuteFunctions, i: number, errors: TemplateValidationError[], what: string): NodeOperationError {
	const lines = errors.map((e) => `${e.path || '(template)'}: ${e.message} [${e.rule}]`);
	const first = errors[0];
	return new NodeOperationError(fn.getNode(), `${what} is not valid: ${first.path || 'template'} — ${first.message} [${first.rule}]`, {
		itemIndex: i,
		description: lines.join('\n'),
	});
}

export { param } from '../../shared/params';

export async function resolveTemplateId(ctx: Ctx): Promise<string> {
	const id = templateIdFromLocator(ctx.fn.getNodeParameter('template', ctx.i) as INodeParameterResourceLocator);
	if (!id) throw new NodeOperationError(ctx.fn.getNode(), 'Template: choose a template from the list or enter its ID', { itemIndex: ctx.i });
	return id;
}
