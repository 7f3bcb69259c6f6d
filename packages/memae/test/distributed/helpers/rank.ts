// One rank of the distributed tests (a child process; RANK, WORLD_SIZE, MASTER_PORT in the environment,
// or none for the single-process reference). Prints one JSON line with what the parent compares.
//   rank.ts collectives | collectives-torch | train-tabular CSV | train-image
import * as tf from '@tensorflow/tfjs-core';
import type { ProcessGroup } from 'tfjs-backend-libtorch';
import { MemAE } from '../../../src/detector/memae.js';
import { kddSplit, readKddTable } from '../../../src/data/kdd.js';
import { DataParallel } from '../../../src/distributed/data-parallel.js';
import { distEnv } from '../../../src/distributed/env.js';
import { joinGroup } from '../../../src/distributed/group.js';
import { useTestBackend } from '../../helpers/backend.js';
import { mnistSlice } from '../../helpers/mnist.js';

const [mode, arg] = process.argv.slice(2);
await useTestBackend();
const env = distEnv();
const timeoutMs = Number(process.env.DIST_TIMEOUT_MS ?? 30000);
let group: ProcessGroup | undefined;
if (mode === 'collectives-torch') {
  // PyTorch's rank does not write memae's world-size check key: join without it
  const { ProcessGroup } = await import('tfjs-backend-libtorch');
  group = ProcessGroup.init({ rank: env!.rank, worldSize: env!.worldSize, masterAddr: env!.masterAddr, masterPort: env!.masterPort, timeoutMs, checkWorldSize: false });
} else if (env) {
  group = await joinGroup(env, timeoutMs);
}
const rank = env?.rank ?? 0;
const say = (o: unknown) => process.stdout.write(JSON.stringify(o) + '\n');

if (mode === 'collectives') {
  const g = group!;
  const before = tf.memory().numTensors;
  // 40 tensors of varied shapes: several buckets at a 1 KB cap, and one tensor alone above it
  const ts = Array.from({ length: 40 }, (_, k) => tf.fill([k % 5 + 1, 3 + k], (rank + 1) * (k + 1)));
  ts.push(tf.fill([1000], rank + 1));
  g.allreduce(ts, 'sum', 1024);
  const sums = ts.map((t) => Array.from(t.dataSync()));
  const m = tf.fill([7], 2 * rank + 1);
  g.allreduce([m], 'avg');
  // a variable that shares its data with the tensor it was made from: the broadcast must not change that tensor
  const init = tf.fill([3, 2], rank + 10);
  const v = tf.variable(init);
  g.broadcast([v], 1);
  g.barrier();
  const after = tf.memory().numTensors;
  say({ rank, sums, avg: Array.from(m.dataSync()), broadcast: Array.from(v.dataSync()), untouched: Array.from(init.dataSync()), leaked: after - before - ts.length - 3 });
  tf.dispose([...ts, m, v, init]);
} else if (mode === 'collectives-torch') {
  // as fixtures/torch_rank.py: [1, 2, 3] * (rank + 1) and arange(1000) * (rank + 1), summed
  const small = tf.mul(tf.tensor([1, 2, 3]), rank + 1);
  const big = tf.mul(tf.range(0, 1000, 1, 'float32'), rank + 1);
  group!.allreduce([small]);
  group!.allreduce([big]);
  say({ rank, small: Array.from(small.dataSync()), bigSum: tf.sum(big).dataSync()[0] });
} else {
  const data = mode === 'train-tabular'
    ? kddSplit(await readKddTable({ path: arg })).train
    : await mnistSlice({ split: 'train', digits: [3], limit: 40 });
  const det = await MemAE.create(mode === 'train-tabular'
    ? { kind: 'tabular', inputShape: data.sampleShape, seed: 3, ensemble: 1 }
    : { kind: 'image', inputShape: [28, 28, 1], encoderChannels: [4, 8, 8], seed: 5 });
  const parallel = group ? new DataParallel(group) : undefined;
  const before = tf.memory().numTensors;
  const trace: number[] = [];
  const res = await det.fit(data, {
    epochs: Number(process.env.EPOCHS ?? 3), batchSize: Number(process.env.BATCH ?? 32), seed: 7, progressBar: false, scoreTraining: false, parallel,
    // a constant learning rate: a schedule's length follows the epochs asked for, and the resume test runs 2, then 3
    schedule: 'constant',
    // SYNC_BN=1: synchronised batch norm
    ...(process.env.SYNC_BN === '1' ? { syncBatchNorm: true } : {}),
    // CKPT: checkpoint file (rank 0 writes it), resumed from when it exists
    ...(process.env.CKPT ? { checkpoint: process.env.CKPT, resume: true } : {}),
    // the kill test waits for this line before killing a rank mid-epoch
    onProgress: (e) => {
      if (e.phase !== 'batch') return;
      trace.push(e.loss); // the epoch's running mean loss after every step
      if (process.env.ANNOUNCE) say({ rank, epoch: e.epoch, batch: e.batch });
    },
  });
  const leaked = tf.memory().numTensors - before;
  say({ rank, size: data.size, loss: res.history.map((h) => h.loss), weights: det.model.getWeights().map((w) => Array.from(w.dataSync())), names: det.model.weights.map((w) => w.originalName), trace, leaked, stats: parallel?.stats });
}
group?.destroy();
