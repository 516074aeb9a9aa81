/** Node parameters that several nodes share: n8n's usual paging fields. */
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
