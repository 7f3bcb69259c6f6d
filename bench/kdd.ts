// KDD Cup 99 under the MemAE / DAGMM protocol (see docs/data.md): train on a seeded half of the attack rows
// ("normal"), threshold at the 80th percentile of the train + test scores (20% contamination, as DAGMM's code),
// precision / recall / F1 of the anomaly class (`normal.` rows) on the test set; AE and MemAE, several seeds.
// The learning rate (grid) and early stopping use a validation split of the training rows only.
//
//   npx tsx bench/kdd.ts --seeds 0,1,2 --epochs 50
// --arch paper (default: the paper's MLP 120-60-30-10-3, as the figures in the README) or --arch default (the
// library's tabular default, sized from the feature count).
//   quick: npx tsx bench/kdd.ts --seeds 0 --epochs 1 --train-limit 5000 --eval-limit 20000
import { parseArgs } from 'node:util';
import { kddSplit, readKddTable, KDD_CONTAMINATION } from '../packages/memae/src/data/kdd.js';
import { trainValSplit } from '../packages/memae/src/data/split.js';
import type { Dataset } from '../packages/memae/src/data/dataset.js';
import { auroc, reportAtThreshold, thresholdFromContamination } from '../packages/memae/src/metrics/index.js';
import { fmt } from './lib/stats.js';
import { markdownTable, writeResults } from './lib/results.js';
import { fitDetector, VARIANT_NAMES, type BenchVariant } from './lib/detector.js';
import { optionalNumber, readSelection, selectionOptions } from './lib/options.js';

const { values: a } = parseArgs({
  options: {
    ...selectionOptions({ seeds: '0,1,2', variants: 'ae,memae', epochs: '50', lr: '1e-4', batchSize: '1024' }),
    'eval-limit': { type: 'string' },
    backend: { type: 'string' },
    name: { type: 'string', default: 'kdd' },
    arch: { type: 'string', default: 'paper' },
  },
});
const { seeds, variants, lrs, epochs, batchSize, patience, valFraction, trainLimit } = readSelection(a);
// quick runs only: score a seeded random subset of this many train and this many test rows
const evalLimit = optionalNumber(a['eval-limit']);
if (a.arch !== 'paper' && a.arch !== 'default') throw new Error(`--arch must be paper or default, got ${a.arch}`);
const encoderChannels = a.arch === 'paper' ? [120, 60, 30, 10, 3] : undefined;
const subsample = (d: Dataset, seed: number): Dataset => (evalLimit && d.size > evalLimit ? trainValSplit(d, evalLimit / d.size, seed).val : d);

interface Run { variant: BenchVariant; seed: number; precision: number; recall: number; f1: number; auroc: number; threshold: number; lr: number; epochs: number; valMse: number; seconds: number }
const runs: Run[] = [];
const started = Date.now();

const table = await readKddTable();
for (const seed of seeds) {
  const kdd = kddSplit(table, { seed });
  let trainPool: Dataset = kdd.train;
  if (trainLimit && trainPool.size > trainLimit) trainPool = trainValSplit(trainPool, 1 - trainLimit / trainPool.size, seed + 1000).train;
  const { train, val } = trainValSplit(trainPool, valFraction, seed);
  for (const variant of variants) {
    const t0 = performance.now();
    let best: Awaited<ReturnType<typeof fitDetector>> | undefined;
    let bestLr = lrs[0];
    for (const lr of lrs) {
      const det = await fitDetector(variant, train, val, { seed, lr, epochs, batchSize, patience, backend: a.backend, kind: 'tabular', encoderChannels });
      if (!best || det.valMse < best.valMse) {
        best?.dispose();
        best = det;
        bestLr = lr;
      } else det.dispose();
    }
    const evalTrain = subsample(kdd.train, seed + 2000);
    const evalTest = subsample(kdd.test, seed + 3000);
    const trainScores = await best!.score(evalTrain);
    const testScores = await best!.score(evalTest);
    best!.dispose();
    const all = new Float32Array(trainScores.length + testScores.length);
    all.set(trainScores);
    all.set(testScores, trainScores.length);
    const threshold = thresholdFromContamination(all, KDD_CONTAMINATION);
    const rep = reportAtThreshold(evalTest.labels!, testScores, threshold);
    const r: Run = {
      variant, seed, precision: rep.precision, recall: rep.recall, f1: rep.f1, auroc: auroc(evalTest.labels!, testScores), threshold,
      lr: bestLr, epochs: best!.epochs, valMse: best!.valMse, seconds: (performance.now() - t0) / 1000,
    };
    runs.push(r);
    console.log(`KDD seed ${seed} ${VARIANT_NAMES[variant]}: P ${r.precision.toFixed(4)} R ${r.recall.toFixed(4)} F1 ${r.f1.toFixed(4)} AUROC ${r.auroc.toFixed(4)} (lr ${r.lr}, ${r.epochs} epochs, ${r.seconds.toFixed(0)} s)`);
  }
}

const col = (v: BenchVariant, k: 'precision' | 'recall' | 'f1' | 'auroc') => fmt(runs.filter((r) => r.variant === v).map((r) => r[k]));
const md = `# KDD Cup 99 (10% file), MemAE / DAGMM protocol\n\n` +
  `MLP ${encoderChannels ? encoderChannels.join('-') + ' (the paper\'s)' : 'the library default (sized from the feature count)'}; seeds ${seeds.join(',')}, up to ${epochs} epochs (early stopping, patience ${patience}), lr grid ${lrs.join('/')} chosen on a ${valFraction} validation split of the training rows` +
  `${trainLimit ? `, at most ${trainLimit} training rows` : ''}${evalLimit ? `, scored on ${evalLimit} random train and ${evalLimit} random test rows (quick run)` : ''}; threshold at the 80th percentile of train + test scores. Mean ± sample std over seeds.\n\n` +
  markdownTable(['model', 'precision', 'recall', 'F1', 'AUROC'], variants.map((v) => [VARIANT_NAMES[v], col(v, 'precision'), col(v, 'recall'), col(v, 'f1'), col(v, 'auroc')])) +
  `\nPaper (MemAE, ICCV 2019): AE 0.9328 / 0.9356 / 0.9342, MemAE 0.9627 / 0.9655 / 0.9641.\n` +
  `\nwall time ${((Date.now() - started) / 1000).toFixed(0)} s. Command: \`npx tsx bench/kdd.ts ${process.argv.slice(2).join(' ')}\`\n`;
const out = writeResults(a.name!, { args: a, runs }, md);
console.log(`\n${md}\nwrote ${out.json} and ${out.md}`);
