// The Detector contract on MemAE (PyOD habits): inputs as number[][], shaped Float32Array, tensor or Dataset;
// decisionScores, labels, fitPredict, predictProba, predictConfidence; one seed at creation; save/load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ArrayDataset } from '../../src/data/dataset.js';
import { loadDetector } from '../../src/detector/load.js';
import { MemAE } from '../../src/detector/memae.js';
import { UserError } from '../../src/errors/user-error.js';
import { useTestBackend } from '../helpers/backend.js';

// real rows: the standardised breast cancer slice of the baselines fixture
const fx = JSON.parse(readFileSync(new URL('../fixtures/baselines-sklearn.json', import.meta.url), 'utf8')) as { trainX: number[]; testX: number[]; features: number };
const f = fx.features;
const rowsOf = (v: number[]) => Array.from({ length: v.length / f }, (_, i) => v.slice(i * f, (i + 1) * f));
const trainRows = rowsOf(fx.trainX).slice(0, 120);
const testRows = rowsOf(fx.testX).slice(0, 40);
const small = { kind: 'tabular' as const, inputShape: [f], encoderChannels: [16, 4], slots: 10 };
const quick = { steps: 30, batchSize: 32, progressBar: false };

test('MemAE takes number[][], a shaped Float32Array, a tensor or a Dataset, and derives PyOD outputs', async () => {
  await useTestBackend();
  const det = await MemAE.create({ ...small, seed: 3, contamination: 0.1 });
  const before = tf.memory().numTensors;
  await det.fit(trainRows, quick);
  const s = det.decisionScores!;
  assert.equal(s.length, trainRows.length);
  assert.equal(det.labels!.reduce((a, b) => a + b, 0), s.filter((v) => v > det.threshold!).length);
  assert.ok(Math.abs(det.labels!.reduce((a, b) => a + b, 0) - 12) <= 1, 'contamination 0.1 of 120 rows');
  const flat = Float32Array.from(testRows.flat());
  const byRows = await det.decisionFunction(testRows);
  const byShaped = await det.decisionFunction({ values: flat, shape: [testRows.length, f] });
  const t = tf.tensor2d(flat, [testRows.length, f]);
  const byTensor = await det.decisionFunction(t);
  t.dispose();
  const byDataset = await det.score(new ArrayDataset(flat, [f]));
  for (const other of [byShaped, byTensor, byDataset]) assert.deepEqual(Array.from(other), Array.from(byRows));
  // predict / proba / confidence agree with the scores and the threshold
  const pred = await det.predict(testRows);
  assert.deepEqual(Array.from(pred), Array.from(byRows, (v) => (v > det.threshold! ? 1 : 0)));
  const lin = await det.predictProba(testRows, 'linear');
  const uni = await det.predictProba(testRows, 'unify');
  const lo = Math.min(...s), hi = Math.max(...s);
  byRows.forEach((v, i) => {
    assert.ok(Math.abs(lin[i] - Math.min(1, Math.max(0, (v - lo) / (hi - lo)))) < 1e-6);
    assert.ok(uni[i] >= 0 && uni[i] <= 1);
  });
  const conf = await det.predictConfidence(testRows);
  assert.ok(conf.every((c) => c >= 0 && c <= 1));
  // the most anomalous training-like score is a confident anomaly, the least a confident normal
  const [low, high] = [Math.min(...byRows), Math.max(...byRows)];
  const c2 = await det.predictConfidence([testRows[byRows.indexOf(low)], testRows[byRows.indexOf(high)]]);
  if (high > det.threshold! * 1.5) assert.ok(c2[1] > 0.9, `confidence of the top score ${c2[1]}`);
  assert.ok(c2[0] > 0.9, `confidence of the lowest score ${c2[0]}`);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  // fitPredict = fit + labels
  const again = await MemAE.create({ ...small, seed: 3, contamination: 0.1 });
  assert.deepEqual(Array.from(await again.fitPredict(trainRows, quick)), Array.from(det.labels!));
  // save / load keeps threshold and (from the stored quantiles) close probabilities
  const dir = mkdtempSync(join(tmpdir(), 'memae-detector-'));
  try {
    await det.save(dir);
    const back = await loadDetector(dir);
    assert.equal(back.threshold, det.threshold);
    assert.deepEqual(Array.from(await back.predict(testRows)), Array.from(pred));
    const lin2 = await back.predictProba(testRows, 'linear');
    lin2.forEach((v, i) => assert.ok(Math.abs(v - lin[i]) < 1e-5));
    const conf2 = await back.predictConfidence(testRows);
    // the quantile table interpolates how many training scores lie below a score: one row more or fewer of 120,
    // which moves ExCeeD's binomial confidence by up to about 0.1 next to the threshold
    conf2.forEach((v, i) => assert.ok(Math.abs(v - conf[i]) < 0.12, `confidence ${i}: ${v} vs ${conf[i]}`));
    (back as MemAE).dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  det.dispose(); again.dispose();
});

test('one seed at creation drives weights and batch order; a seed given to fit changes the batch order only', async () => {
  await useTestBackend();
  const run = async (createSeed: number, fitSeed?: number) => {
    const det = await MemAE.create({ ...small, seed: createSeed });
    const w0 = Array.from(det.model.getWeights()[0].dataSync());
    await det.fit(trainRows, { ...quick, ...(fitSeed === undefined ? {} : { seed: fitSeed }), scoreTraining: false });
    const s = Array.from(await det.decisionFunction(testRows));
    det.dispose();
    return { w0, s };
  };
  const a = await run(1), b = await run(1), c = await run(2), d = await run(1, 9), e = await run(1, 9);
  assert.deepEqual(a.s, b.s, 'same seed, same run');
  assert.notDeepEqual(a.w0, c.w0, 'the creation seed sets the weights');
  assert.deepEqual(a.w0, d.w0, 'a fit seed leaves the initial weights alone');
  assert.notDeepEqual(a.s, d.s, 'a fit seed changes the batch order');
  assert.deepEqual(d.s, e.s);
});

test('input mistakes are one-line UserErrors', async () => {
  await useTestBackend();
  const det = await MemAE.create(small);
  await assert.rejects(det.fit([trainRows[0], trainRows[1].slice(1)], quick), (e: unknown) => e instanceof UserError && /row 1 has 29 values, row 0 has 30/.test(e.message));
  await assert.rejects(det.decisionFunction([[...trainRows[0].slice(1), Number.NaN]]), (e: unknown) => e instanceof UserError && /row 0, column 29/.test(e.message));
  await assert.rejects(det.decisionFunction({ values: new Float32Array(10), shape: [2, 5] }), (e: unknown) => e instanceof UserError && /shape \[5\].*\[30\]/.test(e.message));
  await assert.rejects(det.predictProba(testRows), (e: unknown) => e instanceof UserError && /fit\(\)/.test(e.message));
  await assert.rejects(MemAE.create({ ...small, contamination: 0.6 }), (e: unknown) => e instanceof UserError && /\(0, 0.5\]/.test(e.message));
  det.dispose();
});
