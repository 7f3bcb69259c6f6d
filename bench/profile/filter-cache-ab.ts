// Same-process A/B of the converted-filter cache (native/conv.cc cachedFilter; setConvFilterCache switches it): CPU us
// per call of the reference model's model.apply, its replayed inference plan and a training step, at --batches, the cache on and off
// alternating chunk by chunk (so the machine's load hits both alike); median of --rounds chunks of --calls calls.
//   LIBTORCH_NUM_THREADS=1 npx tsx bench/profile/filter-cache-ab.ts [--batches 1,64] [--calls 30] [--rounds 11]
import * as tf from '@tensorflow/tfjs-core';
import { benchArgs } from '../lib/args.js';
import { loadAddon, registerLibtorchBackend } from 'tfjs-backend-libtorch';
import { buildInferencePlan, inferenceOutputs } from '../../packages/memae/src/models/inference-plan.js';
import { referenceModel, trainer } from '../reference-model.js';

const { values: o } = benchArgs(import.meta.url, { options: { batches: { type: 'string', default: '1,64' }, calls: { type: 'string', default: '30' }, rounds: { type: 'string', default: '11' } } });
const [calls, rounds] = [Number(o.calls), Number(o.rounds)];
registerLibtorchBackend({ threads: Number(process.env.LIBTORCH_NUM_THREADS ?? 1) });
await tf.setBackend('libtorch');
const addon = loadAddon();
const model = referenceModel();
const plan = buildInferencePlan(model, { unfolded: true });
const train = trainer(referenceModel(2));
const cpu = () => { const c = process.cpuUsage(); return c.user + c.system; };
const med = (xs: number[]) => [...xs].sort((p, q) => p - q)[xs.length >> 1];
for (const batch of String(o.batches).split(',').map(Number)) {
  const x = tf.tensor(Float32Array.from({ length: batch * 784 }, (_, i) => ((i * 2654435761) % 1000) / 1000), [batch, 28, 28, 1]);
  const paths: Record<string, () => void> = {
    apply: () => { const y = tf.tidy(() => model.apply(x, { training: false }) as tf.Tensor); y.dataSync(); y.dispose(); },
    replay: () => { const y = tf.tidy(() => inferenceOutputs(model, plan, x)[0]); y.dataSync(); y.dispose(); },
    // a training step with memae's fused Adam (in place: every conversion is made again after each update)
    train: () => train(x),
  };
  for (const [name, f] of Object.entries(paths)) {
    const per: Record<string, number[]> = { on: [], off: [] };
    for (const on of [true, false]) { addon.setConvFilterCache(on); for (let i = 0; i < 100; i++) f(); }
    for (let r = 0; r < rounds; r++) {
      for (const on of r % 2 ? [true, false] : [false, true]) {
        addon.setConvFilterCache(on);
        const c0 = cpu();
        for (let i = 0; i < calls; i++) f();
        per[on ? 'on' : 'off'].push((cpu() - c0) / calls);
      }
    }
    addon.setConvFilterCache(true);
    const [on, off] = [med(per.on), med(per.off)];
    console.log(`batch ${batch} ${name.padEnd(6)} cache on ${on.toFixed(0)} us, off ${off.toFixed(0)} us, off/on ${(off / on).toFixed(2)}`);
  }
  x.dispose();
}
