// k-NN distance in MemAE's code space for images, on the validation split (issue 14 item 3): the trained encoder's
// code (the memory's query, before the memory) of every training image is kept, and an image is scored by the
// distance of its code to the 5th nearest training code; alone and added to the reconstruction error. From the same
// trained MemAE (the library's image defaults and budget; `--variant ae`: the AE without memory; fitted with
// codeScore: false, the benchmark computes the code score itself, as the library's default does). Scores:
//   mse          the default (mean squared reconstruction error)
//   code-knn     distance to the 5th nearest training code (the library's KnnDetector on the codes)
//   mse+code-knn z(log mse) + z(log code-knn), each standardised by its training scores (mean / sd of the logs;
//                the k-NN's training scores leave each image itself out)
//   knn, iforest the baselines on pixels (library defaults), fitted and scored on the same images in the same run
//   mse+knn      z(log mse) + z(log pixel k-NN): a hybrid with the baseline, reported to size what the model adds
//   code-k1 / code-k3 / code-k10 / code-mean5   the code distance to the 1st / 3rd / 10th nearest, the mean of the 5
//   (code-mean5 is the library's default since 2026-12-03; the scores below are all means of the 5 nearest)
//   cos-mean5    the codes scaled to unit length (cosine distance)
//   std-mean5    each code value standardised by the training codes' mean and sd (a diagonal Mahalanobis distance)
//   multi-mean5  the previous block's output (enc{L-1}_act) beside the code, each block divided by its training
//                codes' mean length so both weigh alike (features of two scales, as PatchCore-style detectors use)
//   pca95-mean5 / pca99-mean5  the codes projected on the training codes' principal components that explain 95 % /
//                99 % of their variance (fewer values per code: a cheaper index, if it scores as well)
// Validation set as bench/one-class.ts: held-out normal training images against 4x as many training images of the
// other classes (training split only); test AUROC beside it, not used to choose.
//   LIBTORCH_NUM_THREADS=1 npx tsx bench/one-class-code-knn.ts --data fashion-mnist --seeds 0,1 --classes 0-9 --name one-class-code-knn-fashion
// Writes bench/results/<name>.json (one row per class and seed) and .md (means per seed) after every model.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { benchArgs } from './lib/args.js';
import { loadFashionMnist, loadMnist } from '../packages/memae/src/data/mnist.js';
import { oneClassSplit, trainValSplit } from '../packages/memae/src/data/split.js';
import { ArrayDataset, type Dataset } from '../packages/memae/src/data/dataset.js';
import { auroc } from '../packages/memae/src/metrics/index.js';
import { KnnDetector, MemAE } from '../packages/memae/src/index.js';
import { PcaDetector } from '../packages/memae/src/baselines/pca.js';
import { codesOf, codeWidth } from '../packages/memae/src/score/code-index.js';
import type { ModelConfig } from '../packages/memae/src/models/config.js';
import { parseList, writeResults } from './lib/results.js';
import { oneClassValidationSet, seedMeansTable, type ScoreRow } from './lib/one-class-sets.js';
import { makeBaseline } from './lib/detector.js';

const { values: a } = benchArgs(import.meta.url, {
  options: {
    data: { type: 'string', default: 'fashion-mnist' },
    seeds: { type: 'string', default: '0,1' },
    classes: { type: 'string', default: 'all' },
    variant: { type: 'string', default: 'memae' },
    name: { type: 'string' },
  },
});
if (a.data !== 'mnist' && a.data !== 'fashion-mnist') throw new Error('--data must be mnist or fashion-mnist');
if (a.variant !== 'memae' && a.variant !== 'ae') throw new Error('--variant must be memae or ae');
const seeds = parseList(a.seeds, [0]);
const classes = parseList(a.classes, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
const name = a.name ?? `one-class-code-knn-${a.data}`;
const load = a.data === 'mnist' ? loadMnist : loadFashionMnist;
const trainAll = await load({ split: 'train' });
const testAll = await load({ split: 'test' });
const SCORES = ['mse', 'code-knn', 'mse+code-knn', 'knn', 'iforest', 'mse+knn', 'code-k1', 'code-k3', 'code-k10', 'code-mean5', 'cos-mean5', 'std-mean5', 'multi-mean5', 'pca95-mean5', 'pca99-mean5'] as const;
type Score = typeof SCORES[number];
/** dims: values per code after the PCA projections */
type Row = ScoreRow<Score> & { dims?: Record<string, number> };
const rows: Row[] = [];


/** the encoder's code of every image of `d`, flattened, as a dataset of vectors (the library's, score/code-index.ts) */
function codes(net: tfl.LayersModel, cfg: ModelConfig, d: Dataset): ArrayDataset {
  return new ArrayDataset(codesOf(net, cfg, d.gather(Array.from({ length: d.size }, (_, i) => i)), d.size, 1024), [codeWidth(net, cfg)], d.labels);
}

/** the output of layer `layer` for every image of `d`, flattened */
function layerValues(net: tfl.LayersModel, layer: string, d: Dataset): { x: Float32Array; width: number } {
  const p = tfl.model({ inputs: net.inputs, outputs: net.getLayer(layer).output as tfl.SymbolicTensor });
  const width = (p.outputs[0].shape.slice(1) as number[]).reduce((q, v) => q * v, 1);
  const x = new Float32Array(d.size * width);
  for (let s = 0; s < d.size; s += 1024) {
    const m = Math.min(1024, d.size - s);
    const out = tf.tidy(() => p.apply(tf.tensor(d.gather(Array.from({ length: m }, (_, i) => s + i)), [m, ...d.sampleShape]), { training: false }) as tf.Tensor);
    x.set(out.dataSync() as Float32Array, s * width);
    out.dispose();
  }
  return { x, width };
}

/** the length of each row of `x` */
function rowLengths(x: Float32Array, width: number): Float64Array {
  const len = new Float64Array(x.length / width);
  for (let r = 0; r < len.length; r++) {
    let n = 0;
    for (let j = 0; j < width; j++) n += x[r * width + j] ** 2;
    len[r] = Math.sqrt(n);
  }
  return len;
}

/** rows of `x` scaled to unit length */
function unitRows(x: Float32Array, width: number): Float32Array {
  const len = rowLengths(x, width);
  return Float32Array.from(x, (v, i) => v * (1 / (len[Math.floor(i / width)] || 1)));
}

/** a transform fitted on the training rows: per-column standardisation */
function columnScaler(train: Float32Array, width: number): (x: Float32Array) => Float32Array {
  const rows = train.length / width, mu = new Float64Array(width), sd = new Float64Array(width);
  for (let r = 0; r < rows; r++) for (let j = 0; j < width; j++) mu[j] += train[r * width + j] / rows;
  for (let r = 0; r < rows; r++) for (let j = 0; j < width; j++) sd[j] += (train[r * width + j] - mu[j]) ** 2 / rows;
  for (let j = 0; j < width; j++) sd[j] = Math.sqrt(sd[j]) || 1;
  return (x) => Float32Array.from(x, (v, i) => (v - mu[i % width]) / sd[i % width]);
}

/** the mean row length of `x` */
function meanLength(x: Float32Array, width: number): number {
  const len = rowLengths(x, width);
  return len.reduce((a, v) => a + v, 0) / len.length || 1;
}

/** rows of two blocks side by side, each divided by its factor */
function joinBlocks(a: Float32Array, wa: number, fa: number, b: Float32Array, wb: number, fb: number): Float32Array {
  const rows = a.length / wa, out = new Float32Array(rows * (wa + wb));
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < wa; j++) out[r * (wa + wb) + j] = a[r * wa + j] / fa;
    for (let j = 0; j < wb; j++) out[r * (wa + wb) + wa + j] = b[r * wb + j] / fb;
  }
  return out;
}

/** a mean-of-5 k-NN fitted on `train` rows of `width` values */
async function meanKnn(train: Float32Array, width: number): Promise<KnnDetector> {
  const k = new KnnDetector({ method: 'mean' });
  await k.fit(new ArrayDataset(train, [width]));
  return k;
}

/** a projection on the principal components of the training rows that explain `variance` of their variance */
async function pcaProjection(train: Float32Array, width: number, variance: number): Promise<{ dims: number; project: (x: Float32Array) => Float32Array }> {
  const pca = new PcaDetector({ components: variance });
  await pca.fit(new ArrayDataset(train, [width]));
  // the fitted mean and basis (row-major [k, width]): the detector keeps them for its own score
  const { mean, basis, k } = pca as unknown as { mean: Float64Array; basis: Float64Array; k: number };
  return {
    dims: k,
    project: (x) => {
      const rows = x.length / width, out = new Float32Array(rows * k), d = new Float64Array(width);
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < width; j++) d[j] = x[r * width + j] - mean[j];
        for (let c = 0; c < k; c++) { let p = 0; for (let j = 0; j < width; j++) p += basis[c * width + j] * d[j]; out[r * k + c] = p; }
      }
      return out;
    },
  };
}

/** the variance of each column of `x` */
function columnVariances(x: Float32Array, width: number): Float64Array {
  const rows = x.length / width, v = new Float64Array(width);
  for (let j = 0; j < width; j++) {
    let m = 0, q = 0;
    for (let r = 0; r < rows; r++) m += x[r * width + j] / rows;
    for (let r = 0; r < rows; r++) q += (x[r * width + j] - m) ** 2;
    v[j] = q / (rows - 1);
  }
  return v;
}
const totalVariance = (x: Float32Array, width: number): number => columnVariances(x, width).reduce((a, b) => a + b, 0);

/** how many leading columns of the projected rows `p` explain more than `fraction` of `total` variance (as
 *  PcaDetector counts components) */
function leadingFor(p: Float32Array, width: number, total: number, fraction: number): number {
  const v = columnVariances(p, width);
  let k = 0, acc = 0;
  while (k < width && acc / total <= fraction) acc += v[k++];
  return k;
}

/** the first `k` columns of rows of `width` values */
function firstColumns(x: Float32Array, width: number, k: number): Float32Array {
  const rows = x.length / width, out = new Float32Array(rows * k);
  for (let r = 0; r < rows; r++) out.set(x.subarray(r * width, r * width + k), r * k);
  return out;
}

/** z(log s) with the mean and sd of log(training scores) */
function zLog(s: Float32Array, train: Float32Array): Float64Array {
  const lt = Array.from(train, (v) => Math.log(v + 1e-12));
  const m = lt.reduce((p, v) => p + v, 0) / lt.length;
  const sd = Math.sqrt(lt.reduce((p, v) => p + (v - m) ** 2, 0) / lt.length) || 1;
  return Float64Array.from(s, (v) => (Math.log(v + 1e-12) - m) / sd);
}
const plus = (x: Float64Array, y: Float64Array) => Float32Array.from(x, (v, i) => v + y[i]);

for (const cls of classes) for (const seed of seeds) {
  const split = oneClassSplit(trainAll, testAll, cls);
  const { train, val } = trainValSplit(split.train, 0.1, seed);
  const valSet = oneClassValidationSet(trainAll, val, cls, seed);
  const det = await MemAE.create({ kind: 'image', inputShape: train.sampleShape, variant: a.variant as 'memae' | 'ae', seed });
  await det.fit(train, { seed, validation: val, earlyStopping: { patience: 5 }, progressBar: false, scoreTraining: false, codeScore: false });
  const net = (det as unknown as { net: tfl.LayersModel }).net;
  const sets = { val: valSet, test: split.test };
  const mseTrain = await det.score(train, { batchSize: 1024 });
  const trainCodes = codes(net, det.config, train);
  const codeKnn = new KnnDetector();
  await codeKnn.fit(trainCodes);
  const others = { 'code-k1': new KnnDetector({ nNeighbors: 1 }), 'code-k3': new KnnDetector({ nNeighbors: 3 }), 'code-k10': new KnnDetector({ nNeighbors: 10 }), 'code-mean5': new KnnDetector({ method: 'mean' }) };
  for (const o of Object.values(others)) await o.fit(trainCodes);
  // the transformed codes' detectors (cos / std / multi), fitted on the training images' codes
  const L = det.config.encoderChannels.length, width = codeWidth(net, det.config);
  const prevLayer = `enc${L - 1}_act`;
  const prevTrain = layerValues(net, prevLayer, train);
  const scale = columnScaler(trainCodes.values, width);
  const fPrev = meanLength(prevTrain.x, prevTrain.width), fCode = meanLength(trainCodes.values, width);
  const multi = (prev: Float32Array, code: Float32Array) => joinBlocks(prev, prevTrain.width, fPrev, code, width, fCode);
  const cosKnn = await meanKnn(unitRows(trainCodes.values, width), width);
  const stdKnn = await meanKnn(scale(trainCodes.values), width);
  const multiKnn = await meanKnn(multi(prevTrain.x, trainCodes.values), prevTrain.width + width);
  // one eigendecomposition: the 95 % projection is the leading columns of the 99 % one
  const p99 = await pcaProjection(trainCodes.values, width, 0.99), train99 = p99.project(trainCodes.values);
  const p95 = { dims: leadingFor(train99, p99.dims, totalVariance(trainCodes.values, width), 0.95), project: (x: Float32Array) => firstColumns(p99.project(x), p99.dims, p95.dims) };
  const pca95Knn = await meanKnn(firstColumns(train99, p99.dims, p95.dims), p95.dims), pca99Knn = await meanKnn(train99, p99.dims);
  const pixKnn = makeBaseline('knn', seed), forest = makeBaseline('iforest', seed);
  await pixKnn.fit(train);
  await forest.fit(train);
  const row: Row = { cls, seed, val: {} as Row['val'], test: {} as Row['test'], dims: { code: width, pca95: p95.dims, pca99: p99.dims } };
  for (const [k, d] of Object.entries(sets) as ['val' | 'test', Dataset][]) {
    const mse = await det.score(d, { batchSize: 1024 });
    const dc = codes(net, det.config, d);
    const ck = await codeKnn.decisionFunction(dc);
    const pk = await pixKnn.decisionFunction(d);
    const s: Record<Score, Float32Array> = {
      mse, 'code-knn': ck, 'mse+code-knn': plus(zLog(mse, mseTrain), zLog(ck, codeKnn.decisionScores!)),
      knn: pk, iforest: await forest.decisionFunction(d), 'mse+knn': plus(zLog(mse, mseTrain), zLog(pk, pixKnn.decisionScores!)),
      'code-k1': await others['code-k1'].decisionFunction(dc), 'code-k3': await others['code-k3'].decisionFunction(dc),
      'code-k10': await others['code-k10'].decisionFunction(dc), 'code-mean5': await others['code-mean5'].decisionFunction(dc),
      'cos-mean5': await cosKnn.decisionFunction(new ArrayDataset(unitRows(dc.values, width), [width])),
      'std-mean5': await stdKnn.decisionFunction(new ArrayDataset(scale(dc.values), [width])),
      'multi-mean5': await multiKnn.decisionFunction(new ArrayDataset(multi(layerValues(net, prevLayer, d).x, dc.values), [prevTrain.width + width])),
      'pca95-mean5': await pca95Knn.decisionFunction(new ArrayDataset(p95.project(dc.values), [p95.dims])),
      'pca99-mean5': await pca99Knn.decisionFunction(new ArrayDataset(p99.project(dc.values), [p99.dims])),
    };
    for (const sc of SCORES) row[k][sc] = auroc(d.labels!, s[sc]);
  }
  det.dispose();
  rows.push(row);
  console.log(`${a.data} class ${cls} seed ${seed}: ${SCORES.map((k) => `${k} val ${row.val[k].toFixed(4)} test ${row.test[k].toFixed(4)}`).join(', ')}`);
  report();
}

function report(): void {
  writeResults(name, { args: a, rows }, `# ${name}\n\n${a.data}, classes ${classes.join(',')}, ${a.variant === 'ae' ? 'AE' : 'MemAE'} with the library's image defaults\n\n${seedMeansTable(rows, SCORES, seeds)}`);
}
