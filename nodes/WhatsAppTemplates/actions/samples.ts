/**
 * Create / Edit: review samples of media headers and carousel cards. Meta reviews a media template
 * with a sample file uploaded through the Resumable Upload API (core/templates/api.ts
 * uploadTemplateSample); which files fit is core's templateSampleProblem. Bad input is found by
 * validation before any file is uploaded.
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import {
	CAROUSEL_MEDIA_HEADER_FORMATS,
	type CardField,
	type HeaderType,
	type TemplateComponent,
	type TemplateValidationError,
	cardHeaderHandlePath,
	getAppId,
	isOneOf,
	templateSampleProblem,
	uploadTemplateSample,
	withoutPendingSampleErrors,
} from '../../../core/templates';
import { type Ctx, param, validationError } from './shared';

interface Sample {
	data: Buffer;
	fileType: string;
	fileName?: string;
}

/** Uploads a checked sample with the app of Options → App ID, else the token's app (GET /app in core). */
async function upload(ctx: Ctx, sample: Sample): Promise<string> {
	const options = param<IDataObject>(ctx.fn, 'createOptions', ctx.i, {});
	const appId = String(options.appId ?? '').trim() || (await getAppId(ctx.client));
	// Bearer (the client's header): Graph accepts it on upload sessions too; the OAuth scheme is optional in core.
	return uploadTemplateSample(ctx.client, { appId, ...sample });
}

/** The header sample: an existing handle, or a file from the item's binary data or a URL, uploaded. */
async function headerSampleHandle(ctx: Ctx, headerType: HeaderType): Promise<string | undefined> {
	const { fn, i } = ctx;
	const source = param<string>(fn, 'headerMediaSource', i, 'binary');
	if (source === 'handle') return String(param(fn, 'headerHandle', i, '')).trim() || undefined;
	let sample: Sample;
	if (source === 'binary') {
		const property = String(param(fn, 'binaryPropertyName', i, 'data'));
		const binary = fn.helpers.assertBinaryData(i, property);
		sample = { data: await fn.helpers.getBinaryDataBuffer(i, property), fileType: binary.mimeType, fileName: binary.fileName };
	} else {
		const url = String(param(fn, 'headerMediaUrl', i, '')).trim();
		if (!/^https?:\/\//i.test(url)) throw new NodeOperationError(fn.getNode(), `Sample Media URL: "${url}" is not an http(s) URL`, { itemIndex: i });
		const response = (await fn.helpers.httpRequest({ url, encoding: 'arraybuffer', returnFullResponse: true })) as { body: ArrayBuffer | Buffer; headers: Record<string, string> };
		sample = {
			data: Buffer.isBuffer(response.body) ? response.body : Buffer.from(response.body),
			fileType: String(response.headers['content-type'] ?? '').split(';')[0].trim(),
			fileName: url.split(/[?#]/)[0].split('/').pop() || undefined,
		};
	}
	const problem = templateSampleProblem(headerType, sample.fileType, 'header');
	if (problem) throw new NodeOperationError(fn.getNode(), `Sample media: ${problem}`, { itemIndex: i });
	return upload(ctx, sample);
}

/** Media cards of a form-built carousel that name a Sample Binary Field instead of a handle. */
function cardSampleUploads(ctx: Ctx, components: TemplateComponent[]): { card: number; property: string; header: TemplateComponent; path: string }[] {
	if (param<string>(ctx.fn, 'definitionMode', ctx.i, 'fields') !== 'fields' || param<string>(ctx.fn, 'layout', ctx.i, 'standard') !== 'carousel') return [];
	const formCards = param<{ card?: CardField[] }>(ctx.fn, 'cards', ctx.i, {}).card ?? [];
	const index = components.findIndex((c) => c.type === 'CAROUSEL');
	const cards = index >= 0 ? (components[index].cards ?? []) : [];
	const out: { card: number; property: string; header: TemplateComponent; path: string }[] = [];
	cards.forEach((card, k) => {
		const header = card.components[0];
		const property = String(formCards[k]?.sampleBinaryProperty ?? '').trim();
		if (header?.type === 'HEADER' && isOneOf(CAROUSEL_MEDIA_HEADER_FORMATS, header.format) && !header.example && property) {
			out.push({ card: k, property, header, path: cardHeaderHandlePath(index, k) });
		}
	});
	return out;
}

/**
 * Validates the definition (without the sample handles still to upload, so bad input never uploads a
 * file), then uploads the header and card samples and puts their handles into the components.
 */
export async function withMediaHandle(ctx: Ctx, components: TemplateComponent[], validate: (c: TemplateComponent[]) => TemplateValidationError[], what: string) {
	const { fn, i } = ctx;
	const header = components.find((c) => c.type === 'HEADER');
	const needsUpload = param<string>(fn, 'definitionMode', i, 'fields') === 'fields' && header && ['IMAGE', 'VIDEO', 'DOCUMENT'].includes(String(header.format)) && !header.example;
	const cardUploads = cardSampleUploads(ctx, components);
	const errors = withoutPendingSampleErrors(validate(components), { header: Boolean(needsUpload), cardPaths: new Set(cardUploads.map((u) => u.path)) });
	if (errors.length) throw validationError(fn, i, errors, what);
	if (needsUpload && header) {
		const handle = await headerSampleHandle(ctx, String(header.format).toLowerCase() as HeaderType);
		if (!handle) throw new NodeOperationError(fn.getNode(), 'Header Handle: enter the handle of an uploaded sample', { itemIndex: i });
		header.example = { header_handle: [handle] };
	}
	for (const card of cardUploads) {
		const binary = fn.helpers.assertBinaryData(i, card.property);
		const problem = templateSampleProblem(String(card.header.format), binary.mimeType, 'card');
		if (problem) throw new NodeOperationError(fn.getNode(), `Card ${card.card} sample "${card.property}": ${problem}`, { itemIndex: i });
		const data = await fn.helpers.getBinaryDataBuffer(i, card.property);
		card.header.example = { header_handle: [await upload(ctx, { data, fileType: binary.mimeType, fileName: binary.fileName })] };
	}
}
