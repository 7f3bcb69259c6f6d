// Batch-1 scoring of a tabular MemAE (30 features, the default config) with and without a residual scale: CPU us per
// scoreModel call, chunks of 300 calls alternating in one process after 500 calls of each.
//   LIBTORCH_NUM_THREADS=1 npx tsx bench/profile/score-tabular-b1.ts
import * as tf from '@tensorflow/tfjs-core';
import { registerLibtorchBackend } from 'tfjs-backend-libtorch';
import { ArrayDataset } from '../../packages/memae/src/data/dataset.js';
import { resolveConfig } from '../../packages/memae/src/models/config.js';
import { buildModel } from '../../packages/memae/src/models/build.js';
import { scoreModel } from '../../packages/memae/src/score/score.js';
import { RESIDUAL_CLIP } from '../../packages/memae/src/score/residual-scale.js';

registerLibtorchBackend({ threads: Number(process.env.LIBTORCH_NUM_THREADS ?? 1) });
await tf.setBackend('libtorch');
const F = 30;
const cfg = resolveConfig({ kind: 'tabular', variant: 'memae', inputShape: [F] });
const model = buildModel(cfg);
const data = new ArrayDataset(Float32Array.from({ length: F }, (_, i) => (i % 7) / 7), [F]);
const rs = { version: 1 as const, center: Array.from({ length: F }, () => 0.01), spread: Array.from({ length: F }, () => 0.5), clip: RESIDUAL_CLIP };
const cpu = () => { const c = process.cpuUsage(); return c.user + c.system; };
const run = async (o: object) => { await scoreModel(model, cfg, data, { batchSize: 1, ...o }); };
for (let i = 0; i < 500; i++) { await run({}); await run({ residualScale: rs }); }
for (let r = 0; r < 5; r++) {
  for (const [k, o] of [['plain', {}], ['residual scale', { residualScale: rs }]] as const) {
    const c0 = cpu();
    for (let i = 0; i < 300; i++) await run(o);
    console.log(k, ((cpu() - c0) / 300).toFixed(1), 'us');
  }
}
