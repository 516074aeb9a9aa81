/**
 * Sending a message (`POST /{PHONE_NUMBER_ID}/messages`, cloud-api.md §1), and reading Meta's
 * answer: `{ messaging_product, contacts: [{ input, wa_id }], messages: [{ id, message_status? }] }`.
 * `contacts[].wa_id` is the WhatsApp ID Meta resolved the number to (it can differ from the input,
 * e.g. Brazil's 9th digit), returned so callers can learn it.
 */
import type { GraphLike } from '../graph/like';
import { conversationWindow } from '../window/window';

export interface SendResponse {
	contacts?: { input?: string; wa_id?: string }[];
	messages?: { id?: string; message_status?: string }[];
}

export interface SendResult {
	messageId?: string;
	/** The WhatsApp ID Meta resolved the recipient to. */
	waId?: string;
	/** `accepted`, or `held_for_quality_assessment` for some marketing messages. */
	messageStatus?: string;
}

export function readSendResponse(res: SendResponse | undefined): SendResult {
	return { messageId: res?.messages?.[0]?.id, waId: res?.contacts?.[0]?.wa_id, messageStatus: res?.messages?.[0]?.message_status };
}

/**
 * Where a message is posted: `/messages` (Cloud API), or `/marketing_messages` — the Marketing
 * Messages API for WhatsApp, for MARKETING templates only, same body and answer (marketing.ts).
 */
export type SendEndpoint = 'messages' | 'marketing_messages';

/** Posts one message body; `timeoutMs` overrides the client's. Throws GraphApiError. */
export async function postMessage(client: GraphLike, phoneNumberId: string, body: unknown, timeoutMs?: number, endpoint: SendEndpoint = 'messages'): Promise<SendResult> {
	const res = await client.request<SendResponse>({ method: 'POST', path: `/${phoneNumberId}/${endpoint === 'marketing_messages' ? 'marketing_messages' : 'messages'}`, body, timeoutMs });
	return readSendResponse(res);
}

/** Mark as read (+ typing indicator): the same endpoint, answered `{ success: true }`. */
export async function markAsRead(client: GraphLike, phoneNumberId: string, body: unknown): Promise<{ success: boolean }> {
	const res = await client.request<{ success?: boolean }>({ method: 'POST', path: `/${phoneNumberId}/messages`, body });
	return { success: Boolean(res?.success) };
}

/** What the 24 h window check needs of the store (Store.getWindow's answer). */
export interface WindowRecordLike {
	lastInboundAt?: number | null;
	freeEntryPointAt?: number;
}

/** A session message refused before sending: the 24 h customer-service window is closed (Meta would answer 131047). */
export class WindowClosedError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'WindowClosedError';
	}
}

export interface SendMessageOptions {
	/** The business number that sends (`POST /{phoneNumberId}/messages`). */
	phoneNumberId: string;
	/** The recipient's WhatsApp ID (normalised digits or BSUID), named in the closed-window error. */
	to: string;
	/** Builds the session (free-form) body; called only when it will be sent (so a closed window uploads nothing). */
	body: () => Promise<{ type: string }> | { type: string };
	/**
	 * Closed 24 h window (cloud-api.md §6): `fail` (default) throws WindowClosedError; `recontact`
	 * sends `recontact()`'s template instead; `ignore` skips the check and lets Meta decide (131047).
	 */
	whenClosed?: 'fail' | 'recontact' | 'ignore' | string;
	/** The window as the store knows it (`() => store.getWindow(phoneNumberId, to)`); read unless `whenClosed` is `ignore`. */
	readWindow?: () => Promise<WindowRecordLike | undefined>;
	/** The template body sent instead when the window is closed (`whenClosed: 'recontact'`), and its name. */
	recontact?: () => Promise<{ body: unknown; template: string }>;
	/** Appended to the closed-window error, e.g. `Choose "Send a Recontact Template".` */
	closedHint?: string;
	/** Epoch ms the window is judged at. Default `Date.now()`. */
	now?: number;
}

export interface SentMessage extends SendResult {
	/** The body's type (`text`, `image`, `interactive`…), or `template` for a recontact template. */
	type: string;
	/** The window was closed and the recontact template went instead. */
	recontact: boolean;
	/** The recontact template's name. */
	template?: string;
}

/**
 * Sends a session message inside the 24 h customer-service window, or, with the window closed,
 * fails with a clear error or sends a recontact template instead (free-form messages outside the
 * window fail with Meta error 131047; templates always go). One `POST /{phoneNumberId}/messages`.
 */
export async function sendMessage(client: GraphLike, options: SendMessageOptions): Promise<SentMessage> {
	const mode = options.whenClosed ?? 'fail';
	if (mode !== 'ignore') {
		const w = await options.readWindow?.();
		const state = conversationWindow(w?.lastInboundAt ?? null, options.now ?? Date.now(), { freeEntryPointAt: w?.freeEntryPointAt });
		if (!state.windowOpen) {
			const last = w?.lastInboundAt ? `last message ${new Date(w.lastInboundAt).toISOString()}` : 'no message from them on record';
			if (mode === 'fail' || !options.recontact) {
				const hint = options.closedHint ? ` ${options.closedHint}` : '';
				throw new WindowClosedError(`The 24 h customer-service window with ${options.to} is closed (${last}): only templates can be sent (Meta error 131047).${hint}`);
			}
			const { body, template } = await options.recontact();
			return { ...(await postMessage(client, options.phoneNumberId, body)), type: 'template', recontact: true, template };
		}
	}
	const body = await options.body();
	return { ...(await postMessage(client, options.phoneNumberId, body)), type: body.type, recontact: false };
}
