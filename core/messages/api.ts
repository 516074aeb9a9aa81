/**
 * Sending a message (`POST /{PHONE_NUMBER_ID}/messages`, cloud-api.md §1), and reading Meta's
 * answer: `{ messaging_product, contacts: [{ input, wa_id }], messages: [{ id, message_status? }] }`.
 * `contacts[].wa_id` is the WhatsApp ID Meta resolved the number to (it can differ from the input,
 * e.g. Brazil's 9th digit), returned so callers can learn it.
 */
import type { GraphLike } from '../graph/like';

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
