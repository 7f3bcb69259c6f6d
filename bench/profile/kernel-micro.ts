// Micro-benchmark of the native gradient kernels against the kernels tfjs' own gradients run (docs/engine.md):
// same inputs, alternating runs, median of per-call times. Shapes are the reference model's first
// block (batch 64, 14x14x16, NHWC).
//   LIBTORCH_NUM_THREADS=1 npx tsx bench/profile/kernel-micro.ts
import * as tf from '@tensorflow/tfjs-core';
import { loadAddon, registerLibtorchBackend } from 'tfjs-backend-libtorch';

registerLibtorchBackend(); // threads: $LIBTORCH_NUM_THREADS or all cores
await tf.setBackend('libtorch');
const a = loadAddon();
const shape = [64, 14, 14, 16];
const n = shape.reduce((x, y) => x * y, 1);
const w = (s: number[], lo = -1) => a.write(Float32Array.from({ length: s.reduce((x, y) => x * y, 1) }, () => lo + Math.random() * 2), s, 0);
const dy = w(shape), x = w(shape), mean = w([16]), mean4 = a.reshape(mean, [1, 1, 1, 16]), v = w([16], 0.5), s = w([16]);
const zero = a.write(new Float32Array([0]), [], 0), alpha = a.write(new Float32Array([0.2]), [], 0), two = a.write(new Float32Array([2]), [], 0);
// tfjs' own LeakyRelu gradient: where(greater(x, 0), dy, mul(dy, alpha)), three kernels.
function leakyComposed(): void {
  const m = a.binary(12, x, zero, 2), d = a.binary(2, dy, alpha, 0);
  free([m, d, a.select(m, dy, d, 0)]);
}

function median(f: () => void, reps = 200): number {
  const t: number[] = [];
  for (let i = 0; i < reps; i++) { const t0 = performance.now(); f(); t.push(performance.now() - t0); }
  return t.sort((p, q) => p - q)[reps >> 1] * 1000;
}
const free = (r: number | number[]) => (Array.isArray(r) ? r : [r]).forEach((id) => a.free(id));
const rows: [string, () => void, () => void][] = [
  // One call computing all five batch-norm gradients vs [C] and [1,1,1,C] statistics (same ATen ops).
  ['batchNormGrad', () => free(a.batchNormGrad(dy, x, mean, v, s, 1e-3)), () => free(a.batchNormGrad(dy, x, mean4, v, s, 1e-3))],
  ['leakyReluGrad', () => free(a.leakyReluGrad(dy, x, 0.2)), leakyComposed],
  // tfjs' own Square gradient: mul(dy, mul(x, 2)), two kernels.
  ['squareGrad', () => free(a.squareGrad(dy, x)), () => { const t = a.binary(2, x, two, 0); free([t, a.binary(2, dy, t, 0)]); }],
];
// Per-channel one-pass kernels (native/rows.cc) vs ATen's broadcasting ops (setChannelKernels(false)),
// on the reference model's shapes: batch norm of the 14x14x16 block, bias add of a cropped
// conv2dTranspose result (64x9x9x32 narrowed to 8x8, 64x33x33x1 narrowed to 32x32).
const channelOff = (f: () => void) => () => { a.setChannelKernels(false); f(); a.setChannelKernels(true); };
const bnCall = () => free(a.batchNorm(x, mean, v, s, s, 1e-3));
const crop = (full: number[], c: number) => a.slice(w(full), [0, 0, 0, 0], [full[0], full[1] - 1, full[2] - 1, c]);
const t32 = crop([64, 9, 9, 32], 32), b32 = w([32]), t1 = crop([64, 33, 33, 1], 1), b1 = w([1]);
rows.push(['batchNorm [C]', bnCall, channelOff(bnCall)],
  ['biasAdd 8x8x32 crop', () => free(a.binary(0, t32, b32, 0)), channelOff(() => free(a.binary(0, t32, b32, 0)))],
  ['biasAdd 32x32x1 crop', () => free(a.binary(0, t1, b1, 0)), channelOff(() => free(a.binary(0, t1, b1, 0)))]);
console.log(`elements ${n}; median us per call (fast loop vs ATen ops)`);
for (const [name, fast, slow] of rows) {
  for (let i = 0; i < 20; i++) { fast(); slow(); }
  console.log(`${name.padEnd(16)} ${median(fast).toFixed(0).padStart(8)} ${median(slow).toFixed(0).padStart(8)}`);
}
