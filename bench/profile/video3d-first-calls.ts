// CPU ms of each of the first --calls scoreModel calls of a fresh process on the official 3D video net at batch 1 (the
// inference matrix's video3d `score` cell, call by call: plan build + recording in the first, replays after).
//   LIBTORCH_NUM_THREADS=1 npx tsx bench/profile/video3d-first-calls.ts [--calls 10]
import * as tf from '@tensorflow/tfjs-core';
import { benchArgs } from '../lib/args.js';
import { registerLibtorchBackend } from 'tfjs-backend-libtorch';
import { ArrayDataset } from '../../packages/memae/src/data/dataset.js';
import { buildModel } from '../../packages/memae/src/models/build.js';
import { resolveConfig } from '../../packages/memae/src/models/config.js';
import { scoreModel } from '../../packages/memae/src/score/score.js';

const { values: o } = benchArgs(import.meta.url, { options: { calls: { type: 'string', default: '10' } } });
registerLibtorchBackend();
await tf.setBackend('libtorch');
const cfg = resolveConfig({ kind: 'video', variant: 'ae', inputShape: [16, 64, 64, 1] });
const model = buildModel(cfg);
const values = Float32Array.from({ length: 16 * 64 * 64 }, (_, i) => ((i * 2654435761) % 1000) / 1000);
const data = new ArrayDataset(values, cfg.inputShape);
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
const ms: number[] = [];
for (let i = 0; i < Number(o.calls); i++) {
  const c0 = cpu();
  await scoreModel(model, cfg, data, { batchSize: 1 });
  ms.push(cpu() - c0);
}
console.log(JSON.stringify({ side: 'ours', model: 'video3d', batch: 1, cpuMs: ms.map((v) => Math.round(v * 10) / 10) }));
