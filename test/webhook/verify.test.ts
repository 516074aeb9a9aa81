import { createHmac } from 'node:crypto';
import { signBody, verifyChallenge, verifySignature } from '../../core/webhook/verify';

const SECRET = 'app-secret-for-tests';
const BODY = Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [] }] }));
const hmac = (body: Buffer | string, secret = SECRET) => createHmac('sha256', secret).update(body).digest('hex');

describe('verifySignature (X-Hub-Signature-256)', () => {
	it('accepts the HMAC-SHA256 of the raw bytes', () => {
		expect(verifySignature(BODY, `sha256=${hmac(BODY)}`, SECRET)).toBe(true);
		expect(verifySignature(BODY.toString('utf8'), `sha256=${hmac(BODY)}`, SECRET)).toBe(true);
		expect(signBody(BODY, SECRET)).toBe(`sha256=${hmac(BODY)}`);
	});

	it('accepts an upper-case hex digest', () => {
		expect(verifySignature(BODY, `sha256=${hmac(BODY).toUpperCase()}`, SECRET)).toBe(true);
	});

	it('rejects a signature made with another secret', () => {
		expect(verifySignature(BODY, `sha256=${hmac(BODY, 'wrong-secret')}`, SECRET)).toBe(false);
	});

	it('rejects a missing or empty header', () => {
		expect(verifySignature(BODY, undefined, SECRET)).toBe(false);
		expect(verifySignature(BODY, '', SECRET)).toBe(false);
	});

	it('rejects the legacy sha1= prefix even with a correct sha1 HMAC', () => {
		const sha1 = createHmac('sha1', SECRET).update(BODY).digest('hex');
		expect(verifySignature(BODY, `sha1=${sha1}`, SECRET)).toBe(false);
		// and a correct sha256 digest under the wrong prefix
		expect(verifySignature(BODY, `sha1=${hmac(BODY)}`, SECRET)).toBe(false);
		expect(verifySignature(BODY, hmac(BODY), SECRET)).toBe(false);
	});

	it('rejects a truncated, over-long or non-hex digest', () => {
		const good = hmac(BODY);
		expect(verifySignature(BODY, `sha256=${good.slice(0, 63)}`, SECRET)).toBe(false);
		expect(verifySignature(BODY, `sha256=${good.slice(0, 32)}`, SECRET)).toBe(false);
		expect(verifySignature(BODY, `sha256=${good}00`, SECRET)).toBe(false);
		expect(verifySignature(BODY, `sha256=${good.slice(0, 62)}zz`, SECRET)).toBe(false);
		expect(verifySignature(BODY, 'sha256=', SECRET)).toBe(false);
	});

	it('rejects a body changed by one byte', () => {
		const header = `sha256=${hmac(BODY)}`;
		const changed = Buffer.from(BODY);
		changed[changed.length - 2] ^= 0x01;
		expect(verifySignature(changed, header, SECRET)).toBe(false);
		// re-serialised JSON (whitespace) is a different body too: the raw bytes matter
		const reserialised = JSON.stringify(JSON.parse(BODY.toString()), null, 1);
		expect(verifySignature(reserialised, header, SECRET)).toBe(false);
	});

	it('rejects everything when no app secret is configured', () => {
		expect(verifySignature(BODY, `sha256=${hmac(BODY, '')}`, '')).toBe(false);
	});
});

describe('verifyChallenge (GET hub.* handshake)', () => {
	const TOKEN = 'my-verify-token';

	it('returns the challenge for subscribe + the right token', () => {
		expect(verifyChallenge({ 'hub.mode': 'subscribe', 'hub.verify_token': TOKEN, 'hub.challenge': '1158201444' }, TOKEN)).toEqual({
			ok: true,
			challenge: '1158201444',
		});
		// nested form produced by some query parsers
		expect(verifyChallenge({ hub: { mode: 'subscribe', verify_token: TOKEN, challenge: 'abc' } }, TOKEN)).toEqual({ ok: true, challenge: 'abc' });
	});

	it('refuses a wrong token, a prefix of the token, another mode or a missing field', () => {
		expect(verifyChallenge({ 'hub.mode': 'subscribe', 'hub.verify_token': 'nope', 'hub.challenge': '1' }, TOKEN)).toEqual({ ok: false });
		expect(verifyChallenge({ 'hub.mode': 'subscribe', 'hub.verify_token': TOKEN.slice(0, -1), 'hub.challenge': '1' }, TOKEN)).toEqual({ ok: false });
		expect(verifyChallenge({ 'hub.mode': 'unsubscribe', 'hub.verify_token': TOKEN, 'hub.challenge': '1' }, TOKEN)).toEqual({ ok: false });
		expect(verifyChallenge({ 'hub.mode': 'subscribe', 'hub.challenge': '1' }, TOKEN)).toEqual({ ok: false });
		expect(verifyChallenge({ 'hub.mode': 'subscribe', 'hub.verify_token': TOKEN }, TOKEN)).toEqual({ ok: false });
		expect(verifyChallenge({}, TOKEN)).toEqual({ ok: false });
		expect(verifyChallenge({ 'hub.mode': 'subscribe', 'hub.verify_token': '', 'hub.challenge': '1' }, '')).toEqual({ ok: false });
	});
});
