/**
 * What the WhatsApp Media operations share: the fields two of them show, input errors that name the
 * item, and the business number check. Meta's media rules live in core/messages/media.ts and
 * core/media/api.ts, not here.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { MediaError, isGraphId } from '../../../core/media/api';
import { InputError } from '../../shared/errors';
import { businessNumberField } from '../../shared/fields';

/** Errors naming the user's input (shared/errors.ts turns them into NodeOperationError). */
export function inputError(message: string, field?: string): InputError {
	return new InputError(message, field);
}

/** Upload and Delete: the business number the media belongs to. */
export const phoneNumberIdField = businessNumberField(
	{ operation: ['upload', 'delete'] },
	'The business number the media belongs to. Empty: the phone number ID of the WhatsApp Cloud API credential.',
);

/** Download and Delete: the media ID. */
export const mediaIdField: INodeProperties = {
	displayName: 'Media ID',
	name: 'mediaId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 1037543291543636',
	description: "The media ID: what Upload returned, or an inbound message's media ID from the WhatsApp Cloud Trigger",
	displayOptions: { show: { operation: ['download', 'delete'] } },
};

/** Media errors name the item, as the other nodes' input errors do (the router's mapError). */
export function labelled(error: unknown, i: number): unknown {
	if (error instanceof MediaError || error instanceof InputError) {
		return inputError(error.message.startsWith('Item ') ? error.message : `Item ${i}: ${error.message}`);
	}
	return error;
}

/** The business number: the field, else the credential's; a Graph ID (digits, core/media/api.ts isGraphId). */
export function phoneNumberIdOf(fn: IExecuteFunctions, i: number, fallback: string | undefined, required = true): string | undefined {
	const id = String(fn.getNodeParameter('phoneNumberId', i, '') ?? '').trim() || fallback || '';
	if (!id && !required) return undefined;
	if (!isGraphId(id)) {
		throw inputError(id ? `Business Phone Number ID "${id}" is not a phone number ID (digits)` : 'Business Phone Number ID is empty and the credential has no phone number ID', 'phoneNumberId');
	}
	return id;
}
