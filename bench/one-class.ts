// One-class protocol on MNIST / Fashion-MNIST: for every class c, train on the training images of c, test on the
// whole test set (other classes = anomalies), AUROC per class; AE, MemAE-nonSpar and MemAE side by side with the
// baselines (iforest, pca, knn: fitted on the same training images, flattened), several seeds (mean ± sample std).
// Hyperparameters (learning-rate grid, early stopping) are chosen on a validation split of the normal training
// images only; the test set is only scored once, with the chosen model.
//
//   npx tsx bench/one-class.ts --data mnist --classes 0-9 --seeds 0,1,2
//   (--epochs, --lr, --batch-size: 'default', the library's image budget (train/defaults.ts: 10 passes at batch 64,
//   lr 1e-3, at least 500 steps), unless given; --lr takes a grid, chosen on the validation split)
//   quick: npx tsx bench/one-class.ts --data fashion-mnist --classes 0,1 --seeds 0 --epochs 1 --train-limit 500 --test-limit 1000
//
// Results are rewritten after every model, and a run with the --name of an earlier one (same data and recipe)
// reuses that file's finished models: an interrupted run resumes, and more seeds can be added later. A file of
// another recipe is never overwritten (the run stops and says so).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchArgs } from './lib/args.js';
import { loadFashionMnist, loadMnist, FASHION_MNIST_CLASSES, MNIST_CLASSES } from '../packages/memae/src/data/mnist.js';
import { oneClassSplit, trainValSplit } from '../packages/memae/src/data/split.js';
import { auroc, averagePrecision } from '../packages/memae/src/metrics/index.js';
import type { Dataset } from '../packages/memae/src/data/dataset.js';
import { fmt, mean } from './lib/stats.js';
import { markdownTable, parseList, resultsDir, writeResults } from './lib/results.js';
import { oneClassValidationSet } from './lib/one-class-sets.js';
import { fitBest, meanScores, VARIANT_NAMES, type BenchVariant } from './lib/detector.js';
import { optionalNumber, readSelection, selectionOptions } from './lib/options.js';

const { values: a } = benchArgs(import.meta.url, {
  options: {
    data: { type: 'string', default: 'mnist' },
    classes: { type: 'string', default: 'all' },
    ...selectionOptions({ seeds: '0,1,2', variants: 'ae,memae-nonspar,memae', epochs: 'default', lr: 'default', batchSize: 'default' }),
    'test-limit': { type: 'string' },
    // networks per model (bench-level seed ensemble, scores averaged); the first network's figures are kept too
    members: { type: 'string', default: '1' },
    // images' score: 'code' (the library's default: mean distance to the 5 nearest training codes; runs made before
    // 2026-12-03 used the distance to the 5th) or 'mse' (the reconstruction error; the README's older tables)
    score: { type: 'string', default: 'code' },
    backend: { type: 'string' },
    name: { type: 'string' },
  },
});

const dataName = a.data!;
if (dataName !== 'mnist' && dataName !== 'fashion-mnist') throw new Error('--data must be mnist or fashion-mnist');
const classNames = dataName === 'mnist' ? MNIST_CLASSES : FASHION_MNIST_CLASSES;
const classes = parseList(a.classes, classNames.map((_, i) => i));
const { seeds, variants, lrs, epochs, batchSize, patience, valFraction, trainLimit } = readSelection(a);
const testLimit = optionalNumber(a['test-limit']);
const members = Number(a.members);
if (!Number.isInteger(members) || members < 1) throw new Error(`--members must be a whole number >= 1, got ${a.members}`);
if (a.score !== 'code' && a.score !== 'mse') throw new Error(`--score must be code or mse, got ${a.score}`);

const load = dataName === 'mnist' ? loadMnist : loadFashionMnist;
const trainAll = await load({ split: 'train' });
const testAll = await load({ split: 'test', limit: testLimit });

interface Run {
  variant: BenchVariant; cls: number; seed: number; auroc: number; ap: number; lr: number; epochs: number; valMse: number; trainSeconds: number; trainSize: number;
  /** AUROC on the validation set: the held-out normal images against 4x as many training images of the other classes */
  valAuroc?: number;
  /** --members > 1: each network's test and validation AUROC (the first is the one-network model) */
  memberAuroc?: number[]; memberValAuroc?: number[];
}
const name = a.name ?? `one-class-${dataName}`;
// the recipe a reused result must share with this invocation (seeds, classes and variants may differ)
const recipeKeys = ['data', 'epochs', 'lr', 'batch-size', 'patience', 'val-fraction', 'train-limit', 'test-limit', 'members', 'score'] as const;
const selected = (r: { variant: BenchVariant; cls: number; seed: number }) => variants.includes(r.variant) && classes.includes(r.cls) && seeds.includes(r.seed);
const runKey = (r: { variant: BenchVariant; cls: number; seed: number }) => `${r.variant}/${r.cls}/${r.seed}`;
const prior = readPrior();
const runs: Run[] = [];
const started = Date.now();

for (const cls of classes) {
  const split = oneClassSplit(trainAll, testAll, cls);
  for (const seed of seeds) {
    // the normal training images of this class, optionally limited (seeded), then a seeded validation split
    let normal: Dataset = split.train;
    if (trainLimit && normal.size > trainLimit) normal = trainValSplit(normal, 1 - trainLimit / normal.size, seed + 1000).train;
    const { train, val } = trainValSplit(normal, valFraction, seed);
    const valSet = oneClassValidationSet(trainAll, val, cls, seed, classNames.length);
    for (const variant of variants) {
      const done = prior.runs.find((r) => r.variant === variant && r.cls === cls && r.seed === seed);
      if (done) {
        runs.push(done);
        continue;
      }
      const t0 = performance.now();
      // model selection on the validation reconstruction error of normal images (never the test set)
      const { det, lr } = await fitBest(variant, train, val, lrs, { seed, epochs, batchSize, patience, backend: a.backend, members, codeScore: a.score === 'code' });
      // each network's scores once; the model's are their mean
      const testEach = await det.memberScores(split.test), valEach = await det.memberScores(valSet);
      const scores = meanScores(testEach), valScores = meanScores(valEach);
      const perMember = members > 1 ? { memberAuroc: testEach.map((s) => auroc(split.test.labels!, s)), memberValAuroc: valEach.map((s) => auroc(valSet.labels!, s)) } : {};
      det.dispose();
      const r: Run = {
        variant, cls, seed,
        auroc: auroc(split.test.labels!, scores),
        ap: averagePrecision(split.test.labels!, scores),
        lr, epochs: det.epochs, valMse: det.valMse,
        trainSeconds: (performance.now() - t0) / 1000, trainSize: train.size,
        valAuroc: auroc(valSet.labels!, valScores), ...perMember,
      };
      runs.push(r);
      report();
      console.log(`${dataName} class ${cls} (${classNames[cls]}) seed ${seed} ${VARIANT_NAMES[variant]}: AUROC ${r.auroc.toFixed(4)} (lr ${r.lr}, ${r.epochs} epochs, val MSE ${r.valMse.toFixed(5)}, ${r.trainSeconds.toFixed(0)} s)`);
    }
  }
}


/** The training budget in words: the library's default or the options given. */
function budgetText(): string {
  const lr = lrs.length === 1 && lrs[0] === undefined ? 'the library\'s lr' : `lr ${lrs.join('/')}`;
  const length = epochs === undefined ? 'the library\'s default budget (10 passes, at least 500 steps)' : `up to ${epochs} epochs`;
  return `${length}, ${lr}, batch ${batchSize ?? 'the library\'s'}`;
}

function report(): string {
  const pick = (v: BenchVariant, c?: number) => runs.filter((r) => r.variant === v && (c === undefined || r.cls === c));
  // mean over classes per seed, then mean ± std over seeds
  const perSeedMean = (v: BenchVariant) => seeds.map((s) => mean(pick(v).filter((r) => r.seed === s).map((r) => r.auroc)));
  const rows = classes.map((c) => [classNames[c] === String(c) ? String(c) : `${c} ${classNames[c]}`, ...variants.map((v) => fmt(pick(v, c).map((r) => r.auroc)))]);
  rows.push(['**mean**', ...variants.map((v) => fmt(perSeedMean(v)))]);
  const title = `# One-class AUROC, ${dataName}\n\n` +
    `classes ${classes.join(',')}, seeds ${seeds.join(',')}, ${members > 1 ? `${members} networks per model (member seeds, scores averaged), ` : ''}${budgetText()} (early stopping, patience ${patience}, on a ${valFraction} validation split of the normal training images${lrs.length > 1 ? `; lr grid ${lrs.join('/')} chosen there` : ''})` +
    `${trainLimit ? `, at most ${trainLimit} training images per class` : ''}${testLimit ? `, first ${testLimit} test images` : ''}. Mean ± sample std over seeds; the mean row averages over classes within a seed first.\n\n`;
  const wallSeconds = prior.wallSeconds + (Date.now() - started) / 1000;
  // validation AUROC (training split only) and, for ensembles, the first network alone: mean over classes per seed
  const seedMeans = (v: BenchVariant, f: (r: Run) => number | undefined) => seeds.map((s) => pick(v).filter((r) => r.seed === s).map(f)).filter((xs) => xs.length && xs.every((x) => x !== undefined)).map((xs) => mean(xs as number[]));
  const extra = [
    ['validation AUROC (held-out normal vs 4x other classes\' training images)', (r: Run) => r.valAuroc],
    ...(members > 1 ? [['first network alone: test AUROC', (r: Run) => r.memberAuroc?.[0]], ['first network alone: validation AUROC', (r: Run) => r.memberValAuroc?.[0]]] as const : []),
  ] as const;
  const extraRows = extra.map(([label, f]) => [label, ...variants.map((v) => { const m = seedMeans(v, f); return m.length ? fmt(m) : '-'; })]);
  const md = title + markdownTable(['class', ...variants.map((v) => VARIANT_NAMES[v])], [...rows, ...extraRows]) +
    `\nwall time ${wallSeconds.toFixed(0)} s${prior.runs.length ? ' (summed over the invocations that made this file)' : ''}. Command: \`npx tsx bench/one-class.ts ${process.argv.slice(2).join(' ')}\`\n`;
  // the file keeps every earlier model this run has not reached (yet): other classes, seeds or variants, and the
  // selected ones still ahead, so an interrupted run loses nothing
  const reached = new Set(runs.map(runKey));
  const kept = prior.runs.filter((r) => !reached.has(runKey(r)));
  const out = writeResults(name, { data: dataName, args: a, wallSeconds, runs: [...runs, ...kept], summary: Object.fromEntries(variants.map((v) => [v, { perSeedMean: perSeedMean(v) }])) }, md);
  return `\n${md}\nwrote ${out.json} and ${out.md}`;
}

/** Finished models of an earlier run with the same name and recipe (none if the file is absent; a file of another
 *  recipe stops the run). */
function readPrior(): { runs: Run[]; wallSeconds: number } {
  const file = join(resultsDir, `${name}.json`);
  if (!existsSync(file)) return { runs: [], wallSeconds: 0 };
  const old = JSON.parse(readFileSync(file, 'utf8')) as { args: Record<string, unknown>; runs: Run[]; wallSeconds?: number };
  const args = a as Record<string, unknown>;
  // files written before --members existed hold one-network models
  // and before --score existed, reconstruction errors
  const was = (k: string) => old.args[k] ?? (k === 'members' ? '1' : k === 'score' ? 'mse' : null);
  const differs = recipeKeys.filter((k) => was(k) !== (args[k] ?? null));
  if (differs.length) {
    // never overwrite results made with another recipe
    console.error(`${file} holds results of another recipe (${differs.join(', ')} differ): choose another --name, or delete the file to start afresh`);
    process.exit(2);
  }
  const reused = old.runs.filter(selected).length;
  console.log(`${file}: reusing ${reused} finished models${reused < old.runs.length ? ` (and keeping ${old.runs.length - reused} outside this selection in the file)` : ''}`);
  // files written before wall time was recorded: the models' own training + scoring time
  return { runs: old.runs, wallSeconds: old.wallSeconds ?? old.runs.reduce((t, r) => t + r.trainSeconds, 0) };
}

console.log(report());
