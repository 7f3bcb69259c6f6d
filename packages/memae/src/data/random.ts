// The library's one seeded PRNG (mulberry32 on a splitmix32-scrambled seed): splits, batch order, baselines'
// sampling and the SW loss's directions all draw from it. Kept in-house on purpose: the exact sequence is part
// of our reproducibility contract (same seed => same split on every version), which a dependency upgrade could
// silently change.

export type Rng = () => number;

const scramble = (x: number): number => {
  // splitmix32 finaliser: spreads nearby seeds (0, 1, 2...) far apart
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
  return (x ^ (x >>> 15)) >>> 0;
};

/** One integer seed from several (e.g. a run seed and an epoch number); order matters. */
export function mixSeeds(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) h = scramble((h ^ scramble(p | 0)) | 0);
  return h | 0;
}

/** Uniform floats in [0, 1) from an integer seed; the same seed always gives the same sequence. */
export function seededRng(seed: number): Rng {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  let a = scramble(seed | 0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [0, n). */
export const randInt = (rng: Rng, n: number): number => Math.floor(rng() * n);

/** In-place Fisher-Yates shuffle. */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(a: T, rng: Rng): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = randInt(rng, i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/** A seeded random permutation of 0..n-1. */
export function permutation(n: number, seed: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return shuffleInPlace(p, seededRng(seed));
}
