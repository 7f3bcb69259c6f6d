// Training options: progress events, early stopping, option errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArrayDataset } from '../src/data/dataset.js';
import { MemAE } from '../src/detector/memae.js';
import { UserError } from '../src/errors/user-error.js';
import type { ProgressEvent } from '../src/train/progress.js';
import { useTestBackend } from './helpers/backend.js';
import { mnistSlice } from './helpers/mnist.js';

async function rows(limit: number): Promise<ArrayDataset> {
  const d = await mnistSlice({ split: 'train', limit });
  return new ArrayDataset(d.values, [784], undefined, d.classes);
}
const tab = { kind: 'tabular' as const, inputShape: [784], encoderChannels: [16, 3], slots: 10, ensemble: 1 };

test('progress events: one per batch and per epoch, with rates and an ETA that ends at 0', async () => {
  await useTestBackend();
  const data = await rows(30);
  const det = await MemAE.create(tab);
  const ev: ProgressEvent[] = [];
  await det.fit(data, { epochs: 2, batchSize: 10, progressBar: false, scoreTraining: false, onProgress: (e) => ev.push(e) });
  assert.deepEqual(ev.map((e) => `${e.phase}${e.epoch}.${e.batch}/${e.batches}`), ['batch1.1/3', 'batch1.2/3', 'batch1.3/3', 'epoch1.3/3', 'batch2.1/3', 'batch2.2/3', 'batch2.3/3', 'epoch2.3/3']);
  assert.ok(ev.every((e) => e.samplesPerSec > 0 && Number.isFinite(e.loss) && e.etaSeconds >= 0));
  assert.equal(ev[ev.length - 1].etaSeconds, 0);
  det.dispose();
});

test('early stopping ends the run when the monitored loss stops improving', async () => {
  await useTestBackend();
  const data = await rows(20);
  const det = await MemAE.create(tab);
  const r = await det.fit(data, { epochs: 10, batchSize: 10, progressBar: false, scoreTraining: false, earlyStopping: { patience: 2, minDelta: 1e9 } });
  assert.equal(r.stoppedEarly, true);
  assert.equal(r.epochsDone, 3, 'epoch 1 sets the best loss, epochs 2 and 3 do not beat it by minDelta');
  det.dispose();
});

test('bad training options give UserErrors', async () => {
  await useTestBackend();
  const data = await rows(10);
  const det = await MemAE.create(tab);
  for (const [o, re] of [[{ epochs: 0 }, /epochs/], [{ batchSize: 1.5 }, /batchSize/], [{ learningRate: -1 }, /learningRate/], [{ resume: true }, /checkpoint/]] as const) {
    await assert.rejects(det.fit(data, { ...o, progressBar: false }), (e: unknown) => e instanceof UserError && re.test(e.message));
  }
  await assert.rejects(det.fit(new ArrayDataset(new Float32Array(20), [2, 10])), (e: unknown) => e instanceof UserError && /shape \[2,10\]/.test(e.message));
  det.dispose();
});
