/**
 * Recipient phone → waId (E.164 digits without '+'), on the package's one phone module
 * (core/phone: libphonenumber-js, default country, specific reasons).
 */
import { normalizePhone } from '../phone';

export type RecipientPhone = { ok: true; waId: string; country?: string } | { ok: false; reason: string };

export function recipientWaId(input: unknown, defaultCountry?: string): RecipientPhone {
	if (input === undefined || input === null || String(input).trim() === '') return { ok: false, reason: 'no phone number' };
	const raw = String(input).trim();
	const r = normalizePhone(raw, defaultCountry);
	return r.ok ? { ok: true, waId: r.waId, country: r.country } : { ok: false, reason: `invalid phone number "${raw}": ${r.reason}` };
}
