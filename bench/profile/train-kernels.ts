// Where a training step's kernel time goes, op by op (MEMAE_REPLAY=0, so tf.profile sees each kernel), for the
// training matrix's models (bench/inference-matrix.ts --paths train): time per kernel name, mean over --rounds steps;
// the convolution kernels of one step with their input shapes; and, for the largest transposed convolution of the
// decoder, the same call with the converted-filter cache on and off (native/conv.cc cachedFilter: a training step's
// fused Adam writes every filter in place, so each step converts every filter again, as with the cache off).
//   LIBTORCH_NUM_THREADS=1 npx tsx bench/profile/train-kernels.ts --model cifar --batch 1
import * as tf from '@tensorflow/tfjs-core';
import { registerLibtorchBackend, loadAddon } from 'tfjs-backend-libtorch';
import { benchArgs } from '../lib/args.js';
import { buildModel } from '../../packages/memae/src/models/build.js';
import { resolveConfig } from '../../packages/memae/src/models/config.js';
import { referenceModel, trainer } from '../reference-model.js';

const { values: o } = benchArgs(import.meta.url, { options: {
  model: { type: 'string', default: 'cifar' }, batch: { type: 'string', default: '1' }, rounds: { type: 'string', default: '10' },
} });
process.env.MEMAE_REPLAY = '0';
registerLibtorchBackend({ threads: Number(process.env.LIBTORCH_NUM_THREADS ?? 1) });
await tf.setBackend('libtorch');
const batch = Number(o.batch), rounds = Number(o.rounds);
const shape = o.model === 'ref' ? [28, 28, 1] : o.model === 'cifar' ? [32, 32, 3] : undefined;
if (!shape) throw new Error('--model must be ref or cifar');
const model = o.model === 'ref' ? referenceModel() : buildModel(resolveConfig({ kind: 'image', variant: 'ae', inputShape: shape }));
const x = tf.randomUniform([batch, ...shape]);
const step = trainer(model);
for (let i = 0; i < 30; i++) step(x);

const byName = new Map<string, number>();
let convs: string[] = [];
for (let r = 0; r < rounds; r++) {
  const p = await tf.profile(() => { step(x); return []; });
  for (const k of p.kernels) byName.set(k.name, (byName.get(k.name) ?? 0) + (k.kernelTimeMs as number) / rounds);
  if (r === rounds - 1) convs = p.kernels.filter((k) => /Conv2D/.test(k.name)).map((k) => `${k.name.padEnd(22)} ${(k.kernelTimeMs as number).toFixed(3).padStart(7)} ms  ${JSON.stringify(k.inputShapes)}`);
}
const total = [...byName.values()].reduce((a, b) => a + b, 0);
console.log(`${o.model}, batch ${batch}, op by op: kernel time per training step ${total.toFixed(2)} ms (mean of ${rounds})`);
for (const [k, v] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`  ${k.padEnd(24)} ${v.toFixed(2).padStart(7)} ms`);
console.log('convolution kernels of one step:');
for (const c of convs) console.log(`  ${c}`);

// the decoder's first transposed convolution alone: [batch, h, w, C] -> [batch, 2h, 2w, C'] with its 3x3 filter
const t = model.layers.find((l) => l.getClassName() === 'Conv2DTranspose');
if (t) {
  const [kernel] = t.getWeights() as tf.Tensor4D[];
  const inShape = (t.input as unknown as { shape: number[] }).shape;
  const [h, w, c] = inShape.slice(1) as number[];
  const xin = tf.randomUniform([batch, h, w, c]) as tf.Tensor4D;
  const out: [number, number, number, number] = [batch, 2 * h, 2 * w, kernel.shape[2]];
  const time = (n: number) => { const s = performance.now(); for (let i = 0; i < n; i++) tf.tidy(() => tf.conv2dTranspose(xin, kernel, out, 2, 'same').dataSync()); return (performance.now() - s) / n * 1000; };
  const addon = loadAddon() as unknown as { setConvFilterCache(on: boolean): void };
  for (const on of [true, false, true, false]) { addon.setConvFilterCache(on); time(20); console.log(`first transposed convolution ${JSON.stringify([batch, h, w, c])} x ${JSON.stringify(kernel.shape)}: filter cache ${on ? 'on ' : 'off'} ${time(200).toFixed(0)} us per call`); }
  addon.setConvFilterCache(true);
}
