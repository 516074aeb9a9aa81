/** Create / Edit with fields: the header (text with one variable, location, or media with a review sample uploaded by actions/samples.ts). */
import type { INodeProperties } from 'n8n-workflow';
import { TEMPLATE_LIMITS } from '../../../../core/templates/rules';
import { binaryPropertyField } from '../../../shared/fields';
import { withHeader } from './common';

export const headerFields: INodeProperties[] = [
	{
		displayName: 'Header',
		name: 'headerType',
		type: 'options',
		default: 'none',
		displayOptions: { show: withHeader },
		options: [
			{ name: 'Document', value: 'document' },
			{ name: 'Image', value: 'image' },
			{ name: 'Location', value: 'location' },
			{ name: 'None', value: 'none' },
			{ name: 'Text', value: 'text' },
			{ name: 'Video', value: 'video' },
		],
	},
	{
		displayName: 'Header Text',
		name: 'headerText',
		type: 'string',
		default: '',
		displayOptions: { show: { ...withHeader, headerType: ['text'] } },
		description: `At most ${TEMPLATE_LIMITS.HEADER_TEXT_MAX_LENGTH} characters and one variable`,
	},
	{
		displayName: 'Header Variable Example',
		name: 'headerExample',
		type: 'string',
		default: '',
		displayOptions: { show: { ...withHeader, headerType: ['text'] } },
		description: 'Example value for the header variable (required by Meta when the header has one)',
	},
	{
		displayName: 'Sample Media Source',
		name: 'headerMediaSource',
		type: 'options',
		default: 'binary',
		displayOptions: { show: { ...withHeader, headerType: ['image', 'video', 'document'] } },
		options: [
			{ name: 'Binary Data', value: 'binary', description: 'A file from the input item, uploaded to Meta' },
			{ name: 'Existing Handle', value: 'handle', description: 'A header_handle from an earlier upload' },
			{ name: 'URL', value: 'url', description: 'A file downloaded from a URL, then uploaded to Meta' },
		],
		description: 'Meta reviews media templates with a sample file, uploaded through the Resumable Upload API',
	},
	binaryPropertyField({
		name: 'binaryPropertyName',
		show: { ...withHeader, headerType: ['image', 'video', 'document'], headerMediaSource: ['binary'] },
		hint: 'The name of the input binary field containing the sample file (JPEG/PNG, MP4 or PDF)',
	}),
	{
		displayName: 'Sample Media URL',
		name: 'headerMediaUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://example.com/sample.jpg',
		displayOptions: { show: { ...withHeader, headerType: ['image', 'video', 'document'], headerMediaSource: ['url'] } },
	},
	{
		displayName: 'Header Handle',
		name: 'headerHandle',
		type: 'string',
		default: '',
		placeholder: 'e.g. 4::aW1hZ2UvanBlZw==:ARb…',
		displayOptions: { show: { ...withHeader, headerType: ['image', 'video', 'document'], headerMediaSource: ['handle'] } },
	},
];
