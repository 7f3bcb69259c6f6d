// MAMA Net ablation, one-class MNIST / Fashion-MNIST: for each normal class, train on (a seeded subset of) its
// training images and score the test set (other classes = anomalies). Rows switch MAMA's parts on one at a time:
// AE, MemAE, MemAE + attention, MemAE + hash memory, MemAE + sliced Wasserstein, full MAMA. Every row sees the same
// images in the same order (same seeds). Prints AUROC and train/score throughput per row; JSON + Markdown in
// bench/results/.
//
//   quick (the figures in docs/mama.md):
//     npx tsx bench/mama-ablation.ts --data mnist,fashion-mnist --classes 0,1 --epochs 3 --train-limit 2000 --test-limit 2000
//   full:  npx tsx bench/mama-ablation.ts --data mnist,fashion-mnist --classes all --epochs 30 --seeds 0,1,2
import { benchArgs } from './lib/args.js';
import { MemAE, type BackendChoice, type CreateOptions } from '../packages/memae/src/index.js';
import { loadFashionMnist, loadMnist, FASHION_MNIST_CLASSES, MNIST_CLASSES } from '../packages/memae/src/data/mnist.js';
import { oneClassSplit, trainValSplit } from '../packages/memae/src/data/split.js';
import { auroc } from '../packages/memae/src/metrics/index.js';
import type { Dataset } from '../packages/memae/src/data/dataset.js';
import { fmt, mean } from './lib/stats.js';
import { markdownTable, parseList, writeResults } from './lib/results.js';
import { trainOptions } from './lib/options.js';
import { isBaseline, makeBaseline } from './lib/detector.js';

const ROWS: Record<string, Partial<CreateOptions>> = {
  AE: { variant: 'ae' },
  MemAE: { variant: 'memae' },
  'MemAE+attention': { variant: 'memae', attention: true },
  'MemAE+hash': { variant: 'memae', hashMemory: true },
  'MemAE+SW': { variant: 'memae', wassersteinWeight: 0.1 },
  MAMA: { variant: 'mama' },
};

const { values: a } = benchArgs(import.meta.url, {
  options: {
    data: { type: 'string', default: 'mnist,fashion-mnist' },
    classes: { type: 'string', default: '0,1' },
    seeds: { type: 'string', default: '0' },
    rows: { type: 'string', default: Object.keys(ROWS).join(',') },
    ...trainOptions({ epochs: '3', lr: '1e-3', batchSize: '64' }),
    'train-limit': { type: 'string', default: '2000' },
    'test-limit': { type: 'string', default: '2000' },
    backend: { type: 'string', default: 'auto' },
    name: { type: 'string', default: 'mama-ablation' },
  },
});
const datasets = a.data!.split(',');
const seeds = parseList(a.seeds, [0]);
const rowNames = a.rows!.split(',');
// the baselines (iforest, pca, knn) are rows too: fitted on the same training images, flattened
for (const r of rowNames) if (!ROWS[r] && !isBaseline(r)) throw new Error(`unknown row ${r}; rows: ${Object.keys(ROWS).join(', ')}, iforest, pca, knn`);
const epochs = Number(a.epochs), lr = Number(a.lr), batchSize = Number(a['batch-size']);
const trainLimit = a['train-limit'] === 'all' ? Infinity : Number(a['train-limit']);
const testLimit = a['test-limit'] === 'all' ? undefined : Number(a['test-limit']);

interface Run { data: string; row: string; cls: number; seed: number; auroc: number; trainSamplesPerSec: number; scoreSamplesPerSec: number; finalLoss: number | null; trainSize: number; testSize: number }
const runs: Run[] = [];
const started = Date.now();

for (const dataName of datasets) {
  if (dataName !== 'mnist' && dataName !== 'fashion-mnist') throw new Error('--data must list mnist and/or fashion-mnist');
  const names = dataName === 'mnist' ? MNIST_CLASSES : FASHION_MNIST_CLASSES;
  const load = dataName === 'mnist' ? loadMnist : loadFashionMnist;
  const trainAll = await load({ split: 'train' });
  const testAll = await load({ split: 'test', limit: testLimit });
  for (const cls of parseList(a.classes, names.map((_, i) => i))) {
    const split = oneClassSplit(trainAll, testAll, cls);
    for (const seed of seeds) {
      let train: Dataset = split.train;
      if (train.size > trainLimit) train = trainValSplit(train, 1 - trainLimit / train.size, seed + 1000).train;
      for (const row of rowNames) {
        if (isBaseline(row)) {
          const t0 = performance.now();
          const base = makeBaseline(row, seed);
          await base.fit(train);
          const trainSec = (performance.now() - t0) / 1000;
          const t1 = performance.now();
          const scores = await base.decisionFunction(split.test);
          const scoreSec = (performance.now() - t1) / 1000;
          runs.push({ data: dataName, row, cls, seed, auroc: auroc(split.test.labels!, scores), trainSamplesPerSec: train.size / trainSec, scoreSamplesPerSec: split.test.size / scoreSec, finalLoss: null, trainSize: train.size, testSize: split.test.size });
          console.log(`${dataName} class ${cls} seed ${seed} ${row.padEnd(16)} AUROC ${runs[runs.length - 1].auroc.toFixed(4)}`);
          continue;
        }
        const det = await MemAE.create({ kind: 'image', inputShape: train.sampleShape, seed, backend: a.backend as BackendChoice, ...ROWS[row] });
        const t0 = performance.now();
        // the ablation compares the networks by the paper's score, the reconstruction error (README's MAMA tables)
        const res = await det.fit(train, { epochs, batchSize, learningRate: lr, seed, progressBar: false, scoreTraining: false, codeScore: false });
        const trainSec = (performance.now() - t0) / 1000;
        const t1 = performance.now();
        const scores = await det.score(split.test, { batchSize: 500 });
        const scoreSec = (performance.now() - t1) / 1000;
        det.dispose();
        const r: Run = {
          data: dataName, row, cls, seed, auroc: auroc(split.test.labels!, scores),
          trainSamplesPerSec: (train.size * res.epochsDone) / trainSec, scoreSamplesPerSec: split.test.size / scoreSec,
          finalLoss: res.history[res.history.length - 1]?.loss ?? null, trainSize: train.size, testSize: split.test.size,
        };
        runs.push(r);
        console.log(`${dataName} class ${cls} seed ${seed} ${row.padEnd(16)} AUROC ${r.auroc.toFixed(4)}  train ${r.trainSamplesPerSec.toFixed(0)}/s  score ${r.scoreSamplesPerSec.toFixed(0)}/s  loss ${r.finalLoss?.toFixed(5)}`);
      }
    }
  }
}

const classesOf = (d: string) => [...new Set(runs.filter((r) => r.data === d).map((r) => r.cls))];
const header = ['row', ...datasets.flatMap((d) => [...classesOf(d).map((c) => `${d} ${c}`), `${d} mean`]), 'train img/s', 'score img/s'];
const rows = rowNames.map((row) => {
  const mine = runs.filter((r) => r.row === row);
  const cells = datasets.flatMap((d) => {
    const per = classesOf(d).map((c) => fmt(mine.filter((r) => r.data === d && r.cls === c).map((r) => r.auroc)));
    // mean over classes within each seed, then over seeds
    const m = seeds.map((s) => mean(mine.filter((r) => r.data === d && r.seed === s).map((r) => r.auroc)));
    return [...per, fmt(m)];
  });
  return [row, ...cells, mean(mine.map((r) => r.trainSamplesPerSec)).toFixed(0), mean(mine.map((r) => r.scoreSamplesPerSec)).toFixed(0)];
});
const md = `# MAMA Net ablation (one-class AUROC)\n\n` +
  `${epochs} epochs, lr ${lr}, batch ${batchSize}, at most ${trainLimit} training images of the normal class (seeded subset), ` +
  `${testLimit ? `first ${testLimit}` : 'all'} test images; seeds ${seeds.join(',')}; same data, order and seeds for every row. ` +
  'Throughput: training and scoring images per second, mean over runs.\n\n' + markdownTable(header, rows) +
  `\nwall time ${((Date.now() - started) / 1000).toFixed(0)} s. Command: \`npx tsx bench/mama-ablation.ts ${process.argv.slice(2).join(' ')}\`\n`;
const out = writeResults(a.name!, { args: a, rows: ROWS, runs }, md);
console.log(`\n${md}\nwrote ${out.json} and ${out.md}`);
