/**
 * Message templates: store, async review (PENDING → APPROVED/REJECTED by rules, fake-clock aware),
 * edit/delete rules and the send-time checks of a template message (cloud-api.md §1, §2, §3).
 */
import { valuesFromSendComponents } from '../core/templates/build';
import { renderTemplate } from '../core/templates/render';
import type { TemplateComponent } from '../core/templates/types';
import type { FakeClock } from './clock';
import { GraphError, invalidParam } from './errors';
import type { Ids } from './rng';
import { extractVariables, TEMPLATE_RULES } from './template-rules';
import { validateTemplateBody, type TemplateComponentDef } from './template-validate';

export type TemplateStatus =
	| 'APPROVED'
	| 'PENDING'
	| 'REJECTED'
	| 'PAUSED'
	| 'DISABLED'
	| 'FLAGGED'
	| 'IN_APPEAL'
	| 'LOCKED'
	| 'PENDING_DELETION'
	| 'DELETED'
	| 'ARCHIVED';

export type QualityScore = 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';

export interface Template {
	id: string;
	wabaId: string;
	name: string;
	language: string;
	category: string;
	previous_category?: string;
	parameter_format: 'POSITIONAL' | 'NAMED';
	components: TemplateComponentDef[];
	status: TemplateStatus;
	rejected_reason: string;
	quality: QualityScore;
	edits: number[];
}

/** A review rule: the first rule whose patterns all match decides; no match → APPROVED. */
export interface ReviewRule {
	name?: string | RegExp;
	body?: string | RegExp;
	outcome?: 'APPROVED' | 'REJECTED';
	/** Rejection reason: ABUSIVE_CONTENT, INCORRECT_CATEGORY, INVALID_FORMAT, PROMOTIONAL, SCAM, TAG_CONTENT_MISMATCH … */
	reason?: string;
}

export interface TemplateOptions {
	/** Time from create/edit to the review outcome (simulated ms). Default 2000. */
	reviewDelayMs: number;
	/** Default: body containing "REJECTME" → REJECTED INVALID_FORMAT. */
	reviewRules: ReviewRule[];
	/** Template names per WABA (cloud-api.md §1: 250 vs 6,000 unverified). Default 250. */
	templateLimit: number;
	/** A deleted name cannot be reused for this long ([U] ~30 days). */
	deletedNameReuseMs: number;
	/** APPROVED templates: at most `perDay` edits per 24 h and `perMonth` per 30 days (§1). */
	editLimits: { perDay: number; perMonth: number };
}

export const DEFAULT_REVIEW_RULES: ReviewRule[] = [{ body: 'REJECTME', outcome: 'REJECTED', reason: 'INVALID_FORMAT' }];

type Emit = (wabaId: string, field: string, value: Record<string, unknown>) => void;

const DAY = 24 * 3600 * 1000;
const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

function matches(p: string | RegExp | undefined, s: string): boolean {
	if (p === undefined) return true;
	return typeof p === 'string' ? s.includes(p) : p.test(s);
}

export function bodyText(t: Template): string {
	return String(t.components.find((c) => c.type.toUpperCase() === 'BODY')?.text ?? '');
}

type PreloadDefinition = Omit<Template, 'id' | 'wabaId' | 'status' | 'rejected_reason' | 'quality' | 'edits'>;

/** One preloaded template: every built-in one is in en_US. */
const approved = (name: string, category: string, parameter_format: PreloadDefinition['parameter_format'], components: TemplateComponentDef[]): PreloadDefinition => ({
	name,
	language: 'en_US',
	category,
	parameter_format,
	components,
});

/** The templates preloaded as APPROVED (documented in simulator/README.md). */
export function preloadDefinitions(): PreloadDefinition[] {
	return [
		approved('hello_world', 'UTILITY', 'POSITIONAL', [
			{ type: 'HEADER', format: 'TEXT', text: 'Hello World' },
			{ type: 'BODY', text: 'Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta. Thank you for taking the time to test with us.' },
			{ type: 'FOOTER', text: 'WhatsApp Business Platform sample message' },
		]),
		approved('order_update', 'UTILITY', 'POSITIONAL', [
			{ type: 'BODY', text: 'Hi {{1}}, your order {{2}} has shipped.', example: { body_text: [['Mark', '860198']] } },
			{ type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Track order', url: 'https://example.com/track/{{1}}', example: ['https://example.com/track/860198'] }] },
		]),
		approved('promo_named', 'MARKETING', 'NAMED', [
			{ type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2UvanBlZw==:ARZsimulatorPreload'] } },
			{
				type: 'BODY',
				text: 'Hi {{first_name}}, use code {{promo_code}} for 20% off this week.',
				example: { body_text_named_params: [{ param_name: 'first_name', example: 'Jessica' }, { param_name: 'promo_code', example: 'FALL25' }] },
			},
			{ type: 'FOOTER', text: 'Reply STOP to opt out' },
			{ type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Shop now' }, { type: 'QUICK_REPLY', text: 'Stop promotions' }] },
		]),
		approved('auth_code', 'AUTHENTICATION', 'POSITIONAL', [
			{ type: 'BODY', add_security_recommendation: true },
			{ type: 'FOOTER', code_expiration_minutes: 10 },
			{ type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] },
		]),
	];
}

/** One preloaded template by name (hello_world, order_update, promo_named, auth_code): what demos, benchmarks and tests send. */
export function preloadedTemplate(name: string): { name: string; language: string; category: string; parameter_format: string; components: TemplateComponent[] } {
	const found = preloadDefinitions().find((t) => t.name === name);
	if (!found) throw new Error(`The simulator preloads no template named "${name}"`);
	// The definitions above are literal Meta template components (the simulator's own type is looser).
	return { ...found, components: found.components as unknown as TemplateComponent[] };
}

/** A template to preload as APPROVED (option `extraTemplates`): Meta's create body, e.g. a core `CampaignTemplate`. */
export interface TemplateSeed {
	name: string;
	language: string;
	category: string;
	parameter_format?: string;
	components: readonly object[];
}

export class TemplateStore {
	readonly byId = new Map<string, Template>();
	private deletedNames = new Map<string, number>();

	constructor(
		private readonly clock: FakeClock,
		private readonly ids: Ids,
		private readonly emit: Emit,
		public opts: TemplateOptions,
	) {}

	clear(): void {
		this.byId.clear();
		this.deletedNames.clear();
	}

	/** The built-in templates (unless `builtIn` is false) and `extra` ones, APPROVED at once (no review). */
	preload(wabaId: string, builtIn = true, extra: readonly TemplateSeed[] = []): void {
		for (const d of builtIn ? preloadDefinitions() : []) {
			const t: Template = { ...d, id: this.ids.numeric(), wabaId, status: 'APPROVED', rejected_reason: 'NONE', quality: 'GREEN', edits: [] };
			this.byId.set(t.id, t);
		}
		for (const seed of extra) {
			const problems = validateTemplateBody(seed);
			if (problems.length) throw new Error(`extraTemplates: ${seed.name}/${seed.language}: ${problems.join('; ')}`);
			const format = seed.parameter_format === 'NAMED' ? 'NAMED' : 'POSITIONAL';
			const t: Template = { ...seed, parameter_format: format, components: seed.components as TemplateComponentDef[], id: this.ids.numeric(), wabaId, status: 'APPROVED', rejected_reason: 'NONE', quality: 'GREEN', edits: [] };
			this.byId.set(t.id, t);
		}
	}

	find(wabaId: string, name: string, language: string): Template | undefined {
		for (const t of this.byId.values()) if (t.wabaId === wabaId && t.name === name && t.language === language) return t;
		return undefined;
	}

	/** Meta's Template object, optionally restricted to `fields` (id is always returned). */
	view(t: Template, fields?: string[]): Record<string, unknown> {
		const full: Record<string, unknown> = {
			name: t.name,
			parameter_format: t.parameter_format,
			components: t.components,
			language: t.language,
			status: t.status,
			category: t.category,
			...(t.previous_category ? { previous_category: t.previous_category } : {}),
			rejected_reason: t.rejected_reason,
			quality_score: { score: t.quality },
			id: t.id,
		};
		if (!fields?.length) return full;
		const out: Record<string, unknown> = {};
		for (const f of fields) if (f in full) out[f] = full[f];
		out.id = t.id;
		return out;
	}

	list(wabaId: string, q: URLSearchParams): Record<string, unknown> {
		const csv = (k: string) => q.get(k)?.split(',').map((s) => s.trim()).filter(Boolean);
		const name = q.get('name')?.toLowerCase();
		const nameOrContent = q.get('name_or_content')?.toLowerCase();
		const status = csv('status');
		const category = csv('category');
		const language = csv('language');
		const quality = csv('quality_score');
		const all = [...this.byId.values()].filter(
			(t) =>
				t.wabaId === wabaId &&
				(!name || t.name.includes(name)) &&
				(!nameOrContent || t.name.includes(nameOrContent) || bodyText(t).toLowerCase().includes(nameOrContent)) &&
				(!status || status.includes(t.status)) &&
				(!category || category.includes(t.category)) &&
				(!language || language.includes(t.language)) &&
				(!quality || quality.includes(t.quality)),
		);
		const fields = csv('fields');
		const page = paginate(all, q, (t) => t.id);
		const out: Record<string, unknown> = { data: page.items.map((t) => this.view(t, fields)), paging: page.paging };
		const summary = csv('summary');
		if (summary) {
			const s: Record<string, number> = {};
			if (summary.includes('total_count')) s.total_count = all.length;
			if (summary.includes('message_template_count')) s.message_template_count = this.nameCount(wabaId);
			if (summary.includes('message_template_limit')) s.message_template_limit = this.opts.templateLimit;
			out.summary = s;
		}
		return out;
	}

	private nameCount(wabaId: string): number {
		const names = new Set<string>();
		for (const t of this.byId.values()) if (t.wabaId === wabaId) names.add(t.name);
		return names.size;
	}

	create(wabaId: string, body: unknown): Record<string, unknown> {
		const problems = validateTemplateBody(body);
		if (problems.length) throw templateInvalid(problems);
		const b = body as Record<string, any>;
		const now = this.clock.now();
		if (this.find(wabaId, b.name, b.language))
			throw new GraphError(100, `Content in this language already exists: ${b.name} (${b.language})`, {
				subcode: 2388024,
				userTitle: 'Content in this language already exists',
				userMsg: `A template named "${b.name}" already exists in ${b.language}. Edit it, or use another name or language.`,
			});
		const deletedAt = this.deletedNames.get(`${wabaId}:${b.name}`);
		if (deletedAt !== undefined && now - deletedAt < this.opts.deletedNameReuseMs)
			throw new GraphError(100, `Template name ${b.name} was deleted recently and cannot be reused yet`, {
				subcode: 2388023,
				userTitle: 'Message template name is being deleted',
				userMsg: `"${b.name}" was deleted recently; wait before reusing the name or pick another one.`,
			});
		const known = [...this.byId.values()].some((t) => t.wabaId === wabaId && t.name === b.name);
		if (!known && this.nameCount(wabaId) >= this.opts.templateLimit)
			throw new GraphError(100, `Message template limit reached (${this.opts.templateLimit} names)`, {
				userTitle: 'Template limit reached',
				userMsg: `This WhatsApp Business Account already has ${this.opts.templateLimit} template names.`,
			});
		const t: Template = {
			id: this.ids.numeric(),
			wabaId,
			name: b.name,
			language: b.language,
			category: b.category,
			parameter_format: b.parameter_format === 'NAMED' ? 'NAMED' : 'POSITIONAL',
			components: b.components,
			status: 'PENDING',
			rejected_reason: 'NONE',
			quality: 'UNKNOWN',
			edits: [],
		};
		this.byId.set(t.id, t);
		this.scheduleReview(t);
		return { id: t.id, status: t.status, category: t.category };
	}

	edit(id: string, body: unknown): Record<string, unknown> {
		const t = this.byId.get(id)!;
		if (!['APPROVED', 'REJECTED', 'PAUSED'].includes(t.status))
			throw new GraphError(100, `Template ${t.name} cannot be edited while ${t.status}`, {
				subcode: 2388025,
				userTitle: 'Template cannot be edited',
				userMsg: `Only APPROVED, REJECTED or PAUSED templates can be edited; "${t.name}" is ${t.status}.`,
			});
		const b = isObj(body) ? body : {};
		for (const k of ['name', 'language'] as const)
			if (b[k] !== undefined && b[k] !== t[k])
				throw invalidParam(`${k} cannot be changed when editing a template`, `The template ${k} is immutable; create a new template instead.`);
		const merged = { name: t.name, language: t.language, category: b.category ?? t.category, parameter_format: b.parameter_format ?? t.parameter_format, components: b.components ?? t.components };
		const problems = validateTemplateBody(merged, true);
		if (problems.length) throw templateInvalid(problems);
		const now = this.clock.now();
		if (t.status === 'APPROVED') {
			const day = t.edits.filter((e) => now - e < DAY).length;
			const month = t.edits.filter((e) => now - e < 30 * DAY).length;
			if (day >= this.opts.editLimits.perDay || month >= this.opts.editLimits.perMonth)
				throw new GraphError(100, `Edit limit reached for ${t.name}`, {
					subcode: 2388026,
					userTitle: 'Edit limit reached',
					userMsg: `An approved template can be edited ${this.opts.editLimits.perDay} time(s) per 24 hours and ${this.opts.editLimits.perMonth} times per 30 days.`,
				});
			t.edits.push(now);
		}
		if (merged.category !== t.category) t.previous_category = t.category;
		t.category = merged.category;
		t.parameter_format = merged.parameter_format === 'NAMED' ? 'NAMED' : 'POSITIONAL';
		t.components = merged.components;
		t.status = 'PENDING';
		t.rejected_reason = 'NONE';
		this.scheduleReview(t);
		return { success: true };
	}

	delete(wabaId: string, name: string | null, hsmId: string | null): Record<string, unknown> {
		if (!name) throw invalidParam('The parameter name is required.', 'Pass ?name=<template name> (and optionally &hsm_id=<template id>).');
		const victims = [...this.byId.values()].filter((t) => t.wabaId === wabaId && t.name === name && (!hsmId || t.id === hsmId));
		if (!victims.length)
			throw new GraphError(100, `Message template "${name}" not found`, { subcode: 2593002, userTitle: 'Template not found', userMsg: `No template named "${name}"${hsmId ? ` with id ${hsmId}` : ''} exists.` });
		for (const t of victims) this.byId.delete(t.id);
		if (![...this.byId.values()].some((t) => t.wabaId === wabaId && t.name === name)) this.deletedNames.set(`${wabaId}:${name}`, this.clock.now());
		return { success: true };
	}

	/** Control API: force a status (PAUSED, DISABLED, APPROVED …) and emit the status webhook. */
	setStatus(t: Template, status: TemplateStatus, reason?: string): void {
		t.status = status;
		if (status === 'REJECTED') t.rejected_reason = reason ?? 'INVALID_FORMAT';
		this.emitStatus(t, status === 'REJECTED' ? t.rejected_reason : (reason ?? 'NONE'));
	}

	/** Control API: change the quality score and emit message_template_quality_update. */
	setQuality(t: Template, score: QualityScore): void {
		const previous = t.quality;
		t.quality = score;
		this.emit(t.wabaId, 'message_template_quality_update', {
			previous_quality_score: previous,
			new_quality_score: score,
			message_template_id: Number(t.id),
			message_template_name: t.name,
			message_template_language: t.language,
		});
	}

	/**
	 * Meta recategorises an approved template (e.g. MARKETING → UTILITY): the completed form of
	 * template_category_update (cloud-api.md §4: previous_category + new_category).
	 */
	setCategory(t: Template, category: string): void {
		const previous = t.category;
		t.category = category as Template['category'];
		this.emit(t.wabaId, 'template_category_update', {
			message_template_id: Number(t.id),
			message_template_name: t.name,
			message_template_language: t.language,
			previous_category: previous,
			new_category: category,
		});
	}

	private scheduleReview(t: Template): void {
		const components = t.components;
		this.clock.setTimeout(() => {
			if (this.byId.get(t.id) !== t || t.status !== 'PENDING' || t.components !== components) return;
			const rule = this.opts.reviewRules.find((r) => matches(r.name, t.name) && matches(r.body, bodyText(t)));
			if (rule && (rule.outcome ?? 'REJECTED') === 'REJECTED') {
				t.status = 'REJECTED';
				t.rejected_reason = rule.reason ?? 'INVALID_FORMAT';
			} else {
				t.status = 'APPROVED';
				t.rejected_reason = 'NONE';
			}
			this.emitStatus(t, t.rejected_reason);
		}, this.opts.reviewDelayMs);
	}

	private emitStatus(t: Template, reason: string): void {
		const value: Record<string, unknown> = {
			event: t.status,
			message_template_id: Number(t.id),
			message_template_name: t.name,
			message_template_language: t.language,
			reason,
			message_template_category: t.category,
		};
		if (t.status === 'REJECTED')
			value.rejection_info = { reason: `Template rejected: ${reason}`, recommendation: 'Review the template guidelines and resubmit.' };
		this.emit(t.wabaId, 'message_template_status_update', value);
	}
}

function templateInvalid(problems: string[]): GraphError {
	return new GraphError(100, problems.join('; '), {
		subcode: 2388042,
		userTitle: 'Template validation failed',
		userMsg: problems.join('; '),
	});
}

/** Cursor paging over a list with stable ids (cursors are base64 ids, like Meta's "MjQZD"). */
export function paginate<T>(
	all: T[],
	q: URLSearchParams,
	idOf: (t: T) => string,
): { items: T[]; paging: Record<string, unknown> } {
	const limit = Math.max(1, Math.min(Number(q.get('limit')) || 25, 1000));
	const dec = (c: string | null) => (c ? Buffer.from(c, 'base64').toString('utf8') : undefined);
	const after = dec(q.get('after'));
	const before = dec(q.get('before'));
	let start = 0;
	let end: number;
	if (after !== undefined) {
		start = all.findIndex((t) => idOf(t) === after) + 1;
		end = start + limit;
	} else if (before !== undefined) {
		end = Math.max(0, all.findIndex((t) => idOf(t) === before));
		start = Math.max(0, end - limit);
	} else end = limit;
	const items = all.slice(start, end);
	const enc = (t: T) => Buffer.from(idOf(t)).toString('base64');
	const paging: Record<string, unknown> = items.length ? { cursors: { before: enc(items[0]), after: enc(items[items.length - 1]) } } : { cursors: {} };
	if (end < all.length && items.length) paging.next = `?limit=${limit}&after=${enc(items[items.length - 1])}`;
	if (start > 0 && items.length) paging.previous = `?limit=${limit}&before=${enc(items[0])}`;
	return { items, paging };
}

// ---------------------------------------------------------------------------------------------
// Send-time checks of {"type":"template","template":{…}} (cloud-api.md §2, codes from §3)
// ---------------------------------------------------------------------------------------------

const SUB_TYPES: Record<string, string[]> = {
	URL: ['url'],
	QUICK_REPLY: ['quick_reply'],
	COPY_CODE: ['copy_code'],
	OTP: ['url', 'copy_code'],
	FLOW: ['flow'],
	CATALOG: ['catalog'],
	MPM: ['mpm'],
	VOICE_CALL: ['voice_call'],
	SPM: ['spm'],
};

function paramText(p: any): string | undefined {
	if (!isObj(p)) return undefined;
	if (p.type === 'text' && typeof p.text === 'string') return p.text;
	if (p.type === 'currency' && isObj(p.currency) && typeof p.currency.fallback_value === 'string') return p.currency.fallback_value;
	if (p.type === 'date_time' && isObj(p.date_time) && typeof p.date_time.fallback_value === 'string') return p.date_time.fallback_value;
	return undefined;
}

/**
 * The message log's text of an accepted template send: header, offer line, body, footer, buttons
 * and carousel cards as the customer sees them (core/templates/render.ts, values read back from
 * the send's components).
 */
export function renderSentTemplate(t: Template, components: unknown): string {
	const template = { name: t.name, category: t.category, parameter_format: t.parameter_format, components: t.components as unknown as TemplateComponent[] };
	return renderTemplate(template, valuesFromSendComponents(template, components)).text;
}

/** Throws the GraphError Meta would return for this template message; the template must exist. */
export function checkTemplateSend(t: Template, req: Record<string, any>): void {
	if (t.status === 'PAUSED') throw new GraphError(132015, `Template ${t.name} (${t.language}) is paused.`);
	if (t.status === 'DISABLED') throw new GraphError(132016, `Template ${t.name} (${t.language}) is disabled.`);
	if (t.status !== 'APPROVED') throw new GraphError(132001, `template name (${t.name}) does not exist in ${t.language} or is not approved (status ${t.status})`);
	const comps: any[] = Array.isArray(req.components) ? req.components : [];
	const of = (type: string) => comps.filter((c) => isObj(c) && String(c.type).toLowerCase() === type);
	const tplComp = (type: string) => t.components.find((c) => c.type.toUpperCase() === type);
	const named = t.parameter_format === 'NAMED';

	// BODY
	const isAuth = t.category === 'AUTHENTICATION';
	const body = tplComp('BODY');
	const text = String(body?.text ?? '');
	const vars = isAuth ? ['1'] : [...new Set(extractVariables(text).map((v) => v.name))];
	const bodyParams: any[] = of('body').flatMap((c) => (Array.isArray(c.parameters) ? c.parameters : []));
	for (const p of bodyParams) {
		if (paramText(p) === undefined) throw new GraphError(132012, `body parameter ${JSON.stringify(p?.type)} is not text, currency or date_time with a value`);
		const hasName = typeof p.parameter_name === 'string';
		if (named && !hasName) throw new GraphError(132012, `template ${t.name} uses NAMED parameters: each body parameter needs parameter_name`);
		if (!named && hasName && !isAuth) throw new GraphError(132012, `template ${t.name} uses POSITIONAL parameters: parameter_name is not allowed`);
	}
	if (bodyParams.length !== vars.length)
		throw new GraphError(132000, `body: expected ${vars.length} parameter(s), received ${bodyParams.length}`);
	let hydrated = text;
	if (named) {
		const given = new Map(bodyParams.map((p) => [p.parameter_name, paramText(p)!]));
		const missing = vars.filter((v) => !given.has(v));
		if (missing.length) throw new GraphError(132000, `body: missing parameter {{${missing[0]}}}`);
		hydrated = text.replace(/\{\{\s*([^{}]*?)\s*\}\}/g, (_m, n: string) => given.get(n) ?? '');
	} else if (!isAuth) {
		hydrated = text.replace(/\{\{\s*([0-9]+)\s*\}\}/g, (_m, n: string) => paramText(bodyParams[Number(n) - 1]) ?? '');
	}
	if (hydrated.length > TEMPLATE_RULES.bodyMaxLength) throw new GraphError(132005, `body is ${hydrated.length} characters after hydration (max ${TEMPLATE_RULES.bodyMaxLength})`);

	// HEADER
	const header = tplComp('HEADER');
	const headerParams: any[] = of('header').flatMap((c) => (Array.isArray(c.parameters) ? c.parameters : []));
	const format = String(header?.format ?? '').toUpperCase();
	if (!header || (format === 'TEXT' && extractVariables(String(header.text ?? '')).length === 0)) {
		if (headerParams.length) throw new GraphError(132000, 'header: the template header takes no parameters');
	} else if (format === 'TEXT') {
		if (headerParams.length !== 1 || paramText(headerParams[0]) === undefined) throw new GraphError(132000, `header: expected 1 text parameter, received ${headerParams.length}`);
	} else {
		const want = format.toLowerCase();
		if (!headerParams.length) throw new GraphError(131008, `header: the ${format} header needs a ${want} parameter`);
		const p = headerParams[0];
		if (!isObj(p) || p.type !== want) throw new GraphError(132012, `header: expected a ${want} parameter, received ${JSON.stringify(p?.type)}`);
		const media = p[want];
		if (want === 'location') {
			if (!isObj(media) || typeof media.latitude !== 'number' || typeof media.longitude !== 'number') throw new GraphError(131008, 'header: location needs latitude and longitude');
		} else if (!isObj(media) || (typeof media.id !== 'string' && typeof media.link !== 'string')) throw new GraphError(131008, `header: ${want} needs an id or a link`);
	}

	// LIMITED_TIME_OFFER: with has_expiration the send carries expiration_time_ms (limited-time offer guide)
	const offer = tplComp('LIMITED_TIME_OFFER');
	const offerParams: any[] = of('limited_time_offer').flatMap((c) => (Array.isArray(c.parameters) ? c.parameters : []));
	if (!offer && offerParams.length) throw new GraphError(132000, `limited_time_offer: template ${t.name} has no limited-time offer`);
	if (offer && isObj(offer.limited_time_offer) && offer.limited_time_offer.has_expiration === true) {
		const ms = offerParams[0]?.limited_time_offer?.expiration_time_ms;
		if (offerParams[0]?.type !== 'limited_time_offer' || typeof ms !== 'number' || !Number.isInteger(ms) || ms <= 0)
			throw new GraphError(132000, 'limited_time_offer: the offer has an expiration, so the send needs limited_time_offer.expiration_time_ms (Unix time in ms)');
	}

	// BUTTONS
	checkButtonParams(t, (tplComp('BUTTONS')?.buttons as any[]) ?? [], of('button'), 'button');

	// CAROUSEL: one card per template card, by card_index (media / product card carousel guides)
	const carousel = tplComp('CAROUSEL');
	const sentCarousel = of('carousel')[0];
	if (carousel) {
		const cards: any[] = Array.isArray(carousel.cards) ? carousel.cards : [];
		const sent: any[] = Array.isArray(sentCarousel?.cards) ? sentCarousel.cards : [];
		if (sent.length !== cards.length) throw new GraphError(132000, `carousel: template ${t.name} has ${cards.length} cards; the send carries ${sent.length}`);
		const seenCards = new Set<number>();
		for (const card of sent) {
			const k = Number(card?.card_index);
			if (!Number.isInteger(k) || k < 0 || k >= cards.length || seenCards.has(k)) throw new GraphError(131009, `carousel: card_index ${JSON.stringify(card?.card_index)} is not a card of the template (0-${cards.length - 1}, each once)`);
			seenCards.add(k);
			const defs: any[] = Array.isArray(cards[k]?.components) ? cards[k].components : [];
			const sentComps: any[] = Array.isArray(card.components) ? card.components : [];
			const ofCard = (type: string) => sentComps.filter((c) => isObj(c) && String(c.type).toLowerCase() === type);
			const def = (type: string) => defs.find((c) => isObj(c) && String(c.type).toUpperCase() === type);
			const fmt = String(def('HEADER')?.format ?? '').toLowerCase();
			const hp = ofCard('header')[0]?.parameters?.[0];
			if (!isObj(hp) || hp.type !== fmt) throw new GraphError(131008, `carousel card ${k}: the header needs a ${fmt} parameter`);
			const media = hp[fmt];
			if (fmt === 'product') {
				if (!isObj(media) || typeof media.product_retailer_id !== 'string' || typeof media.catalog_id !== 'string')
					throw new GraphError(131008, `carousel card ${k}: the product header needs product_retailer_id and catalog_id`);
			} else if (!isObj(media) || (typeof media.id !== 'string' && typeof media.link !== 'string')) throw new GraphError(131008, `carousel card ${k}: ${fmt} needs an id or a link`);
			const cardVars = [...new Set(extractVariables(String(def('BODY')?.text ?? '')).map((v) => v.name))];
			const cardBody = ofCard('body').flatMap((c) => (Array.isArray(c.parameters) ? c.parameters : []));
			if (cardBody.length !== cardVars.length || cardBody.some((p) => paramText(p) === undefined))
				throw new GraphError(132000, `carousel card ${k} body: expected ${cardVars.length} text parameter(s), received ${cardBody.length}`);
			checkButtonParams(t, (def('BUTTONS')?.buttons as any[]) ?? [], ofCard('button'), `carousel card ${k} button`);
		}
	} else if (sentCarousel) throw new GraphError(132000, `carousel: template ${t.name} has no carousel`);
}

/** Button components of a send against the template's buttons (top level or one carousel card). */
function checkButtonParams(t: Template, buttons: any[], sent: any[], where: string): void {
	const covered = new Set<number>();
	for (const c of sent) {
		const idx = Number(c.index);
		const b = Number.isInteger(idx) ? buttons[idx] : undefined;
		if (!b) throw new GraphError(131009, `${where}: index ${JSON.stringify(c.index)} does not match a button of template ${t.name}`);
		const type = String(b.type).toUpperCase();
		const allowed = SUB_TYPES[type] ?? [];
		const sub = String(c.sub_type).toLowerCase();
		if (!allowed.includes(sub)) throw new GraphError(131009, `${where} ${idx}: sub_type ${JSON.stringify(c.sub_type)} does not match the ${b.type} button (expected ${allowed.join(' or ')})`);
		const params: any[] = Array.isArray(c.parameters) ? c.parameters : [];
		if (type === 'URL') {
			const dynamic = extractVariables(String(b.url ?? '')).length > 0;
			if (dynamic && (params.length !== 1 || params[0]?.type !== 'text' || typeof params[0].text !== 'string'))
				throw new GraphError(132000, `${where} ${idx}: the URL button needs 1 text parameter`);
			if (!dynamic && params.length) throw new GraphError(132000, `${where} ${idx}: the URL button is static and takes no parameter`);
		} else if (type === 'COPY_CODE') {
			if (params[0]?.type !== 'coupon_code' || typeof params[0].coupon_code !== 'string' || !params[0].coupon_code || params[0].coupon_code.length > TEMPLATE_RULES.copyCodeExampleMaxLength)
				throw new GraphError(132000, `${where} ${idx}: the COPY_CODE button needs a coupon_code parameter of 1-${TEMPLATE_RULES.copyCodeExampleMaxLength} characters`);
		} else if (['FLOW', 'CATALOG', 'MPM'].includes(type)) {
			const action = params[0]?.type === 'action' && isObj(params[0].action) ? params[0].action : undefined;
			if (!action) throw new GraphError(132000, `${where} ${idx}: the ${type} button takes one {"type":"action","action":{…}} parameter`);
			if (type === 'FLOW' && action.flow_action_data !== undefined && !isObj(action.flow_action_data)) throw new GraphError(132000, `${where} ${idx}: flow_action_data must be an object`);
			if (type === 'MPM') checkMpmAction(action, `${where} ${idx}`);
		}
		covered.add(idx);
	}
	buttons.forEach((b, i) => {
		const type = String(b.type).toUpperCase();
		if (covered.has(i)) return;
		if (type === 'URL' && extractVariables(String(b.url ?? '')).length > 0) throw new GraphError(132000, `${where} ${i}: the dynamic URL button needs a parameter`);
		if (type === 'COPY_CODE') throw new GraphError(132000, `${where} ${i}: the COPY_CODE button needs a coupon_code parameter`);
		if (type === 'MPM') throw new GraphError(132000, `${where} ${i}: the MPM button needs thumbnail_product_retailer_id and sections`);
	});
}

/** Multi-product send limits (Meta's MPM template guide, core/templates/rules.ts PRODUCT_MESSAGE_LIMITS). */
function checkMpmAction(action: Record<string, any>, where: string): void {
	const P = TEMPLATE_RULES.productMessages;
	if (typeof action.thumbnail_product_retailer_id !== 'string' || !action.thumbnail_product_retailer_id) throw new GraphError(131008, `${where}: thumbnail_product_retailer_id is required`);
	const sections: any[] = Array.isArray(action.sections) ? action.sections : [];
	if (sections.length < P.MPM_SECTIONS_MIN || sections.length > P.MPM_SECTIONS_MAX) throw new GraphError(131009, `${where}: sections must list ${P.MPM_SECTIONS_MIN}-${P.MPM_SECTIONS_MAX} sections`);
	let total = 0;
	for (const sec of sections) {
		if (!isObj(sec) || typeof sec.title !== 'string' || !sec.title || sec.title.length > P.MPM_SECTION_TITLE_MAX_LENGTH) throw new GraphError(131009, `${where}: each section needs a title of 1-${P.MPM_SECTION_TITLE_MAX_LENGTH} characters`);
		const items: any[] = Array.isArray(sec.product_items) ? sec.product_items : [];
		if (!items.length || items.some((i) => !isObj(i) || typeof i.product_retailer_id !== 'string')) throw new GraphError(131009, `${where}: section "${sec.title}" needs product_items with product_retailer_id`);
		total += items.length;
	}
	if (total > P.MPM_PRODUCTS_MAX) throw new GraphError(131009, `${where}: at most ${P.MPM_PRODUCTS_MAX} products in all sections (found ${total})`);
}
