/**
 * The one seeded PRNG of the package (mulberry32: tiny, fast, well mixed). Used where runs must be
 * repeatable: retry jitter in tests, the simulator's outcomes and ids, benchmark data.
 */
export type Rng = () => number;

/** A deterministic generator of floats in [0, 1) for a given seed. */
export function seededRng(seed: number): Rng {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
