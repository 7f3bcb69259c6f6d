// Kernels per step of the reference model (bench/reference-model.ts) on the libtorch backend:
// training with tfjs' own Adam and with memae's fused Adam, and inference. Load-independent figures
// (docs/engine.md). Usage: npx tsx bench/kernel-count.ts [--names]
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { registerLibtorchBackend } from 'tfjs-backend-libtorch';
import { IMAGE, infer, referenceModel, trainer } from './reference-model.js';

const { values: o } = parseArgs({ options: { names: { type: 'boolean', default: false } } });
registerLibtorchBackend();
await tf.setBackend('libtorch');
const x = tf.randomUniform([64, IMAGE, IMAGE, 1], 0, 1, 'float32', 1);

async function count(what: string, f: () => void): Promise<void> {
  f(); // first call creates optimizer state and warms caches
  const p = await tf.profile(f);
  const hist = new Map<string, number>();
  for (const k of p.kernels) hist.set(k.name, (hist.get(k.name) ?? 0) + 1);
  console.log(`${what.padEnd(34)} ${String(p.kernels.length).padStart(5)} kernels`);
  if (o.names) console.log(`  ${[...hist].sort((a, b) => b[1] - a[1]).map(([n, c]) => `${n} ${c}`).join(', ')}`);
}

const model = referenceModel();
const tfjsStep = trainer(model, 1e-3, 'tfjs'), memaeStep = trainer(model, 1e-3, 'memae');
await count('train step, tf.train.adam', () => tfjsStep(x));
await count('train step, memae adam (fused)', () => memaeStep(x));
await count('inference step', () => infer(model, x).dispose());
