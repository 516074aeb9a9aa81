/**
 * Throughput limit per business number (cloud-api.md §5 "Throughput"): 80 messages/s by default,
 * 1,000 after the automatic upgrade, 20 for coexistence numbers (shared with the WhatsApp Business
 * app). Exceeding it returns 130429. The one home of these figures: the pacers (tokenBucket.ts,
 * sharedPacer.ts), core/numbers/info.ts and the simulator read them from here.
 */
export const THROUGHPUT_MPS = {
	/** Default for every registered number. */
	STANDARD: 80,
	/** After the automatic upgrade (throughput.level HIGH). */
	HIGH: 1000,
	/** Coexistence numbers (also used in the WhatsApp Business app): fixed. */
	COEXISTENCE: 20,
} as const;

/** `GET /{PHONE_NUMBER_ID}?fields=throughput` → `{throughput:{level}}` (levels are [U], so unknown → 80). */
export function throughputFromLevel(level: string | undefined, coexistence = false): number {
	if (coexistence) return THROUGHPUT_MPS.COEXISTENCE;
	return String(level ?? '').toUpperCase() === 'HIGH' ? THROUGHPUT_MPS.HIGH : THROUGHPUT_MPS.STANDARD;
}
