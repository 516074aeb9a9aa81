/**
 * Webhook fuzzer: seeded, mutated, signed and unsigned POSTs through the WhatsApp Cloud Trigger
 * node's own `webhook()` method (the code n8n calls for every request), with a real SQLite store.
 *
 * Invariants checked for every delivery (issue 15):
 *  - a correctly signed delivery is answered 2xx or 4xx, never 5xx (the store is healthy here, so
 *    a 5xx or a thrown exception, which n8n turns into a 500, is a bug: Meta would redeliver the
 *    request for days and it would fail the same way every time);
 *  - an unsigned / wrongly signed delivery is answered 401 and starts no execution;
 *  - what a signed delivery emits is JSON-serialisable (n8n must be able to store the execution).
 *
 * The context is a minimal IWebhookFunctions (request, response, credentials, parameters, node,
 * logger): the same calls n8n-core's WebhookContext answers, without an n8n instance, so 10,000
 * deliveries take seconds. test/webhook/*.test.ts run the node through n8n-core itself.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { seededRng, type Rng } from '../core/shared/random';
import { postgresOptionsFromUrl } from '../core/store';
import { signBody, verifySignature } from '../core/webhook/verify';
import { closeAllStores } from '../nodes/shared/store';
import { WhatsAppCloudTrigger } from '../nodes/WhatsAppCloudTrigger/WhatsAppCloudTrigger.node';

export interface FuzzWebhooksOptions {
	seed: number;
	/** Deliveries to send (at least this many are sent). */
	count: number;
	log?: (s: string) => void;
	/**
	 * The queue-mode store instead of a throwaway SQLite file: a Postgres URL and a schema the run
	 * may create (the caller drops it). Postgres is stricter than SQLite (no U+0000 in text, B-tree
	 * keys under ~2,700 bytes), so this is where an unchecked id would turn into a 500.
	 */
	postgres?: { url: string; schema: string };
}

export interface FuzzWebhooksResult {
	deliveries: number;
	signed: number;
	unsigned: number;
	/** Signed deliveries answered 5xx or that threw (each one is also a violation). */
	status5xx: number;
	/** Unsigned deliveries that were not answered 401 or started an execution (each one is also a violation). */
	acceptedUnsigned: number;
	/** Answers per HTTP status, for the report. */
	byStatus: Record<string, number>;
	/** Items emitted by signed deliveries, and how many of them were `skipped` reports. */
	items: number;
	skippedItems: number;
	violations: string[];
}

const SECRET = 'fuzz-app-secret';
const TOKEN = 'fuzz-verify-token';
const WABA = '102290129340398';
const PNID = '106540352242922';
const MAX_VIOLATIONS = 50;

// ───────────── seed payloads (Meta's shapes, cloud-api.md §4) ─────────────

type Json = unknown;
const envelope = (field: string, value: Json, time = 1750000000): Json => ({ object: 'whatsapp_business_account', entry: [{ id: WABA, time, changes: [{ field, value }] }] });
const metadata = { display_phone_number: '15550783881', phone_number_id: PNID };

function seedPayloads(r: Rng, n: number): Json[] {
	const user = `1650555${String(1000 + Math.floor(r() * 9000))}`;
	const id = (p: string) => `wamid.${p}.${n}.${Math.floor(r() * 1e9)}`;
	const ts = String(1750000000 + n);
	const contacts = [{ profile: { name: 'Fuzz User' }, wa_id: user }];
	const msg = (m: Record<string, Json>) => envelope('messages', { messaging_product: 'whatsapp', metadata, contacts, messages: [{ from: user, id: id('in'), timestamp: ts, ...m }] });
	return [
		msg({ type: 'text', text: { body: ['hello', 'STOP', 'pare', 'Cancel', 'START', '退订'][Math.floor(r() * 6)] } }),
		msg({ type: 'text', text: { body: 'reply' }, context: { from: '15550783881', id: id('out') } }),
		msg({ type: 'image', image: { caption: 'pic', mime_type: 'image/jpeg', sha256: 'abc', id: '1234567890' } }),
		msg({ type: 'button', button: { payload: 'STOP_PROMOS', text: 'Stop promotions' }, context: { from: '15550783881', id: id('tpl') } }),
		msg({ type: 'interactive', interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: '{"flow_token":"t","a":[1,{"b":2}]}' } } }),
		msg({ type: 'order', order: { catalog_id: '1', text: 'x', product_items: [{ product_retailer_id: 'p', quantity: 1, item_price: 9.5, currency: 'USD' }] } }),
		msg({ type: 'text', text: { body: 'ad' }, referral: { source_url: 'https://fb.me/x', source_id: '1', source_type: 'ad', ctwa_clid: 'c' } }),
		msg({ type: 'system', system: { body: 'changed', wa_id: '16505550000', type: 'user_changed_number' } }),
		envelope('messages', {
			messaging_product: 'whatsapp',
			metadata,
			statuses: ['sent', 'delivered', 'read', 'failed'].slice(0, 1 + Math.floor(r() * 4)).map((s, i) => ({
				id: id('st'),
				status: s,
				timestamp: String(1750000000 + n + i),
				recipient_id: user,
				biz_opaque_callback_data: 'cmp-1',
				...(s === 'failed' ? { errors: [{ code: 131050, title: 'User stopped marketing messages' }] } : {}),
				pricing: { billable: true, pricing_model: 'PMP', category: 'marketing', type: 'regular' },
			})),
		}),
		envelope('message_template_status_update', { event: 'REJECTED', message_template_id: 1689556908129832, message_template_name: 'order_confirmation', message_template_language: 'en_US', reason: 'INVALID_FORMAT' }, 1739321024 + n),
		envelope('message_template_quality_update', { previous_quality_score: 'GREEN', new_quality_score: 'YELLOW', message_template_id: 806312974732579, message_template_name: 'welcome', message_template_language: 'en' }),
		envelope('template_category_update', { message_template_id: 278077987957091, message_template_name: 'w', message_template_language: 'en', correct_category: 'MARKETING', new_category: 'UTILITY', category_update_timestamp: 1760711433 }),
		envelope('user_preferences', { messaging_product: 'whatsapp', metadata, contacts, user_preferences: [{ wa_id: user, detail: 'User requested to stop marketing messages', category: 'marketing_messages', value: r() < 0.5 ? 'stop' : 'resume', timestamp: Number(ts) }] }),
		envelope('account_update', { phone_number: '15550783881', event: 'ACCOUNT_RESTRICTION', restriction_info: [{ restriction_type: 'RESTRICTED_ADD_PHONE_NUMBER_ACTION', expiration: 1760000000 }] }),
		envelope('messages', { messaging_product: 'whatsapp', metadata, errors: [{ code: 131051, title: 'Message type unknown', error_data: { details: 'x' } }] }),
		envelope('flows', { event: 'FLOW_STATUS_CHANGE', flow_id: '1', new_status: 'BLOCKED' }),
	];
}

// ───────────── mutations ─────────────

const pick = <T>(r: Rng, list: readonly T[]): T => list[Math.floor(r() * list.length)];

/**
 * A deeply nested value, as a marker string that serialize() expands in the JSON text: the fuzzer
 * itself never holds (or stringifies) a 20,000-level object.
 */
function nestedValue(r: Rng): Json {
	return `__DEEP_${pick(r, [10, 40, 63, 65, 200, 1000, 4500, 20000])}_${r() < 0.5 ? 'a' : 'o'}__`;
}

function serialize(v: Json): Buffer {
	const text = (JSON.stringify(v) ?? 'null').replace(/"__DEEP_(\d+)_([ao])__"/g, (_m, d: string, k: string) => {
		const n = Number(d);
		return k === 'a' ? `${'['.repeat(n)}1${']'.repeat(n)}` : `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
	});
	return Buffer.from(text, 'utf8');
}

function oddValue(r: Rng): Json {
	switch (Math.floor(r() * 22)) {
		case 0:
			return '';
		case 1:
			return null;
		case 2:
			return 0;
		case 3:
			return -1;
		case 4:
			return 1e308;
		case 5:
			return true;
		case 6:
			return {};
		case 7:
			return [];
		case 8:
			return 'x'.repeat(pick(r, [257, 3000, 100_000]));
		case 9:
			return 'a\u0000b';
		case 10:
			return '\ud800';
		case 11:
			return '   ';
		case 12:
			return nestedValue(r);
		case 13:
			return { $gt: '' };
		case 14:
			return ['wamid.x', 'wamid.y'];
		case 15:
			return 'wamid.' + Math.floor(r() * 1e6);
		case 16:
			return '9'.repeat(40);
		case 17:
			return '"]}\\';
		case 18:
			return '🛑 STOP 🛑';
		case 19:
			return 1.5;
		case 20:
			return '1e400';
		default:
			return undefined;
	}
}

/**
 * Sets an own property, as JSON.parse would create it: a plain assignment to `__proto__` would
 * change the object's prototype instead (and break the mutator's own array calls).
 */
function put(container: Record<string, unknown> | unknown[], key: string | number, value: Json): void {
	Object.defineProperty(container, key, { value, writable: true, enumerable: true, configurable: true });
}

const ID_KEYS = new Set(['id', 'status', 'from', 'wa_id', 'user_id', 'from_user_id', 'phone_number_id', 'recipient_id', 'field', 'message_template_id', 'category', 'value']);

/** Every [container, key] in the value (objects and arrays), breadth-first, bounded. */
function slots(root: Json, limit = 400): Array<[Record<string, unknown> | unknown[], string | number]> {
	const out: Array<[Record<string, unknown> | unknown[], string | number]> = [];
	const queue: Json[] = [root];
	while (queue.length && out.length < limit) {
		const v = queue.shift();
		// Plain loops: a mutation may have set `constructor` on an array, which breaks Array#map.
		const children: Array<[string | number, Json]> = [];
		if (Array.isArray(v)) for (let i = 0; i < v.length; i++) children.push([i, v[i]]);
		else if (v && typeof v === 'object') children.push(...Object.entries(v));
		for (const [k, c] of children) {
			out.push([v as Record<string, unknown> | unknown[], k]);
			queue.push(c);
		}
	}
	return out;
}

function mutateJson(r: Rng, value: Json): Json {
	const v = JSON.parse(JSON.stringify(value)) as Json;
	const rounds = 1 + Math.floor(r() * 3);
	for (let n = 0; n < rounds; n++) {
		const all = slots(v);
		if (!all.length) break;
		const [container, key] = pick(r, all);
		const op = r();
		const idSlots = all.filter(([, k]) => typeof k === 'string' && ID_KEYS.has(k));
		if (op < 0.25 && idSlots.length) {
			// ids, senders and business numbers become store keys: the likeliest place for a bad value to hurt
			const [c, k] = pick(r, idSlots);
			put(c, k, oddValue(r));
		} else if (op < 0.45) put(container, key, oddValue(r));
		else if (op < 0.6) {
			if (Array.isArray(container)) container.splice(key as number, 1);
			else delete container[key as string];
		} else if (op < 0.7 && Array.isArray(container)) {
			// many copies: a batch of repeated items in one request
			const copies = pick(r, [2, 10, 500]);
			for (let i = 0; i < copies; i++) container.push(JSON.parse(JSON.stringify(container[key as number] ?? null)));
		} else if (op < 0.8) put(container, key, nestedValue(r));
		else if (op < 0.9) put(container, pick(r, ['id', 'status', 'from', 'time', 'metadata', 'entry', 'changes', 'field', 'value', 'messages', 'statuses', '__proto__', 'constructor']), oddValue(r));
		else put(container, key, JSON.parse(JSON.stringify(pick(r, slots(v, 50))[0])));
	}
	return v;
}

function mutateBytes(r: Rng, raw: Buffer): Buffer {
	const op = Math.floor(r() * 9);
	const at = Math.floor(r() * Math.max(1, raw.length));
	switch (op) {
		case 0:
			return raw.subarray(0, at); // truncated
		case 1: {
			const b = Buffer.from(raw);
			for (let i = 0; i < 1 + Math.floor(r() * 8); i++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
			return b;
		}
		case 2:
			return Buffer.concat([raw.subarray(0, at), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), raw.subarray(at)]); // invalid UTF-8
		case 3:
			return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), raw]); // BOM
		case 4:
			return Buffer.concat([raw, Buffer.from(pick(r, ['}', ']]]', ' trailing', '\u0000', '{"a":1}']))]);
		case 5:
			return Buffer.from(pick(r, ['', 'null', '[]', '"entry"', '{"entry":{}}', '{"entry":[null,1,"x",[]]}', '{"entry":[{"changes":[{"field":"messages","value":null}]}]}', '1e400', '{"__proto__":{"entry":[]}}']));
		case 6:
			return Buffer.from('['.repeat(100_000 + Math.floor(r() * 100_000))); // deep and unterminated
		case 7:
			return Buffer.concat([raw.subarray(0, at), Buffer.from('\\ud800\\u0000'), raw.subarray(at)]);
		default:
			return Buffer.from(raw.toString('utf8').replace(/"/g, () => (r() < 0.05 ? "'" : '"')));
	}
}

// ───────────── signatures ─────────────

interface Delivery {
	raw: Buffer;
	header: string | string[] | undefined;
	signed: boolean;
	what: string;
}

function unsignedHeader(r: Rng, raw: Buffer, original: Buffer): { header: string | string[] | undefined; what: string } {
	const good = signBody(raw, SECRET);
	switch (Math.floor(r() * 10)) {
		case 0:
			return { header: undefined, what: 'no signature' };
		case 1:
			return { header: signBody(raw, 'wrong-secret'), what: 'wrong secret' };
		case 2:
			return { header: good.replace('sha256=', 'sha1='), what: 'sha1 prefix' };
		case 3:
			return { header: good.slice(0, -2), what: 'truncated digest' };
		case 4:
			return { header: `${good}00`, what: 'over-long digest' };
		case 5:
			return { header: `sha256=${'0'.repeat(64)}`, what: 'zero digest' };
		case 6:
			return { header: '', what: 'empty header' };
		case 7:
			return { header: [signBody(raw, 'wrong-secret'), good], what: 'bad first of two headers' };
		case 8:
			return { header: `sha256=${good.slice(7).replace(/[0-9a-f]$/, (c) => (c === '0' ? '1' : '0'))}`, what: 'one hex digit changed' };
		default:
			// signed, then changed in transit
			return { header: signBody(original, SECRET), what: 'body changed after signing' };
	}
}

// ───────────── the node, called as n8n calls it ─────────────

interface Answer {
	status: number;
	body: string;
	items: unknown[];
	threw?: string;
}

function webhookContext(
	raw: Buffer,
	header: string | string[] | undefined,
	params: Record<string, unknown>,
	storeCredential: Record<string, unknown>,
	logs: string[],
): { ctx: IWebhookFunctions; answer: () => { status: number; body: string } } {
	let status = 200;
	let body = '';
	const headers: Record<string, string | string[]> = { 'content-type': 'application/json' };
	if (header !== undefined) headers['x-hub-signature-256'] = header;
	const res = {
		status(code: number) {
			status = code;
			return res;
		},
		setHeader() {
			return res;
		},
		end(b?: unknown) {
			if (b !== undefined) body = String(b);
			return res;
		},
	};
	const req = { method: 'POST', headers, rawBody: raw, body: {}, query: {} };
	const credentials: Record<string, Record<string, unknown>> = {
		whatsAppCloudWebhookApi: { appSecret: SECRET, verifyToken: TOKEN },
		whatsAppCloudStoreApi: storeCredential,
	};
	const log = (level: string) => (m: string) => logs.push(`${level}: ${m}`);
	const ctx = {
		getRequestObject: () => req,
		getResponseObject: () => res,
		getHeaderData: () => headers,
		getQueryData: () => ({}),
		getBodyData: () => ({}),
		getCredentials: async (type: string) => {
			const c = credentials[type];
			if (!c) throw new Error(`Node "WhatsApp Cloud Trigger" does not have any credentials of type "${type}" set`);
			return c;
		},
		getNodeParameter: (name: string, fallback?: unknown) => (name in params ? params[name] : fallback),
		getNode: () => ({ id: 'fuzz-node', name: 'WhatsApp Cloud Trigger', type: 'whatsAppCloudTrigger', typeVersion: 1, webhookId: 'fuzz-webhook', parameters: params, position: [0, 0] }),
		getWorkflowStaticData: () => ({}),
		logger: { info: log('info'), warn: log('warn'), error: log('error'), debug: () => undefined, verbose: () => undefined },
	};
	return { ctx: ctx as unknown as IWebhookFunctions, answer: () => ({ status, body }) };
}

async function deliver(node: WhatsAppCloudTrigger, d: Delivery, params: Record<string, unknown>, storeCredential: Record<string, unknown>, logs: string[]): Promise<Answer> {
	const { ctx, answer } = webhookContext(d.raw, d.header, params, storeCredential, logs);
	let response: IWebhookResponseData;
	try {
		response = await node.webhook.call(ctx);
	} catch (error) {
		// n8n's webhook service answers 500 for an exception thrown by webhook().
		return { status: 500, body: '', items: [], threw: (error as Error)?.stack?.split('\n').slice(0, 3).join(' | ') ?? String(error) };
	}
	if (response.noWebhookResponse) return { ...answer(), items: [] };
	const items = (response.workflowData?.[0] ?? []).map((i) => i.json);
	return { status: 200, body: 'Workflow was started', items };
}

/** Sends `count` seeded deliveries (signed and unsigned, valid and mutated) through the trigger node. */
export async function fuzzWebhooks(opts: FuzzWebhooksOptions): Promise<FuzzWebhooksResult> {
	const r = seededRng(opts.seed);
	const log = opts.log ?? (() => undefined);
	const dir = fs.mkdtempSync(path.join(process.env.WA_TEST_TMP ?? os.tmpdir(), 'wa-fuzz-webhooks-'));
	// The WhatsApp Store credential the node reads (nodes/shared/store.ts storeOptionsFromCredentials).
	const storeCredential: Record<string, unknown> = opts.postgres
		? { ...postgresOptionsFromUrl(opts.postgres.url, opts.postgres.schema), ssl: false }
		: { backend: 'sqlite', path: path.join(dir, 'store.sqlite') };
	const node = new WhatsAppCloudTrigger();
	const result: FuzzWebhooksResult = { deliveries: 0, signed: 0, unsigned: 0, status5xx: 0, acceptedUnsigned: 0, byStatus: {}, items: 0, skippedItems: 0, violations: [] };
	const violation = (s: string) => {
		if (result.violations.length < MAX_VIOLATIONS) result.violations.push(s);
		else if (result.violations.length === MAX_VIOLATIONS) result.violations.push('… more violations not listed');
	};
	const parameterSets: Array<Record<string, unknown>> = [
		{},
		{ options: { dedup: false } },
		{ events: ['status', 'message'], options: { statuses: ['read', 'failed'] } },
		{ options: { extraOptOutList: 'CANCEL, SAIR', phoneNumberIds: PNID } },
		{ options: { updateStore: false } },
	];
	const recent: Buffer[] = [];
	const started = Date.now();
	try {
		for (let n = 0; result.deliveries < opts.count; n++) {
			const seeds = seedPayloads(r, n);
			const base = pick(r, seeds);
			// mix: 25 % valid, 45 % mutated JSON, 15 % mutated bytes, 10 % several changes in one body, 5 % exact redelivery
			const kind = r();
			let raw: Buffer;
			let what: string;
			if (kind < 0.25) [raw, what] = [serialize(base), 'valid'];
			else if (kind < 0.7) [raw, what] = [serialize(mutateJson(r, base)), 'mutated JSON'];
			else if (kind < 0.85) [raw, what] = [mutateBytes(r, serialize(base)), 'mutated bytes'];
			else if (kind < 0.95) {
				const entries = Array.from({ length: 2 + Math.floor(r() * 4) }, () => ((r() < 0.5 ? mutateJson(r, pick(r, seeds)) : pick(r, seeds)) as { entry?: unknown[] })?.entry?.[0]);
				[raw, what] = [serialize({ object: 'whatsapp_business_account', entry: entries }), 'several changes'];
			} else [raw, what] = recent.length ? [pick(r, recent), 'redelivery'] : [serialize(base), 'valid'];
			if (recent.length < 200) recent.push(raw);
			else recent[Math.floor(r() * recent.length)] = raw;

			const params = pick(r, parameterSets);
			const signed = r() < 0.65;
			const delivery: Delivery = signed
				? { raw, header: signBody(raw, SECRET), signed, what }
				: (() => {
						const h = unsignedHeader(r, raw, Buffer.concat([raw, Buffer.from(' ')]));
						return { raw, header: h.header, signed, what: `${what}, ${h.what}` };
					})();
			// A mutated header could still be valid by chance (never in practice): count by what the verifier says.
			const first = Array.isArray(delivery.header) ? delivery.header[0] : delivery.header;
			delivery.signed = verifySignature(raw, first, SECRET);

			const logs: string[] = [];
			const answer = await deliver(node, delivery, params, storeCredential, logs);
			result.deliveries++;
			result.byStatus[answer.status] = (result.byStatus[answer.status] ?? 0) + 1;
			const label = `#${result.deliveries} (${delivery.what}, ${raw.length} bytes, seed ${opts.seed})`;
			if (delivery.signed) {
				result.signed++;
				if (answer.status >= 500) {
					result.status5xx++;
					violation(`${label}: signed delivery answered ${answer.status}${answer.threw ? ` (threw: ${answer.threw})` : ` (${answer.body})`}`);
				} else if (answer.status < 200 || answer.status >= 500 || (answer.status >= 300 && answer.status < 400)) {
					violation(`${label}: signed delivery answered ${answer.status}`);
				}
				result.items += answer.items.length;
				result.skippedItems += answer.items.filter((i) => (i as { kind?: string }).kind === 'skipped').length;
				try {
					JSON.stringify(answer.items);
				} catch (error) {
					violation(`${label}: emitted items are not JSON-serialisable: ${(error as Error).message}`);
				}
			} else {
				result.unsigned++;
				if (answer.status !== 401 || answer.items.length > 0) {
					result.acceptedUnsigned++;
					violation(`${label}: unsigned delivery answered ${answer.status} with ${answer.items.length} item(s)`);
				}
			}
			if (logs.some((l) => l.includes(SECRET))) violation(`${label}: the app secret appeared in the log`);
			if (answer.body.includes(SECRET)) violation(`${label}: the app secret appeared in the answer`);
			// The SQLite store answers synchronously: let timers (run.ts's time bound) run now and then.
			if (result.deliveries % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
			if (result.deliveries % 2000 === 0) log(`webhooks: ${result.deliveries}/${opts.count} deliveries, ${result.violations.length} violation(s), ${((Date.now() - started) / 1000).toFixed(1)} s`);
		}
	} finally {
		await closeAllStores();
		fs.rmSync(dir, { recursive: true, force: true });
	}
	return result;
}
