// MNIST one-class benchmark: digit 0 is normal. Train on the digit-0 images among the first MNIST training
// images (up to 2000 of them), 5 epochs; score the full MNIST test set (digit 0 normal, 1-9 anomalous).
//   npx tsx bench/mnist-memae.ts [--variant memae|memae-nonspar|ae] [--epochs 5] [--limit 2000] [--digit 0]
//                                [--batch 32] [--lr 0.001] [--seed 0] [--backend auto|libtorch|cpu] [--lambda 0.01] [--tag name]
// Prints AUROC and writes bench/results/mnist-memae-<variant>[-<tag>].json (and .md).
import { benchArgs } from './lib/args.js';
import * as tf from '@tensorflow/tfjs-core';
import { MemAE, type Variant } from '../packages/memae/src/index.js';
import { loadMnist } from '../packages/memae/src/data/mnist.js';
import { ArrayDataset } from '../packages/memae/src/data/dataset.js';
import { auroc, averagePrecision } from '../packages/memae/src/metrics/index.js';
import { markdownTable, writeResults } from './lib/results.js';

const { values: a } = benchArgs(import.meta.url, {
  options: {
    variant: { type: 'string', default: 'memae' }, epochs: { type: 'string', default: '5' }, limit: { type: 'string', default: '2000' },
    digit: { type: 'string', default: '0' }, batch: { type: 'string', default: '32' }, lr: { type: 'string', default: '0.001' },
    seed: { type: 'string', default: '0' }, backend: { type: 'string', default: 'auto' }, lambda: { type: 'string' }, tag: { type: 'string' },
  },
});
const digit = Number(a.digit);
const limit = Number(a.limit);
const variant = a.variant as Variant;

const trainAll = await loadMnist({ split: 'train' });
const keep: number[] = [];
for (let i = 0; i < trainAll.size && keep.length < limit; i++) if (trainAll.classes![i] === digit) keep.push(i);
const train = trainAll.subset(keep);
const testAll = await loadMnist({ split: 'test' });
const test = new ArrayDataset(testAll.values, testAll.sampleShape, Uint8Array.from(testAll.classes!, (c) => (c === digit ? 0 : 1)), testAll.classes);
console.log(`train: ${train.size} images of digit ${digit} (from the first ${keep[keep.length - 1] + 1} training images); test: ${test.size} images, ${test.labels!.reduce((s, v) => s + v, 0)} anomalies`);

const det = await MemAE.create({ kind: 'image', variant, inputShape: [28, 28, 1], seed: Number(a.seed), backend: a.backend as 'auto', ...(a.lambda !== undefined ? { shrinkThreshold: Number(a.lambda) } : {}) });
const backend = tf.getBackend();
console.log(`backend ${backend}; model ${variant}: encoder [${det.config.encoderChannels}], N = ${det.config.slots}, lambda = ${det.config.shrinkThreshold}, alpha = ${det.config.entropyWeight}; ${det.model.countParams()} parameters`);

const t0 = performance.now();
const fit = await det.fit(train, {
  epochs: Number(a.epochs), batchSize: Number(a.batch), learningRate: Number(a.lr), seed: Number(a.seed),
  codeScore: false, // the paper's score, the reconstruction error (what docs/api.md's figures measure)
  onProgress: (e) => { if (e.phase === 'epoch') console.log(`epoch ${e.epoch}/${e.epochs}: loss ${e.loss.toFixed(5)} (mse ${e.mse.toFixed(5)}, entropy ${e.entropy.toFixed(4)}), ${e.samplesPerSec.toFixed(1)} samples/s`); },
});
const trainSeconds = (performance.now() - t0) / 1000;
const t1 = performance.now();
const scores = await det.score(test);
const scoreSeconds = (performance.now() - t1) / 1000;
const auc = auroc(test.labels!, scores);
const ap = averagePrecision(test.labels!, scores);
const perDigit = Array.from({ length: 10 }, (_, d) => d).filter((d) => d !== digit).map((d) => {
  const idx = Array.from(test.classes!.keys()).filter((i) => test.classes![i] === d || test.classes![i] === digit);
  return { digit: d, auroc: auroc(idx.map((i) => test.labels![i]), idx.map((i) => scores[i])) };
});
let fallbacks: string[] = [];
if (backend === 'libtorch') fallbacks = (await import('tfjs-backend-libtorch')).fallbackKernelsUsed();

console.log(`AUROC ${auc.toFixed(4)}  (average precision ${ap.toFixed(4)}); train ${trainSeconds.toFixed(1)} s (${(train.size * fit.epochsDone / trainSeconds).toFixed(1)} samples/s), score ${scoreSeconds.toFixed(1)} s (${(test.size / scoreSeconds).toFixed(0)} samples/s)`);
const result = {
  bench: 'mnist-memae', normalDigit: digit, variant, backend, fallbackKernels: fallbacks, trainImages: train.size, testImages: test.size,
  epochs: fit.epochsDone, batchSize: Number(a.batch), learningRate: Number(a.lr), seed: Number(a.seed), config: det.config,
  auroc: auc, averagePrecision: ap, aurocVsDigit: perDigit, history: fit.history,
  trainSeconds, trainSamplesPerSec: (train.size * fit.epochsDone) / trainSeconds, scoreSeconds, scoreSamplesPerSec: test.size / scoreSeconds,
  node: process.version, date: new Date().toISOString(),
};
const md = `# MNIST one-class (digit ${digit} normal), ${variant}\n\n` + markdownTable(
  ['variant', 'train images', 'epochs', 'AUROC', 'AP', 'train samples/s', 'score samples/s', 'backend'],
  [[variant, String(train.size), String(fit.epochsDone), auc.toFixed(4), ap.toFixed(4), result.trainSamplesPerSec.toFixed(1), result.scoreSamplesPerSec.toFixed(0), backend]],
);
const out = writeResults(`mnist-memae-${variant}${a.tag ? `-${a.tag}` : ''}`, result, md);
console.log(`wrote ${out.json}`);
det.dispose();
