/**
 * Graph API surface (cloud-api.md §1, §2, §4, §5). Any /vNN.N/ version prefix is accepted.
 * Handlers return a JSON-able result or throw GraphError.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Phone, SimContext } from './context';
import { GraphError, invalidParam, unknownObject } from './errors';
import { tierLabel } from './limits';
import { sendMarketingMessage, sendMessage } from './send';
import { paginate } from './templates';
import { verifyCallback } from './webhooks';

export interface GraphRequest {
	method: string;
	segments: string[]; // path without version: [id, edge?]
	query: URLSearchParams;
	headers: IncomingHttpHeaders;
	raw: Buffer;
	url: string;
}

export type GraphResult = Record<string, unknown> | Promise<Record<string, unknown>>;

const VERSION = /^v\d+\.\d+$/;
export const isVersion = (s: string): boolean => VERSION.test(s);

/** JSON or form-encoded body (Graph accepts both); form values holding JSON are parsed. */
export function parseBody(req: GraphRequest): Record<string, any> {
	const ct = String(req.headers['content-type'] ?? '');
	if (req.raw.length === 0) return Object.fromEntries(req.query);
	const text = req.raw.toString('utf8');
	if (ct.includes('application/x-www-form-urlencoded')) {
		const out: Record<string, any> = {};
		for (const [k, v] of new URLSearchParams(text)) {
			try {
				out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
			} catch {
				out[k] = v;
			}
		}
		return out;
	}
	try {
		return JSON.parse(text);
	} catch {
		throw invalidParam('The request body is not valid JSON.');
	}
}

/** OAS: GET /{phone-id} defaults to these fields; the WABA phone_numbers listing also returns status & co. */
const DEFAULT_PHONE_FIELDS = ['id', 'display_phone_number', 'verified_name', 'quality_rating'];
const DEFAULT_LIST_FIELDS = ['verified_name', 'code_verification_status', 'display_phone_number', 'quality_rating', 'platform_type', 'throughput', 'status', 'id'];

export function phoneView(ctx: SimContext, p: Phone, fieldsParam: string | null, defaults = DEFAULT_PHONE_FIELDS): Record<string, unknown> {
	const portfolio = tierLabel(ctx.portfolioTier());
	const full: Record<string, unknown> = {
		id: p.id,
		display_phone_number: p.display_phone_number,
		verified_name: p.verified_name,
		quality_rating: p.quality_rating,
		status: 'CONNECTED',
		code_verification_status: 'VERIFIED',
		name_status: 'APPROVED',
		platform_type: 'CLOUD_API',
		// Coexistence: the number is also used in the WhatsApp Business app (fixed 20 mps, cloud-api.md §5).
		is_on_biz_app: p.coexistence,
		account_mode: 'LIVE',
		is_official_business_account: false,
		// [U] levels STANDARD|HIGH: 1,000 mps numbers are HIGH (cloud-api.md §5).
		throughput: { level: p.mps >= 1000 || !(p.mps > 0) ? 'HIGH' : 'STANDARD' },
		// Portfolio-wide limit (highest tier of the portfolio's numbers); messaging_limit_tier is deprecated.
		whatsapp_business_manager_messaging_limit: portfolio,
		messaging_limit_tier: tierLabel(p.tier),
	};
	const fields = fieldsParam ? fieldsParam.split(',').map((s) => s.trim()).filter(Boolean) : defaults;
	const out: Record<string, unknown> = {};
	for (const f of fields) if (f in full) out[f] = full[f];
	out.id = p.id;
	return out;
}

export function handleGraph(ctx: SimContext, req: GraphRequest): GraphResult {
	const [id, edge, ...rest] = req.segments;
	const m = req.method;
	if (!id || rest.length) throw new GraphError(2500, 'Unknown path components', { title: 'Unknown path components', type: 'OAuthException' });
	const phone = ctx.phones.get(id);
	if (phone) {
		if (!edge && m === 'GET') return phoneView(ctx, phone, req.query.get('fields'));
		if (edge === 'messages' && m === 'POST') return sendMessage(ctx, phone, parseBody(req));
		if (edge === 'marketing_messages' && m === 'POST') return sendMarketingMessage(ctx, phone, parseBody(req));
		if (edge === 'media' && m === 'POST') return ctx.media.upload(phone.id, req.headers, req.raw, req.url);
		throw unknownObject(`${id}${edge ? '/' + edge : ''}`, m);
	}
	if (id === ctx.opts.wabaId) return handleWaba(ctx, req, edge);
	const tpl = ctx.templates.byId.get(id);
	if (tpl && !edge) {
		if (m === 'GET') return ctx.templates.view(tpl, req.query.get('fields')?.split(','));
		if (m === 'POST') return ctx.templates.edit(id, parseBody(req));
	}
	if (ctx.media.items.has(id) && !edge) {
		if (m === 'GET') return ctx.media.info(id);
		if (m === 'DELETE') {
			ctx.media.items.delete(id);
			return { success: true };
		}
	}
	if (id === ctx.opts.appId && edge === 'uploads' && m === 'POST') return ctx.media.startUpload(req.query);
	// Graph's App node: GET /{app-id} and GET /app (the token's app), so the Templates node finds the
	// app id for Resumable Uploads without the App ID option (core/templates/api.ts getAppId).
	if ((id === ctx.opts.appId || id === 'app') && !edge && m === 'GET') return appView(ctx, req.query.get('fields'));
	if (ctx.media.uploads.has(id) && !edge) {
		if (m === 'POST') return ctx.media.continueUpload(id, req.headers, req.raw);
		if (m === 'GET') return ctx.media.uploadStatus(id);
	}
	throw unknownObject(id, m);
}

function appView(ctx: SimContext, fieldsParam: string | null): Record<string, unknown> {
	const full: Record<string, unknown> = { id: ctx.opts.appId, name: 'Cloud API Simulator', link: `https://www.facebook.com/games/?app_id=${ctx.opts.appId}`, category: 'Business' };
	if (!fieldsParam) return { id: full.id, name: full.name, link: full.link };
	const out: Record<string, unknown> = {};
	for (const f of fieldsParam.split(',').map((x) => x.trim())) if (f in full) out[f] = full[f];
	out.id = ctx.opts.appId;
	return out;
}

function handleWaba(ctx: SimContext, req: GraphRequest, edge: string | undefined): GraphResult {
	const m = req.method;
	const waba = ctx.opts.wabaId;
	if (!edge && m === 'GET') return { id: waba, name: 'Simulator WABA', currency: 'USD', timezone_id: '1', message_template_namespace: 'sim_namespace' };
	if (edge === 'phone_numbers' && m === 'GET') {
		const page = paginate([...ctx.phones.values()], req.query, (p) => p.id);
		return { data: page.items.map((p) => phoneView(ctx, p, req.query.get('fields'), DEFAULT_LIST_FIELDS)), paging: page.paging };
	}
	if (edge === 'message_templates') {
		if (m === 'GET') return ctx.templates.list(waba, req.query);
		if (m === 'POST') return ctx.templates.create(waba, parseBody(req));
		if (m === 'DELETE') return ctx.templates.delete(waba, req.query.get('name'), req.query.get('hsm_id'));
	}
	if (edge === 'subscribed_apps') {
		if (m === 'GET') {
			const s = ctx.subscriptions.get(waba);
			if (!s) return { data: [] };
			const app: Record<string, unknown> = {
				whatsapp_business_api_data: { id: ctx.opts.appId, name: 'Cloud API Simulator', link: `https://www.facebook.com/games/?app_id=${ctx.opts.appId}` },
			};
			if (s.override_callback_uri) app.override_callback_uri = s.override_callback_uri;
			return { data: [app] };
		}
		if (m === 'POST') return subscribe(ctx, waba, parseBody(req));
		if (m === 'DELETE') {
			ctx.subscriptions.delete(waba);
			return { success: true };
		}
	}
	throw unknownObject(`${waba}${edge ? '/' + edge : ''}`, m);
}

/** POST subscribed_apps; with override_callback_uri Meta first runs the GET verification handshake (§4). */
async function subscribe(ctx: SimContext, waba: string, body: Record<string, any>): Promise<Record<string, unknown>> {
	const uri = body.override_callback_uri;
	if (uri === undefined) {
		ctx.subscriptions.set(waba, {});
		return { success: true };
	}
	if (typeof uri !== 'string' || !/^https?:\/\//.test(uri)) throw invalidParam('Param override_callback_uri must be an http(s) URL.');
	if (typeof body.verify_token !== 'string' || !body.verify_token)
		throw invalidParam('The parameter verify_token is required with override_callback_uri.', 'Pass verify_token together with override_callback_uri.');
	const challenge = String(1_000_000_000 + ctx.rng.int(1_000_000_000));
	const ok = await verifyCallback(uri, body.verify_token, challenge);
	if (!ok)
		throw new GraphError(2200, 'Callback verification failed: the URL did not answer the hub.challenge with HTTP 200.', {
			userTitle: 'Callback verification failed',
			userMsg: 'The callback URL must answer GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=… with 200 and the challenge as body.',
		});
	ctx.subscriptions.set(waba, { override_callback_uri: uri, verify_token: body.verify_token });
	return { success: true };
}
