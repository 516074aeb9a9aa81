/**
 * Time source for the throttle and campaign modules. Everything that waits takes a Clock, so tests
 * drive time by hand (FakeClock) and the campaign engine can follow the simulator's fake clock.
 */

export interface Clock {
	/** Epoch milliseconds. */
	now(): number;
	/** Resolves after `ms` (or at once when the signal aborts). */
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
	if (ms <= 0 || signal?.aborted) return Promise.resolve();
	return new Promise((resolve) => {
		const onAbort = () => {
			clearTimeout(timer);
			resolve();
		};
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}

export const systemClock: Clock = {
	now: () => Date.now(),
	sleep: realSleep,
};

/** Fully manual time for unit tests: sleep() advances the clock instead of waiting. */
export class FakeClock implements Clock {
	constructor(private t = 0) {}
	now(): number {
		return this.t;
	}
	advance(ms: number): void {
		this.t += ms;
	}
	set(t: number): void {
		this.t = t;
	}
	async sleep(ms: number): Promise<void> {
		if (ms > 0) this.t += ms;
	}
}
