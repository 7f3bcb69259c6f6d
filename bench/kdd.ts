// KDD Cup 99 under the MemAE / DAGMM protocol (see docs/data.md): train on a seeded half of the attack rows
// ("normal"), threshold at the 80th percentile of the train + test scores (20% contamination, as DAGMM's code),
// precision / recall / F1 of the anomaly class (`normal.` rows) on the test set; AE and MemAE, several seeds.
// The learning rate (grid) and early stopping use a validation split of the training rows only.
//
//   npx tsx bench/kdd.ts --seeds 0,1,2 --epochs 50
// --arch paper (default: the paper's MLP 120-60-30-10-3, as the figures in the README) or --arch default (the
// library's tabular default, sized from the feature count).
//   quick: npx tsx bench/kdd.ts --seeds 0 --epochs 1 --train-limit 5000 --eval-limit 20000
// The README's recipe (log1p of heavy-tailed columns, distinct training rows, isolation forest beside):
//   npx tsx bench/kdd.ts --seeds 0 --dedup --log auto --epochs 60 --patience 1000 --lr 1e-3 --batch-size 256 --iforest
// Each model also prints a validation criterion from the training rows only (bench/lib/shuffled-columns.ts).
import { benchArgs } from './lib/args.js';
import { kddSplit, readKddTable, KDD_CONTAMINATION, type KddData } from '../packages/memae/src/data/kdd.js';
import { select, trainValSplit } from '../packages/memae/src/data/split.js';
import { distinctIndices } from '../packages/memae/src/data/distinct.js';
import { shuffledColumnsAuroc } from './lib/shuffled-columns.js';
import type { Dataset } from '../packages/memae/src/data/dataset.js';
import { auroc, reportAtThreshold, thresholdFromContamination } from '../packages/memae/src/metrics/index.js';
import { fmt } from './lib/stats.js';
import { markdownTable, writeResults } from './lib/results.js';
import { fitBest, VARIANT_NAMES, type BenchVariant } from './lib/detector.js';
import { optionalNumber, readSelection, selectionOptions } from './lib/options.js';

const { values: a } = benchArgs(import.meta.url, {
  options: {
    ...selectionOptions({ seeds: '0,1,2', variants: 'ae,memae', epochs: '50', lr: '1e-4', batchSize: '1024' }),
    'eval-limit': { type: 'string' },
    backend: { type: 'string' },
    name: { type: 'string', default: 'kdd' },
    arch: { type: 'string', default: 'paper' },
    // preprocessing / training-set candidates (docs/data.md, KDD): log1p columns before min-max, distinct training rows
    log: { type: 'string' },
    dedup: { type: 'boolean', default: false },
    // the baseline in the same run: isolation forest (100 trees of 256 rows) fitted on the same training rows
    iforest: { type: 'boolean', default: false },
    // the library's seed ensemble size (default: the library's default for tables, 3 networks)
    members: { type: 'string' },
  },
});
const { seeds, variants, lrs, epochs, batchSize, patience, valFraction, trainLimit } = readSelection(a);
// quick runs only: score a seeded random subset of this many train and this many test rows
const evalLimit = optionalNumber(a['eval-limit']);
if (a.arch !== 'paper' && a.arch !== 'default') throw new Error(`--arch must be paper or default, got ${a.arch}`);
const encoderChannels = a.arch === 'paper' ? [120, 60, 30, 10, 3] : undefined;
const ensemble = optionalNumber(a.members);
const subsample = (d: Dataset, seed: number): Dataset => (evalLimit && d.size > evalLimit ? trainValSplit(d, evalLimit / d.size, seed).val : d);

interface Run { variant: BenchVariant; seed: number; precision: number; recall: number; f1: number; auroc: number; threshold: number; valShuffledAuroc: number; valFprAt80: number; trainRows: number; lr: number; epochs: number; valMse: number; seconds: number }
// --iforest: isolation forest on the same training rows, after the models
const models: BenchVariant[] = [...variants, ...(a.iforest && !variants.includes('iforest') ? ['iforest' as const] : [])];
const runs: Run[] = [];
const started = Date.now();

const table = await readKddTable();
for (const seed of seeds) {
  const log = a.log === 'auto' ? 'auto' : a.log ? a.log.split(',') : undefined;
  const kdd = kddSplit(table, { seed, ...(log ? { log } : {}) });
  let trainPool: Dataset = kdd.train;
  if (trainLimit && trainPool.size > trainLimit) trainPool = trainValSplit(trainPool, 1 - trainLimit / trainPool.size, seed + 1000).train;
  const split = trainValSplit(trainPool, valFraction, seed);
  // --dedup: the distinct rows of the train part; the validation part keeps the rows' own distribution
  const train = a.dedup ? select(split.train, distinctIndices(split.train)) : split.train;
  const val = split.val;
  for (const variant of models) {
    const t0 = performance.now();
    const { det: best, lr: bestLr } = await fitBest(variant, train, val, lrs, { seed, epochs, batchSize, patience, backend: a.backend, kind: 'tabular', encoderChannels, ensemble });
    const r = await evaluate(variant, seed, best.score, val, kdd, train.size, { lr: bestLr, epochs: best.epochs, valMse: best.valMse, t0 });
    best.dispose();
    report(r);
  }
}

function report(r: Run): void {
  runs.push(r);
  console.log(`KDD seed ${r.seed} ${VARIANT_NAMES[r.variant]}: P ${r.precision.toFixed(4)} R ${r.recall.toFixed(4)} F1 ${r.f1.toFixed(4)} AUROC ${r.auroc.toFixed(4)}; validation: shuffled-columns AUROC ${r.valShuffledAuroc.toFixed(4)}, FPR@80 ${r.valFprAt80.toFixed(4)} (${r.trainRows} training rows, lr ${r.lr}, ${r.epochs} epochs, ${r.seconds.toFixed(0)} s)`);
}

// threshold at the contamination percentile of train + test scores; P / R / F1 / AUROC on the test rows
async function evaluate(
  variant: BenchVariant, seed: number, score: (d: Dataset) => Promise<Float32Array>, val: Dataset, kdd: KddData, trainRows: number,
  fit: { lr: number; epochs: number; valMse: number; t0: number },
): Promise<Run> {
  // validation criterion (training rows only): held-out rows vs the same rows with every raw column permuted apart
  const vc = await shuffledColumnsAuroc(score, val, kdd.preprocessor, seed + 4000);
  const evalTrain = subsample(kdd.train, seed + 2000);
  const evalTest = subsample(kdd.test, seed + 3000);
  const trainScores = await score(evalTrain);
  const testScores = await score(evalTest);
  const all = new Float32Array(trainScores.length + testScores.length);
  all.set(trainScores);
  all.set(testScores, trainScores.length);
  const threshold = thresholdFromContamination(all, KDD_CONTAMINATION);
  const rep = reportAtThreshold(evalTest.labels!, testScores, threshold);
  return {
    variant, seed, precision: rep.precision, recall: rep.recall, f1: rep.f1, auroc: auroc(evalTest.labels!, testScores), threshold,
    valShuffledAuroc: vc.auroc, valFprAt80: vc.fprAt80, trainRows,
    lr: fit.lr, epochs: fit.epochs, valMse: fit.valMse, seconds: (performance.now() - fit.t0) / 1000,
  };
}

const col = (v: BenchVariant, k: 'precision' | 'recall' | 'f1' | 'auroc' | 'valShuffledAuroc' | 'valFprAt80') => fmt(runs.filter((r) => r.variant === v).map((r) => r[k]));
const md = `# KDD Cup 99 (10% file), MemAE / DAGMM protocol\n\n` +
  `MLP ${encoderChannels ? encoderChannels.join('-') + ' (the paper\'s)' : 'the library default (sized from the feature count)'}, ${ensemble === undefined ? 'the library\'s default seed ensemble per model' : `${ensemble} network(s) per model`}; seeds ${seeds.join(',')}, up to ${epochs} epochs (early stopping, patience ${patience}), lr grid ${lrs.join('/')} chosen on a ${valFraction} validation split of the training rows` +
  `${a.log ? `, log1p columns: ${a.log}` : ''}${a.dedup ? ', distinct training rows only' : ''}${trainLimit ? `, at most ${trainLimit} training rows` : ''}${evalLimit ? `, scored on ${evalLimit} random train and ${evalLimit} random test rows (quick run)` : ''}; threshold at the 80th percentile of train + test scores. Mean ± sample std over seeds.\n\n` +
  markdownTable(['model', 'precision', 'recall', 'F1', 'AUROC', 'val shuffled AUROC', 'val FPR@80'], models.map((v) => [VARIANT_NAMES[v], col(v, 'precision'), col(v, 'recall'), col(v, 'f1'), col(v, 'auroc'), col(v, 'valShuffledAuroc'), col(v, 'valFprAt80')])) +
  `\nPaper (MemAE, ICCV 2019): AE 0.9328 / 0.9356 / 0.9342, MemAE 0.9627 / 0.9655 / 0.9641.\n` +
  `\nwall time ${((Date.now() - started) / 1000).toFixed(0)} s. Command: \`npx tsx bench/kdd.ts ${process.argv.slice(2).join(' ')}\`\n`;
const out = writeResults(a.name!, { args: a, runs }, md);
console.log(`\n${md}\nwrote ${out.json} and ${out.md}`);
