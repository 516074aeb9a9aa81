/**
 * WhatsApp Templates: list, get, create, edit, delete, wait for review and preview message
 * templates (cloud-api.md §1). A thin adapter: rules, validation, building and Graph calls live in
 * core/templates. Every definition is validated before any API call (NodeOperationError naming the
 * field and rule); Meta's own errors surface with code, subcode and user message (NodeApiError).
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameterResourceLocator,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { GraphClient } from '../../core/graph/client';
import {
	CATEGORY_EDITABLE_STATUSES,
	EDITABLE_STATUSES,
	SendComponent,
	SendValues,
	StoredTemplate,
	TemplateComponent,
	TemplateDefinition,
	TemplateValidationError,
	TemplateValueError,
	UPLOAD_FILE_TYPES,
	buildSendComponents,
	createTemplate,
	deleteTemplate,
	describeTemplateVariables,
	editTemplate,
	getAppId,
	getTemplate,
	getTemplateByName,
	isOneOf,
	listTemplates,
	parameterFormatOf,
	renderTemplate,
	templateMessage,
	uploadTemplateSample,
	validateTemplate,
	validateTemplateComponents,
	valuesFromInputs,
	waitForReview,
} from '../../core/templates';
import { CLOUD_API_CREDENTIAL, CloudApiCredentials, getGraphClient } from '../shared/credentials';
import { failedItem, item, items } from '../shared/items';
import { templateIdFromLocator, templateListSearch } from '../shared/templatePicker';
import { templateProperties } from './description';
import { ButtonField, CardField, HeaderType, TemplateFields, TemplateLayout, componentsFromFields } from './fields';

interface Ctx {
	fn: IExecuteFunctions;
	i: number;
	client: GraphClient;
	credentials: CloudApiCredentials;
}

/** Thrown for a failed pre-flight validation: lists every problem with its path and rule. */
function validationError(fn: IExecuteFunctions, i: number, errors: TemplateValidationError[], what: string): NodeOperationError {
	const lines = errors.map((e) => `${e.path || '(template)'}: ${e.message} [${e.rule}]`);
	const first = errors[0];
	return new NodeOperationError(fn.getNode(), `${what} is not valid: ${first.path || 'template'} — ${first.message} [${first.rule}]`, {
		itemIndex: i,
		description: lines.join('\n'),
	});
}

function param<T>(fn: IExecuteFunctions, name: string, i: number, fallback: T): T {
	return fn.getNodeParameter(name, i, fallback) as T;
}

function parseJson<T>(fn: IExecuteFunctions, i: number, name: string, label: string): T {
	const raw = fn.getNodeParameter(name, i) as unknown;
	if (typeof raw !== 'string') return raw as T;
	try {
		return JSON.parse(raw) as T;
	} catch (error) {
		throw new NodeOperationError(fn.getNode(), `${label} is not valid JSON: ${(error as Error).message}`, { itemIndex: i });
	}
}

async function resolveTemplateId(ctx: Ctx): Promise<string> {
	const id = templateIdFromLocator(ctx.fn.getNodeParameter('template', ctx.i) as INodeParameterResourceLocator);
	if (!id) throw new NodeOperationError(ctx.fn.getNode(), 'Template: choose a template from the list or enter its ID', { itemIndex: ctx.i });
	return id;
}

async function sampleHandle(ctx: Ctx, headerType: HeaderType): Promise<string | undefined> {
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

async function componentsFromParameters(ctx: Ctx, category: string, parameterFormat: 'POSITIONAL' | 'NAMED'): Promise<TemplateComponent[]> {
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
async function withMediaHandle(ctx: Ctx, components: TemplateComponent[], validate: (c: TemplateComponent[]) => TemplateValidationError[], what: string) {
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
function cardSampleUploads(ctx: Ctx, components: TemplateComponent[]): { card: number; property: string; header: TemplateComponent; path: string }[] {
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

async function opCreate(ctx: Ctx): Promise<IDataObject> {
	const { fn, i, client, credentials } = ctx;
	const category = param<string>(fn, 'category', i, 'UTILITY');
	const parameterFormat = category === 'AUTHENTICATION' ? 'POSITIONAL' : param<'POSITIONAL' | 'NAMED'>(fn, 'parameterFormat', i, 'POSITIONAL');
	const options = param<IDataObject>(fn, 'createOptions', i, {});
	const definition: TemplateDefinition = {
		name: String(param(fn, 'name', i, '')).trim(),
		language: String(param(fn, 'language', i, '')).trim(),
		category,
		components: await componentsFromParameters(ctx, category, parameterFormat),
	};
	if (category !== 'AUTHENTICATION') definition.parameter_format = parameterFormat;
	if (options.allowCategoryChange) definition.allow_category_change = true;
	const validateOptions = { allowUnknownLanguage: Boolean(options.allowUnknownLanguage) };
	await withMediaHandle(ctx, definition.components, (components) => validateTemplate({ ...definition, components }, validateOptions).errors, `Template "${definition.name}" (${definition.language})`);
	const created = await createTemplate(client, credentials.businessAccountId, definition);
	return { ...created, name: definition.name, language: definition.language, definition: definition as unknown as IDataObject };
}

async function opEdit(ctx: Ctx): Promise<IDataObject> {
	const { fn, i, client } = ctx;
	const id = await resolveTemplateId(ctx);
	const current = await getTemplate(client, id);
	const status = String(current.status ?? '').toUpperCase();
	if (status && !isOneOf(EDITABLE_STATUSES, status)) {
		throw new NodeOperationError(fn.getNode(), `Template "${current.name}" (${current.language}) is ${status}; only APPROVED, REJECTED or PAUSED templates can be edited`, {
			itemIndex: i,
		});
	}
	const newCategory = param<string>(fn, 'category', i, 'KEEP');
	// cloud-api.md §1 Limits (core/templates/rules.ts CATEGORY_EDITABLE_STATUSES): a template's category can change only while it is REJECTED
	if (newCategory !== 'KEEP' && newCategory !== current.category && status && !isOneOf(CATEGORY_EDITABLE_STATUSES, status)) {
		throw new NodeOperationError(
			fn.getNode(),
			`Template "${current.name}" (${current.language}) is ${status}; its category can be changed only while it is ${CATEGORY_EDITABLE_STATUSES.join(' or ')} (keep the current category to edit its components)`,
			{ itemIndex: i },
		);
	}
	const category = newCategory === 'KEEP' ? String(current.category) : newCategory;
	const format = parameterFormatOf(current);
	const components = await componentsFromParameters(ctx, category, format);
	await withMediaHandle(ctx, components, (c) => validateTemplateComponents(c, { category, parameterFormat: format }), `Edit of template "${current.name}" (${current.language})`);
	const body: { category?: string; components: TemplateComponent[] } = { components };
	if (newCategory !== 'KEEP' && newCategory !== current.category) body.category = newCategory;
	const result = await editTemplate(client, id, body);
	return { ...result, id, name: current.name, language: current.language, ...(body.category ? { category: body.category } : {}) };
}

async function opDelete(ctx: Ctx): Promise<IDataObject> {
	const { fn, i, client, credentials } = ctx;
	let result;
	let target: IDataObject;
	if (param<string>(fn, 'deleteScope', i, 'allLanguages') === 'oneLanguage') {
		const id = await resolveTemplateId(ctx);
		const current = await getTemplate(client, id, 'id,name,language,status');
		result = await deleteTemplate(client, credentials.businessAccountId, { name: current.name, templateId: id });
		target = { id, name: current.name, language: current.language };
	} else {
		const name = String(param(fn, 'name', i, '')).trim();
		if (!name) throw new NodeOperationError(fn.getNode(), 'Name: enter the template name to delete', { itemIndex: i });
		result = await deleteTemplate(client, credentials.businessAccountId, { name });
		target = { name, language: 'all' };
	}
	return { ...result, ...target, deleted: Boolean(result?.success) };
}

async function opGet(ctx: Ctx): Promise<IDataObject> {
	const { fn, i, client, credentials } = ctx;
	let template: StoredTemplate;
	if (param<string>(fn, 'findBy', i, 'template') === 'nameLanguage') {
		const name = String(param(fn, 'name', i, '')).trim();
		const language = String(param(fn, 'language', i, '')).trim();
		try {
			template = await getTemplateByName(client, credentials.businessAccountId, name, language);
		} catch (error) {
			if ((error as Error).name === 'TemplateNotFoundError') throw new NodeOperationError(fn.getNode(), (error as Error).message, { itemIndex: i });
			throw error;
		}
	} else {
		template = await getTemplate(client, await resolveTemplateId(ctx));
	}
	return { ...template, variables: describeTemplateVariables(template) as unknown as IDataObject[] } as IDataObject;
}

async function opList(ctx: Ctx): Promise<IDataObject[]> {
	const { fn, i, client, credentials } = ctx;
	const filters = param<IDataObject>(fn, 'filters', i, {});
	const returnAll = param(fn, 'returnAll', i, false);
	const templates = await listTemplates(client, credentials.businessAccountId, {
		status: filters.status as string[] | undefined,
		category: filters.category as string[] | undefined,
		language: filters.language as string | undefined,
		nameContains: filters.nameContains as string | undefined,
		limit: returnAll ? undefined : param(fn, 'limit', i, 50),
	});
	return templates as unknown as IDataObject[];
}

async function opWait(ctx: Ctx): Promise<IDataObject> {
	const { fn, i, client } = ctx;
	const id = await resolveTemplateId(ctx);
	const intervalMs = Math.max(50, Math.round(Number(param(fn, 'pollIntervalSeconds', i, 30)) * 1000));
	const timeoutMs = Math.max(0, Number(param(fn, 'timeoutMinutes', i, 60)) * 60_000);
	const outcome = await waitForReview(client, id, { intervalMs, timeoutMs });
	const t = outcome.template;
	const result: IDataObject = {
		id,
		name: t.name,
		language: t.language,
		category: t.category,
		status: outcome.status,
		approved: outcome.status === 'APPROVED',
		rejected: outcome.status === 'REJECTED',
		rejectedReason: outcome.rejectedReason ?? null,
		timedOut: outcome.timedOut,
		polls: outcome.polls,
		waitedSeconds: Math.round(outcome.elapsedMs / 100) / 10,
	};
	if (outcome.status === 'REJECTED' && param(fn, 'errorOnRejection', i, false)) {
		throw new NodeOperationError(fn.getNode(), `Template "${t.name}" (${t.language}) was rejected: ${outcome.rejectedReason ?? 'no reason given'}`, { itemIndex: i });
	}
	return result;
}

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

async function opPreview(ctx: Ctx): Promise<IDataObject> {
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

export class WhatsAppTemplates implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Templates',
		name: 'whatsAppTemplates',
		icon: 'file:whatsAppTemplates.svg',
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description: 'Create, validate, review and preview WhatsApp Cloud API message templates',
		defaults: { name: 'WhatsApp Templates' },
		usableAsTool: true,
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: CLOUD_API_CREDENTIAL, required: true }],
		properties: templateProperties,
	};

	methods = { listSearch: { ...templateListSearch } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const input = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < input.length; i++) {
			try {
				const operation = this.getNodeParameter('operation', i) as string;
				const { client, credentials } = await getGraphClient(this, i);
				const ctx: Ctx = { fn: this, i, client, credentials };
				switch (operation) {
					case 'list':
						out.push(...items(await opList(ctx), i));
						break;
					case 'get':
						out.push(item(await opGet(ctx), i));
						break;
					case 'create':
						out.push(item(await opCreate(ctx), i));
						break;
					case 'edit':
						out.push(item(await opEdit(ctx), i));
						break;
					case 'delete':
						out.push(item(await opDelete(ctx), i));
						break;
					case 'waitForReview':
						out.push(item(await opWait(ctx), i));
						break;
					case 'preview':
						out.push(item(await opPreview(ctx), i));
						break;
					default:
						throw new NodeOperationError(this.getNode(), `Unknown operation "${operation}"`, { itemIndex: i });
				}
			} catch (error) {
				out.push(failedItem(this, error, i));
			}
		}
		return [out];
	}
}
