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
  // one collective per step (no batch norm: nothing else to exchange); 3 epochs of 4 batches, of which those after
  // the first two of a shape replay natively with their allreduce inside the plan (counted apart)
  const st = r0.stats as { steps: number; collectives: number; replayedSteps: number };
  assert.equal(st.steps + st.replayedSteps, 12);
  assert.equal(st.collectives, 12);
  assert.ok(st.replayedSteps >= 4, `replayed steps: ${st.replayedSteps}`);
});

/**
 * Weights a training step can change and the training-mode output depends on: all but the biases of the
 * convolutions that feed a batch norm (the norm subtracts any per-channel constant, so their gradient is
 * rounding noise, which Adam scales up to steps of about the learning rate: they drift differently under
 * any change of summation order) and the running means (which follow those biases).
 */
const determined = (names: string[]) => {
  const bn = new Set(names.filter((n) => n.endsWith('_bn/gamma')).map((n) => n.slice(0, -'_bn/gamma'.length)));
  return names.map((n, i) => ({ n, i })).filter(({ n }) => !n.endsWith('/running_mean') && !(n.endsWith('/bias') && bn.has(n.slice(0, -'/bias'.length))));
};

test('image MemAE with batch norm: 2 ranks with syncBatchNorm follow 1 process to 1e-5, local batch norm does not; 1 rank with the option = without', { timeout: 300_000 }, async () => {
  // 40 images, global batch 13: shards of 7 and 6, and a last batch of 1 where rank 1 has nothing
  // (it still joins every batch-norm collective); 2 epochs = 8 steps
  const env = { BATCH: '13', EPOCHS: '2' };
  const [one, [s0, s1], [l0, l1], [u0]] = await Promise.all([
    runSingle(['train-image'], env),
    runRanks(2, ['train-image'], { ...env, SYNC_BN: '1' }),
    runRanks(2, ['train-image'], env),
    runRanks(1, ['train-image'], { ...env, SYNC_BN: '1' }),
  ]);
  const names = one.names as string[];
  const w1 = one.weights as number[][], ws = s0.weights as number[][], wl = l0.weights as number[][];
  assert.equal(names.filter((n) => n.endsWith('_bn/gamma')).length, 5, 'the image model has 5 batch-norm layers');
  assert.equal(maxDiff(ws, s1.weights as number[][]), 0, 'sync: ranks differ');
  assert.equal(maxDiff(wl, l1.weights as number[][]), 0, 'local: ranks differ (statistics are broadcast from rank 0)');
  assert.deepEqual([one.leaked, s0.leaked, s1.leaked], [0, 0, 0]);

  // the trajectory: the running mean loss after each of the 8 steps
  const t1 = one.trace as number[], ts = s0.trace as number[], tl = l0.trace as number[];
  assert.equal(t1.length, 8);
  const traceDiff = (t: number[]) => Math.max(...t.map((v, k) => Math.abs(v - t1[k]) / t1[k]));
  assert.ok(traceDiff(ts) < 1e-5, `sync: loss trajectory differs by ${traceDiff(ts)} (relative)`);
  assert.ok(traceDiff(tl) > 1e-4, `local batch norm: loss trajectory differs by only ${traceDiff(tl)}: the test could not tell`);
  assert.ok(t1[7] < t1[3], 'training moved the loss');
  // every determined weight (the running variances included)
  const det = determined(names);
  const diff = (w: number[][]) => Math.max(...det.map(({ i }) => Math.max(...w[i].map((v, j) => Math.abs(v - w1[i][j])))));
  assert.equal(det.length, names.length - 10, 'all but 5 pre-norm biases and 5 running means');
  assert.ok(diff(ws) < 2e-5, `sync: max weight difference ${diff(ws)}`);
  assert.ok(diff(wl) > 1e-3, `local batch norm: max weight difference only ${diff(wl)}`);
  const local = (one.loss as number[]).at(-1)!, l2 = (l0.loss as number[]).at(-1)!;
  assert.ok(Math.abs(local - l2) / local < 0.01, `local batch norm: final loss ${l2} vs ${local}`);

  // collectives per step: local = the gradients' allreduce (+1 broadcast of the statistics at the first
  // step); sync = that + 2 per batch-norm layer (forward gather, backward sums), and no statistics to carry
  // (local batch norm replays steps from the third of a shape, its allreduce inside the plan: counted apart)
  type St = { steps: number; collectives: number; syncBnCollectives: number; replayedSteps: number };
  const [ss, sl, su] = [s0.stats as St, l0.stats as St, u0.stats as St];
  assert.deepEqual([sl.steps + sl.replayedSteps, sl.collectives, sl.syncBnCollectives], [8, 9, 0]);
  assert.equal(ss.replayedSteps, 0, 'synchronised batch norm runs op by op');
  assert.deepEqual([ss.steps, ss.collectives, ss.syncBnCollectives], [8, 8 + 8 * 10, 8 * 10]);
  assert.deepEqual((s1.stats as St).collectives, ss.collectives, 'the idle rank joined every collective');
  // 1 rank with the option: no batch-norm collective, the same numbers as 1 process without it
  assert.deepEqual([su.collectives, su.syncBnCollectives], [9, 0]);
  assert.equal(maxDiff(u0.weights as number[][], w1), 0);
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
