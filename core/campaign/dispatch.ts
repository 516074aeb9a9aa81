/**
 * Dispatch marks (issue 13 "honest outcomes"): right before a request is written, its ledger row
 * gets `dispatched_at`. A run that dies leaves its claims 'sending'; when their lease runs out
 * (Store.expireClaims) rows WITHOUT the mark go back to the queue (their request never left the
 * process) and only rows WITH it become 'unknown' (the request may have reached Meta).
 *
 * On Postgres marks are group-committed: every send that asks in the same turn of the event loop
 * shares one UPDATE (one round trip), and a send waits only for its own group's commit. On the
 * embedded SQLite store each mark is written at once (a synchronous statement of a few µs), so a
 * send leaves right at its pacing slot.
 */
import type { Store } from '../store/types';
import type { Clock } from '../throttle/clock';

export class DispatchMarks {
	private pending: Array<{ waId: string; resolve: (marked: boolean) => void; reject: (e: unknown) => void }> = [];
	private scheduled = false;

	constructor(
		private readonly store: Pick<Store, 'markDispatched'>,
		private readonly campaignId: string,
		private readonly workerId: string,
		private readonly clock: Clock,
		/** Mark each send at once (SQLite) instead of group-committing per turn of the event loop (Postgres). */
		private readonly immediate = false,
	) {}

	/** Resolves true once the row is marked (false: the claim is no longer ours; do not send). */
	mark(waId: string): Promise<boolean> {
		if (this.immediate) {
			// Embedded SQLite: the write is synchronous underneath, so marking at once costs less than
			// waiting a turn of the event loop for company — and the send leaves right at its slot.
			return this.store.markDispatched(this.campaignId, [waId], this.workerId, this.clock.now()).then((marked) => marked.length === 1);
		}
		return new Promise<boolean>((resolve, reject) => {
			this.pending.push({ waId, resolve, reject });
			if (!this.scheduled) {
				this.scheduled = true;
				setImmediate(() => void this.flush());
			}
		});
	}

	private async flush(): Promise<void> {
		const group = this.pending;
		this.pending = [];
		this.scheduled = false;
		try {
			const marked = new Set(await this.store.markDispatched(this.campaignId, group.map((g) => g.waId), this.workerId, this.clock.now()));
			for (const g of group) g.resolve(marked.has(g.waId));
		} catch (error) {
			for (const g of group) g.reject(error);
		}
	}
}
