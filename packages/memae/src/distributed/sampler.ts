// The distributed sampler: every rank takes a disjoint, contiguous part of each global batch of the
// epoch's seeded permutation (train/shuffle.ts), so N ranks see together exactly the batches one
// process sees with the same seed and batch size.

/** Rank `rank`'s part of `batch` among `worldSize` ranks: sizes differ by at most one, lower ranks larger. */
export function shardOf<T>(batch: readonly T[], rank: number, worldSize: number): T[] {
  const base = Math.floor(batch.length / worldSize), extra = batch.length % worldSize;
  const start = rank * base + Math.min(rank, extra);
  return batch.slice(start, start + base + (rank < extra ? 1 : 0));
}
