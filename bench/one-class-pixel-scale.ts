// Per-pixel standardised reconstruction errors for images, on the validation split (issue 14 item 3): the tables'
// score (each feature's residual standardised by the training rows' median and MAD, score/residual-scale.ts) applied
// to pixels, beside the plain mean squared error, from the same trained MemAE (the library's image defaults and
// budget). Scores: mse; scaled = mean z^2; clip25 / clip9 = mean min(z^2, 25 | 9) (the tables' cap is 25); abs =
// mean |z|. Validation set as bench/one-class.ts: held-out normal training images against 4x as many training images
// of the other classes (training split only); test AUROC beside it, not used to choose. The baselines k-NN distance
// and isolation forest (library defaults, bench/lib/detector.ts) are fitted on the same training images and scored
// on the same validation and test sets in the same run.
//   LIBTORCH_NUM_THREADS=1 npx tsx bench/one-class-pixel-scale.ts --data fashion-mnist --seeds 0,1 --classes 0-9 --name one-class-pixel-scale-fashion
// Writes bench/results/<name>.json (one row per class and seed) and .md (means per seed) after every model.
import { benchArgs } from './lib/args.js';
import { loadFashionMnist, loadMnist } from '../packages/memae/src/data/mnist.js';
import { oneClassSplit, trainValSplit } from '../packages/memae/src/data/split.js';
import { sampleSize, type Dataset } from '../packages/memae/src/data/dataset.js';
import { auroc } from '../packages/memae/src/metrics/index.js';
import { MemAE } from '../packages/memae/src/index.js';
import { residualScaleOf } from '../packages/memae/src/score/residual-scale.js';
import { parseList, writeResults } from './lib/results.js';
import { oneClassValidationSet, seedMeansTable, type ScoreRow } from './lib/one-class-sets.js';
import { makeBaseline } from './lib/detector.js';

const { values: a } = benchArgs(import.meta.url, {
  options: {
    data: { type: 'string', default: 'fashion-mnist' },
    seeds: { type: 'string', default: '0,1' },
    classes: { type: 'string', default: 'all' },
    name: { type: 'string' },
  },
});
if (a.data !== 'mnist' && a.data !== 'fashion-mnist') throw new Error('--data must be mnist or fashion-mnist');
const seeds = parseList(a.seeds, [0]);
const classes = parseList(a.classes, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
const name = a.name ?? `one-class-pixel-scale-${a.data}`;
const load = a.data === 'mnist' ? loadMnist : loadFashionMnist;
const trainAll = await load({ split: 'train' });
const testAll = await load({ split: 'test' });
const SCORES = ['mse', 'scaled', 'clip25', 'clip9', 'abs'] as const;
const BASELINES = ['knn', 'iforest'] as const;
type Score = typeof SCORES[number] | typeof BASELINES[number];
type Row = ScoreRow<Score>;
const rows: Row[] = [];

const all = (d: Dataset) => d.gather(Array.from({ length: d.size }, (_, i) => i));

for (const cls of classes) for (const seed of seeds) {
  const split = oneClassSplit(trainAll, testAll, cls);
  const { train, val } = trainValSplit(split.train, 0.1, seed);
  const valSet = oneClassValidationSet(trainAll, val, cls, seed);
  const det = await MemAE.create({ kind: 'image', inputShape: train.sampleShape, variant: 'memae', seed });
  await det.fit(train, { seed, validation: val, earlyStopping: { patience: 5 }, progressBar: false, scoreTraining: false });
  const residuals = async (d: Dataset) => {
    const x = all(d), r = (await det.scoreDetailed(d, { batchSize: 1024, reconstructions: true })).reconstructions!;
    return Float32Array.from(x, (v, i) => v - r[i]);
  };
  const f = sampleSize(train);
  const scale = residualScaleOf(await residuals(train), f);
  const scores = (res: Float32Array, kind: Score): Float32Array => {
    const n = res.length / f, s = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let j = 0; j < f; j++) {
        const r = res[i * f + j], z = (r - scale.center[j]) / scale.spread[j];
        acc += kind === 'mse' ? r * r : kind === 'scaled' ? z * z : kind === 'clip25' ? Math.min(z * z, 25) : kind === 'clip9' ? Math.min(z * z, 9) : Math.abs(z);
      }
      s[i] = acc / f;
    }
    return s;
  };
  const [rv, rt] = [await residuals(valSet), await residuals(split.test)];
  const row: Row = { cls, seed, val: {} as Row['val'], test: {} as Row['test'] };
  for (const k of SCORES) {
    row.val[k] = auroc(valSet.labels!, scores(rv, k));
    row.test[k] = auroc(split.test.labels!, scores(rt, k));
  }
  det.dispose();
  for (const b of BASELINES) {
    const base = makeBaseline(b, seed);
    await base.fit(train);
    row.val[b] = auroc(valSet.labels!, await base.decisionFunction(valSet));
    row.test[b] = auroc(split.test.labels!, await base.decisionFunction(split.test));
  }
  rows.push(row);
  console.log(`${a.data} class ${cls} seed ${seed}: ${[...SCORES, ...BASELINES].map((k) => `${k} val ${row.val[k].toFixed(4)} test ${row.test[k].toFixed(4)}`).join(', ')}`);
  report();
}

function report(): void {
  writeResults(name, { args: a, rows }, `# ${name}\n\n${a.data}, classes ${classes.join(',')}, MemAE with the library's image defaults\n\n${seedMeansTable(rows, [...SCORES, ...BASELINES], seeds)}`);
}
