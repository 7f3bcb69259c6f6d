import * as tf from '@tensorflow/tfjs-core';
import { registerLibtorchBackend } from 'tfjs-backend-libtorch';
registerLibtorchBackend();
await tf.setBackend('libtorch');
const a = tf.transpose(tf.randomUniform([2, 96, 17, 65, 65]), [0, 2, 3, 4, 1]);
const b = tf.transpose(tf.randomUniform([2, 96, 16, 64, 64]), [0, 2, 3, 4, 1]);
const bc = tf.randomUniform([2, 16, 64, 64, 96]);
const w = tf.randomUniform([3, 3, 3, 96, 128]);
const time = (f: () => tf.Tensor) => { f().dispose(); let best = 1e9; for (let i = 0; i < 5; i++) { const t = performance.now(); f().dispose(); best = Math.min(best, performance.now() - t); } return best.toFixed(1); };
console.log('valid on padded NCDHW', time(() => tf.conv3d(a as tf.Tensor5D, w as tf.Tensor5D, 2, 'valid')),
  'same on NCDHW (pad copy)', time(() => tf.conv3d(b as tf.Tensor5D, w as tf.Tensor5D, 2, 'same')),
  'same on NDHWC (transpose+pad)', time(() => tf.conv3d(bc as tf.Tensor5D, w as tf.Tensor5D, 2, 'same')));
