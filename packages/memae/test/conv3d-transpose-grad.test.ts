// The gradient memae registers for Conv3DBackpropInputV2 (tfjs has none): the function is linear in x and
// in W, so unit finite differences are exact up to float rounding.
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '../src/models/conv3d-transpose-grad.js';
import { useTestBackend } from './helpers/backend.js';
import { assertClose } from './helpers/close.js';

test('conv3dTranspose gradients match finite differences', async () => {
  await useTestBackend();
  const x = tf.randomUniform([1, 2, 3, 3, 2], -1, 1, 'float32', 1);
  const w = tf.randomUniform([3, 3, 3, 3, 2], -1, 1, 'float32', 2); // [d, h, w, out, in]
  const outShape: [number, number, number, number, number] = [1, 2, 6, 6, 3];
  const g = tf.randomUniform(outShape, -1, 1, 'float32', 3);
  const f = (xi: tf.Tensor, wi: tf.Tensor) => tf.sum(tf.mul(tf.conv3dTranspose(xi as tf.Tensor5D, wi as tf.Tensor5D, outShape, [1, 2, 2], 'same'), g)) as tf.Scalar;
  const [gx, gw] = tf.grads(f)([x, w]);
  const base = (await f(x, w).data())[0];
  const fd = async (t: tf.Tensor, which: 0 | 1, idx: number[]) => {
    const out: number[] = [];
    for (const i of idx) {
      const v = (await t.data()).slice();
      v[i] += 1;
      const tp = tf.tensor(v, t.shape);
      out.push((await (which === 0 ? f(tp, w) : f(x, tp)).data())[0] - base);
      tp.dispose();
    }
    return out;
  };
  const ix = [0, 5, 11, 17, 23, 35];
  const iw = [0, 7, 50, 99, 130, 161];
  const gxv = await gx.data();
  const gwv = await gw.data();
  assertClose(ix.map((i) => gxv[i]), await fd(x, 0, ix), 1e-3, 'd/dx');
  assertClose(iw.map((i) => gwv[i]), await fd(w, 1, iw), 1e-3, 'd/dW');
  tf.dispose([x, w, g, gx, gw]);
});
