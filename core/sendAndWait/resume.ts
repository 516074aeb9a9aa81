/**
 * The inbound half of "Send and Wait for Response" (issue 16), shared by both webhook triggers: an
 * inbound message from a contact some execution is waiting on resumes that execution with the
 * message as the answer.
 *
 *  - resumeAnswers: one wait-store query per fresh inbound message (waits.ts claims atomically, so of
 *    several n8n processes receiving the same answer only one resumes), then resumeClaimed. Statuses
 *    and other events cost nothing.
 *  - resumeClaimed: POSTs the answer to each claimed wait's resume URL (n8n's signed `webhook-waiting`
 *    URL), after Meta got its 200. A failed resume (n8n unreachable, the execution already finished or
 *    timed out) is logged and reported on the event's item (resumeNote).
 */
import type { MessageEvent, WebhookEvent } from '../webhook/types';
import type { PendingWait, WaitAnswer, WaitStore } from './waits';

/** Message types that are not an answer: reactions, system notices, unsupported content. */
const NOT_ANSWERS = new Set(['reaction', 'system', 'unsupported', 'errors', 'request_welcome']);

export interface ClaimedAnswer {
	event: MessageEvent;
	waits: PendingWait[];
}

export interface ResumeOutcome {
	executionId?: string;
	resumed: boolean;
	error?: string;
}

function isAnswer(event: WebhookEvent): event is MessageEvent {
	return event.kind === 'message' && typeof event.waId === 'string' && event.waId !== '' && typeof event.phoneNumberId === 'string' && !NOT_ANSWERS.has(String(event.type));
}

function answerOf(event: MessageEvent): WaitAnswer {
	const interactive = event.interactive;
	const buttonId = interactive?.id ?? event.button?.payload;
	return {
		source: 'whatsapp-cloud-trigger',
		messageId: event.messageId,
		type: interactive?.type ?? String(event.type),
		from: event.waId,
		phoneNumberId: event.phoneNumberId,
		text: event.text ?? interactive?.title ?? event.button?.text,
		buttonId: buttonId || undefined,
		timestamp: event.timestamp,
		replyToMessageId: event.replyToMessageId,
		profileName: event.profileName,
	};
}

/** Where a resume URL points, for logs (no query: it carries n8n's signature). */
function describeUrl(url: string): string {
	try {
		const u = new URL(url);
		return `${u.origin}${u.pathname}`;
	} catch {
		return '(invalid URL)';
	}
}

async function post(url: string, body: WaitAnswer, timeoutMs: number): Promise<{ ok: boolean; status: number; text: string }> {
	const res = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(timeoutMs),
	});
	const text = (await res.text().catch(() => '')).slice(0, 300);
	return { ok: res.ok, status: res.status, text };
}

export interface ResumeOptions {
	/** Per resume POST. Default 15 s. */
	timeoutMs?: number;
	/** Told about every wait that could not be resumed (its execution id, where, why). */
	log?: (message: string) => void;
}

/** Resumes every claimed wait; returns the outcomes per event id. */
export async function resumeClaimed(claimed: ClaimedAnswer[], options: ResumeOptions = {}): Promise<Map<string, ResumeOutcome[]>> {
	const timeoutMs = options.timeoutMs ?? 15_000;
	const outcomes = new Map<string, ResumeOutcome[]>();
	for (const { event, waits } of claimed) {
		const answer = answerOf(event);
		const list: ResumeOutcome[] = [];
		for (const wait of waits) {
			let outcome: ResumeOutcome;
			try {
				let res = await post(wait.resumeUrl, answer, timeoutMs);
				// n8n busy saving the waiting execution (it answers 409 while it is still "running"): once more.
				if (res.status === 409 && /running/i.test(res.text)) {
					await new Promise((r) => setTimeout(r, 1_000));
					res = await post(wait.resumeUrl, answer, timeoutMs);
				}
				outcome = res.ok ? { executionId: wait.executionId, resumed: true } : { executionId: wait.executionId, resumed: false, error: `HTTP ${res.status}: ${res.text}` };
			} catch (error) {
				outcome = { executionId: wait.executionId, resumed: false, error: (error as Error).message };
			}
			if (!outcome.resumed) {
				options.log?.(`could not resume execution ${wait.executionId ?? '?'} (waiting for ${wait.waId}) at ${describeUrl(wait.resumeUrl)}: ${outcome.error}`);
			}
			list.push(outcome);
		}
		outcomes.set(event.eventId, list);
	}
	return outcomes;
}

/**
 * The events a webhook trigger emits after resuming (both triggers: nodes/WhatsAppCloudTrigger/emit.ts,
 * nodes/WhatsAppCloudListenerTrigger/listener.ts), in order, each with `extra` and its resume note. An
 * answer that resumed its execution belongs to it: left out unless `emitAnswers` (a workflow that waits
 * and also starts on messages would otherwise start again on every answer).
 */
export function eventsToEmit(
	events: WebhookEvent[],
	resumed: Map<string, ResumeOutcome[]> | undefined,
	emitAnswers: boolean,
	extra?: (event: WebhookEvent) => object | undefined,
): Array<Record<string, unknown>> {
	const out: Array<Record<string, unknown>> = [];
	for (const event of events) {
		const outcomes = resumed?.get(event.eventId);
		if (outcomes?.some((o) => o.resumed) && !emitAnswers) continue;
		out.push({ ...event, ...extra?.(event), ...resumeNote(outcomes) });
	}
	return out;
}

export interface ResumeAnswersOptions extends ResumeOptions {
	/** Claim time (epoch ms). Default Date.now(). */
	now?: number;
	/** Runs once, before the first resume POST (the trigger answers Meta's request there). */
	beforeResume?: () => void;
}

/**
 * Claims and resumes the executions these events answer. The wait store is opened only when an event may
 * be an answer (statuses cost nothing); waits are claimed one message at a time, so a store failure part
 * way (logged, the events go on) still resumes the waits claimed before it. Outcomes per event id.
 */
export async function resumeAnswers(waitStore: () => Promise<Pick<WaitStore, 'claim'>>, events: WebhookEvent[], o: ResumeAnswersOptions = {}): Promise<Map<string, ResumeOutcome[]>> {
	const answers = events.filter(isAnswer);
	const claimed: ClaimedAnswer[] = [];
	if (answers.length) {
		const now = o.now ?? Date.now();
		try {
			const store = await waitStore();
			for (const event of answers) {
				const waits = await store.claim(event.phoneNumberId!, event.waId!, now, event.replyToMessageId);
				if (waits.length) claimed.push({ event, waits });
			}
		} catch (error) {
			o.log?.(`could not look up executions waiting for an answer: ${(error as Error).message}`);
		}
	}
	if (!claimed.length) return new Map();
	o.beforeResume?.();
	return resumeClaimed(claimed, o);
}

/** What the event's item says about the executions it resumed. */
export function resumeNote(outcomes: ResumeOutcome[] | undefined): Record<string, unknown> | undefined {
	if (!outcomes?.length) return undefined;
	return {
		resumedExecutions: outcomes.filter((o) => o.resumed).map((o) => o.executionId ?? null),
		...(outcomes.some((o) => !o.resumed) ? { resumeErrors: outcomes.filter((o) => !o.resumed).map((o) => ({ executionId: o.executionId ?? null, error: o.error ?? null })) } : {}),
	};
}
