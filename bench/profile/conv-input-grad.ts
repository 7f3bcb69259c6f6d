// Micro-benchmark of the conv input-gradient paths of native/conv.cc (docs/engine.md, "Input
// gradients") on the reference model's three transposed convolutions: median us per call, modes
// alternating (0 im2col transposed, 1 oneDNN backward data, 2 default, 3 sub-pixel).
//   LIBTORCH_NUM_THREADS=1 npx tsx bench/profile/conv-input-grad.ts
import * as tf from '@tensorflow/tfjs-core';
import { loadAddon, registerLibtorchBackend } from 'tfjs-backend-libtorch';
registerLibtorchBackend(); // threads: $LIBTORCH_NUM_THREADS or all cores
await tf.setBackend('libtorch');
const a = loadAddon();
const w = (s: number[]) => a.write(Float32Array.from({ length: s.reduce((x, y) => x * y, 1) }, () => Math.random() * 2 - 1), s, 0);
const cases: [number[], number[], number[]][] = [[[64, 16, 16, 16], [3, 3, 1, 16], [32, 32]], [[64, 8, 8, 32], [3, 3, 16, 32], [16, 16]], [[64, 4, 4, 64], [3, 3, 32, 64], [8, 8]]];
for (const [dys, fs, size] of cases) {
  const dy = w(dys), f = w(fs);
  const res: string[] = [];
  const times = new Map<number, number[]>();
  for (let r = 0; r < 200; r++) for (const mode of [0, 1, 2, 3]) {
    a.setConvInputGradMode(mode);
    const t0 = performance.now(); a.free(a.convInputGrad(dy, f, size, [2, 2], [0, 1, 0, 1], [1, 1], 1)); const t = performance.now() - t0;
    if (r >= 20) (times.get(mode) ?? times.set(mode, []).get(mode)!).push(t);
  }
  for (const [m, ts] of times) { ts.sort((p, q) => p - q); res.push(`mode ${m} ${(ts[ts.length >> 1] * 1000).toFixed(0)} us`); }
  console.log(`${a.getThreads()} threads, dy ${dys} filter ${fs}: ${res.join(', ')}`);
}
a.setConvInputGradMode(2);
