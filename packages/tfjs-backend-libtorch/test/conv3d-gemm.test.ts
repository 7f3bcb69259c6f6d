// native/conv3d-gemm.cc: 3D convolutions and transposed convolutions on NDHWC memory as matrix products (columns
// position-major or, for inputs with < 8 channels, tap-major; transposed ones by output phases with >= 16 result
// channels on maps large enough, tap-major to 1 channel, else columns and a gather), with the bias and LeakyReLU of convTransposeBiasAct in
// their last pass. setConv3dPath: 0 ATen's kernels, 1 this path wherever it applies, 2 (default) this path at batch 1
// without AVX-512. Every mode must give tfjs cpu's numbers for every geometry, including batch > 1, odd sizes, 'valid',
// strides 1-3, dilation and explicit asymmetric padding.
import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'node:test';
import { loadAddon } from '../src/native.js';
import { expectSameAsCpu, rand } from './harness.js';

type P3 = [number, number, number];
type Pad = 'same' | 'valid';
const f = (shape: number[], seed: number) => ({ values: rand(shape, seed), shape });
const setPath = (mode: number) => (loadAddon() as unknown as { setConv3dPath(m: number): void }).setConv3dPath(mode);

// [name, x shape, filter [kd, kh, kw, in, out], strides, pad, dilations]
const forward: [string, number[], number[], P3, Pad, P3][] = [
  ['1 channel (tap-major columns), (1,2,2) same', [1, 5, 12, 10, 1], [3, 3, 3, 1, 6], [1, 2, 2], 'same', [1, 1, 1]],
  ['3 channels (tap-major), s2 same, batch 2', [2, 6, 7, 8, 3], [3, 3, 3, 3, 5], [2, 2, 2], 'same', [1, 1, 1]],
  ['9 channels (position-major), s2 same, odd sizes', [1, 5, 9, 7, 9], [3, 3, 3, 9, 4], [2, 2, 2], 'same', [1, 1, 1]],
  ['16 channels, 2x3x2 s(1,2,3) valid, batch 2', [2, 4, 9, 11, 16], [2, 3, 2, 16, 7], [1, 2, 3], 'valid', [1, 1, 1]],
  ['16 channels, columns in several blocks, s1 same', [1, 6, 20, 40, 16], [3, 3, 3, 16, 4], [1, 1, 1], 'same', [1, 1, 1]],
  ['dilation 2, same, 8 channels', [1, 6, 7, 7, 8], [3, 3, 3, 8, 3], [1, 1, 1], 'same', [2, 2, 2]],
];

// [name, dy shape, filter [kd, kh, kw, out, in], result shape, strides, pad]
const transposed: [string, number[], number[], number[], P3, Pad][] = [
  ['to 1 channel (tap-major, along W by phase), (1,2,2) same', [1, 4, 6, 5, 12], [3, 3, 3, 1, 12], [1, 4, 12, 10, 1], [1, 2, 2], 'same'],
  ['to 1 channel, 3x4x3 s(2,3,2) valid, batch 2', [2, 3, 4, 5, 6], [3, 4, 3, 1, 6], [2, 7, 13, 11, 1], [2, 3, 2], 'valid'],
  ['to 6 channels (gather), s2 same, batch 2', [2, 3, 4, 3, 8], [3, 3, 3, 6, 8], [2, 6, 8, 6, 6], [2, 2, 2], 'same'],
  ['to 16 channels, small maps (padding waste: gather)', [1, 2, 4, 4, 8], [3, 3, 3, 16, 8], [1, 4, 8, 8, 16], [2, 2, 2], 'same'],
  ['to 16 channels by phases, s2 same', [1, 3, 11, 12, 5], [3, 3, 3, 16, 5], [1, 6, 22, 24, 16], [2, 2, 2], 'same'],
  ['to 17 channels by phases, (1,2,2) same, batch 2', [2, 3, 12, 11, 4], [3, 3, 3, 17, 4], [2, 3, 24, 22, 17], [1, 2, 2], 'same'],
  ['to 16 channels by phases, odd result, s2 same', [1, 3, 12, 12, 4], [3, 3, 3, 16, 4], [1, 5, 23, 23, 16], [2, 2, 2], 'same'],
  ['to 16 channels by phases, 4x4x2 s(2,3,2) valid', [1, 2, 12, 13, 3], [4, 4, 2, 16, 3], [1, 6, 37, 26, 16], [2, 3, 2], 'valid'],
];

type Fused3d = { conv3dBiasAct(x: tf.Tensor, w: tf.Tensor, s: number[], pad: Pad, d: number[], b: tf.Tensor, act: 'linear' | 'leakyrelu', alpha?: number): tf.Tensor };
type Fused = { convTransposeBiasAct(x: tf.Tensor, w: tf.Tensor, out: number[], s: number[], pad: Pad, b: tf.Tensor, act: 'linear' | 'leakyrelu', alpha?: number): tf.Tensor };
const reference = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, out: number[], s: P3, pad: Pad, act: 'linear' | 'leakyrelu', alpha: number) => {
  const y = tf.add(tf.conv3dTranspose(x as tf.Tensor5D, w as tf.Tensor5D, out as [number, number, number, number, number], s, pad), b);
  return act === 'leakyrelu' ? tf.leakyRelu(y, alpha) : y;
};

for (const mode of [0, 1, 2]) {
  describe(`setConv3dPath(${mode}): 3D convolutions match cpu`, () => {
    const withPath = (fn: () => Promise<void>) => async () => {
      setPath(mode);
      try { await fn(); } finally { setPath(2); }
    };
    for (const [name, xs, ws, s, pad, d] of forward) {
      it(`conv3d ${name}`, withPath(() => expectSameAsCpu([f(xs, 1), f(ws, 2)], (x, w) => tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, s, pad, 'NDHWC', d))));
      // LibtorchBackend.conv3dBiasAct (the inference plan's folded 3D convolution) against conv3d + add + leakyRelu
      for (const act of ['linear', 'leakyrelu'] as const) {
        it(`conv3dBiasAct ${name}, ${act}`, withPath(() => expectSameAsCpu([f(xs, 1), f(ws, 2), f([ws[4]], 3)], (x, w, b) => {
          const be = tf.backend() as unknown as Partial<Fused3d>;
          if (typeof be.conv3dBiasAct === 'function') return be.conv3dBiasAct(x, w, s, pad, d, b, act, 0.2);
          const y = tf.add(tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, s, pad, 'NDHWC', d), b);
          return act === 'leakyrelu' ? tf.leakyRelu(y, 0.2) : y;
        })));
      }
    }
    for (const [name, xs, ws, out, s, pad] of transposed) {
      it(`conv3dTranspose ${name}`, withPath(() => expectSameAsCpu([f(xs, 1), f(ws, 2)],
        (x, w) => tf.conv3dTranspose(x as tf.Tensor5D, w as tf.Tensor5D, out as [number, number, number, number, number], s, pad))));
      // alpha 2: outside [0, 1], where the fused pass's max(v, alpha * v) is not a LeakyReLU
      for (const [act, alpha] of [['linear', 0.2], ['leakyrelu', 0.2], ['leakyrelu', 2]] as const) {
        it(`convTransposeBiasAct ${name}, ${act} ${alpha}`, withPath(() => expectSameAsCpu([f(xs, 1), f(ws, 2), f([out[4]], 3)], (x, w, b) => {
          const be = tf.backend() as unknown as Partial<Fused>;
          return typeof be.convTransposeBiasAct === 'function' ? be.convTransposeBiasAct(x, w, out, s, pad, b, act, alpha) : reference(x, w, b, out, s, pad, act, alpha);
        })));
      }
    }
  });
}
