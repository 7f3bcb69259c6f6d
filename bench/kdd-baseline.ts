// Sanity baseline for the KDD protocol data (no deep model): score = squared distance to the mean training row.
//   npx tsx bench/kdd-baseline.ts
import { loadKdd, KDD_CONTAMINATION } from '../packages/memae/src/data/kdd.js';
import { auroc, reportAtThreshold, thresholdFromContamination } from '../packages/memae/src/metrics/index.js';

const k = await loadKdd({ seed: 0 });
const f = k.train.sampleShape[0];
const mu = new Float64Array(f);
for (let i = 0; i < k.train.size; i++) for (let j = 0; j < f; j++) mu[j] += k.train.values[i * f + j] / k.train.size;
const score = (v: Float32Array, n: number) => Float32Array.from({ length: n }, (_, i) => {
  let s = 0;
  for (let j = 0; j < f; j++) s += (v[i * f + j] - mu[j]) ** 2;
  return s;
});
const tr = score(k.train.values, k.train.size);
const te = score(k.test.values, k.test.size);
const all = new Float32Array(tr.length + te.length);
all.set(tr);
all.set(te, tr.length);
const rep = reportAtThreshold(k.test.labels!, te, thresholdFromContamination(all, KDD_CONTAMINATION));
console.log(`distance-to-mean baseline, seed 0: P ${rep.precision.toFixed(4)} R ${rep.recall.toFixed(4)} F1 ${rep.f1.toFixed(4)} AUROC ${auroc(k.test.labels!, te).toFixed(4)}`);
