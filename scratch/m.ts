import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../packages/memae/src/backend/select.js';
import { buildModel, resolveConfig } from '../packages/memae/src/models/index.js';
const be = await initBackend(process.argv[2] as 'cpu');
for (const o of [{ kind: 'image', inputShape: [28, 28, 1] }, { kind: 'image', inputShape: [32, 32, 3] }, { kind: 'tabular', inputShape: [121] }, { kind: 'video', inputShape: [16, 64, 64, 1], encoderChannels: [8, 8, 16, 16] }] as const) {
  const cfg = resolveConfig(o as never);
  const m = buildModel(cfg);
  const x = tf.randomNormal([2, ...cfg.inputShape]);
  let t = performance.now();
  const outs = m.predict(x) as tf.Tensor[];
  const outArr = Array.isArray(outs) ? outs : [outs];
  console.log(be, o.kind, m.countParams(), outArr.map((t) => t.shape), (performance.now() - t).toFixed(0), 'ms');
  t = performance.now();
  const g = tf.variableGrads(() => { const o2 = m.apply(x, { training: true }) as tf.Tensor[]; return tf.losses.meanSquaredError(x, o2[0]) as tf.Scalar; });
  console.log('  grads', Object.keys(g.grads).length, (performance.now() - t).toFixed(0), 'ms');
}
