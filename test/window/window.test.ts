import { conversationWindow, FREE_ENTRY_POINT_MS, isWindowOpen, toEpochMs, WINDOW_MS } from '../../core/window/window';

const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);
const H = 3_600_000;

describe('conversationWindow: the 24 h customer-service window (cloud-api.md §6)', () => {
	it('is open right after an inbound, with the time left', () => {
		const w = conversationWindow(T0, T0 + H);
		expect(w).toMatchObject({
			windowOpen: true,
			canSendFreeForm: true,
			recommendedAction: 'session_message',
			lastInboundAt: new Date(T0).toISOString(),
			expiresAt: new Date(T0 + WINDOW_MS).toISOString(),
			secondsLeft: 23 * 3600,
			freeEntryPoint: false,
			clockSkew: false,
		});
	});

	it('one second before 24 h: open with 1 s left', () => {
		const w = conversationWindow(T0, T0 + WINDOW_MS - 1000);
		expect(w.windowOpen).toBe(true);
		expect(w.secondsLeft).toBe(1);
	});

	it('exactly 24 h: closed', () => {
		const w = conversationWindow(T0, T0 + WINDOW_MS);
		expect(w).toMatchObject({ windowOpen: false, canSendFreeForm: false, recommendedAction: 'template', secondsLeft: 0 });
		expect(w.expiresAt).toBe(new Date(T0 + WINDOW_MS).toISOString());
	});

	it('one second after 24 h: closed', () => {
		expect(conversationWindow(T0, T0 + WINDOW_MS + 1000).windowOpen).toBe(false);
	});

	it('safety margin: closing within N minutes counts as closed', () => {
		const now = T0 + WINDOW_MS - 10 * 60_000; // 10 min left
		expect(conversationWindow(T0, now).windowOpen).toBe(true);
		expect(conversationWindow(T0, now, { safetyMarginMinutes: 15 })).toMatchObject({ windowOpen: false, recommendedAction: 'template', secondsLeft: 0 });
		const w = conversationWindow(T0, now, { safetyMarginMinutes: 5 });
		expect(w.windowOpen).toBe(true);
		expect(w.secondsLeft).toBe(5 * 60);
		// exactly at the margin: closed
		expect(conversationWindow(T0, now, { safetyMarginMinutes: 10 }).windowOpen).toBe(false);
		expect(() => conversationWindow(T0, now, { safetyMarginMinutes: -1 })).toThrow(/safetyMarginMinutes/);
	});

	it('unknown contact (no inbound ever): closed, template recommended', () => {
		expect(conversationWindow(undefined, T0)).toEqual({
			windowOpen: false,
			lastInboundAt: null,
			expiresAt: null,
			secondsLeft: 0,
			freeEntryPoint: false,
			canSendFreeForm: false,
			recommendedAction: 'template',
			clockSkew: false,
		});
		expect(conversationWindow(null, T0).windowOpen).toBe(false);
		expect(conversationWindow('', T0).windowOpen).toBe(false);
	});

	it('clock skew: an inbound in the future is treated as now and flagged', () => {
		const w = conversationWindow(T0 + 5 * 60_000, T0);
		expect(w).toMatchObject({ windowOpen: true, clockSkew: true, lastInboundAt: new Date(T0).toISOString(), expiresAt: new Date(T0 + WINDOW_MS).toISOString() });
		expect(w.secondsLeft).toBe(24 * 3600);
	});

	it('accepts epoch seconds, epoch ms, ISO strings and Dates', () => {
		const iso = new Date(T0).toISOString();
		const a = conversationWindow(T0, T0 + H);
		expect(conversationWindow(T0 / 1000, T0 + H)).toEqual(a);
		expect(conversationWindow(String(T0 / 1000), T0 + H)).toEqual(a);
		expect(conversationWindow(iso, new Date(T0 + H))).toEqual(a);
		expect(toEpochMs(iso)).toBe(T0);
		expect(() => conversationWindow('yesterday-ish', T0)).toThrow(/lastInboundAt is not a valid time/);
	});
});

describe('conversationWindow: 72 h free entry point (ad / CTA referral)', () => {
	it('templates free until 72 h, free-form only inside 24 h of the last user message', () => {
		const at30h = conversationWindow(T0, T0 + 30 * H, { referral: true });
		expect(at30h).toMatchObject({
			windowOpen: false,
			canSendFreeForm: false,
			recommendedAction: 'template',
			freeEntryPoint: true,
			freeEntryPointExpiresAt: new Date(T0 + FREE_ENTRY_POINT_MS).toISOString(),
		});
		const at2h = conversationWindow(T0, T0 + 2 * H, { referral: true });
		expect(at2h).toMatchObject({ windowOpen: true, freeEntryPoint: true, recommendedAction: 'session_message' });
		expect(conversationWindow(T0, T0 + FREE_ENTRY_POINT_MS, { referral: true }).freeEntryPoint).toBe(false);
		expect(conversationWindow(T0, T0 + FREE_ENTRY_POINT_MS - 1000, { referral: true }).freeEntryPoint).toBe(true);
	});

	it('a later plain inbound refreshes the 24 h window but not the 72 h free entry point', () => {
		const w = conversationWindow(T0 + 60 * H, T0 + 70 * H, { freeEntryPointAt: T0 });
		expect(w).toMatchObject({ windowOpen: true, freeEntryPoint: true, freeEntryPointExpiresAt: new Date(T0 + 72 * H).toISOString() });
		const later = conversationWindow(T0 + 60 * H, T0 + 73 * H, { freeEntryPointAt: T0 });
		expect(later).toMatchObject({ windowOpen: true, freeEntryPoint: false });
		expect(later.freeEntryPointExpiresAt).toBeUndefined();
	});

	it('no referral: no free entry point', () => {
		expect(conversationWindow(T0, T0 + H).freeEntryPoint).toBe(false);
	});
});

describe('isWindowOpen: the same 24 h rule on epoch ms (campaign engine, dry run)', () => {
	const at = Date.parse('2026-12-05T10:00:00Z');
	it.each([
		['never wrote', undefined, at, false],
		['right after', at, at, true],
		['one ms before 24 h', at, at + 24 * 3600_000 - 1, true],
		['exactly 24 h', at, at + 24 * 3600_000, false],
	])('%s', (_label, last, now, open) => {
		expect(isWindowOpen(last, now)).toBe(open);
		expect(isWindowOpen(last, now)).toBe(conversationWindow(last ?? null, now).windowOpen);
	});
});
