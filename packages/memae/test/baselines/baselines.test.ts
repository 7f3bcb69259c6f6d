// Baseline detectors against scikit-learn / SciPy outputs on real data (fixtures/make_baselines_sklearn.py):
// isolation forest AUROC within 0.01 of sklearn's, PCA and k-NN scores equal, PyOD's probability and
// confidence formulas equal; save/load round trips; tensor counts flat.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { IsolationForest, KnnDetector, PcaDetector } from '../../src/baselines/index.js';
import { loadDetector } from '../../src/detector/load.js';
import { binomialCdf } from '../../src/detector/probability.js';
import { UserError } from '../../src/errors/user-error.js';
import { auroc } from '../../src/metrics/roc.js';
import { useTestBackend } from '../helpers/backend.js';

interface Fixture {
  trainX: number[]; testX: number[]; testY: number[]; features: number;
  iforestAuroc: { mean: number; std: number }; pcaComponents: number; pcaScores: number[];
  knnTest: number[]; knnTrain: number[]; contamination: number; threshold: number;
  probaLinear: number[]; probaUnify: number[]; confidence: number[]; binomCdf: [number, number, number, number][];
}
const fx = JSON.parse(readFileSync(new URL('../fixtures/baselines-sklearn.json', import.meta.url), 'utf8')) as Fixture;
const f = fx.features;
const train = { values: Float32Array.from(fx.trainX), shape: [fx.trainX.length / f, f] };
const testX = { values: Float32Array.from(fx.testX), shape: [fx.testX.length / f, f] };
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) => {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol * Math.max(1, Math.abs(b[i])), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
};

test('isolation forest: mean test AUROC over 10 seeds within 0.01 of scikit-learn', async () => {
  const aucs: number[] = [];
  for (let seed = 0; seed < 10; seed++) {
    const det = new IsolationForest({ seed });
    await det.fit(train);
    aucs.push(auroc(fx.testY, await det.decisionFunction(testX)));
  }
  const mean = aucs.reduce((a, b) => a + b, 0) / aucs.length;
  assert.ok(Math.abs(mean - fx.iforestAuroc.mean) < 0.01, `ours ${mean.toFixed(4)} vs sklearn ${fx.iforestAuroc.mean.toFixed(4)}`);
  // the seed matters, and the same seed gives the same forest
  const a = new IsolationForest({ seed: 3 }), b = new IsolationForest({ seed: 3 });
  await a.fit(train); await b.fit(train);
  assert.deepEqual(Array.from(await a.decisionFunction(testX)), Array.from(await b.decisionFunction(testX)));
  assert.ok(new Set(aucs).size > 1);
});

test('PCA reconstruction error equals scikit-learn PCA(n_components=0.9)', async () => {
  const det = new PcaDetector({ components: 0.9 });
  await det.fit(train);
  close(await det.decisionFunction(testX), fx.pcaScores, 1e-3, 'pca');
  assert.equal((det.params() as { components: number }).components, 0.9);
  const fixed = new PcaDetector({ components: fx.pcaComponents });
  await fixed.fit(train);
  close(await fixed.decisionFunction(testX), fx.pcaScores, 1e-3, 'pca, fixed k');
});

test('k-NN distances equal scikit-learn NearestNeighbors (training scores leave the sample out)', async () => {
  await useTestBackend();
  const before = tf.memory().numTensors;
  const det = new KnnDetector({ nNeighbors: 5, contamination: fx.contamination });
  await det.fit(train);
  close(det.decisionScores!, fx.knnTrain, 1e-3, 'knn train');
  close(await det.decisionFunction(testX), fx.knnTest, 1e-3, 'knn test');
  assert.equal(tf.memory().numTensors, before);
  // PyOD's derived outputs from the same scores
  assert.ok(Math.abs(det.threshold! - fx.threshold) < 1e-3 * fx.threshold);
  close(await det.predictProba(testX, 'linear'), fx.probaLinear, 2e-3, 'linear');
  close(await det.predictProba(testX, 'unify'), fx.probaUnify, 2e-3, 'unify');
  close(await det.predictConfidence(testX), fx.confidence, 2e-3, 'confidence');
  const pred = await det.predict(testX);
  assert.deepEqual(Array.from(pred), fx.knnTest.map((s) => (s > fx.threshold ? 1 : 0)));
  const labels = await det.fitPredict(train);
  assert.equal(labels.reduce((a, b) => a + b, 0), fx.knnTrain.filter((s) => s > fx.threshold).length);
});

test('binomial CDF matches SciPy, also past the continued fraction range', () => {
  for (const [k, n, p, want] of fx.binomCdf) assert.ok(Math.abs(binomialCdf(k, n, p) - want) < 0.01, `cdf(${k}; ${n}, ${p}) = ${binomialCdf(k, n, p)}, scipy ${want}`);
});

test('every baseline saves and loads to the same scores, threshold and confidence', async () => {
  await useTestBackend();
  const dir = mkdtempSync(join(tmpdir(), 'memae-baselines-'));
  try {
    for (const det of [new IsolationForest({ seed: 1, nEstimators: 20 }), new PcaDetector({ components: 5 }), new KnnDetector({ nNeighbors: 3, method: 'mean' })]) {
      await det.fit(train);
      det.setThreshold({ percentile: 80 });
      const d = join(dir, det.name);
      await det.save(d);
      const back = await loadDetector(d);
      assert.equal(back.name, det.name);
      assert.equal(back.threshold, det.threshold);
      assert.deepEqual(Array.from(await back.decisionFunction(testX)), Array.from(await det.decisionFunction(testX)));
      assert.deepEqual(Array.from(await back.predictConfidence(testX)), Array.from(await det.predictConfidence(testX)));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad inputs are one-line user errors naming the row and column', async () => {
  const det = new IsolationForest();
  await assert.rejects(det.fit([[1, 2], [3]]), (e: unknown) => e instanceof UserError && /row 1 has 1 values/.test(e.message));
  await assert.rejects(det.fit([[1, 2], [3, NaN]]), (e: unknown) => e instanceof UserError && /row 1, column 1/.test(e.message));
  await assert.rejects(det.decisionFunction([[1, 2]]), (e: unknown) => e instanceof UserError && /fit\(\)/.test(e.message));
  await det.fit([[0, 0], [1, 1], [2, 2], [0, 1]]);
  await assert.rejects(det.decisionFunction([[1, 2, 3]]), (e: unknown) => e instanceof UserError && /shape \[3\].*\[2\]/.test(e.message));
  assert.throws(() => new KnnDetector({ contamination: 0.7 }), (e: unknown) => e instanceof UserError && /contamination/.test(e.message));
});
