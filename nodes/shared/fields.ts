/** Node parameters that several nodes share: n8n's usual paging fields, binary fields, the business number. */
import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

type Show = NonNullable<IDisplayOptions['show']>;

export function returnAllField(show: Show): INodeProperties {
	return {
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		displayOptions: { show },
		description: 'Whether to return all results or only up to a given limit',
	};
}

export function limitField(show: Show): INodeProperties {
	return {
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		displayOptions: { show },
		description: 'Max number of results to return',
	};
}

/** Store-backed lists page with an opaque cursor (`nextCursor` on the last item of a page). */
export function cursorField(show: Show): INodeProperties {
	return {
		displayName: 'Page Cursor',
		name: 'cursor',
		type: 'string',
		default: '',
		displayOptions: { show },
		description: 'The "nextCursor" of a previous page, to continue from there',
	};
}

/** A field naming an item's binary property (input file, or where an output file is put). */
export function binaryPropertyField(options: { name: string; displayName?: string; show: Show; required?: boolean; description?: string; hint?: string }): INodeProperties {
	const { name, displayName = 'Input Binary Field', show, required, description, hint } = options;
	return {
		displayName,
		name,
		type: 'string',
		default: 'data',
		...(required ? { required } : {}),
		...(description ? { description } : {}),
		...(hint ? { hint } : {}),
		displayOptions: { show },
	};
}

/** The business number (Meta's phone_number_id) an operation acts for; empty falls back to a credential's, as `description` says. */
export function businessNumberField(show: Show, description: string): INodeProperties {
	return {
		displayName: 'Business Phone Number ID',
		name: 'phoneNumberId',
		type: 'string',
		default: '',
		placeholder: 'e.g. 106540352242922',
		description,
		displayOptions: { show },
	};
}
