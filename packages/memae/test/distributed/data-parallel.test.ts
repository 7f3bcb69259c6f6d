// Data-parallel fit on 2 real processes against the same fit in 1 process (same seed, same global batch).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { kddSlice } from './helpers/kdd-slice.js';
import { runRanks, runSingle } from './helpers/spawn-ranks.js';

const maxDiff = (a: number[][], b: number[][]) => Math.max(...a.map((w, i) => Math.max(...w.map((v, j) => Math.abs(v - b[i][j])))));

test('tabular MemAE (no batch norm): 2 ranks end with identical weights, equal to 1 process to 1e-5', { timeout: 300_000 }, async () => {
  const csv = kddSlice(mkdtempSync(join(tmpdir(), 'memae-dp-')));
  // 196 training rows, global batch 65: the last batch has 1 row, so rank 1 has an empty shard there
  const env = { BATCH: '65', EPOCHS: '3' };
  const [one, [r0, r1]] = await Promise.all([runSingle(['train-tabular', csv], env), runRanks(2, ['train-tabular', csv], env)]);
  assert.equal(one.size, 196);
  const w1 = one.weights as number[][], w0 = r0.weights as number[][];
  assert.equal(maxDiff(w0, r1.weights as number[][]), 0, 'ranks differ');
  const d = maxDiff(w0, w1);
  assert.ok(d < 1e-5, `2 ranks vs 1 process: max weight difference ${d}`);
  (one.loss as number[]).forEach((l, k) => assert.ok(Math.abs(l - (r0.loss as number[])[k]) < 1e-5, `epoch ${k + 1} loss ${l} vs ${(r0.loss as number[])[k]}`));
  // training moved the weights (the comparison is not between two untouched initialisations)
  assert.ok((one.loss as number[])[2] < (one.loss as number[])[0]);
  assert.deepEqual([one.leaked, r0.leaked, r1.leaked], [0, 0, 0]);
  // one collective per step (no batch norm: nothing else to exchange); 3 epochs of 4 batches
  const st = r0.stats as { steps: number; collectives: number };
  assert.deepEqual([st.steps, st.collectives], [12, 12]);
});

test('image MemAE with batch norm (local statistics, DDP default): ranks identical, loss within 1% of 1 process', { timeout: 300_000 }, async () => {
  const env = { BATCH: '16', EPOCHS: '2' };
  const [one, [r0, r1]] = await Promise.all([runSingle(['train-image'], env), runRanks(2, ['train-image'], env)]);
  assert.equal(maxDiff(r0.weights as number[][], r1.weights as number[][]), 0, 'ranks differ (batch-norm statistics are broadcast from rank 0)');
  // the statistics travel in the gradients' allreduce after the first step: one collective per step, plus one
  const st = r0.stats as { steps: number; collectives: number };
  assert.ok(st.steps > 2);
  assert.equal(st.collectives, st.steps + 1);
  const l1 = (one.loss as number[]).at(-1)!, l2 = (r0.loss as number[]).at(-1)!;
  // batch statistics over 8 samples per rank instead of 16: measured 0.9012 vs 0.9006 (0.07%)
  assert.ok(Math.abs(l1 - l2) / l1 < 0.01, `final loss ${l2} vs ${l1}`);
});

test('resume with another rank count: 2 ranks for 2 epochs, then 1 process for the third, equals 3 epochs in 1 process', { timeout: 300_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'memae-dp-resume-'));
  const csv = kddSlice(dir);
  const ckpt = join(dir, 'ckpt.bin');
  const [straight] = await Promise.all([
    runSingle(['train-tabular', csv], { BATCH: '32', EPOCHS: '3' }),
    runRanks(2, ['train-tabular', csv], { BATCH: '32', EPOCHS: '2', CKPT: ckpt }),
  ]);
  const resumed = await runSingle(['train-tabular', csv], { BATCH: '32', EPOCHS: '3', CKPT: ckpt });
  const d = maxDiff(resumed.weights as number[][], straight.weights as number[][]);
  assert.ok(d < 1e-5, `max weight difference ${d}`);
  assert.equal((resumed.loss as number[]).length, 3);
});
