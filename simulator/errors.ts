/**
 * Meta-like Graph errors (cloud-api.md §3):
 * {"error":{"message":"(#code) Title","type":"OAuthException","code":…,"error_subcode"?,
 *  "error_data":{"messaging_product":"whatsapp","details":"…"},"fbtrace_id":"…"}}
 * HTTP statuses are [U] in cloud-api.md; throttling ones are configurable via `errorStatus` overrides.
 */
import { metaErrorTitle } from '../core/graph/errorTitles';

export interface ErrorInfo {
	title: string;
	details: string;
	status: number;
	subcode?: number;
	type?: string;
}

/** Titles/details follow Meta's error-codes page as transcribed in cloud-api.md §3. */
export const ERROR_CATALOG: Record<number, ErrorInfo> = {
	1: { title: 'API Unknown', details: 'Invalid request or possible server error.', status: 400 },
	2: { title: 'API Service', details: 'Temporary due to downtime or due to being overloaded.', status: 503 },
	100: { title: 'Invalid parameter', details: 'The request included one or more unsupported or misspelled parameters.', status: 400 },
	190: { title: 'Invalid OAuth access token - Cannot parse access token', details: 'Your access token is invalid or expired.', status: 401 },
	2200: { title: 'Callback verification failed', details: 'The callback URL could not be verified.', status: 400 },
	130429: { title: 'Rate limit hit', details: 'Cloud API message throughput has been reached.', status: 400, subcode: 2494055 },
	131000: { title: 'Something went wrong', details: 'Message failed to send due to an unknown error.', status: 500 },
	131008: { title: 'Required parameter is missing', details: 'The request is missing a required parameter.', status: 400 },
	131009: { title: 'Parameter value is not valid', details: 'One or more parameter values are invalid.', status: 400 },
	131026: { title: 'Message undeliverable', details: 'Unable to deliver message. The recipient may not be on WhatsApp, may use an old app version, may not have accepted the terms, or may have blocked the business.', status: 400 },
	131047: { title: 'Re-engagement message', details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.', status: 400, subcode: 2494010 },
	131048: { title: 'Spam rate limit hit', details: 'Message failed to send because there are restrictions on how many messages can be sent from this phone number.', status: 400 },
	131049: { title: 'This message was not delivered to maintain healthy ecosystem engagement.', details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.', status: 400 },
	131050: { title: 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business', details: 'The user has stopped marketing messages from this business.', status: 400 },
	131055: { title: 'Method not allowed', details: 'The Marketing Messages API refused the request: the business has not accepted its terms, or the message is not a marketing template.', status: 400 },
	131051: { title: 'Unsupported message type', details: 'Message type is not currently supported.', status: 400 },
	131062: { title: 'Business-scoped user ID not supported for this message', details: 'Authentication templates cannot be sent to a business-scoped user ID; send to the phone number.', status: 400 },
	131053: { title: 'Media upload error', details: 'Unable to upload the media used in the message.', status: 400 },
	131056: { title: '(Business Account, Consumer Account) pair rate limit hit', details: 'Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.', status: 400 },
	132000: { title: 'Number of parameters does not match the expected number of params', details: 'The number of variable parameter values does not match the number of variables in the template.', status: 400 },
	132001: { title: 'Template name does not exist in the translation', details: 'The template does not exist in the specified language or has not been approved.', status: 404 },
	132005: { title: 'Translated text too long', details: 'Translated text is too long.', status: 400 },
	132012: { title: 'Parameter format does not match format in the created template', details: 'Variable parameter values formatted incorrectly.', status: 400 },
	132015: { title: 'Template is Paused', details: 'Template is paused due to low quality so it cannot be sent in a template message.', status: 400 },
	132016: { title: 'Template is Disabled', details: 'Template has been paused too many times due to low quality and is now permanently disabled.', status: 400 },
};

/** The catalog's title, else Meta's title from core (core/graph/errorTitles.ts) for any other code of cloud-api.md §3. */
export function errorTitle(code: number): string {
	return ERROR_CATALOG[code]?.title ?? metaErrorTitle(code) ?? 'Error';
}

export class GraphError extends Error {
	constructor(
		readonly code: number,
		readonly detailsText?: string,
		readonly extra: { status?: number; subcode?: number; userTitle?: string; userMsg?: string; type?: string; title?: string } = {},
	) {
		super(`(#${code}) ${extra.title ?? errorTitle(code)}`);
	}
}

/** Build the response body and HTTP status for a GraphError; `statusOverrides` maps code → HTTP status. */
export function errorBody(
	err: GraphError,
	fbtraceId: string,
	statusOverrides: Record<number, number>,
): { status: number; body: Record<string, unknown> } {
	const info = ERROR_CATALOG[err.code];
	const status = err.extra.status ?? statusOverrides[err.code] ?? info?.status ?? 400;
	const e: Record<string, unknown> = {
		message: err.message,
		type: err.extra.type ?? info?.type ?? 'OAuthException',
		code: err.code,
	};
	const subcode = err.extra.subcode ?? info?.subcode;
	if (subcode !== undefined) e.error_subcode = subcode;
	if (err.extra.userTitle) e.error_user_title = err.extra.userTitle;
	if (err.extra.userMsg) e.error_user_msg = err.extra.userMsg;
	e.error_data = { messaging_product: 'whatsapp', details: err.detailsText ?? info?.details ?? err.message };
	e.fbtrace_id = fbtraceId;
	return { status, body: { error: e } };
}

/** The async variant carried in status webhooks: statuses[].errors[] (cloud-api.md §4). */
export function webhookError(code: number, details?: string): Record<string, unknown> {
	const info = ERROR_CATALOG[code];
	const title = errorTitle(code);
	return {
		code,
		title,
		message: title,
		error_data: { details: details ?? info?.details ?? title },
		href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
	};
}

export const invalidParam = (details: string, userMsg?: string): GraphError =>
	new GraphError(100, details, userMsg ? { userTitle: 'Invalid parameter', userMsg } : {});

export const unknownObject = (id: string, method: string): GraphError =>
	new GraphError(
		100,
		`Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
		{ subcode: 33, type: 'GraphMethodException', title: `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation` },
	);
