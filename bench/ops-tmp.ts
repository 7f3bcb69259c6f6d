import * as tf from '@tensorflow/tfjs';
import { registerLibtorchBackend } from 'tfjs-backend-libtorch';
import { referenceModel, trainer, infer } from './reference-model.js';
registerLibtorchBackend({ threads: 2 });
await tf.setBackend('libtorch');
const model = referenceModel();
const step = trainer(model);
const x = tf.randomUniform([64, 28, 28, 1]);
step(x);
const count = async (f: () => void) => {
  const p = await tf.profile(f);
  const m = new Map<string, [number, number]>();
  for (const k of p.kernels) { const e = m.get(k.name) ?? [0, 0]; e[0]++; e[1] += k.kernelTimeMs as number; m.set(k.name, e); }
  console.log('total kernels', p.kernels.length);
  console.log([...m.entries()].sort((a, b) => b[1][1] - a[1][1]).map(([k, [n, t]]) => `${k} ${n} ${t.toFixed(1)}ms`).join('\n'));
};
await count(() => step(x));
await count(() => infer(model, x).dispose());
