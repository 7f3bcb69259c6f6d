// Per-call CPU time of the first calls of a fresh process, batch-1 reference model: memae's scoreModel vs the bare
// replayed plan (the inference matrix's score and replay paths), to see where scoring's warm-up goes.
//   npx tsx bench/profile/score-warmup.ts --path score|replay [--calls 300]   (bundle it to run as plain node)
import * as tf from '@tensorflow/tfjs-core';
import { benchArgs } from '../lib/args.js';
import { buildInferencePlan, inferenceOutputs } from '../../packages/memae/src/models/inference-plan.js';
import { scoreModel } from '../../packages/memae/src/score/score.js';
import { referenceBatch1 } from './reference-b1.js';

const { values: o } = benchArgs(import.meta.url, { options: { path: { type: 'string', default: 'score' }, calls: { type: 'string', default: '300' } } });
const { model, cfg, data, x } = await referenceBatch1();
const plan = o.path === 'replay' ? buildInferencePlan(model, { unfolded: true }) : null;
const step = o.path === 'replay'
  ? () => { const y = tf.tidy(() => inferenceOutputs(model, plan, x)[0]); y.dataSync(); y.dispose(); }
  : async () => { await scoreModel(model, cfg, data, { batchSize: 1 }); };
const cpu = () => { const c = process.cpuUsage(); return c.user + c.system; };
const per: number[] = [];
for (let i = 0; i < Number(o.calls); i++) {
  const c0 = cpu();
  await step();
  per.push(cpu() - c0);
}
const mean = (a: number[]) => a.reduce((p, q) => p + q, 0) / a.length;
const bands = [[0, 1], [1, 2], [2, 5], [5, 10], [10, 20], [20, 50], [50, 100], [100, 200], [200, 300]];
if (process.env.EACH) console.log(per.slice(0, 40).join(" "));
console.log(o.path, bands.filter(([a]) => a < per.length).map(([a, b]) => `${a}-${b}: ${mean(per.slice(a, b)).toFixed(0)}`).join('  '));
