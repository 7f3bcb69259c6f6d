import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadAddon } from '../src/native.js';
import { expectSameAsCpu, rand } from './harness.js';

const f = (shape: number[], seed: number) => ({ values: rand(shape, seed), shape });
const zeros = (shape: number[]): tf.Tensor => tf.zeros(shape);
type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
type P2 = [number, number];

/** Gradients of sum(op(...) * r) for a random r: exercises the backward kernels with a non-uniform dy. */
function gradsOf(op: (...xs: tf.Tensor[]) => tf.Tensor) {
  return (...xs: tf.Tensor[]) => {
    const r = xs[xs.length - 1];
    return tf.grads((...ins: tf.Tensor[]) => tf.sum(tf.mul(op(...ins), r)))(xs.slice(0, -1));
  };
}

const conv2dCases: [string, number[], number[], P2, Pad, P2][] = [
  ['3x3 s1 same', [2, 9, 9, 3], [3, 3, 3, 8], [1, 1], 'same', [1, 1]],
  ['3x3 s2 same (asymmetric pad)', [2, 28, 28, 1], [3, 3, 1, 16], [2, 2], 'same', [1, 1]],
  ['5x3 s(2,1) valid', [1, 11, 10, 4], [5, 3, 4, 2], [2, 1], 'valid', [1, 1]],
  ['3x3 dilation 2 same', [1, 12, 12, 2], [3, 3, 2, 3], [1, 1], 'same', [2, 2]],
  ['explicit asymmetric pads', [2, 7, 8, 3], [3, 2, 3, 4], [2, 1], [[0, 0], [1, 2], [0, 1], [0, 0]], [1, 1]],
];

describe('conv2d matches cpu', () => {
  for (const [name, xs, ws, s, pad, d] of conv2dCases) {
    it(name, () => expectSameAsCpu([f(xs, 1), f(ws, 2)], (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, pad, 'NHWC', d)));
  }
});

describe('conv2d gradients (Conv2DBackpropInput, Conv2DBackpropFilter) match cpu', () => {
  for (const [name, xs, ws, s, pad, d] of conv2dCases) {
    // tfjs computes conv2d gradients only for dilation 1.
    if (d[0] !== 1) continue;
    const outShape = tf.tidy(() => tf.conv2d(zeros(xs) as tf.Tensor4D, zeros(ws) as tf.Tensor4D, s, pad).shape as number[]);
    it(name, () => expectSameAsCpu([f(xs, 1), f(ws, 2), f(outShape, 3)],
      gradsOf((x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, pad))));
  }
});

describe('fused conv2d (bias + activation) matches cpu', () => {
  const acts: [tf.fused.Activation, number?][] = [['linear'], ['relu'], ['relu6'], ['elu'], ['leakyrelu', 0.2], ['sigmoid'], ['prelu']];
  for (const [activation, leakyreluAlpha] of acts) {
    it(activation, () => expectSameAsCpu([f([2, 9, 9, 3], 1), f([3, 3, 3, 5], 2), f([5], 3), f([5], 4)], (x, w, bias, alpha) =>
      tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 2, pad: 'same', bias, activation, leakyreluAlpha,
        preluActivationWeights: activation === 'prelu' ? alpha : undefined })));
  }
  it('gradients with bias', () => expectSameAsCpu([f([2, 8, 8, 3], 1), f([3, 3, 3, 4], 2), f([4], 3), f([2, 4, 4, 4], 4)],
    gradsOf((x, w, bias) => tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 2, pad: 'same', bias }))));
});

describe('conv2dTranspose matches cpu', () => {
  const cases: [string, number[], number[], number[], P2, 'same' | 'valid'][] = [
    ['3x3 s2 same 4->8', [2, 4, 4, 6], [3, 3, 5, 6], [2, 8, 8, 5], [2, 2], 'same'],
    ['3x3 s2 same 7->14', [1, 7, 7, 3], [3, 3, 2, 3], [1, 14, 14, 2], [2, 2], 'same'],
    ['4x4 s2 valid', [1, 3, 3, 2], [4, 4, 3, 2], [1, 8, 8, 3], [2, 2], 'valid'],
    ['3x3 s1 same', [2, 5, 5, 4], [3, 3, 2, 4], [2, 5, 5, 2], [1, 1], 'same'],
  ];
  for (const [name, xs, ws, outShape, s, pad] of cases) {
    const op = (x: tf.Tensor, w: tf.Tensor) => tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, outShape as [number, number, number, number], s, pad);
    it(name, () => expectSameAsCpu([f(xs, 1), f(ws, 2)], op));
    it(`${name} gradients`, () => expectSameAsCpu([f(xs, 1), f(ws, 2), f(outShape, 3)], gradsOf(op)));
  }
});

// Batch 1 with 3x3 filters and small maps is where ATen 1.13 leaves oneDNN for its own im2col kernel, which is
// 10-50x slower on channels_last views: native/conv.cc then runs that kernel on NCHW copies, as PyTorch does (both
// gradients; the forward while its column buffer is small, oneDNN directly above). The reference model's layers at
// batch 1 and a larger one, forward and gradients.
describe('batch 1 convolutions (outside ATen\'s oneDNN range) match cpu', () => {
  // (the last: a column buffer above the default's threshold, so oneDNN)
  const conv: [string, number[], number[]][] = [['28x28x1 -> 16', [1, 28, 28, 1], [3, 3, 1, 16]], ['14x14x16 -> 32', [1, 14, 14, 16], [3, 3, 16, 32]], ['7x7x32 -> 64', [1, 7, 7, 32], [3, 3, 32, 64]],
    ['16x16x64 -> 128', [1, 16, 16, 64], [3, 3, 64, 128]]];
  for (const [name, xs, ws] of conv) {
    const op = (x: tf.Tensor, w: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same');
    const out = [1, Math.ceil(xs[1] / 2), Math.ceil(xs[2] / 2), ws[3]];
    it(`conv2d ${name}`, () => expectSameAsCpu([f(xs, 1), f(ws, 2)], op));
    it(`conv2d ${name} gradients`, () => expectSameAsCpu([f(xs, 1), f(ws, 2), f(out, 3)], gradsOf(op)));
  }
  const deconv: [string, number[], number[], number[]][] = [['4x4x64 -> 7x7x32', [1, 4, 4, 64], [3, 3, 32, 64], [1, 7, 7, 32]], ['7x7x32 -> 14x14x16', [1, 7, 7, 32], [3, 3, 16, 32], [1, 14, 14, 16]]];
  for (const [name, xs, ws, outShape] of deconv) {
    const op = (x: tf.Tensor, w: tf.Tensor) => tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, outShape as [number, number, number, number], 2, 'same');
    it(`conv2dTranspose ${name}`, () => expectSameAsCpu([f(xs, 1), f(ws, 2)], op));
    it(`conv2dTranspose ${name} gradients`, () => expectSameAsCpu([f(xs, 1), f(ws, 2), f(outShape, 3)], gradsOf(op)));
  }
  it('fused conv2d with bias and leakyrelu', () => expectSameAsCpu([f([1, 7, 7, 32], 1), f([3, 3, 32, 8], 2), f([8], 3)], (x, w, b) =>
    tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 1, pad: 'same', bias: b, activation: 'leakyrelu', leakyreluAlpha: 0.2 })));
  // the switch setConvSmallPath: 0 oneDNN directly, 1 ATen's NCHW kernel everywhere (2, the default, picks by size)
  for (const mode of [0, 1]) {
    it(`setConvSmallPath(${mode}): the forward convolutions and the fused one`, async () => {
      loadAddon().setConvSmallPath(mode);
      try {
        for (const [, xs, ws] of conv) await expectSameAsCpu([f(xs, 1), f(ws, 2)], (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same'));
        await expectSameAsCpu([f([1, 7, 7, 32], 1), f([3, 3, 32, 8], 2), f([8], 3)], (x, w, b) =>
          tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 1, pad: 'same', bias: b, activation: 'leakyrelu', leakyreluAlpha: 0.2 }));
      } finally {
        loadAddon().setConvSmallPath(2);
      }
    });
  }
});

// LibtorchBackend.convTransposeBiasAct (native convTransposeBiasAct): the transposed convolution, a per-channel bias and
// linear / leaky ReLU in one kernel, against conv2dTranspose / conv3dTranspose + add + leakyRelu on cpu.
describe('convTransposeBiasAct matches conv2dTranspose + bias + activation on cpu', () => {
  type Fused = { convTransposeBiasAct(x: tf.Tensor, w: tf.Tensor, out: number[], s: number[], pad: 'same' | 'valid', b: tf.Tensor, act: 'linear' | 'leakyrelu', alpha?: number): tf.Tensor };
  const run = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, out: number[], s: number[], pad: 'same' | 'valid', act: 'linear' | 'leakyrelu') => {
    const be = tf.backend() as unknown as Partial<Fused>;
    if (typeof be.convTransposeBiasAct === 'function') return be.convTransposeBiasAct(x, w, out, s, pad, b, act, 0.2);
    const y = tf.add(out.length === 4 ? tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, out as [number, number, number, number], s as [number, number], pad)
      : tf.conv3dTranspose(x as tf.Tensor5D, w as tf.Tensor5D, out as [number, number, number, number, number], s as [number, number, number], pad), b);
    return act === 'leakyrelu' ? tf.leakyRelu(y, 0.2) : y;
  };
  const cases: [string, number[], number[], number[], number[], 'same' | 'valid'][] = [
    ['batch 1, 4x4x64 -> 8x8x32 (im2col path)', [1, 4, 4, 64], [3, 3, 32, 64], [1, 8, 8, 32], [2, 2], 'same'],
    ['batch 4, 4x4x64 -> 8x8x32 (oneDNN backward data)', [4, 4, 4, 64], [3, 3, 32, 64], [4, 8, 8, 32], [2, 2], 'same'],
    ['batch 2, 8x8x16 -> 16x16x1', [2, 8, 8, 16], [3, 3, 1, 16], [2, 16, 16, 1], [2, 2], 'same'],
    ['valid, 3x3x2 -> 8x8x3', [1, 3, 3, 2], [4, 4, 3, 2], [1, 8, 8, 3], [2, 2], 'valid'],
    ['3D, batch 1, 2x4x4x8 -> 4x8x8x4', [1, 2, 4, 4, 8], [3, 3, 3, 4, 8], [1, 4, 8, 8, 4], [2, 2, 2], 'same'],
  ];
  for (const [name, xs, ws, out, s, pad] of cases) {
    for (const act of ['linear', 'leakyrelu'] as const) {
      it(`${name}, ${act}`, () => expectSameAsCpu([f(xs, 1), f(ws, 2), f([out[out.length - 1]], 3)], (x, w, b) => run(x, w, b, out, s, pad, act)));
    }
  }
});

// native/conv.cc converts each filter to ATen's layout once and keeps it per source tensor (cachedFilter). A cache
// keyed wrongly gives silently wrong numbers once a filter changes: after the fused Adam writes into it in place (same
// tensor, same memory), or when a new filter lands at a freed filter's id and memory address. Each case is checked
// against the same call with the cache off.
describe('converted-filter cache', () => {
  const a = loadAddon();
  const put = (shape: number[], seed: number) => a.write(rand(shape, seed), shape, 0) as number;
  const read = (id: number) => Array.from(a.read(id) as Float32Array);
  /** [name, x shape, filter shape, call(x, w) -> id]: batch-1 and batch-4 forward convolutions, transposed ones */
  const calls: [string, number[], number[], (x: number, w: number) => number][] = [
    ['conv batch 1 (ATen NCHW)', [1, 14, 14, 16], [3, 3, 16, 32], (x, w) => a.conv(x, w, 0, [2, 2], [0, 1, 0, 1], [1, 1], 1, 4, 0.2, 0)],
    ['conv batch 4 (oneDNN)', [4, 14, 14, 16], [3, 3, 16, 32], (x, w) => a.conv(x, w, 0, [2, 2], [0, 1, 0, 1], [1, 1], 1, 0, 0, 0)],
    ['conv2dTranspose batch 1 (im2col)', [1, 4, 4, 64], [3, 3, 32, 64], (x, w) => a.convInputGrad(x, w, [8, 8], [2, 2], [0, 1, 0, 1], [1, 1], 1)],
    ['conv2dTranspose batch 4 (oneDNN backward data)', [4, 4, 4, 64], [3, 3, 32, 64], (x, w) => a.convInputGrad(x, w, [8, 8], [2, 2], [0, 1, 0, 1], [1, 1], 1)],
    ['depthwise batch 4', [4, 9, 9, 3], [3, 3, 3, 2], (x, w) => a.conv(x, w, 0, [1, 1], [1, 1, 1, 1], [1, 1], 3, 0, 0, 0)],
  ];
  /** call's result with the cache off (a fresh conversion) */
  const uncached = (call: (x: number, w: number) => number, x: number, w: number) => {
    a.setConvFilterCache(false);
    try {
      const y = call(x, w);
      const v = read(y);
      a.free(y);
      return v;
    } finally {
      a.setConvFilterCache(true);
    }
  };
  const close = (got: number[], want: number[], what: string) => {
    assert.equal(got.length, want.length, what);
    const d = Math.max(...got.map((g, i) => Math.abs(g - want[i])));
    assert.ok(d <= 1e-5, `${what}: max difference ${d}`);
  };

  it('the same filter is converted once over repeated calls', () => {
    for (const [name, xs, ws, call] of calls) {
      const x = put(xs, 1), w = put(ws, 2);
      const first = call(x, w);
      const [, before] = a.convFilterCacheStats() as number[];
      for (let i = 0; i < 20; i++) a.free(call(x, w));
      const [, after] = a.convFilterCacheStats() as number[];
      assert.equal(after - before, 0, `${name}: conversions in 20 repeated calls`);
      close(read(first), uncached(call, x, w), name);
      [first, x, w].forEach((id) => a.free(id));
    }
  });

  it('a filter updated in place by the fused Adam is converted again', () => {
    for (const [name, xs, ws, call] of calls) {
      const x = put(xs, 1), w = put(ws, 2);
      const n = ws.reduce((p, q) => p * q, 1);
      const g = put(ws, 3), m = a.write(new Float32Array(n), ws, 0) as number, v = a.write(new Float32Array(n), ws, 0) as number;
      const acc1 = a.write(Float32Array.of(0.9), [], 0) as number, acc2 = a.write(Float32Array.of(0.999), [], 0) as number;
      const y0 = call(x, w);
      const before = read(y0);
      a.adamUpdate([w], [g], [m], [v], acc1, acc2, 0.1, 0.9, 0.999, 1e-7);  // w changes in place: same tensor, same memory
      const y1 = call(x, w);
      const after = read(y1);
      assert.ok(after.some((e, i) => Math.abs(e - before[i]) > 1e-3), `${name}: the update changed the result`);
      close(after, uncached(call, x, w), `${name} after an in-place update`);
      [y0, y1, x, w, g, m, v, acc1, acc2].forEach((id) => a.free(id));
    }
  });

  it('a new filter at a freed filter\'s id and address is not served the old conversion', () => {
    for (const [name, xs, ws, call] of calls) {
      const x = put(xs, 1);
      for (let k = 0; k < 5; k++) {
        // freed right after use: the next write takes its id and, usually, its memory
        const w = put(ws, 10 + k);
        const y = call(x, w);
        close(read(y), uncached(call, x, w), `${name}, filter ${k}`);
        a.free(y);
        a.free(w);
      }
      a.free(x);
    }
  });
});

// native/conv.cc computes input gradients (and conv2dTranspose) one of three ways, chosen by
// geometry and channel count; every way must match cpu wherever it applies (mode 0: im2col
// transposed convolution; 1: oneDNN backward data; 2: the default choice; 3: sub-pixel convolution).
describe('every input-gradient path matches cpu', () => {
  const cases: [string, number[], number[], number[], P2, 'same' | 'valid'][] = [
    ['3x3 s2 same 16->1 channel', [2, 8, 8, 16], [3, 3, 1, 16], [2, 16, 16, 1], [2, 2], 'same'],
    ['3x3 s2 same 4->8', [2, 4, 4, 6], [3, 3, 5, 6], [2, 8, 8, 5], [2, 2], 'same'],
    ['3x3 s2 same 7->14, 2 channels', [1, 7, 7, 3], [3, 3, 2, 3], [1, 14, 14, 2], [2, 2], 'same'],
    ['4x4 s2 valid, 3 channels', [1, 3, 3, 2], [4, 4, 3, 2], [1, 8, 8, 3], [2, 2], 'valid'],
    ['5x3 s(3,1) same, 1 channel', [2, 4, 5, 3], [5, 3, 1, 3], [2, 12, 5, 1], [3, 1], 'same'],
  ];
  for (const mode of [0, 1, 2, 3]) {
    for (const [name, xs, ws, outShape, s, pad] of cases) {
      const op = (x: tf.Tensor, w: tf.Tensor) => tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, outShape as [number, number, number, number], s, pad);
      it(`mode ${mode}: ${name}`, async () => {
        loadAddon().setConvInputGradMode(mode);
        try {
          await expectSameAsCpu([f(xs, 1), f(ws, 2)], op);
          await expectSameAsCpu([f(xs, 1), f(ws, 2), f(outShape, 3)], gradsOf(op));
        } finally {
          loadAddon().setConvInputGradMode(2);
        }
      });
    }
  }
});

describe('depthwise conv2d matches cpu', () => {
  const op = (x: tf.Tensor, w: tf.Tensor) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same');
  it('forward, channel multiplier 2', () => expectSameAsCpu([f([2, 9, 9, 3], 1), f([3, 3, 3, 2], 2)], op));
  it('dilated', () => expectSameAsCpu([f([1, 10, 10, 2], 1), f([3, 3, 2, 1], 2)],
    (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same', 'NHWC', 2)));
  it('gradients', () => expectSameAsCpu([f([2, 9, 9, 3], 1), f([3, 3, 3, 2], 2), f([2, 5, 5, 6], 3)], gradsOf(op)));
});

describe('conv3d matches cpu', () => {
  type P3 = [number, number, number];
  const cases: [string, number[], number[], P3, 'same' | 'valid'][] = [
    ['3x3x3 s1 same', [1, 5, 6, 5, 2], [3, 3, 3, 2, 3], [1, 1, 1], 'same'],
    ['3x3x3 s2 same (asymmetric)', [2, 6, 6, 6, 1], [3, 3, 3, 1, 4], [2, 2, 2], 'same'],
    ['2x3x2 s(1,2,1) valid', [1, 5, 7, 4, 3], [2, 3, 2, 3, 2], [1, 2, 1], 'valid'],
  ];
  for (const [name, xs, ws, s, pad] of cases) {
    const op = (x: tf.Tensor, w: tf.Tensor) => tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, s, pad);
    const outShape = tf.tidy(() => op(zeros(xs), zeros(ws)).shape);
    it(name, () => expectSameAsCpu([f(xs, 1), f(ws, 2)], op));
    it(`${name} gradients`, () => expectSameAsCpu([f(xs, 1), f(ws, 2), f(outShape, 3)], gradsOf(op)));
  }
  it('conv3dTranspose 3x3x3 s2 same', () => expectSameAsCpu([f([1, 3, 3, 3, 4], 1), f([3, 3, 3, 2, 4], 2)],
    (x, w) => tf.conv3dTranspose(x as tf.Tensor5D, w as tf.Tensor5D, [1, 6, 6, 6, 2], 2, 'same')));
});

// The video model's geometry (strides (1,2,2) and 2, 'same', several channels) and chains of 3D kernels:
// a 3D convolution returns an NDHWC view of NCDHW memory, which the next convolution takes as is and which
// reshape / elementwise kernels copy with the tiled transpose (native/transpose.cc).
describe('3D convolution chains (video model geometry) match cpu', () => {
  type P3 = [number, number, number];
  const c3 = (x: tf.Tensor, w: tf.Tensor, s: P3) => tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, s, 'same');
  const t3 = (x: tf.Tensor, w: tf.Tensor, s: P3) => {
    const [n, d, h, ww] = x.shape;
    return tf.conv3dTranspose(x as tf.Tensor5D, w as tf.Tensor5D, [n, d * s[0], h * s[1], ww * s[2], w.shape[3] as number], s, 'same');
  };
  const lrelu = (x: tf.Tensor) => tf.leakyRelu(x, 0.2);
  const chain = (x: tf.Tensor, w1: tf.Tensor, w2: tf.Tensor, w3: tf.Tensor, w4: tf.Tensor) => {
    const a = lrelu(c3(x, w1, [1, 2, 2]));            // 1 -> 6 channels, (1,2,2)
    const b = lrelu(c3(a, w2, [2, 2, 2]));            // 6 -> 8, stride 2, asymmetric 'same' padding
    const u = lrelu(t3(b, w3, [2, 2, 2]));            // 8 -> 6
    return t3(u, w4, [1, 2, 2]);                      // 6 -> 1
  };
  const shapes = [[2, 4, 8, 6, 1], [3, 3, 3, 1, 6], [3, 3, 3, 6, 8], [3, 3, 3, 6, 8], [3, 3, 3, 1, 6]];
  const ins = shapes.map((s, i) => f(s, i + 1));
  it('encoder-decoder chain forward', () => expectSameAsCpu(ins, chain));
  it('conv3d (1,2,2) same, 5 channels, batch 1', () => expectSameAsCpu([f([1, 3, 6, 8, 5], 1), f([3, 3, 3, 5, 7], 2)],
    (x, w) => c3(x, w, [1, 2, 2])));
  it('conv3dTranspose (1,2,2) same to 1 channel', () => expectSameAsCpu([f([2, 3, 4, 5, 6], 1), f([3, 3, 3, 1, 6], 2)],
    (x, w) => t3(x, w, [1, 2, 2])));
  it('gradients through a conv3d chain with reshape and batch norm', () => {
    // (tfjs' batchNorm gradient needs a scale)
    const op = (x: tf.Tensor, w1: tf.Tensor, w2: tf.Tensor, r: tf.Tensor) => {
      const a = c3(x, w1, [1, 2, 2]);
      const [n, d, h, w, c] = a.shape;
      const m = tf.moments(a, [0, 1, 2, 3]);
      const bn = tf.reshape(tf.batchNorm(tf.reshape(a, [n * d, h, w, c]), m.mean, m.variance, tf.zeros([c]), tf.ones([c])), a.shape);
      return tf.sum(tf.mul(c3(lrelu(bn), w2, [2, 2, 2]), r));
    };
    const g = (...xs: tf.Tensor[]) => tf.grads((x: tf.Tensor, w1: tf.Tensor, w2: tf.Tensor) => op(x, w1, w2, xs[3]))(xs.slice(0, 3));
    return expectSameAsCpu([f([2, 4, 8, 6, 1], 1), f([3, 3, 3, 1, 6], 2), f([3, 3, 3, 6, 8], 3), f([2, 2, 2, 2, 8], 4)], g);
  });
  for (const [name, shape, perm] of [
    ['NDHWC -> NCDHW', [2, 3, 4, 5, 6], [0, 4, 1, 2, 3]],
    ['NCDHW -> NDHWC, batch 1', [1, 6, 3, 4, 5], [0, 2, 3, 4, 1]],
    ['size-1 spatial dims', [2, 1, 4, 1, 33], [0, 4, 1, 2, 3]],
    ['plain 2D', [37, 65], [1, 0]],
  ] as [string, number[], number[]][]) {
    it(`reshape of a transposed view (${name})`, () => expectSameAsCpu([f(shape, 1)],
      (x) => tf.reshape(tf.transpose(x, perm), [-1])));
  }
});
