/** Offline WhatsApp Cloud API simulator (issue #3). No n8n imports. */
export { createSimulator, type Simulator, type RunningSimulator } from './server';
export { resolveOptions, DEFAULT_WABA_ID, DEFAULT_PHONE_NUMBERS, type SimulatorOptions, type PhoneNumberSeed, type FaultOptions } from './options';
export { FakeClock } from './clock';
export type { RecipientFault, RecipientFaultSpec, RecipientFaultScripts } from './faults';
export { sign } from './webhooks';
export { preloadDefinitions, preloadedTemplate, type ReviewRule, type TemplateSeed } from './templates';
export { TEMPLATE_RULES } from './template-rules';
export { ERROR_CATALOG } from './errors';
