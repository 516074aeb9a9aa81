/**
 * Core errors → n8n errors. Meta's errors keep their code, subcode, class, details and Meta's
 * user-facing message; nothing secret is ever copied (the Graph client never puts the token in
 * an error, and only whitelisted fields are passed on).
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';
import { GraphApiError } from '../../core/graph/errors';

/** Errors that name what was wrong with the user's input (a field, a row, an item). */
export class InputError extends Error {
	constructor(
		message: string,
		readonly field?: string,
	) {
		super(message);
		this.name = 'InputError';
	}
}

export function graphErrorDescription(error: GraphApiError): string {
	const parts: string[] = [];
	if (error.code !== undefined) parts.push(`Meta error code ${error.code}${error.subcode ? ` (subcode ${error.subcode})` : ''}`);
	parts.push(`class: ${error.errorClass}`);
	if (error.userTitle || error.userMessage) parts.push([error.userTitle, error.userMessage].filter(Boolean).join(': '));
	if (error.details && !error.message.includes(error.details)) parts.push(error.details);
	if (error.fbtraceId) parts.push(`fbtrace_id ${error.fbtraceId}`);
	return parts.join(' · ');
}

/** Wraps any error thrown by the core into NodeApiError (Meta) or NodeOperationError (input/other). */
export function toNodeError(node: INode, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof GraphApiError) {
		return new NodeApiError(node, error.toJSON() as unknown as JsonObject, {
			message: error.message,
			description: graphErrorDescription(error),
			httpCode: error.httpStatus !== undefined ? String(error.httpStatus) : undefined,
			itemIndex,
		});
	}
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(node, message, { itemIndex });
}

/** The JSON of a failed item under continueOnFail. */
export function errorJson(error: unknown): JsonObject {
	if (error instanceof GraphApiError) return { error: error.message, ...(error.toJSON() as JsonObject) };
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		return { error: error.message, ...(error.description ? { description: error.description } : {}) };
	}
	return { error: error instanceof Error ? error.message : String(error) };
}
