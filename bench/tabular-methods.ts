// The detectors of the tabular benchmark, each fitted on the unlabelled training part and scored on the other:
// baselines (isolation forest, PCA, k-NN) and memae's variants. A method is "name" or "name:key=value,...", e.g.
// "memae:steps=3000,lr=0.003" (steps, lr, batch, members = the library's ensemble size, ens = seeds rank-averaged, trim = trimFraction, noise = inputNoise, refit = refitFraction,
// floor = the step floor, rs=0 = residualScore false: the plain mean squared error, fbag / rbag = feature- / row-bagged members).
import { MemAE, PcaDetector, type Variant } from '../packages/memae/src/index.js';
import { makeBaseline } from './lib/detector.js';
import type { Split } from './tabular-data.js';
import { codeDistances } from '../packages/memae/src/score/code-distance.js';
import { residualScaleOf, type ResidualScale } from '../packages/memae/src/score/residual-scale.js';
import { meanOfResults } from '../packages/memae/src/detector/ensemble.js';
import { tabularBatch, tabularSteps } from '../packages/memae/src/train/defaults.js';
import { tabularEncoder } from '../packages/memae/src/models/config.js';
import { mixSeeds, seededRng, shuffleInPlace } from '../packages/memae/src/data/random.js';

export interface MethodSpec { id: string; name: string; opts: Record<string, number> }

export function parseMethod(id: string): MethodSpec {
  const [name, rest] = id.split(':');
  const opts: Record<string, number> = {};
  for (const kv of rest ? rest.split(',') : []) {
    const [k, v] = kv.split('=');
    if (!k || !Number.isFinite(Number(v))) throw new Error(`bad method option "${kv}" in ${id}`);
    opts[k] = Number(v);
  }
  if (!['iforest', 'pca', 'knn', 'ae', 'memae', 'memae-nonspar', 'mama'].includes(name)) throw new Error(`unknown method ${name}`);
  return { id, name, opts };
}

/** Average ranks (ties share their mean rank), 0..1: rank-averaging puts seeds' scores on one scale. */
function ranks(s: Float32Array): Float64Array {
  const order = Array.from(s.keys()).sort((a, b) => s[a] - s[b]);
  const r = new Float64Array(s.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && s[order[j + 1]] === s[order[i]]) j++;
    for (let k = i; k <= j; k++) r[order[k]] = (i + j) / 2 / Math.max(1, s.length - 1);
    i = j + 1;
  }
  return r;
}

/** Per-feature standardised reconstruction error: each feature's squared error over its mean on the training part. */
function standardisedError(trainMaps: Float32Array, testMaps: Float32Array, f: number): Float32Array {
  const scale = new Float64Array(f);
  const n = trainMaps.length / f;
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) scale[j] += trainMaps[i * f + j] / n;
  const out = new Float32Array(testMaps.length / f);
  for (let i = 0; i < out.length; i++) { let s = 0; for (let j = 0; j < f; j++) s += testMaps[i * f + j] / (scale[j] + 1e-8); out[i] = s / f; }
  return out;
}

/** Components of a PCA on the training rows that explain `fraction` of the variance (candidate code size). */
async function pcaCode(train: Float32Array, f: number, fraction: number): Promise<number> {
  const p = new PcaDetector({ components: fraction });
  await p.fit({ values: train, shape: [train.length / f, f] });
  return p.keptComponents;
}

const clampInt = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
/** Candidate "arch=1": widths 2F and F, a code of sqrt(F) units (validation: lost on kdd-sa and digits). */
const sqrtCodeEncoder = (f: number): number[] => [clampInt(2 * f, 16, 128), clampInt(f, 8, 64), clampInt(Math.round(Math.sqrt(f)), 2, 16)];

const meanRanks = (list: Float32Array[]): Float32Array => {
  const sum = new Float64Array(list[0].length);
  for (const s of list) ranks(s).forEach((v, i) => { sum[i] += v / list.length; });
  return Float32Array.from(sum);
};

/** Mean over members of (log s - median log s_train) / (1.4826 MAD of log s_train): one scale without test ranks. */
function meanLogZ(test: Float32Array[], train: Float32Array[]): Float32Array {
  const sum = new Float64Array(test[0].length);
  test.forEach((s, e) => {
    const lt = Float64Array.from(train[e], (v) => Math.log(v + 1e-12)).sort();
    const med = lt[lt.length >> 1];
    const dev = Float64Array.from(lt, (v) => Math.abs(v - med)).sort();
    const mad = Math.max(1.4826 * dev[dev.length >> 1], 1e-6);
    s.forEach((v, i) => { sum[i] += (Math.log(v + 1e-12) - med) / mad / test.length; });
  });
  return Float32Array.from(sum);
}

/** Mean over features of the squared (p = 2) or absolute (p = 1) robust z-score of the residual (p = 2: a
 *  diagonal, median/MAD Mahalanobis), with the library's statistics of the training rows' residuals
 *  (`residualScaleOf`, score/residual-scale.ts). */
function robustResidualScore(scale: ResidualScale, testRes: Float32Array, f: number, p = 2, bound?: (t: number) => number): Float32Array {
  const { center: med, spread, clip } = scale;
  // the library's cap on each z^2 term unless another bound is given (p = 1: none)
  const term = bound ?? ((t: number) => (p === 2 && clip !== undefined ? Math.min(t, clip) : t));
  const out = new Float32Array(testRes.length / f);
  for (let i = 0; i < out.length; i++) { let s = 0; for (let j = 0; j < f; j++) s += term(Math.abs((testRes[i * f + j] - med[j]) / spread[j]) ** p); out[i] = s / f; }
  return out;
}

/** Other terms of the residual score from the same networks (--all-scores): z^2 uncapped (the score before the cap), capped at 9 and 25 (the library's, RESIDUAL_CLIP), log(1 + z^2); capped at 25 with a log tail above the cap, so rows past it on a feature do not tie (rzsl: 25 + log(t / 25); rzst: 25 + 0.01 log(t / 25), a tie-break only). */
const softCap = (c: number, w: number) => (t: number) => (t <= c ? t : c + w * Math.log(t / c));
const BOUNDED_TERMS: Record<string, (t: number) => number> = {
  rzraw: (t) => t, rzq9: (t) => Math.min(t, 9), rzq25: (t) => Math.min(t, 25), rzlog: (t) => Math.log1p(t), rzsl: softCap(25, 1), rzst: softCap(25, 0.01),
};

const residuals = (x: Float32Array, rec: Float32Array): Float32Array => Float32Array.from(x, (v, i) => v - rec[i]);
const squares = (r: Float32Array): Float32Array => Float32Array.from(r, (v) => v * v);
const meanSquares = (r: Float32Array, f: number): Float32Array => Float32Array.from({ length: r.length / f }, (_, i) => { let s = 0; for (let j = 0; j < f; j++) s += r[i * f + j] ** 2; return s / f; });

/** Columns `cols` of a row-major table with `f` features. */
function takeColumns(x: Float32Array, f: number, cols: number[]): Float32Array {
  const n = x.length / f;
  const o = new Float32Array(n * cols.length);
  for (let i = 0; i < n; i++) cols.forEach((c, j) => { o[i * cols.length + j] = x[i * f + c]; });
  return o;
}

/** Rows `rows` of a row-major table with `f` features. */
function takeRows(x: Float32Array, f: number, rows: number[]): Float32Array {
  const o = new Float32Array(rows.length * f);
  rows.forEach((r, i) => o.set(x.subarray(r * f, (r + 1) * f), i * f));
  return o;
}

/**
 * Test scores of one method on one split; `seed` drives the method's randomness. Autoencoders also give the
 * per-feature standardised error of the same model under "<id>/std" (mean scale) and "<id>/rz" (median/MAD of the
 * training rows' residuals); memory models the code-to-memory distance ("/code") and its rank average with the
 * reconstruction error ("/rc"); with ens=k, member 0 alone ("/m0..."). fbag=k: k members, each on a random subset
 * of ceil(F/2)..F-1 features (PyOD's FeatureBagging); rbag=k: k members, each on a random half of the rows.
 */
export async function runMethodScores(m: MethodSpec, d: Split, seed: number): Promise<Record<string, Float32Array>> {
  if (['iforest', 'pca', 'knn'].includes(m.name)) return { [m.id]: await runMethod(m, d, seed) };
  const F = d.features;
  const k = m.opts.ens ?? m.opts.fbag ?? m.opts.rbag ?? 1;
  const recon: Float32Array[] = [], code: Float32Array[] = [], rz: Float32Array[] = [], rz1: Float32Array[] = [];
  const trainScores: Float32Array[] = []; // each member's score of every training row: batch-independent combinations
  const bounded: Record<string, Float32Array[]> = {}; // each member's score with each of BOUNDED_TERMS
  const out: Record<string, Float32Array> = {};
  const nTrain = d.train.length / F, nTest = d.test.length / F;
  for (let e = 0; e < k; e++) {
    const rng = seededRng(mixSeeds(seed, e, 14));
    let cols = Array.from({ length: F }, (_, j) => j);
    if (m.opts.fbag !== undefined && F > 2) {
      const size = Math.ceil(F / 2) + Math.floor(rng() * (F - Math.ceil(F / 2))); // ceil(F/2) .. F-1
      cols = shuffleInPlace(cols, rng).slice(0, size).sort((a, b) => a - b);
    }
    let rows = Array.from({ length: nTrain }, (_, i) => i);
    if (m.opts.rbag !== undefined) rows = shuffleInPlace(rows, rng).slice(0, Math.max(32, Math.ceil(nTrain / 2))).sort((a, b) => a - b);
    const f = cols.length;
    const train = takeRows(f === F ? d.train : takeColumns(d.train, F, cols), f, rows);
    const allTrain = f === F ? d.train : takeColumns(d.train, F, cols);
    const test = f === F ? d.test : takeColumns(d.test, F, cols);
    const codeUnits = m.opts.code ?? (m.opts.pcacode !== undefined ? await pcaCode(allTrain, f, m.opts.pcacode) : undefined);
    // members=K: the library's ensemble of K (default: the library's, one network); ens/fbag/rbag build their own
    // members here, each one network
    const members = k > 1 ? 1 : m.opts.members;
    const det = await MemAE.create({
      kind: 'tabular', inputShape: [f], variant: m.name as Variant, seed: seed * 1000 + e,
      ...(members !== undefined ? { ensemble: members } : {}),
      // code=K: the default widths with a K-unit code (at most F-1); pcacode=v: K = the PCA components explaining v of the variance
      ...(codeUnits !== undefined ? { encoderChannels: [...tabularEncoder(f).slice(0, -1), clampInt(codeUnits, 1, Math.max(1, f - 1))] } : {}),
      // arch=0: the paper's 120-60-30-10-3 (the tabular default before the feature-count sizing)
      // arch=1: widths from F with a sqrt(F) code (a rejected candidate)
      ...(m.opts.arch === 0 ? { encoderChannels: [120, 60, 30, 10, 3] } : m.opts.arch === 1 ? { encoderChannels: sqrtCodeEncoder(f) } : {}),
      ...(m.opts.slots !== undefined ? { slots: m.opts.slots } : {}),
      ...(m.opts.shrink !== undefined ? { shrinkThreshold: m.opts.shrink / (m.opts.slots ?? 50) } : {}),
    });
    try {
      await det.fit({ values: train, shape: [rows.length, f] }, fitOpts(m, rows.length));
      const te = await det.scoreDetailed({ values: test, shape: [nTest, f] }, { reconstructions: true });
      const tr = await det.scoreDetailed({ values: allTrain, shape: [nTrain, f] }, { reconstructions: true });
      recon.push(te.scores);
      trainScores.push(tr.scores);
      // the figures below come from one network's reconstructions: not computed for a library ensemble
      if (det.members > 1) continue;
      // the residuals and their robust statistics once per network; every residual-score variant reads them
      const trRes = residuals(allTrain, tr.reconstructions!), teRes = residuals(test, te.reconstructions!);
      const scale = residualScaleOf(trRes, f);
      rz1.push(robustResidualScore(scale, teRes, f, 1));
      rz.push(robustResidualScore(scale, teRes, f));
      for (const [name, term] of Object.entries(BOUNDED_TERMS)) (bounded[name] ??= []).push(robustResidualScore(scale, teRes, f, 2, term));
      if (e === 0 && k === 1) {
        out[`${m.id}/std`] = standardisedError(squares(trRes), squares(teRes), f);
        out[`${m.id}/mse`] = meanSquares(teRes, f); // the plain error (the default before the residual score)
      }
      if (m.name !== 'ae') code.push(await codeDistances(det.model, det.config, test, nTest));
    } finally {
      det.dispose();
    }
  }
  out[m.id] = k === 1 ? recon[0] : meanRanks(recon);
  // one network: each bounded term as it is; members: the mean of their scores, as a saved ensemble computes it
  for (const [name, scores] of Object.entries(bounded)) out[`${m.id}/${k === 1 ? '' : 'avg-'}${name}`] = k === 1 ? scores[0] : meanOfResults(scores.map((v) => ({ scores: v }))).scores;
  if (rz.length) {
    out[`${m.id}/rz`] = k === 1 ? rz[0] : meanRanks(rz);
    out[`${m.id}/rz1`] = k === 1 ? rz1[0] : meanRanks(rz1);
  }
  if (code.length) {
    out[`${m.id}/code`] = k === 1 ? code[0] : meanRanks(code);
    out[`${m.id}/rc`] = meanRanks([...recon, ...code]);
    out[`${m.id}/rzc`] = meanRanks([...rz, ...code]);
  }
  if (k > 1) {
    // combinations a saved ensemble can compute one row at a time (no test-batch ranks): the plain mean of the
    // members' scores (/avg), and the mean of each member's log score robustly standardised on its training rows (/ez)
    out[`${m.id}/avg`] = meanOfResults(recon.map((scores) => ({ scores }))).scores; // the library's combination
    out[`${m.id}/ez`] = meanLogZ(recon, trainScores);
    out[`${m.id}/m0`] = recon[0];
    if (rz.length) out[`${m.id}/m0-rz`] = rz[0];
    if (code.length) { out[`${m.id}/m0-code`] = code[0]; out[`${m.id}/m0-rc`] = meanRanks([recon[0], code[0]]); }
  }
  return out;
}


// floor=K: the library's tabular step rule with a floor of K steps in place of 500 (fewer passes on small tables)
const fitOpts = (m: MethodSpec, rows: number) => ({
  progressBar: false, scoreTraining: false,
  ...(m.opts.steps !== undefined ? { steps: m.opts.steps } : {}),
  ...(m.opts.floor !== undefined ? { steps: tabularSteps(rows, m.opts.batch ?? tabularBatch(rows), m.opts.floor) } : {}),
  ...(m.opts.trim !== undefined ? { trimFraction: m.opts.trim } : {}),
  ...(m.opts.noise !== undefined ? { inputNoise: m.opts.noise } : {}),
  ...(m.opts.refit !== undefined ? { refitFraction: m.opts.refit } : {}),
  ...(m.opts.lr !== undefined ? { learningRate: m.opts.lr } : {}),
  ...(m.opts.batch !== undefined ? { batchSize: m.opts.batch } : {}),
  ...(m.opts.rs !== undefined ? { residualScore: m.opts.rs !== 0 } : {}),
});

/** Test scores of one method on one split; `seed` drives the method's randomness. */
export async function runMethod(m: MethodSpec, d: Split, seed: number): Promise<Float32Array> {
  const rows = d.train.length / d.features;
  const train = { values: d.train, shape: [rows, d.features] };
  const test = { values: d.test, shape: [d.test.length / d.features, d.features] };
  if (m.name === 'iforest' || m.name === 'pca' || m.name === 'knn') {
    const det = makeBaseline(m.name, seed);
    await det.fit(train);
    return det.decisionFunction(test);
  }
  return (await runMethodScores(m, d, seed))[m.id]; // the models: one code path, with or without --all-scores
}
