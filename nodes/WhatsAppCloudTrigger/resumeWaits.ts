/**
 * The trigger's half of "Send and Wait for Response" (nodes/WhatsAppCampaign/actions/message/sendAndWait.operation.ts):
 * an inbound message from a contact some execution is waiting on resumes that execution with the
 * message as the answer. core/sendAndWait/resume.ts does it (claims atomically, so of several n8n
 * processes receiving the same answer only one resumes; POSTs the answer to n8n's signed resume URL),
 * as for the Listener Trigger. Here: the trigger's wait store — its WhatsApp Store credential, read at
 * most once a minute (hotPath.ts), opened only when a message may be an answer (statuses cost
 * nothing) — and n8n's log. A failed look-up or resume is logged; the events still go on.
 */
import type { IWebhookFunctions } from 'n8n-workflow';
import { resumeAnswers as resumeWith, type ResumeOutcome } from '../../core/sendAndWait/resume';
import type { WebhookEvent } from '../../core/webhook/types';
import { storeOptionsFromCredentials } from '../shared/store';
import { getWaitStoreFor } from '../shared/waitStore';
import { triggerStoreCredentials } from './hotPath';

const LOG = 'WhatsApp Cloud Trigger:';

/** Resumes the executions these events answer; `beforeResume` runs once first (Meta's 200). Outcomes per event id. */
export function resumeAnswers(ctx: IWebhookFunctions, events: WebhookEvent[], beforeResume: () => void): Promise<Map<string, ResumeOutcome[]>> {
	return resumeWith(async () => getWaitStoreFor(storeOptionsFromCredentials(await triggerStoreCredentials(ctx))), events, {
		beforeResume,
		log: (message) => ctx.logger?.warn(`${LOG} ${message}`),
	});
}
