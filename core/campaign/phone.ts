/**
 * Recipient phone → waId (E.164 digits without '+'), on the package's one phone module
 * (core/phone: libphonenumber-js, default country, specific reasons).
 */
import { isBsuid, normalizePhone } from '../phone';

export type RecipientPhone = { ok: true; waId: string; country?: string; bsuid?: boolean } | { ok: false; reason: string };

/**
 * A recipient's key: the phone number's E.164 digits (old WhatsApp forms folded, core/phone
 * variants), or a username user's business-scoped user ID (BSUID) as is.
 */
export function recipientWaId(input: unknown, defaultCountry?: string): RecipientPhone {
	if (input === undefined || input === null || String(input).trim() === '') return { ok: false, reason: 'no phone number' };
	const raw = String(input).trim();
	if (isBsuid(raw)) return { ok: true, waId: raw, bsuid: true };
	const r = normalizePhone(raw, defaultCountry);
	return r.ok ? { ok: true, waId: r.waId, country: r.country } : { ok: false, reason: `invalid phone number "${raw}": ${r.reason}` };
}
