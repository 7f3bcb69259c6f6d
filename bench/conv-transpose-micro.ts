// The reference model's two decoder transposed convolutions through tfjs on the libtorch backend, alone and warm:
// median us per call (read back included), 2 threads; compare PyTorch's ConvTranspose2d (docs/engine.md).
//   npx tsx bench/conv-transpose-micro.ts
import * as tf from '@tensorflow/tfjs-core';
import { registerLibtorchBackend } from 'tfjs-backend-libtorch';
registerLibtorchBackend({ threads: 2 });
await tf.setBackend('libtorch');
const x = tf.randomNormal([64, 16, 16, 16]) as tf.Tensor4D;
const w = tf.randomNormal([3, 3, 1, 16]) as tf.Tensor4D;
const x2 = tf.randomNormal([64, 8, 8, 32]) as tf.Tensor4D;
const w2 = tf.randomNormal([3, 3, 16, 32]) as tf.Tensor4D;
function med(f: () => tf.Tensor, n = 300) {
  for (let i = 0; i < 50; i++) f().dispose();
  const t: number[] = [];
  for (let i = 0; i < n; i++) { const t0 = performance.now(); const y = f(); y.dataSync(); t.push(performance.now() - t0); y.dispose(); }
  return (t.sort((a, b) => a - b)[n >> 1] * 1000).toFixed(0);
}
console.log('convT 16->1, 16x16 -> 32x32:', med(() => tf.conv2dTranspose(x, w, [64, 32, 32, 1], 2, 'same')), 'us');
console.log('convT 32->16, 8x8 -> 16x16:', med(() => tf.conv2dTranspose(x2, w2, [64, 16, 16, 16], 2, 'same')), 'us');
