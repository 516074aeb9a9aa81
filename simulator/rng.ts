/** Seeded PRNG (the package's mulberry32) and cheap deterministic id generators: same seed → same ids and outcomes. */
import { seededRng } from '../core/shared/random';

export class Rng {
	private gen: () => number;
	constructor(seed: number) {
		this.gen = seededRng(0);
		this.reseed(seed);
	}

	reseed(seed: number): void {
		this.gen = seededRng(seed >>> 0 || 0x9e3779b9);
	}

	/** Uniform float in [0, 1). */
	next(): number {
		return this.gen();
	}

	/** true with probability p (p ≤ 0 never draws, so enabling one option doesn't shift other sequences). */
	chance(p: number): boolean {
		if (!(p > 0)) return false;
		if (p >= 1) return true;
		return this.next() < p;
	}

	int(maxExclusive: number): number {
		return Math.floor(this.next() * maxExclusive);
	}
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export class Ids {
	private n = 0;
	private readonly prefix: string;
	constructor(
		seed: number,
		private readonly rng: Rng,
	) {
		this.prefix = (seed >>> 0).toString(36).toUpperCase();
	}

	reset(): void {
		this.n = 0;
	}

	/** wamid.… (Meta's ids are base64 blobs; ours are unique per simulator and seed). */
	wamid(to: string): string {
		return `wamid.HBgL${to}FQIAERgS${this.prefix}${(++this.n).toString(36).toUpperCase()}A==`;
	}

	/** Numeric Graph object id (templates, media). */
	numeric(): string {
		return String(1_000_000_000_000_000 + ++this.n * 7919);
	}

	/** Meta-looking fbtrace_id. */
	fbtrace(): string {
		let s = 'A';
		for (let i = 0; i < 22; i++) s += B64[this.rng.int(64)];
		return s;
	}

	token(len = 16): string {
		let s = '';
		for (let i = 0; i < len; i++) s += B64[this.rng.int(62)];
		return s;
	}
}
