/**
 * What the WhatsApp Templates operations share: the per-item context, parameter readers, the
 * template picker, media header samples (uploaded through core/templates/api.ts) and components from
 * the node's fields or JSON. Meta's template rules live in core/templates/rules.ts, not here.
 */
import type { IDataObject, IExecuteFunctions, INodeParameterResourceLocator } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { GraphClient } from '../../../core/graph/client';
import { TemplateComponent, TemplateValidationError, UPLOAD_FILE_TYPES, getAppId, isOneOf, uploadTemplateSample } from '../../../core/templates';
import { CloudApiCredentials } from '../../shared/credentials';
import { templateIdFromLocator } from '../../shared/templatePicker';
import { ButtonField, CardField, HeaderType, TemplateFields, TemplateLayout, componentsFromFields } from '../fields';

export interface Ctx {
	fn: IExecuteFunctions;
	i: number;
	client: GraphClient;
	credentials: CloudApiCredentials;
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

export function param<T>(fn: IExecuteFunctions, name: string, i: number, fallback: T): T {
	return fn.getNodeParameter(name, i, fallback) as T;
}

export function parseJson<T>(fn: IExecuteFunctions, i: number, name: string, label: string): T {
	const raw = fn.getNodeParameter(name, i) as unknown;
	if (typeof raw !== 'string') return raw as T;
	try {
		return JSON.parse(raw) as T;
	} catch (error) {
		throw new NodeOperationError(fn.getNode(), `${label} is not valid JSON: ${(error as Error).message}`, { itemIndex: i });
	}
}

export async function resolveTemplateId(ctx: Ctx): Promise<string> {
	const id = templateIdFromLocator(ctx.fn.getNodeParameter('template', ctx.i) as INodeParameterResourceLocator);
	if (!id) throw new NodeOperationError(ctx.fn.getNode(), 'Template: choose a template from the list or enter its ID', { itemIndex: ctx.i });
	return id;
}

export async function sampleHandle(ctx: Ctx, headerType: HeaderType): Promise<string | undefined> {
	const { fn, i, client } = ctx;
	const source = param<string>(fn, 'headerMediaSource', i, 'binary');
	if (source === 'handle') return String(param(fn, 'headerHandle', i, '')).trim() || undefined;
	let data: Buffer;
	let fileType: string;
	let fileName: string | undefined;
	if (source === 'binary') {
		const property = String(param(fn, 'binaryPropertyName', i, 'data'));
		const binary = fn.helpers.assertBinaryData(i, property);
		data = await fn.helpers.getBinaryDataBuffer(i, property);
		fileType = binary.mimeType;
		fileName = binary.fileName;
	} else {
		const url = String(param(fn, 'headerMediaUrl', i, '')).trim();
		if (!/^https?:\/\//i.test(url)) throw new NodeOperationError(fn.getNode(), `Sample Media URL: "${url}" is not an http(s) URL`, { itemIndex: i });
		const response = (await fn.helpers.httpRequest({ url, encoding: 'arraybuffer', returnFullResponse: true })) as {
			body: ArrayBuffer | Buffer;
			headers: Record<string, string>;
		};
		data = Buffer.isBuffer(response.body) ? response.body : Buffer.from(response.body);
		fileType = String(response.headers['content-type'] ?? '').split(';')[0].trim();
		fileName = url.split(/[?#]/)[0].split('/').pop() || undefined;
	}
	if (!isOneOf(UPLOAD_FILE_TYPES, fileType)) {
		throw new NodeOperationError(fn.getNode(), `Sample media: type "${fileType || 'unknown'}" cannot be uploaded; use ${UPLOAD_FILE_TYPES.join(', ')}`, { itemIndex: i });
	}
	const expected = headerType === 'image' ? /^image\// : headerType === 'video' ? /^video\// : /^application\/pdf$/;
	if (!expected.test(fileType)) {
		throw new NodeOperationError(fn.getNode(), `Sample media: a ${headerType} header needs a ${headerType === 'document' ? 'PDF' : headerType} file, got ${fileType}`, { itemIndex: i });
	}
	const options = param<IDataObject>(fn, 'createOptions', i, {});
	const appId = String(options.appId ?? '').trim() || (await getAppId(client));
	// Bearer (the client's header): Graph accepts it on upload sessions too; the OAuth scheme is optional in core.
	return uploadTemplateSample(client, { appId, data, fileType, fileName });
}

export async function componentsFromParameters(ctx: Ctx, category: string, parameterFormat: 'POSITIONAL' | 'NAMED'): Promise<TemplateComponent[]> {
	const { fn, i } = ctx;
	if (param<string>(fn, 'definitionMode', i, 'fields') === 'json') {
		const parsed = parseJson<unknown>(fn, i, 'componentsJson', 'Components (JSON)');
		const components = Array.isArray(parsed) ? parsed : (parsed as { components?: unknown })?.components;
		if (!Array.isArray(components)) {
			throw new NodeOperationError(fn.getNode(), 'Components (JSON) must be an array of components (or an object with a components array)', { itemIndex: i });
		}
		return components as TemplateComponent[];
	}
	const headerType = param<HeaderType>(fn, 'headerType', i, 'none');
	const fields: TemplateFields = {
		category,
		parameterFormat,
		headerType,
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

/** Validates the definition without the media handle first, so bad input never uploads a file. */
export async function withMediaHandle(ctx: Ctx, components: TemplateComponent[], validate: (c: TemplateComponent[]) => TemplateValidationError[], what: string) {
	const header = components.find((c) => c.type === 'HEADER');
	const needsUpload =
		param<string>(ctx.fn, 'definitionMode', ctx.i, 'fields') === 'fields' && header && ['IMAGE', 'VIDEO', 'DOCUMENT'].includes(String(header.format)) && !header.example;
	// Carousel cards of the form: a card without a handle but with a Sample Binary Field is uploaded.
	const cardUploads = cardSampleUploads(ctx, components);
	const pending = new Set(cardUploads.map((u) => u.path));
	const errors = validate(components).filter((e) => !(needsUpload && e.rule === 'header.media_example_required') && !(e.rule === 'carousel.card_header' && pending.has(e.path)));
	if (errors.length) throw validationError(ctx.fn, ctx.i, errors, what);
	if (needsUpload && header) {
		const handle = await sampleHandle(ctx, String(header.format).toLowerCase() as HeaderType);
		if (!handle) throw new NodeOperationError(ctx.fn.getNode(), 'Header Handle: enter the handle of an uploaded sample', { itemIndex: ctx.i });
		header.example = { header_handle: [handle] };
	}
	for (const upload of cardUploads) {
		const { fn, i, client } = ctx;
		const binary = fn.helpers.assertBinaryData(i, upload.property);
		const kind = String(upload.header.format).toLowerCase();
		if (!binary.mimeType.startsWith(`${kind}/`) || !isOneOf(UPLOAD_FILE_TYPES, binary.mimeType)) {
			throw new NodeOperationError(fn.getNode(), `Card ${upload.card} sample "${upload.property}": a ${kind} card needs a ${kind} file (${UPLOAD_FILE_TYPES.join(', ')}), got ${binary.mimeType}`, { itemIndex: i });
		}
		const data = await fn.helpers.getBinaryDataBuffer(i, upload.property);
		const options = param<IDataObject>(fn, 'createOptions', i, {});
		const appId = String(options.appId ?? '').trim() || (await getAppId(client));
		upload.header.example = { header_handle: [await uploadTemplateSample(client, { appId, data, fileType: binary.mimeType, fileName: binary.fileName })] };
	}
}

/** Media cards of a form-built carousel that name a Sample Binary Field instead of a handle. */
export function cardSampleUploads(ctx: Ctx, components: TemplateComponent[]): { card: number; property: string; header: TemplateComponent; path: string }[] {
	if (param<string>(ctx.fn, 'definitionMode', ctx.i, 'fields') !== 'fields' || param<string>(ctx.fn, 'layout', ctx.i, 'standard') !== 'carousel') return [];
	const formCards = param<{ card?: CardField[] }>(ctx.fn, 'cards', ctx.i, {}).card ?? [];
	const index = components.findIndex((c) => c.type === 'CAROUSEL');
	const cards = index >= 0 ? (components[index].cards ?? []) : [];
	const out: { card: number; property: string; header: TemplateComponent; path: string }[] = [];
	cards.forEach((card, k) => {
		const header = card.components[0];
		const property = String(formCards[k]?.sampleBinaryProperty ?? '').trim();
		if (header?.type === 'HEADER' && ['IMAGE', 'VIDEO'].includes(String(header.format)) && !header.example && property) {
			out.push({ card: k, property, header, path: `components[${index}].cards[${k}].components[0].example.header_handle` });
		}
	});
	return out;
}

