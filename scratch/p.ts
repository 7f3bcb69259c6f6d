import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../packages/memae/src/backend/select.js';
import { buildModel, resolveConfig } from '../packages/memae/src/models/index.js';
import { computeLoss } from '../packages/memae/src/train/loss.js';
await initBackend(process.argv[2] as 'cpu');
const cfg = resolveConfig({ kind: 'image', inputShape: [28, 28, 1] });
const m = buildModel(cfg);
const x = tf.randomNormal([32, 28, 28, 1]);
for (let it = 0; it < 2; it++) {
  const info = await tf.profile(() => {
    const g = tf.variableGrads(() => computeLoss(m, x, 0.0002, true).total);
    return g.value;
  });
  const agg = new Map<string, number>();
  for (const k of info.kernels) agg.set(k.name, (agg.get(k.name) ?? 0) + (k.kernelTimeMs as number));
  const total = [...agg.values()].reduce((a, b) => a + b, 0);
  console.log(it, 'total kernel ms', total.toFixed(0), [...agg.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([k, v]) => `${k}:${v.toFixed(0)}`).join(' '));
}
