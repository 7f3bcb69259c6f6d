// The reference model's two decoder transposed convolutions through tfjs on the libtorch backend, alone and
// warm: median us per call (kernels run synchronously; no read back), for each way native/conv.cc can compute them, against
// PyTorch's nn.ConvTranspose2d on the same machine in the same run (bench/conv_transpose_torch.py).
//   npx tsx bench/profile/conv-transpose-micro.ts [--threads 2]
import { execFileSync } from 'node:child_process';
import { benchArgs } from '../lib/args.js';
import * as tf from '@tensorflow/tfjs-core';
import { loadAddon, registerLibtorchBackend } from 'tfjs-backend-libtorch';

const { values: a } = benchArgs(import.meta.url, { options: { threads: { type: 'string', default: '2' }, python: { type: 'string', default: '/usr/bin/python3' } } });
const threads = Number(a.threads);
registerLibtorchBackend({ threads });
await tf.setBackend('libtorch');
const x = tf.randomNormal([64, 16, 16, 16]) as tf.Tensor4D;
const w = tf.randomNormal([3, 3, 1, 16]) as tf.Tensor4D;
const x2 = tf.randomNormal([64, 8, 8, 32]) as tf.Tensor4D;
const w2 = tf.randomNormal([3, 3, 16, 32]) as tf.Tensor4D;
function med(f: () => tf.Tensor, n = 300): number {
  for (let i = 0; i < 50; i++) f().dispose();
  const t: number[] = [];
  for (let i = 0; i < n; i++) { const t0 = performance.now(); const y = f(); t.push(performance.now() - t0); y.dispose(); }
  return t.sort((p, q) => p - q)[n >> 1] * 1000;
}
const layers = {
  '16->1': () => tf.conv2dTranspose(x, w, [64, 32, 32, 1], 2, 'same'),
  '32->16': () => tf.conv2dTranspose(x2, w2, [64, 16, 16, 16], 2, 'same'),
};
const modes: [string, number][] = [['im2col (mode 0)', 0], ['oneDNN backward data (mode 1)', 1], ['sub-pixel convolution (mode 3)', 3], ['default (mode 2)', 2]];
const torch = JSON.parse(execFileSync(a.python!, ['bench/conv_transpose_torch.py', String(threads)], { encoding: 'utf8' })) as Record<string, number>;
console.log(`median us per call, ${threads} threads (PyTorch ConvTranspose2d: ${Object.entries(torch).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')})`);
for (const [name, mode] of modes) {
  loadAddon().setConvInputGradMode(mode);
  const cells = Object.entries(layers).map(([k, f]) => { const us = med(f); return `${k} ${us.toFixed(0)} us (${(torch[k] / us).toFixed(2)}x PyTorch)`; });
  console.log(`${name.padEnd(32)} ${cells.join('   ')}`);
}
loadAddon().setConvInputGradMode(2);
