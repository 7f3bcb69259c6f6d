// The reference model's forward convolutions called on the addon directly (docs/engine.md): median
// us per call, batch 64 (--batch N), NHWC, 'same' stride 2 as tfjs resolves it (pads 0/1 on even sizes).
//   LIBTORCH_NUM_THREADS=2 npx tsx bench/profile/conv-micro.ts [--batch 64]
import * as tf from '@tensorflow/tfjs-core';
import { benchArgs } from '../lib/args.js';
import { loadAddon, registerLibtorchBackend } from 'tfjs-backend-libtorch';

const { values: o } = benchArgs(import.meta.url, { options: { batch: { type: 'string', default: '64' } } });

registerLibtorchBackend();
await tf.setBackend('libtorch');
const a = loadAddon();
const w = (s: number[]) => a.write(Float32Array.from({ length: s.reduce((x, y) => x * y, 1) }, () => Math.random() - 0.5), s, 0);
function median(f: () => void, reps = 300): number {
  const t: number[] = [];
  for (let i = 0; i < 30; i++) f();
  for (let i = 0; i < reps; i++) { const t0 = performance.now(); f(); t.push(performance.now() - t0); }
  return t.sort((p, q) => p - q)[reps >> 1] * 1000;
}
for (const [h, ci, co, lo, hi] of [[28, 1, 16, 0, 1], [14, 16, 32, 0, 1], [7, 32, 64, 1, 1], [14, 16, 32, 1, 1]]) {
  const x = w([Number(o.batch), h, h, ci]), f = w([3, 3, ci, co]), b = w([co]);
  const us = median(() => a.free(a.conv(x, f, b, [2, 2], [lo, hi, lo, hi], [1, 1], 1, 0, 0.2, 0)));
  console.log(`${h}x${h}x${ci} -> ${co}, pads ${lo}/${hi}: ${us.toFixed(0)} us`);
}
