// The default tabular model (MLP sized from the feature count) is saved with its widths: a detector loaded from
// disk has the same architecture and gives the same scores. Real rows: scikit-learn's breast cancer table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemAE } from '../../src/detector/memae.js';
import { tabularEncoder } from '../../src/models/config.js';
import { useTestBackend } from '../helpers/backend.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/baselines-sklearn.json', import.meta.url), 'utf8')) as { trainX: number[]; testX: number[]; features: number };

test('default tabular MemAE: feature-count MLP, save + load reproduce the scores', async () => {
  await useTestBackend();
  const f = fx.features;
  const train = Float32Array.from(fx.trainX), test = Float32Array.from(fx.testX);
  const det = await MemAE.create({ kind: 'tabular', inputShape: [f], seed: 5 });
  const dir = mkdtempSync(join(tmpdir(), 'memae-tab-default-'));
  let loaded: MemAE | undefined;
  try {
    assert.deepEqual(det.config.encoderChannels, tabularEncoder(f));
    assert.deepEqual(det.config.encoderChannels, [60, 30, 3]);
    await det.fit({ values: train, shape: [train.length / f, f] }, { steps: 40, progressBar: false });
    const before = await det.decisionFunction({ values: test, shape: [test.length / f, f] });
    await det.save(dir);
    loaded = await MemAE.load(dir);
    assert.deepEqual(loaded.config.encoderChannels, [60, 30, 3]);
    assert.deepEqual(loaded.config.decoderChannels, [30, 60]);
    const after = await loaded.decisionFunction({ values: test, shape: [test.length / f, f] });
    assert.deepEqual(Array.from(after), Array.from(before));
    assert.equal(loaded.threshold, det.threshold);
  } finally {
    det.dispose();
    loaded?.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
