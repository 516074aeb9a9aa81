/**
 * Meta's OpenAPI spec (test/fixtures/meta-openapi/business-messaging-api_v23.0.yaml, MIT) as JSON-schema
 * validators for tests: `schemaFor(path, method, 'request' | 'response', status?)` + `validateAgainst(schema, value)`.
 *
 * The spec is machine-generated from Meta's Postman collection and has a few generation bugs; they are
 * corrected here, each named (ERRATA), so a validation failure means a real shape problem:
 *  1. Webhook section: when the generator merged files it renamed duplicated schema names (TextMessage_2,
 *     BaseMessageProperties_1, ImageMessage_1 …) but not the refs inside the webhook schemas, so
 *     IncomingMessage pointed at the *outbound* message schemas. Refs from schemas declared after
 *     `WebhookPayload` now resolve to that section's own `X_n` variant when one exists.
 *  2. `allOf` branches with `additionalProperties: false` (e.g. TextMessage) reject the properties of their
 *     sibling branches (messaging_product, to …); sibling property names are added to such branches.
 *  3. `biz_opaque_callback_data` (cloud-api.md §2) is missing from BaseMessageProperties; added.
 *  4. The nonsense `index` pattern `^[2-6, 11-14]$` on template button components is dropped (cloud-api.md §2).
 *  6. Phone number `status`: WhatsAppAccountNumberStatus lists CONNECTED, DISCONNECTED … (cloud-api.md §5), while the
 *     WABA listing's WhatsAppPhoneNumberStatus lists PENDING, LINKED …; the listing enum takes both value sets.
 *  5. OAS 3.0 `nullable: true` becomes a JSON-schema `null` type; `discriminator` is ignored (oneOf decides).
 * Known gap: the spec's WebhookPayload only covers `field: "messages"` (and groups); template status/quality
 * webhooks have no schema in it.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

export const SPEC_FILE = path.join(__dirname, '..', 'fixtures', 'meta-openapi', 'business-messaging-api_v23.0.yaml');
const ID = 'meta-oas';

type Json = any;
let doc: Json | undefined;
let ajv: Ajv | undefined;
const cache = new WeakMap<object, ValidateFunction>();

function walk(node: Json, fn: (n: Json) => void): void {
	if (Array.isArray(node)) node.forEach((n) => walk(n, fn));
	else if (node && typeof node === 'object') {
		fn(node);
		for (const v of Object.values(node)) walk(v, fn);
	}
}

const refName = (ref: string): string | undefined => /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1];

function applyErrata(spec: Json): void {
	const schemas: Record<string, Json> = spec.components.schemas;
	const names = Object.keys(schemas);
	// 1. webhook-section refs → the section's own renamed variants
	const start = names.indexOf('WebhookPayload');
	if (start >= 0) {
		const section = new Set(names.slice(start));
		const variantOf = (n: string): string | undefined => {
			if (section.has(n)) return undefined;
			return names.slice(start).filter((m) => m.startsWith(n + '_') && /^\d+$/.test(m.slice(n.length + 1))).pop();
		};
		for (const n of section)
			walk(schemas[n], (o) => {
				if (typeof o.$ref === 'string') {
					const target = refName(o.$ref);
					const v = target && variantOf(target);
					if (v) o.$ref = `#/components/schemas/${v}`;
				}
			});
	}
	// 3. biz_opaque_callback_data on outbound messages
	if (schemas.BaseMessageProperties?.properties)
		schemas.BaseMessageProperties.properties.biz_opaque_callback_data = { type: 'string', maxLength: 512 };
	// 4. template button index pattern
	for (const n of ['TemplateComponent', 'ButtonComponent'])
		walk(schemas[n], (o) => {
			if (o.index && typeof o.index === 'object' && o.index.pattern) delete o.index.pattern;
		});
	// 6. one phone-number status vocabulary
	const listStatus = schemas.WhatsAppPhoneNumberStatus;
	const infoStatus = schemas.WhatsAppAccountNumberStatus;
	if (Array.isArray(listStatus?.enum) && Array.isArray(infoStatus?.enum)) listStatus.enum = [...new Set([...listStatus.enum, ...infoStatus.enum])];
	// 5. nullable
	walk(spec, (o) => {
		if (o.nullable === true && typeof o.type === 'string') o.type = [o.type, 'null'];
	});
	// 2. allOf + additionalProperties:false
	const propsOf = (s: Json, seen = new Set<Json>()): string[] => {
		if (!s || typeof s !== 'object' || seen.has(s)) return [];
		seen.add(s);
		if (typeof s.$ref === 'string') {
			const t = refName(s.$ref);
			return t ? propsOf(schemas[t], seen) : [];
		}
		const own = Object.keys(s.properties ?? {});
		const nested = (s.allOf ?? []).flatMap((x: Json) => propsOf(x, seen));
		return [...own, ...nested];
	};
	walk(spec, (o) => {
		if (!Array.isArray(o.allOf)) return;
		for (const branch of o.allOf) {
			if (branch && branch.additionalProperties === false) {
				branch.properties ??= {};
				for (const sib of o.allOf) if (sib !== branch) for (const p of propsOf(sib)) branch.properties[p] ??= {};
			}
		}
	});
}

function load(): { spec: Json; ajv: Ajv } {
	if (doc && ajv) return { spec: doc, ajv };
	const spec = YAML.parse(fs.readFileSync(SPEC_FILE, 'utf8'), { maxAliasCount: -1 });
	applyErrata(spec);
	walk(spec, (o) => {
		if (typeof o.$ref === 'string' && o.$ref.startsWith('#/')) o.$ref = `${ID}${o.$ref}`;
	});
	const a = new Ajv({ strict: false, allErrors: true, validateSchema: false, allowUnionTypes: true });
	addFormats(a);
	a.addSchema(spec, ID);
	doc = spec;
	ajv = a;
	return { spec, ajv: a };
}

/** A named schema from components.schemas. */
export function componentSchema(name: string): Json {
	const s = load().spec.components.schemas[name];
	if (!s) throw new Error(`OpenAPI: no components.schemas.${name}`);
	return s;
}

/**
 * The JSON schema of a request body or response body, e.g.
 * `schemaFor('/{Version}/{Phone-Number-ID}/messages', 'post', 'request')` or
 * `schemaFor('/whatsapp/webhooks', 'post', 'request')` (webhook payloads).
 */
export function schemaFor(apiPath: string, method: string, part: 'request' | 'response', status: number | string = 200, contentType = 'application/json'): Json {
	const op = load().spec.paths?.[apiPath]?.[method.toLowerCase()];
	if (!op) throw new Error(`OpenAPI: no operation ${method.toUpperCase()} ${apiPath}`);
	const holder = part === 'request' ? op.requestBody : op.responses?.[String(status)];
	const schema = holder?.content?.[contentType]?.schema;
	if (!schema) throw new Error(`OpenAPI: ${method.toUpperCase()} ${apiPath} has no ${part} schema${part === 'response' ? ` for ${status}` : ''} (${contentType})`);
	return schema;
}

/** Validates `value`; returns readable errors (empty when valid). */
export function validateAgainst(schema: Json, value: unknown): { valid: boolean; errors: string[] } {
	const { ajv: a } = load();
	let v = cache.get(schema);
	if (!v) {
		v = a.compile(schema);
		cache.set(schema, v);
	}
	const valid = v(value) as boolean;
	const errors = valid ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}${e.params ? ' ' + JSON.stringify(e.params) : ''}`);
	return { valid, errors };
}

/** Throws with the validation errors when `value` does not match `schema`. */
export function assertValid(schema: Json, value: unknown, label = 'value'): void {
	const r = validateAgainst(schema, value);
	if (!r.valid) throw new Error(`${label} does not match the OpenAPI schema:\n  ${r.errors.slice(0, 15).join('\n  ')}`);
}
