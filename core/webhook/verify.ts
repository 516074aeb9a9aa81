/**
 * Webhook authenticity checks (cloud-api.md §4, "Verification" and "Signature").
 *
 *  - POST: Meta signs the raw request bytes with the app secret:
 *    `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(raw_body, APP_SECRET)>`. The digest must be
 *    computed over the bytes exactly as received (before JSON parsing) and compared in constant
 *    time. The legacy `X-Hub-Signature: sha1=…` is not accepted.
 *  - GET: the subscription handshake `hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`;
 *    answer the challenge only when the token matches.
 *
 * Nothing here logs or returns a secret.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const SHA256_HEX = /^[0-9a-f]{64}$/i;

/**
 * True when `signatureHeader` is `sha256=<64 hex chars>` and equals HMAC-SHA256(rawBody, appSecret).
 * Rejects a missing header, any other algorithm prefix (e.g. `sha1=`), a truncated or over-long
 * digest, non-hex characters and an empty app secret.
 */
export function verifySignature(rawBody: Buffer | string, signatureHeader: string | undefined, appSecret: string): boolean {
	if (typeof signatureHeader !== 'string' || !appSecret) return false;
	const header = signatureHeader.trim();
	const eq = header.indexOf('=');
	if (eq < 0 || header.slice(0, eq).toLowerCase() !== 'sha256') return false;
	const hex = header.slice(eq + 1);
	if (!SHA256_HEX.test(hex)) return false;
	const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
	const expected = createHmac('sha256', appSecret).update(body).digest();
	const given = Buffer.from(hex, 'hex');
	// Both are 32 bytes here (regex above), as timingSafeEqual requires equal lengths.
	return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The signature header Meta would send for this body (tests, simulator, benchmarks). */
export function signBody(rawBody: Buffer | string, appSecret: string): string {
	const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
	return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

/** Constant-time string equality (hashing first so unequal lengths leak nothing either). */
export function safeEqual(a: string, b: string): boolean {
	const ha = createHmac('sha256', 'whatsapp-cloud-compare').update(a, 'utf8').digest();
	const hb = createHmac('sha256', 'whatsapp-cloud-compare').update(b, 'utf8').digest();
	return timingSafeEqual(ha, hb) && a.length === b.length;
}

export type ChallengeResult = { ok: true; challenge: string } | { ok: false };

function first(value: unknown): string | undefined {
	if (Array.isArray(value)) return first(value[0]);
	return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/**
 * The GET handshake: ok with the challenge to echo when `hub.mode` is `subscribe` and
 * `hub.verify_token` equals the configured token (constant-time); otherwise not ok (answer 403).
 * Accepts both the flat query keys (`hub.mode`) and a parsed nested form (`hub: { mode }`).
 */
export function verifyChallenge(query: Record<string, unknown> | undefined | null, verifyToken: string): ChallengeResult {
	if (!query || typeof query !== 'object' || !verifyToken) return { ok: false };
	const nested = (query.hub && typeof query.hub === 'object' ? query.hub : {}) as Record<string, unknown>;
	const mode = first(query['hub.mode'] ?? nested.mode);
	const token = first(query['hub.verify_token'] ?? nested.verify_token);
	const challenge = first(query['hub.challenge'] ?? nested.challenge);
	if (mode !== 'subscribe' || token === undefined || challenge === undefined) return { ok: false };
	return safeEqual(token, verifyToken) ? { ok: true, challenge } : { ok: false };
}
