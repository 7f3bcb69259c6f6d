// Seeded permutations (seedrandom's alea): each epoch's order depends only on (seed, epoch), so a resumed
// run sees the same batches as an uninterrupted one.
import seedrandom from 'seedrandom';

export function epochPermutation(n: number, seed: number, epoch: number): Int32Array {
  const rng = seedrandom.alea(`memae:${seed}:${epoch}`);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = p[i]; p[i] = p[j]; p[j] = t;
  }
  return p;
}

/** Consecutive index batches of `order` (the last one may be smaller). */
export function* batches(order: ArrayLike<number>, batchSize: number): Generator<number[]> {
  for (let s = 0; s < order.length; s += batchSize) {
    const b: number[] = [];
    for (let i = s; i < Math.min(order.length, s + batchSize); i++) b.push(order[i]);
    yield b;
  }
}
