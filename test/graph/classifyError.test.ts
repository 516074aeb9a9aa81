import { classifyError, ERROR_CLASSES, ErrorClass } from '../../core/graph/errors';

// Every code of cloud-api.md §3 (and the extra ones from peers.md §2), with the class the
// retry advice in those tables implies.
const TABLE: Array<[number, ErrorClass, string]> = [
	[0, 'account_stop', 'AuthException: re-auth'],
	[1, 'transient', 'API Unknown: maybe once with backoff'],
	[2, 'transient', 'API Service: backoff'],
	[3, 'account_stop', 'capability/permission'],
	[4, 'throttle', 'app call rate limit'],
	[10, 'account_stop', 'permission denied'],
	[100, 'campaign_fatal', 'invalid parameter'],
	[190, 'account_stop', 'token expired/invalid'],
	[200, 'account_stop', 'API permission (200-299)'],
	[250, 'account_stop', 'API permission (200-299)'],
	[299, 'account_stop', 'API permission (200-299)'],
	[368, 'account_stop', 'policy block'],
	[80007, 'throttle', 'WABA rate limit'],
	[130429, 'throttle', 'throughput'],
	[130472, 'recipient_permanent', 'marketing experiment'],
	[130497, 'account_stop', 'country restricted for WABA'],
	[131000, 'transient', 'something went wrong'],
	[131005, 'account_stop', 'access denied'],
	[131008, 'campaign_fatal', 'required parameter missing'],
	[131009, 'campaign_fatal', 'parameter value invalid'],
	[131016, 'transient', 'service unavailable'],
	[131021, 'recipient_permanent', 'recipient cannot be sender'],
	[131026, 'recipient_permanent', 'undeliverable'],
	[131030, 'recipient_permanent', 'not in allowed list'],
	[131031, 'account_stop', 'account locked'],
	[131042, 'account_stop', 'payment issue'],
	[131045, 'account_stop', 'incorrect certificate'],
	[131047, 'window', 're-engagement (24 h window)'],
	[131048, 'account_stop', 'spam rate limit'],
	[131049, 'defer_day', 'per-user marketing cap'],
	[131050, 'recipient_permanent', 'stopped marketing'],
	[131051, 'campaign_fatal', 'unsupported message type'],
	[131052, 'transient', 'media download error'],
	[131053, 'campaign_fatal', 'media upload error'],
	[131056, 'throttle', 'pair rate'],
	[131057, 'throttle', 'maintenance (throughput upgrade)'],
	[132000, 'campaign_fatal', 'param count mismatch'],
	[132001, 'campaign_fatal', 'template does not exist'],
	[132005, 'campaign_fatal', 'hydrated text too long'],
	[132007, 'campaign_fatal', 'format character policy'],
	[132012, 'campaign_fatal', 'parameter format mismatch'],
	[132015, 'campaign_fatal', 'template paused'],
	[132016, 'campaign_fatal', 'template disabled'],
	[132068, 'campaign_fatal', 'flow blocked'],
	[132069, 'throttle', 'flow throttled'],
	[133004, 'transient', 'server temporarily unavailable'],
	[133010, 'account_stop', 'number not registered'],
];

describe('classifyError', () => {
	it.each(TABLE)('code %i → %s (%s)', (code, expected) => {
		expect(classifyError(code)).toBe(expected);
		expect(ERROR_CLASSES).toContain(expected);
	});

	it('falls back on the HTTP status for unknown codes', () => {
		expect(classifyError(999999, 429)).toBe('throttle');
		expect(classifyError(999999, 503)).toBe('transient');
		expect(classifyError(999999, 401)).toBe('account_stop');
		expect(classifyError(999999, 403)).toBe('account_stop');
		expect(classifyError(999999, 400)).toBe('campaign_fatal');
		expect(classifyError(undefined, 500)).toBe('transient');
		expect(classifyError(undefined)).toBe('transient');
	});

	it('a known code wins over the HTTP status', () => {
		expect(classifyError(130429, 400)).toBe('throttle');
		expect(classifyError(131049, 400)).toBe('defer_day');
		expect(classifyError(190, 500)).toBe('account_stop');
	});
});
