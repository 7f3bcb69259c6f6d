// Seeded permutations from the library's one RNG (data/random.ts): each epoch's order depends only on
// (seed, epoch), so a resumed run sees the same batches as an uninterrupted one.
import { mixSeeds, permutation } from '../data/random.js';

export function epochPermutation(n: number, seed: number, epoch: number): Int32Array {
  return permutation(n, mixSeeds(seed, epoch));
}

/** Consecutive index batches of `order` (the last one may be smaller). */
export function* batches(order: ArrayLike<number>, batchSize: number): Generator<number[]> {
  for (let s = 0; s < order.length; s += batchSize) {
    const b: number[] = [];
    for (let i = s; i < Math.min(order.length, s + batchSize); i++) b.push(order[i]);
    yield b;
  }
}
