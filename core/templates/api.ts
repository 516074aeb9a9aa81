/**
 * Graph API calls for message templates (cloud-api.md §1 Endpoints [V: OAS]) on the core Graph
 * client, plus the resumable upload that turns a sample file into a `header_handle`, a review
 * poller and a small per-credential TTL cache of template definitions (campaign sends).
 */
import type { GraphClient, GraphPage, QueryValue } from '../graph/client';
import { REVIEW_PENDING_STATUSES, isOneOf } from './rules';
import { StoredTemplate, TemplateComponent, TemplateDefinition } from './types';

/** What these calls need from the Graph client (a GraphClient, or a test double). */
export type TemplateGraph = Pick<GraphClient, 'request' | 'paginate'>;

/** Fields asked for on list/get (Meta returns only id/name/status/category/language by default on some versions). */
export const TEMPLATE_FIELDS = 'id,name,language,status,category,previous_category,parameter_format,components,rejected_reason,quality_score';

/** The requested template does not exist (for this name + language, or this id). */
export class TemplateNotFoundError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'TemplateNotFoundError';
	}
}

export interface ListTemplatesOptions {
	/** One status or several (APPROVED, PENDING, REJECTED…). */
	status?: string | string[];
	category?: string | string[];
	language?: string;
	/** Case-insensitive substring of the name. */
	nameContains?: string;
	/** Stop after this many matching templates (all when undefined). */
	limit?: number;
	/** Page size asked of Meta. */
	pageSize?: number;
	fields?: string;
}

const asList = (v: string | string[] | undefined): string[] =>
	(Array.isArray(v) ? v : v ? [v] : []).map((s) => s.trim().toUpperCase()).filter(Boolean);

/**
 * `GET /{WABA_ID}/message_templates`, following cursors. Filters go to Meta as query parameters
 * (`status`, `category`, `language`, `name_or_content` — cloud-api.md §1 marks them [U]) and are
 * applied again here, so the result is right even where Meta ignores one.
 */
export async function listTemplates(client: TemplateGraph, wabaId: string, options: ListTemplatesOptions = {}): Promise<StoredTemplate[]> {
	const statuses = asList(options.status);
	const categories = asList(options.category);
	const language = options.language?.trim();
	const needle = options.nameContains?.trim().toLowerCase();
	const query: Record<string, QueryValue> = {
		fields: options.fields ?? TEMPLATE_FIELDS,
		limit: options.pageSize ?? 100,
		status: statuses.length ? statuses.join(',') : undefined,
		category: categories.length ? categories.join(',') : undefined,
		language: language || undefined,
		name_or_content: needle || undefined,
	};
	const out: StoredTemplate[] = [];
	if (options.limit !== undefined && options.limit <= 0) return out;
	for await (const t of client.paginate<StoredTemplate>(`/${wabaId}/message_templates`, query)) {
		if (statuses.length && !statuses.includes(String(t.status).toUpperCase())) continue;
		if (categories.length && !categories.includes(String(t.category).toUpperCase())) continue;
		if (language && t.language !== language) continue;
		if (needle && !String(t.name).toLowerCase().includes(needle)) continue;
		out.push(t);
		if (options.limit !== undefined && out.length >= options.limit) break;
	}
	return out;
}

/**
 * One page of `GET /{WABA_ID}/message_templates` (default 100 per page), for pickers that page on
 * demand: the templates and the cursor of the next page (undefined on the last one).
 */
export async function listTemplatesPage(
	client: TemplateGraph,
	wabaId: string,
	options: { after?: string; status?: string; pageSize?: number } = {},
): Promise<{ templates: StoredTemplate[]; after?: string }> {
	const page = await client.request<GraphPage<StoredTemplate>>({
		method: 'GET',
		path: `/${wabaId}/message_templates`,
		query: { fields: TEMPLATE_FIELDS, limit: options.pageSize ?? 100, after: options.after, status: options.status },
	});
	const after = page.paging?.next && page.paging.cursors?.after ? page.paging.cursors.after : undefined;
	return { templates: page.data ?? [], after };
}

/** `GET /{TEMPLATE_ID}`. */
export async function getTemplate(client: TemplateGraph, templateId: string, fields = TEMPLATE_FIELDS): Promise<StoredTemplate> {
	return client.request<StoredTemplate>({ method: 'GET', path: `/${encodeURIComponent(templateId)}`, query: { fields } });
}

/** The one template with this exact name and language (`GET /{WABA_ID}/message_templates?name=`). */
export async function getTemplateByName(client: TemplateGraph, wabaId: string, name: string, language: string): Promise<StoredTemplate> {
	const query = { name, language, fields: TEMPLATE_FIELDS, limit: 100 };
	for await (const t of client.paginate<StoredTemplate>(`/${wabaId}/message_templates`, query)) {
		if (t.name === name && t.language === language) return t;
	}
	throw new TemplateNotFoundError(`No template named "${name}" in language ${language} on WhatsApp Business Account ${wabaId}`);
}

export interface CreateTemplateResponse {
	id: string;
	status: string;
	category: string;
}

/** `POST /{WABA_ID}/message_templates` → `{ id, status, category }`. */
export async function createTemplate(client: TemplateGraph, wabaId: string, definition: TemplateDefinition): Promise<CreateTemplateResponse> {
	return client.request<CreateTemplateResponse>({ method: 'POST', path: `/${wabaId}/message_templates`, body: definition });
}

export interface EditTemplateBody {
	category?: string;
	components?: TemplateComponent[];
	[key: string]: unknown;
}

/** `POST /{TEMPLATE_ID}` with `{ category?, components }` → `{ success }` (name and language are immutable). */
export async function editTemplate(client: TemplateGraph, templateId: string, body: EditTemplateBody): Promise<{ success: boolean }> {
	return client.request<{ success: boolean }>({ method: 'POST', path: `/${encodeURIComponent(templateId)}`, body });
}

/**
 * `DELETE /{WABA_ID}/message_templates?name=X` deletes every language of the name; with
 * `hsm_id=<TEMPLATE_ID>` (plus the name) only that one (cloud-api.md §1).
 */
export async function deleteTemplate(client: TemplateGraph, wabaId: string, target: { name: string; templateId?: string }): Promise<{ success: boolean }> {
	return client.request<{ success: boolean }>({
		method: 'DELETE',
		path: `/${wabaId}/message_templates`,
		query: { name: target.name, hsm_id: target.templateId },
	});
}

/** `GET /app` answers the app the access token belongs to (Graph API "App" node: `/app` = the token's app). */
export async function getAppId(client: TemplateGraph): Promise<string> {
	const app = await client.request<{ id?: string }>({ method: 'GET', path: '/app', query: { fields: 'id' } });
	if (!app?.id) throw new Error('Could not determine the Meta app ID from GET /app; set the App ID explicitly');
	return String(app.id);
}

export interface UploadOptions {
	appId: string;
	data: Buffer;
	/** MIME type: image/jpeg, image/png, video/mp4, application/pdf (Resumable Upload API). */
	fileType: string;
	fileName?: string;
	/**
	 * Meta's Resumable Upload guide sends step 2 with `Authorization: OAuth <token>`; when given,
	 * the token is sent that way (header only) instead of the client's Bearer header.
	 */
	accessToken?: string;
}

/** Resumable Upload MIME types for template samples (Graph API "Upload a file" guide). */
export const UPLOAD_FILE_TYPES = ['application/pdf', 'image/jpeg', 'image/jpg', 'image/png', 'video/mp4'] as const;

/**
 * Why a file cannot be the review sample of a media header or carousel card of `format` (IMAGE,
 * VIDEO, DOCUMENT), or undefined when it can: Resumable Upload takes only UPLOAD_FILE_TYPES, and the
 * sample must be of the header's kind (IMAGE: JPEG / PNG, VIDEO: MP4, DOCUMENT: PDF). `what` names
 * the component in the message ("header" or "card").
 */
export function templateSampleProblem(format: string, mimeType: string, what: 'header' | 'card' = 'header'): string | undefined {
	const kind = format.toLowerCase();
	if (!isOneOf(UPLOAD_FILE_TYPES, mimeType)) return `type "${mimeType || 'unknown'}" cannot be uploaded; use ${UPLOAD_FILE_TYPES.join(', ')}`;
	const fits = kind === 'document' ? mimeType === 'application/pdf' : mimeType.startsWith(`${kind}/`);
	if (!fits) return `a ${kind} ${what} needs a ${kind === 'document' ? 'PDF' : kind} file, got ${mimeType}`;
	return undefined;
}

/**
 * Resumable Upload API: `POST /{app-id}/uploads?file_length&file_type&file_name` → `{ id: "upload:…" }`,
 * then `POST /{upload-id}` with header `file_offset: 0` and the bytes → `{ h }`, the handle for
 * `example.header_handle` (cloud-api.md §1 Formats [V: OAS]).
 */
export async function uploadTemplateSample(client: TemplateGraph, options: UploadOptions): Promise<string> {
	if (!options.data?.length) throw new Error('The sample file is empty');
	const session = await client.request<{ id?: string }>({
		method: 'POST',
		path: `/${options.appId}/uploads`,
		query: { file_length: options.data.length, file_type: options.fileType, file_name: options.fileName },
	});
	if (!session?.id) throw new Error('The upload session was not created (no id in the answer of POST /{app-id}/uploads)');
	const headers: Record<string, string> = { file_offset: '0', 'Content-Type': 'application/octet-stream' };
	if (options.accessToken) headers.Authorization = `OAuth ${options.accessToken}`;
	const result = await client.request<{ h?: string }>({ method: 'POST', path: `/${session.id}`, data: options.data, headers });
	if (!result?.h) throw new Error('The upload finished without a file handle (no h in the answer)');
	return result.h;
}

export interface WaitForReviewOptions {
	/** Time between polls. */
	intervalMs: number;
	/** Give up after this long. */
	timeoutMs: number;
	sleep?: (ms: number) => Promise<void>;
	now?: () => number;
}

export interface ReviewOutcome {
	status: string;
	/** The review finished (status is no longer PENDING / IN_APPEAL). */
	done: boolean;
	timedOut: boolean;
	rejectedReason?: string;
	template: StoredTemplate;
	polls: number;
	elapsedMs: number;
}

/** Polls `GET /{TEMPLATE_ID}` until the status leaves PENDING / IN_APPEAL, or the timeout. */
export async function waitForReview(client: TemplateGraph, templateId: string, options: WaitForReviewOptions): Promise<ReviewOutcome> {
	const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
	const now = options.now ?? Date.now;
	const started = now();
	let polls = 0;
	for (;;) {
		const template = await getTemplate(client, templateId);
		polls++;
		const status = String(template.status ?? 'UNKNOWN').toUpperCase();
		const elapsedMs = now() - started;
		const done = !isOneOf(REVIEW_PENDING_STATUSES, status);
		const rejectedReason = template.rejected_reason && template.rejected_reason !== 'NONE' ? template.rejected_reason : undefined;
		if (done || elapsedMs + options.intervalMs > options.timeoutMs) {
			return { status, done, timedOut: !done, rejectedReason, template, polls, elapsedMs };
		}
		await sleep(options.intervalMs);
	}
}
