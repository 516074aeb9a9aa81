/**
 * Meta's titles for the error codes of cloud-api.md §3 (the `title` of status-webhook errors and
 * the `(#code) Title` of Graph answers), for reports a person reads (core/campaign/htmlReport.ts).
 * The same codes and their retry classes are in errors.ts; the simulator's catalog
 * (simulator/errors.ts) answers with these titles too.
 */
export const META_ERROR_TITLES: Readonly<Record<number, string>> = {
	0: 'AuthException',
	1: 'API Unknown',
	2: 'API Service',
	3: 'API Method',
	4: 'API Too Many Calls',
	10: 'Permission Denied',
	100: 'Invalid parameter',
	190: 'Access token has expired',
	368: 'Temporarily blocked for policies violations',
	80007: 'Rate limit issues',
	130429: 'Rate limit hit',
	130472: "User's number is part of an experiment",
	130497: 'Business account is restricted from messaging users in this country',
	131000: 'Something went wrong',
	131005: 'Access denied',
	131008: 'Required parameter is missing',
	131009: 'Parameter value is not valid',
	131016: 'Service unavailable',
	131021: 'Recipient cannot be sender',
	131026: 'Message undeliverable',
	131030: 'Recipient phone number not in allowed list',
	131031: 'Account has been locked',
	131042: 'Business eligibility payment issue',
	131045: 'Incorrect certificate',
	131047: 'Re-engagement message',
	131048: 'Spam rate limit hit',
	131049: 'This message was not delivered to maintain healthy ecosystem engagement.',
	131050: 'User has stopped marketing messages',
	131051: 'Unsupported message type',
	131052: 'Media download error',
	131053: 'Media upload error',
	131055: 'Method not allowed',
	131056: '(Business Account, Consumer Account) pair rate limit hit',
	131057: 'Account in maintenance mode',
	131062: 'Business-scoped user ID not supported for this message',
	132000: 'Number of parameters does not match the expected number of params',
	132001: 'Template does not exist',
	132005: 'Translated text too long',
	132007: 'Template format character policy violated',
	132012: 'Template parameter format mismatch',
	132015: 'Template is paused',
	132016: 'Template is disabled',
	132068: 'Flow is in blocked state',
	132069: 'Flow is in throttled state',
	133004: 'Server temporarily unavailable',
	133010: 'Phone number not registered',
};

/** Meta's title of an error code, or undefined when the code is not one of cloud-api.md §3. */
export function metaErrorTitle(code: number | string | undefined | null): string | undefined {
	const n = typeof code === 'number' ? code : Number(code);
	return Number.isInteger(n) ? META_ERROR_TITLES[n] : undefined;
}
