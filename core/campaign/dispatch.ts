/**
 * Dispatch marks (issue 13 "honest outcomes"): right before a request is written, its ledger row
 * gets `dispatched_at`. A run that dies leaves its claims 'sending'; when their lease runs out
 * (Store.expireClaims) rows WITHOUT the mark go back to the queue (their request never left the
 * process) and only rows WITH it become 'unknown' (the request may have reached Meta).
 *
 * Marks are group-committed: every send that asks in the same turn of the event loop shares one
 * UPDATE, so a 1,000 mps campaign costs a few statements per second, not one per message, and the
 * send waits only for its own group's commit.
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
	) {}

	/** Resolves true once the row is marked (false: the claim is no longer ours; do not send). */
	mark(waId: string): Promise<boolean> {
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
