// What caching the inference plan per model saves (docs/engine.md "Inference plan"): in ONE process, memae's
// scoreModel with the model's cached plan against the same call with the plan rebuilt first (releaseInferencePlan:
// scoreModel before the cache) and against no plan (model.apply), interleaved in chunks so that the machine's load
// hits all alike; process CPU time per call (1 thread). Models: the reference model and memae's image MemAE
// (defaults, 28x28x1); batch 1 (the service's requests) and 64.
//   LIBTORCH_NUM_THREADS=1 npx tsx bench/profile/plan-cache.ts [--rounds 10] [--chunk 40] [--batches 1,64]
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { benchArgs } from '../lib/args.js';
import { registerLibtorchBackend } from 'tfjs-backend-libtorch';
import { ArrayDataset } from '../../packages/memae/src/data/dataset.js';
import { buildModel, resolveConfig, type ModelConfig } from '../../packages/memae/src/models/index.js';
import { inferencePlanTensors, releaseInferencePlan } from '../../packages/memae/src/models/inference-plan.js';
import { scoreModel } from '../../packages/memae/src/score/score.js';
import { markdownTable, writeResults } from '../lib/results.js';
import { referenceModel } from '../reference-model.js';

const { values: o } = benchArgs(import.meta.url, { options: {
  rounds: { type: 'string', default: '10' }, chunk: { type: 'string', default: '40' }, batches: { type: 'string', default: '1,64' },
  name: { type: 'string', default: 'plan-cache' },
} });
const rounds = Number(o.rounds), chunk = Number(o.chunk);
registerLibtorchBackend({ threads: 1 });
await tf.setBackend('libtorch');

const models: Record<string, () => { model: tfl.LayersModel; cfg: ModelConfig }> = {
  ref: () => ({ model: referenceModel(), cfg: resolveConfig({ kind: 'image', variant: 'ae', inputShape: [28, 28, 1] }) }),
  'memae-image': () => {
    const cfg = resolveConfig({ kind: 'image', inputShape: [28, 28, 1] });
    return { model: buildModel(cfg), cfg };
  },
};
const cpuUs = () => { const c = process.cpuUsage(); return c.user + c.system; };
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];

const rows: Record<string, unknown>[] = [];
for (const [name, make] of Object.entries(models)) {
  const { model, cfg } = make();
  for (const batch of o.batches.split(',').map(Number)) {
    const per = cfg.inputShape.reduce((a, b) => a * b, 1);
    const values = Float32Array.from({ length: batch * per }, (_, i) => ((i * 2654435761) % 1000) / 1000);
    const data = new ArrayDataset(values, cfg.inputShape);
    const x = tf.tensor(values, [batch, ...cfg.inputShape]);
    const paths: Record<string, () => Promise<void>> = {
      cached: async () => { await scoreModel(model, cfg, data, { batchSize: batch }); },
      rebuilt: async () => { releaseInferencePlan(model); await scoreModel(model, cfg, data, { batchSize: batch }); },
      apply: async () => {
        const s = tf.tidy(() => {
          const out = model.apply(x, { training: false }) as tf.Tensor | tf.Tensor[];
          return tf.mean(tf.reshape(tf.squaredDifference(x, Array.isArray(out) ? out[0] : out), [batch, -1]), 1);
        });
        await s.data();
        s.dispose();
      },
    };
    const t: Record<string, number[]> = { cached: [], rebuilt: [], apply: [] };
    for (const f of Object.values(paths)) for (let i = 0; i < chunk * 2; i++) await f(); // warm-up (V8 tiers up)
    await paths.cached();
    const tensors = tf.memory().numTensors;
    for (let r = 0; r < rounds; r++) {
      const order = Object.keys(paths);
      if (r % 2) order.reverse();
      for (const k of order) {
        const c0 = cpuUs();
        for (let i = 0; i < chunk; i++) await paths[k]();
        t[k].push((cpuUs() - c0) / chunk);
      }
    }
    await paths.cached();
    const row = {
      model: name, batch, cachedCpuUs: Math.round(median(t.cached)), rebuiltCpuUs: Math.round(median(t.rebuilt)), applyCpuUs: Math.round(median(t.apply)),
      rebuiltOverCached: +(median(t.rebuilt) / median(t.cached)).toFixed(2), applyOverCached: +(median(t.apply) / median(t.cached)).toFixed(2),
      planTensors: inferencePlanTensors(model), tensorsFlat: tf.memory().numTensors === tensors,
    };
    console.log(JSON.stringify(row));
    rows.push(row);
    x.dispose();
  }
  model.dispose();
}
const command = `LIBTORCH_NUM_THREADS=1 npx tsx bench/profile/plan-cache.ts --rounds ${rounds} --chunk ${chunk} --batches ${o.batches}`;
const md = markdownTable(['model', 'batch', 'cached plan, CPU us per call', 'plan rebuilt per call', 'model.apply', 'rebuilt / cached', 'apply / cached'],
  rows.map((r) => [r.model, r.batch, r.cachedCpuUs, r.rebuiltCpuUs, r.applyCpuUs, r.rebuiltOverCached, r.applyOverCached].map(String)));
const files = writeResults(o.name, { command, rounds, chunk, rows }, `${command}\n\n${md}`);
console.log(`${files.json}\n${md}`);
