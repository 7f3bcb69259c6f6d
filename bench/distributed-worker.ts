// One worker of bench/distributed.ts (memae side): trains the image reference model (bench/reference-model.ts,
// with memae's training step), the image MemAE (memae-image: memae's own batch norm, so --sync-bn applies) or the
// official 3D MemAE (video) on a fixed random batch for a few steps, data-parallel when RANK and WORLD_SIZE are set
// (the global batch split across ranks), and prints one JSON line: samples/s of the whole group, the allreduce time
// and payload per step. LIBTORCH_NUM_THREADS sets the threads per process.
import * as tf from '@tensorflow/tfjs-core';
import { benchArgs } from './lib/args.js';
import { initBackend } from '../packages/memae/src/backend/select.js';
import { ArrayDataset } from '../packages/memae/src/data/dataset.js';
import { DataParallel, distEnv, joinGroup, shardOf } from '../packages/memae/src/distributed/index.js';
import { buildModel, resolveConfig } from '../packages/memae/src/models/index.js';
import { stepReduce } from '../packages/memae/src/train/parallel.js';
import { trainModel } from '../packages/memae/src/train/index.js';
import { StageTimer, threadCpu, threadDelta } from './lib/stage-timer.js';
import { referenceModel, trainer } from './reference-model.js';

const { values: a } = benchArgs(import.meta.url, {
  options: {
    model: { type: 'string', default: 'image' },
    batch: { type: 'string', default: '64' },
    steps: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    size: { type: 'string', default: '64' },
    frames: { type: 'string', default: '16' },
    widths: { type: 'string', default: '96,128,256,256' },
    // synchronised batch norm (memae-image, video)
    'sync-bn': { type: 'boolean', default: false },
  },
});
const B = Number(a.batch), steps = Number(a.steps), warmup = Number(a.warmup);
await initBackend('libtorch');
const env = distEnv();
const group = env ? await joinGroup(env, 120_000) : undefined;
const dp = group ? new DataParallel(group) : undefined;
const rank = env?.rank ?? 0, world = env?.worldSize ?? 1;
const local = shardOf(Array.from({ length: B }, (_, i) => i), rank, world).length;
let stamps: number[] = [];
const stage = new StageTimer();
let threads0: ReturnType<typeof threadCpu> = [];
let params: number;
const ZERO = { steps: 0, reduceMs: 0, bytes: 0, collectives: 0, syncBnCollectives: 0, syncBnMs: 0, replayedSteps: 0 };

if (a.model === 'image') {
  // memae's training step (train/step.ts): recorded from the third step and replayed natively, the gradient
  // allreduce inside the plan (MEMAE_REPLAY=0: op by op); one stage, as a replayed step cannot be split
  const model = referenceModel(1);
  const buffers = model.nonTrainableWeights.map((w) => w.read() as tf.Variable);
  params = model.trainableWeights.reduce((s, w) => s + w.read().size, 0);
  dp?.start(model.weights.map((w) => w.read() as tf.Variable), []);
  const step = trainer(model, 1e-3, 'memae', dp && stepReduce(dp, local, B));
  const x = tf.randomUniform([local, 28, 28, 1], 0, 1, 'float32', 1 + rank);
  for (let s = 0; s < warmup + steps; s++) {
    if (s === warmup && dp) Object.assign(dp.stats, ZERO);
    if (s === warmup) threads0 = threadCpu();
    const t = stage.start();
    step(x);
    dp?.afterStep(buffers);
    stage.add('step', t, s >= warmup);
    stamps.push(performance.now());
  }
  stamps = stamps.slice(warmup - 1);
} else {
  const size = Number(a.size), frames = Number(a.frames);
  const image = a.model === 'memae-image';
  const shape = image ? [28, 28, 1] : [frames, size, size, 1];
  const cfg = image
    ? resolveConfig({ kind: 'image', variant: 'memae', inputShape: shape })
    : resolveConfig({ kind: 'video', variant: 'memae', inputShape: shape, encoderChannels: a.widths.split(',').map(Number) });
  const model = buildModel(cfg);
  params = model.trainableWeights.reduce((s, w) => s + w.read().size, 0);
  const n = B * (warmup + steps);
  const per = shape.reduce((p, v) => p * v, 1);
  const values = Float32Array.from({ length: n * per }, (_, i) => ((i * 2654435761) % 1000) / 500 - 1);
  const data = new ArrayDataset(values, shape);
  let mark = stage.start();
  await trainModel(model, cfg, data, {
    epochs: 1, batchSize: B, learningRate: 1e-4, progressBar: false, parallel: dp, syncBatchNorm: a['sync-bn'],
    onProgress: (e) => {
      if (e.phase !== 'batch') return;
      mark = stage.add('step', mark, e.batch > warmup);
      stamps.push(performance.now());
      if (e.batch === warmup) threads0 = threadCpu();
      if (e.batch === warmup && dp) Object.assign(dp.stats, ZERO);
    },
  });
  stamps = stamps.slice(warmup - 1);
}
const seconds = (stamps[stamps.length - 1] - stamps[0]) / 1000;
// the gradient exchange alone, timed over 10 rounds on this model's gradient sizes (after training), and
// the latency of a 1-float allreduce (the per-message cost of the ring model)
let reduceOnlyMs: number | undefined, latencyMs: number | undefined, latencyCpuMs: number | undefined;
if (group) {
  let cpuMs = 0;
  const time = (ts: tf.Tensor[], k: number) => {
    group.allreduce(ts);
    const t = performance.now(), c = process.cpuUsage();
    for (let i = 0; i < k; i++) group.allreduce(ts);
    const d = process.cpuUsage(c);
    cpuMs = (d.user + d.system) / 1000 / k; // this process's CPU (all threads, Gloo's included) per collective
    return (performance.now() - t) / k;
  };
  const gs = [tf.zeros([params])], one = [tf.zeros([1])];
  reduceOnlyMs = time(gs, 10);
  latencyMs = time(one, 50);
  latencyCpuMs = cpuMs;
  tf.dispose([...gs, ...one]);
}
// replayed steps (the allreduce inside the native plan) are not timed apart: the allreduce time is per step that ran
// op by op (undefined when every step replayed), bytes and collectives per step
const allSteps = dp ? dp.stats.steps + dp.stats.replayedSteps : 0;
const perStep = (v: number) => (allSteps > 0 ? v / allSteps : 0);
process.stdout.write(JSON.stringify({
  engine: 'memae', model: a.model, rank, world, globalBatch: B, localBatch: local, steps, seconds, samplesPerSec: (B * steps) / seconds,
  params, reduceMsPerStep: dp && dp.stats.steps > 0 ? dp.stats.reduceMs / dp.stats.steps : dp ? undefined : 0, payloadBytesPerStep: perStep(dp?.stats.bytes ?? 0),
  replayedSteps: dp?.stats.replayedSteps, collectivesPerStep: perStep(dp?.stats.collectives ?? 0), syncBnMsPerStep: perStep(dp?.stats.syncBnMs ?? 0), reduceOnlyMs, latencyMs, latencyCpuMs,
  stagesMs: stage.perStep(steps), threadCpuMs: threadDelta(threads0, threadCpu()), wallMs: seconds * 1000,
}) + '\n');
group?.destroy();
