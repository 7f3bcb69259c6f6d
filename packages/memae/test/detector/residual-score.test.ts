// The default tabular score (score/residual-scale.ts): each feature's residual standardised by the training rows'
// median and 1.4826 x MAD, squared, averaged. Checked against a direct computation from the reconstructions, saved
// and reloaded, the same in the browser scorer, and off with residualScore: false. Real rows: scikit-learn's
// breast cancer table (training part contaminated, as the benchmark's).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { MemAE } from '../../src/detector/memae.js';
import { BrowserDetector } from '../../src/browser/detector.js';
import { residualScaleOf } from '../../src/score/residual-scale.js';
import { scoreModel } from '../../src/score/score.js';
import { ArrayDataset } from '../../src/data/dataset.js';
import { TRAIN_DEFAULTS } from '../../src/train/defaults.js';
import { UserError } from '../../src/errors/user-error.js';
import { auroc } from '../../src/metrics/index.js';
import { useTestBackend } from '../helpers/backend.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/baselines-sklearn.json', import.meta.url), 'utf8')) as { trainX: number[]; testX: number[]; testY: number[]; features: number };
const f = fx.features;
const train = Float32Array.from(fx.trainX), testX = Float32Array.from(fx.testX);
const input = (v: Float32Array) => ({ values: v, shape: [v.length / f, f] });

/** Reference median and MAD by sorting each column (independent of the library's code path). */
function refScale(res: number[][]): { center: number[]; spread: number[] } {
  const med = (a: number[]) => { const b = [...a].sort((x, y) => x - y); const h = Math.floor(b.length / 2); return b.length % 2 ? b[h] : (b[h - 1] + b[h]) / 2; };
  const center = res[0].map((_, j) => med(res.map((r) => r[j])));
  const raw = res[0].map((_, j) => 1.4826 * med(res.map((r) => Math.abs(r[j] - center[j]))));
  const floor = Math.max(1e-6, 0.1 * med(raw));
  return { center, spread: raw.map((s) => Math.max(s, floor)) };
}

const rowsOf = (v: Float32Array, rec: Float32Array) => Array.from({ length: v.length / f }, (_, i) => Array.from({ length: f }, (_, j) => v[i * f + j] - rec[i * f + j]));

test('tabular default: scores are the mean squared robust z of the residuals, saved and reproduced (Node and browser)', async () => {
  await useTestBackend();
  assert.equal(TRAIN_DEFAULTS.tabular.residualScore, true);
  assert.equal(TRAIN_DEFAULTS.image.residualScore, false);
  const before = tf.memory().numTensors;
  const det = await MemAE.create({ kind: 'tabular', inputShape: [f], seed: 7, ensemble: 1 });
  const dir = mkdtempSync(join(tmpdir(), 'memae-residual-'));
  let loaded: MemAE | undefined;
  try {
    await det.fit(input(train), { steps: 60, progressBar: false });
    const scale = det.tabularScore!;
    assert.ok(scale, 'a default tabular fit keeps a residual scale');
    // the scale: median / floored MAD of the training residuals
    const trRec = (await det.scoreDetailed(input(train), { reconstructions: true })).reconstructions!;
    const ref = refScale(rowsOf(train, trRec));
    for (let j = 0; j < f; j++) {
      assert.ok(Math.abs(scale.center[j] - ref.center[j]) <= 1e-5, `center ${j}: ${scale.center[j]} vs ${ref.center[j]}`);
      assert.ok(Math.abs(scale.spread[j] - ref.spread[j]) <= 1e-5 * Math.max(1, ref.spread[j]), `spread ${j}: ${scale.spread[j]} vs ${ref.spread[j]}`);
    }
    // the scores: mean over features of ((r - center) / spread)^2, each term capped at RESIDUAL_CLIP (25: |z| <= 5);
    // the error map is the per-feature term
    assert.equal(scale.clip, 25);
    const te = await det.scoreDetailed(input(testX), { reconstructions: true, errorMaps: true });
    const res = rowsOf(testX, te.reconstructions!);
    let capped = 0;
    res.forEach((r, i) => {
      const terms = r.map((v, j) => Math.min(((v - ref.center[j]) / ref.spread[j]) ** 2, 25));
      capped += r.filter((v, j) => ((v - ref.center[j]) / ref.spread[j]) ** 2 > 25).length;
      const want = terms.reduce((a, b) => a + b, 0) / f;
      assert.ok(Math.abs(te.scores[i] - want) <= 1e-5 * Math.max(1, want), `row ${i}: ${te.scores[i]} vs ${want}`);
      for (let j = 0; j < f; j++) assert.ok(Math.abs(te.errorMaps![i * f + j] - terms[j]) <= 1e-5 * Math.max(1, terms[j]));
      // and it is not the plain mean squared error
    });
    assert.ok(capped > 0, 'no term reached the cap: the test would not see it');
    const mse = res.map((r) => r.reduce((a, v) => a + v * v, 0) / f);
    assert.ok(mse.some((m, i) => Math.abs(m - te.scores[i]) > 1e-3 * Math.max(1, m)), 'the robust score differs from the plain MSE');
    // the training scores (threshold, quantiles) are on the same scale
    const trScores = await det.score(input(train));
    assert.deepEqual(Array.from(det.decisionScores!), Array.from(trScores));
    // it still detects: malignant rows above benign ones on the test part
    assert.ok(auroc(Uint8Array.from(fx.testY), te.scores) > 0.8, `AUROC ${auroc(Uint8Array.from(fx.testY), te.scores)}`);

    const manifest = await det.save(dir);
    assert.deepEqual(manifest.tabularScore, scale);
    loaded = await MemAE.load(dir);
    assert.deepEqual(loaded.tabularScore, scale);
    assert.deepEqual(Array.from(await loaded.decisionFunction(input(testX))), Array.from(te.scores));
    const browser = await new BrowserDetector(loaded.model, manifest).score(testX);
    browser.scores.forEach((v, i) => assert.ok(Math.abs(v - te.scores[i]) <= 1e-5 * Math.max(1, te.scores[i]), `browser row ${i}: ${v} vs ${te.scores[i]}`));
    // a scale saved before the cap existed (no clip) keeps the uncapped terms: old models score as they did
    const uncapped = { ...scale };
    delete uncapped.clip;
    const old = await scoreModel(loaded.model, loaded.config, new ArrayDataset(testX, [f]), { residualScale: uncapped, reconstructions: true });
    rowsOf(testX, old.reconstructions!).forEach((r, i) => {
      const want = r.reduce((a, v, j) => a + ((v - ref.center[j]) / ref.spread[j]) ** 2, 0) / f;
      assert.ok(Math.abs(old.scores[i] - want) <= 1e-5 * Math.max(1, want), `uncapped row ${i}: ${old.scores[i]} vs ${want}`);
    });
  } finally {
    det.dispose();
    loaded?.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(tf.memory().numTensors, before, 'tensor count flat');
});

test('residualScore: false keeps the plain mean squared error and saves no scale; images refuse it', async () => {
  await useTestBackend();
  const det = await MemAE.create({ kind: 'tabular', inputShape: [f], seed: 7, ensemble: 1 });
  const dir = mkdtempSync(join(tmpdir(), 'memae-residual-off-'));
  try {
    await det.fit(input(train), { steps: 20, progressBar: false, residualScore: false });
    assert.equal(det.tabularScore, null);
    const te = await det.scoreDetailed(input(testX), { reconstructions: true });
    const res = rowsOf(testX, te.reconstructions!);
    res.forEach((r, i) => { const m = r.reduce((a, v) => a + v * v, 0) / f; assert.ok(Math.abs(te.scores[i] - m) <= 1e-5 * Math.max(1, m)); });
    const manifest = await det.save(dir);
    assert.equal(manifest.tabularScore, undefined);
  } finally {
    det.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  const img = await MemAE.create({ kind: 'image', inputShape: [8, 8, 1], seed: 1 });
  try {
    await assert.rejects(img.fit({ values: new Float32Array(4 * 64), shape: [4, 8, 8, 1] }, { epochs: 1, progressBar: false, residualScore: true }), (e: unknown) => e instanceof UserError && /tabular models only/.test(e.message));
  } finally {
    img.dispose();
  }
});

test('residualScaleOf: a feature reconstructed exactly on most rows is floored at 10% of the typical spread', () => {
  // 5 rows, 3 features: feature 2 is exact on every row but one (MAD 0)
  const res = Float32Array.from([0.1, -2, 0, -0.1, 2, 0, 0.3, 1, 0, -0.3, -1, 0, 0, 0, 5]);
  const s = residualScaleOf(res, 3);
  assert.deepEqual(s.center.map((v) => Number(v.toFixed(6))), [0, 0, 0]);
  const mad = [0.1, 1].map((v) => 1.4826 * v);
  assert.ok(Math.abs(s.spread[0] - mad[0]) < 1e-6 && Math.abs(s.spread[1] - mad[1]) < 1e-6);
  assert.ok(Math.abs(s.spread[2] - 0.1 * mad[0]) < 1e-6, `floor: ${s.spread[2]}`);
});
