// Where a batch-1 scoring call of the reference model goes, beyond the replayed plan: CPU us per call (median of
// --rounds chunks of --calls calls, the variants alternating chunk by chunk in this one process).
//   LIBTORCH_NUM_THREADS=1 npx tsx bench/profile/score-b1.ts [--calls 300] [--rounds 7]
import * as tf from '@tensorflow/tfjs-core';
import { benchArgs } from '../lib/args.js';
import { cachedInferencePlan, inferenceOutputs, inferenceValues } from '../../packages/memae/src/models/inference-plan.js';
import { errorMapAndScore, scoreOf } from '../../packages/memae/src/score/error-map.js';
import { scoreModel } from '../../packages/memae/src/score/score.js';
import { referenceBatch1 } from './reference-b1.js';

const { values: o } = benchArgs(import.meta.url, { options: { calls: { type: 'string', default: '300' }, rounds: { type: 'string', default: '7' } } });
const [calls, rounds] = [Number(o.calls), Number(o.rounds)];
const { model, cfg, values, data, x } = await referenceBatch1();
const plan = cachedInferencePlan(model);
const tail = { key: 'profile', fn: (xi: tf.Tensor, [rec]: tf.Tensor[]) => [errorMapAndScore('image', xi, rec).score] };
const tail2 = { key: 'profile2', fn: (xi: tf.Tensor, [rec]: tf.Tensor[]) => [scoreOf('image', xi, rec)] };
const variants: Record<string, () => Promise<void> | void> = {
  // the replayed forward on an uploaded input, output read back (the matrix's replay path)
  replay: () => { const y = tf.tidy(() => inferenceOutputs(model, plan, x)[0]); y.dataSync(); y.dispose(); },
  // the same with the error map and score in the plan, score read back (4 kernels), or the score alone (2)
  'replay+score tail': () => { const y = tf.tidy(() => inferenceOutputs(model, plan, x, tail)[0]); y.dataSync(); y.dispose(); },
  'replay+score-only tail': () => { const y = tf.tidy(() => inferenceOutputs(model, plan, x, tail2)[0]); y.dataSync(); y.dispose(); },
  'replay, upload': () => { const y = tf.tidy(() => inferenceOutputs(model, plan, tf.tensor(values, [1, 28, 28, 1]))[0]); y.dataSync(); y.dispose(); },
  'upload alone': () => { tf.tensor(values, [1, 28, 28, 1]).dispose(); },
  'replay, input computed': () => { const y = tf.tidy(() => inferenceOutputs(model, plan, tf.mul(x, 1))[0]); y.dataSync(); y.dispose(); },
  'replay+score tail, upload': () => { const y = tf.tidy(() => inferenceOutputs(model, plan, tf.tensor(values, [1, 28, 28, 1]), tail)[0]); y.dataSync(); y.dispose(); },
  'replay+score tail, upload, async read': async () => { const y = tf.tidy(() => inferenceOutputs(model, plan, tf.tensor(values, [1, 28, 28, 1]), tail)[0]); await y.data(); y.dispose(); },
  'replay+score-only tail, upload, async read': async () => { const y = tf.tidy(() => inferenceOutputs(model, plan, tf.tensor(values, [1, 28, 28, 1]), tail2)[0]); await y.data(); y.dispose(); },
  // scoreModel's path once a shape is recorded: values in, typed arrays out, no tfjs tensors (NativePlan.runValues)
  'replay+score-only tail, values in/out': () => { inferenceValues(plan, values, [1, 28, 28, 1], tail2); },
  'cachedInferencePlan lookup': () => { cachedInferencePlan(model); },
  'data.gather': () => { data.gather([0]); },
  scoreModel: async () => { await scoreModel(model, cfg, data, { batchSize: 1 }); },
};
const per = new Map<string, number[]>(Object.keys(variants).map((k) => [k, []]));
for (const f of Object.values(variants)) for (let i = 0; i < 300; i++) await f();
const cpu = () => { const c = process.cpuUsage(); return c.user + c.system; };
for (let r = 0; r < rounds; r++) {
  for (const [k, f] of Object.entries(variants)) {
    const c0 = cpu();
    for (let i = 0; i < calls; i++) await f();
    per.get(k)!.push((cpu() - c0) / calls);
  }
}
const med = (xs: number[]) => [...xs].sort((p, q) => p - q)[xs.length >> 1];
for (const [k, xs] of per) console.log(`${k.padEnd(44)} median ${med(xs).toFixed(1)} us, best ${Math.min(...xs).toFixed(1)} us`);
