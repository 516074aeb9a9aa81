/** Shared by both store backends: the per-number report rows (Store.reportByNumber) from grouped counts. */
import type { NumberReport, RecipientState } from './types';

/** (number, state, count) rows → one NumberReport per number (undefined number = the ledger has none per row). */
export function numberReports(rows: Array<{ num: string | null | undefined; state: RecipientState; n: number }>): NumberReport[] {
	const out = new Map<string, NumberReport>();
	for (const r of rows) {
		const key = r.num ?? '';
		let rep = out.get(key);
		if (!rep) {
			rep = { ...(r.num ? { phoneNumberId: r.num } : {}), total: 0, byState: {} };
			out.set(key, rep);
		}
		rep.byState[r.state] = (rep.byState[r.state] ?? 0) + r.n;
		rep.total += r.n;
	}
	return [...out.values()].sort((a, b) => String(a.phoneNumberId ?? '').localeCompare(String(b.phoneNumberId ?? '')));
}
