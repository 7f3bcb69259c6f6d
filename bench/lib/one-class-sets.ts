// The one-class benchmarks' validation set and per-seed table, shared by bench/one-class.ts and the score studies
// (bench/one-class-pixel-scale.ts, bench/one-class-code-knn.ts), so every image figure is chosen on the same sets.
import { indicesOfClasses } from '../../packages/memae/src/data/split.js';
import { permutation } from '../../packages/memae/src/data/random.js';
import { ArrayDataset, sampleSize, type Dataset } from '../../packages/memae/src/data/dataset.js';
import { markdownTable } from './results.js';

/** The validation set of a class (training split only, never the test set): its held-out normal images `val` and 4x
 *  as many seeded training images of the other classes (of `classes` in all), labelled 1. */
export function oneClassValidationSet(trainAll: Dataset, val: Dataset, cls: number, seed: number, classes = 10): ArrayDataset {
  const others = indicesOfClasses(trainAll, Array.from({ length: classes }, (_, i) => i).filter((c) => c !== cls));
  const pick = permutation(others.length, seed + 2000).subarray(0, Math.min(others.length, 4 * val.size));
  const n = val.size, m = pick.length, per = sampleSize(val);
  const x = new Float32Array((n + m) * per);
  x.set(val.gather(Array.from({ length: n }, (_, i) => i)));
  x.set(trainAll.gather(Array.from(pick, (k) => others[k])), n * per);
  return new ArrayDataset(x, val.sampleShape, new Uint8Array(n + m).fill(1, n));
}

/** Rows of one class and seed each, with a validation and a test AUROC per score. */
export interface ScoreRow<S extends string> { cls: number; seed: number; val: Record<S, number>; test: Record<S, number> }

/** Markdown: per score, its mean validation / test AUROC over the classes of each seed. */
export function seedMeansTable<S extends string>(rows: ScoreRow<S>[], scores: readonly S[], seeds: number[]): string {
  const mean = (xs: number[]) => xs.reduce((p, v) => p + v, 0) / xs.length;
  return markdownTable(['score', ...seeds.map((s) => `seed ${s}: validation / test (mean over classes)`)],
    scores.map((k) => [k, ...seeds.map((s) => {
      const r = rows.filter((x) => x.seed === s);
      return r.length ? `${mean(r.map((x) => x.val[k])).toFixed(4)} / ${mean(r.map((x) => x.test[k])).toFixed(4)} (${r.length} classes)` : '-';
    })]));
}
