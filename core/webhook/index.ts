/** Inbound webhooks: signature / challenge checks, parsing into flat events, opt-out keywords, request handling. */
export * from './types';
export { verifySignature, verifyChallenge, signBody, safeEqual } from './verify';
export type { ChallengeResult } from './verify';
export { parseWebhook, parseWebhookBody, parseWebhookRequest, WebhookParseError, WEBHOOK_LIMITS, idProblem, jsonDepth } from './parse';
export type { ParsedWebhook } from './parse';
export * from './optOut';
export * from './handle';
