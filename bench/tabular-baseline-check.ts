// Cross-check of the k-NN and PCA baselines against scikit-learn on the tabular benchmark's own splits (issue 14:
// k-NN 0.10 on kdd-http, 0.02 on kdd-smtp and PCA 0.15 on kdd-sa looked wrong). Writes each split and our scores
// to bench/.cache/tabular-check/; bench/tabular_baseline_check.py recomputes them with scikit-learn and counts the
// duplicated anomalies that explain the low figures (docs/accuracy-tabular.md).
//   LIBTORCH_NUM_THREADS=1 npx tsx bench/tabular-baseline-check.ts [--sets kdd-http,kdd-smtp,kdd-sa,iris] [--seed 0]
//   /usr/bin/python3 bench/tabular_baseline_check.py
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchArgs } from './lib/args.js';
import { KnnDetector, PcaDetector } from '../packages/memae/src/index.js';
import { auroc } from '../packages/memae/src/metrics/index.js';
import { initBackend } from '../packages/memae/src/backend/select.js';
import { protocolSplit, readTable, TABLE_DIR } from './tabular-data.js';

const { values: a } = benchArgs(import.meta.url, { options: { sets: { type: 'string', default: 'kdd-http,kdd-smtp,kdd-sa,iris' }, seed: { type: 'string', default: '0' } } });
await initBackend('auto');
const out = join(TABLE_DIR, '..', 'tabular-check');
mkdirSync(out, { recursive: true });
for (const set of a.sets!.split(',')) {
  const s = protocolSplit(readTable(set), Number(a.seed));
  const f = s.features;
  const train = { values: s.train, shape: [s.train.length / f, f] }, test = { values: s.test, shape: [s.test.length / f, f] };
  const knn = new KnnDetector(); await knn.fit(train);
  const pca = new PcaDetector(); await pca.fit(train);
  const k = await knn.decisionFunction(test), p = await pca.decisionFunction(test);
  console.log(`${set}: k-NN ${auroc(s.testY, k).toFixed(4)}, PCA ${auroc(s.testY, p).toFixed(4)}`);
  writeFileSync(join(out, `${set}.json`), JSON.stringify({ features: f, train: Array.from(s.train), trainY: Array.from(s.trainY), test: Array.from(s.test), testY: Array.from(s.testY), knn: Array.from(k), pca: Array.from(p) }));
}
