/**
 * n8n-nodes-whatsapp-cloud — the pure core for programmatic use (no n8n needed).
 *
 * n8n loads the nodes and credentials listed in package.json's `n8n` section; this entry point
 * exposes the same core the nodes use, one namespace per concept.
 */

// Graph API client + Meta error classification (cloud-api.md §3, peers.md §2)
export { GraphClient, DEFAULT_GRAPH_API_VERSION, DEFAULT_GRAPH_BASE_URL } from './core/graph/client';
export type { GraphClientOptions, GraphRequest, GraphPage } from './core/graph/client';
export { classifyError, GraphApiError, ERROR_CLASSES, ERROR_CODE_CLASSES } from './core/graph/errors';
export type { ErrorClass } from './core/graph/errors';

// Phone numbers → E.164 / wa_id (libphonenumber-js)
export { normalizePhone, toWaId, identityCandidates, samePerson } from './core/phone';
export type { PhoneResult, PhoneOk, PhoneFailure } from './core/phone';

// Message templates: Meta's rules, validation, variables, send components, rendering
export {
	validateTemplate,
	validateTemplateComponents,
	buildSendComponents,
	buildTemplateMessage,
	describeTemplateVariables,
	renderTemplate,
	TEMPLATE_RULES,
	TEMPLATE_LIMITS,
	TEMPLATE_LANGUAGES,
} from './core/templates';

// Webhooks: signature + handshake, flat events, opt-out keywords
export { verifySignature, verifyChallenge, parseWebhook, detectOptKeyword, DEFAULT_OPT_OUT_KEYWORDS, DEFAULT_OPT_IN_KEYWORDS } from './core/webhook';
export type { WebhookEvent } from './core/webhook';

// The 24 h customer-service window
export { conversationWindow } from './core/window';

// Session (free-form) messages
export * as messages from './core/messages';

// Media: upload, download (streamed from Meta's short-lived URL), delete
export * as media from './core/media/api';

// Throttling and the campaign engine
export * as throttle from './core/throttle';
export * as campaign from './core/campaign';

// Contacts: CSV reading and the import pipeline
export * as csv from './core/csv';
export * as contacts from './core/contacts';

// State store (SQLite / Postgres)
export { openStore } from './core/store';
export type { Store, StoreOptions } from './core/store';

// Offline Cloud API simulator
export { createSimulator } from './simulator';
export type { SimulatorOptions } from './simulator';
