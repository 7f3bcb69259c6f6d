// A validation criterion that needs no anomaly labels: held-out normal rows against the same rows with every raw
// column (a numeric feature, or a categorical column's whole one-hot block) permuted independently across rows.
// The synthetic rows keep each column's distribution but not the joint one. AUROC of normal-vs-synthetic, and the
// share of normal rows scored above the synthetic rows' 20th percentile (FPR where 80% of them are caught).
import { ArrayDataset, type Dataset } from '../../packages/memae/src/data/dataset.js';
import { permutation, mixSeeds } from '../../packages/memae/src/data/random.js';
import { auroc } from '../../packages/memae/src/metrics/index.js';
import type { TabularPreprocessor } from '../../packages/memae/src/preprocess/tabular.js';

export async function shuffledColumnsAuroc(
  score: (d: Dataset) => Promise<Float32Array>, val: Dataset, pre: TabularPreprocessor, seed: number,
): Promise<{ auroc: number; fprAt80: number }> {
  const n = val.size;
  const f = pre.featureCount;
  const x = val.gather(Int32Array.from({ length: n }, (_, i) => i));
  const y = new Float32Array(x.length);
  let start = 0;
  pre.columns.forEach((c, k) => {
    const width = c.kind === 'numeric' ? 1 : c.values.length;
    const p = permutation(n, mixSeeds(seed, k));
    for (let i = 0; i < n; i++) for (let j = start; j < start + width; j++) y[i * f + j] = x[p[i] * f + j];
    start += width;
  });
  const s0 = await score(new ArrayDataset(x, [f]));
  const s1 = await score(new ArrayDataset(y, [f]));
  const labels = new Uint8Array(2 * n).fill(1, n);
  const all = new Float32Array(2 * n);
  all.set(s0);
  all.set(s1, n);
  const t = Float32Array.from(s1).sort()[Math.floor(0.2 * n)];
  return { auroc: auroc(labels, all), fprAt80: s0.filter((s) => s > t).length / n };
}
