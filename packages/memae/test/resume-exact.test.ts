// Resume is bit-exact: training 2 epochs with a checkpoint, then resuming to 6, gives the same per-epoch
// losses, weights and test scores as 6 uninterrupted epochs (exact equality, not a tolerance). What the
// checkpoint holds (weights with batch-norm running statistics, Adam's step count and moments, the trainer
// state) is the whole state: the batch order is a function of (seed, epoch), and nothing else is random.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemAE } from '../src/detector/memae.js';
import { useTestBackend } from './helpers/backend.js';
import { resumeSetup } from './helpers/resume-setup.js';
import { mnistSlice } from './helpers/mnist.js';

test('resume after 2 of 6 epochs: losses, weights and 64 test scores equal an uninterrupted run exactly', { timeout: 600_000 }, async () => {
  await useTestBackend();
  const { data, create, fit } = await resumeSetup();
  const testData = await mnistSlice({ split: 'test', digits: [3, 5], limit: 64 });
  const dir = mkdtempSync(join(tmpdir(), 'memae-resume-exact-'));
  const ckpt = join(dir, 'run.ckpt');
  const first = await MemAE.create(create);
  const resumed = await MemAE.create(create);
  const straight = await MemAE.create(create);
  try {
    await first.fit(data, { ...fit, epochs: 2, checkpoint: ckpt });
    const r = await resumed.fit(data, { ...fit, epochs: 6, checkpoint: ckpt, resume: true });
    const s = await straight.fit(data, { ...fit, epochs: 6 });
    assert.equal(r.resumedFrom, 2);
    assert.deepEqual(r.history.map((h) => h.loss), s.history.map((h) => h.loss), 'per-epoch losses');
    const weights = async (d: MemAE) => Promise.all(d.model.weights.map(async (w) => Array.from(await w.read().data())));
    assert.deepEqual(await weights(resumed), await weights(straight), 'every weight, batch-norm statistics included');
    const a = Array.from(await resumed.score(testData));
    const b = Array.from(await straight.score(testData));
    assert.equal(a.length, 64);
    assert.deepEqual(a, b, 'test scores');
  } finally {
    first.dispose();
    resumed.dispose();
    straight.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
