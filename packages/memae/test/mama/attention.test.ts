// Multi-scale global spatial attention block: output shapes of the three modes, gradients to every weight,
// serialization round trip, and the cost cap on key positions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { AttentionBlock, effectivePool, upsample2 } from '../../src/mama/attention-block.js';
import { useTestBackend } from '../helpers/backend.js';

const x = () => tf.randomUniform([2, 7, 5, 3], -1, 1, 'float32', 3) as tf.Tensor4D;

test('attention block: down (ceil /2), same and up (x2) shapes, for mean and concat fusion', async () => {
  await useTestBackend();
  for (const fusion of ['mean', 'concat'] as const) {
    for (const [mode, shape] of [['down', [2, 4, 3, 6]], ['same', [2, 7, 5, 6]], ['up', [2, 14, 10, 6]]] as const) {
      const layer = new AttentionBlock({ filters: 6, mode, fusion, seed: 1 });
      const y = tf.tidy(() => layer.apply(x()) as tf.Tensor);
      assert.deepEqual(y.shape, shape, `${mode}/${fusion}`);
      assert.deepEqual(layer.computeOutputShape([null, 7, 5, 3]), [null, ...shape.slice(1)]);
      assert.ok((await y.data()).every(Number.isFinite));
      y.dispose();
      layer.dispose();
    }
  }
});

test('attention block: gradients reach every weight (q, k, v, fusion, residual, bias)', async () => {
  await useTestBackend();
  for (const mode of ['down', 'same', 'up'] as const) {
    const layer = new AttentionBlock({ filters: 4, mode, fusion: 'concat', seed: 2 });
    const input = x();
    layer.apply(input);
    const vars = layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
    assert.equal(vars.length, 6);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(input) as tf.Tensor)) as tf.Scalar, vars);
    for (const v of vars) {
      const g = grads[v.name];
      assert.ok(g, `${mode}: no gradient for ${v.name}`);
      assert.ok((await tf.max(tf.abs(g)).data())[0] > 0, `${mode}: zero gradient for ${v.name}`);
    }
    tf.dispose([value, input, ...Object.values(grads)]);
    layer.dispose();
  }
});

/** The model's artifacts as `model.save` writes them, kept in memory. */
async function saveToMemory(m: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await m.save(tf.io.withSaveHandler(async (a) => { saved = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
  return saved!;
}

/** Both models give identical outputs on one random batch of `shape`; disposes both. */
async function assertSameOutputs(m: tfl.LayersModel, m2: tfl.LayersModel, shape: number[]): Promise<void> {
  const xin = tf.randomUniform(shape, -1, 1, 'float32', 9);
  const [a, b] = [m.predict(xin) as tf.Tensor, m2.predict(xin) as tf.Tensor];
  assert.deepEqual(Array.from(await a.data()), Array.from(await b.data()));
  tf.dispose([xin, a, b]);
  m.dispose();
  m2.dispose();
}

test('attention block: serialization round trip in a model gives the same outputs', async () => {
  await useTestBackend();
  const inp = tfl.input({ shape: [6, 6, 2] });
  const out = new AttentionBlock({ filters: 3, mode: 'down', scales: [1, 3], fusion: 'concat', residual: false, seed: 5 }).apply(inp) as tfl.SymbolicTensor;
  const m = tfl.model({ inputs: inp, outputs: out });
  const saved = await saveToMemory(m);
  const m2 = await tfl.loadLayersModel(tf.io.fromMemory(saved));
  const layer = m2.layers[1] as AttentionBlock;
  assert.equal(layer.getClassName(), 'MamaAttentionBlock');
  assert.deepEqual([layer.scales, layer.fusion, layer.residual, layer.mode], [[1, 3], 'concat', false, 'down']);
  await assertSameOutputs(m, m2, [2, 6, 6, 2]);
});

test('attention block: the local path is 3x3 by default; a saved model without localKernel loads as 1x1; even sizes rejected', async () => {
  await useTestBackend();
  for (const mode of ['down', 'same', 'up'] as const) {
    const layer = new AttentionBlock({ filters: 3, mode, seed: 1 });
    (layer.apply(tfl.input({ shape: [4, 4, 2] })) as tfl.SymbolicTensor);
    assert.equal(layer.localKernel, 3);
    assert.deepEqual(layer.weights.find((w) => w.name.endsWith('wr'))!.shape, [3, 3, 2, 3]);
  }
  // a model saved before localKernel existed: 1x1 local path, no key in its config
  const inp = tfl.input({ shape: [4, 4, 2] });
  const m = tfl.model({ inputs: inp, outputs: new AttentionBlock({ filters: 3, mode: 'up', localKernel: 1, seed: 2 }).apply(inp) as tfl.SymbolicTensor });
  const saved = await saveToMemory(m);
  const topo = JSON.stringify(saved.modelTopology);
  const key = /,"local_kernel":1/; // tfjs-layers saves config keys in snake_case
  assert.match(topo, key);
  saved.modelTopology = JSON.parse(topo.replace(key, '')) as tf.io.ModelArtifacts['modelTopology'];
  const m2 = await tfl.loadLayersModel(tf.io.fromMemory(saved));
  assert.equal((m2.layers[1] as AttentionBlock).localKernel, 1);
  await assertSameOutputs(m, m2, [1, 4, 4, 2]);
  assert.throws(() => new AttentionBlock({ filters: 2, mode: 'same', localKernel: 2 }), /localKernel/);
});

test('attention block: nearest x2 upsampling equals tfjs resizeNearestNeighbor', async () => {
  await useTestBackend();
  const a = x();
  const [u, r] = [upsample2(a), tf.image.resizeNearestNeighbor(a, [14, 10])];
  assert.deepEqual(Array.from(await u.data()), Array.from(await r.data()));
  tf.dispose([a, u, r]);
});

test('attention block: key positions are capped at large resolutions', () => {
  assert.equal(effectivePool(28, 28, 1, 1024), 1);
  assert.equal(effectivePool(64, 64, 1, 1024), 2);
  assert.equal(effectivePool(64, 64, 4, 1024), 4);
  assert.equal(effectivePool(100, 100, 1, 256), 7);
  assert.throws(() => new AttentionBlock({ filters: 2, mode: 'sideways' as 'down' }), /mode/);
});

/** The block's formula written out directly (per-scale q k^T, softmax, att V, fused, residual, bias), from its weights. */
function reference(layer: AttentionBlock, x: tf.Tensor4D): tf.Tensor {
  return tf.tidy(() => {
    const wt = Object.fromEntries(layer.weights.map((v) => [v.name.split('/').pop()!, v.read() as tf.Tensor2D]));
    const [b, h, w, c] = x.shape;
    const grid = layer.mode === 'down' ? tf.avgPool(x, 2, 2, 'same') : layer.mode === 'up' ? tf.image.resizeNearestNeighbor(x, [2 * h, 2 * w]) : x;
    const [, ho, wo] = grid.shape;
    const f = layer.filters;
    const q = tf.reshape(tf.matMul(tf.reshape(grid, [-1, c]), wt.wq), [b, ho * wo, layer.keyDim]);
    const outs = layer.scales.map((s) => {
      const p = effectivePool(h, w, s, layer.maxKeys);
      const src = p === 1 ? x : tf.avgPool(x, p, p, 'same');
      const n = src.shape[1] * src.shape[2];
      const k = tf.reshape(tf.matMul(tf.reshape(src, [-1, c]), wt.wk), [b, n, layer.keyDim]);
      const v = tf.reshape(tf.matMul(tf.reshape(src, [-1, c]), wt.wv), [b, n, f]);
      return tf.matMul(tf.softmax(tf.div(tf.matMul(q, k, false, true), Math.sqrt(layer.keyDim))), v);
    });
    let y = layer.fusion === 'concat'
      ? tf.matMul(tf.reshape(tf.concat(outs, -1), [-1, f * outs.length]), wt.wf)
      : tf.reshape(tf.div(tf.addN(outs), outs.length), [-1, f]);
    if (layer.residual && layer.localKernel > 1) {
      // k x k local path: strided / plain / transposed 'same' convolution with weight [k, k, c, f]
      const wr = wt.wr as unknown as tf.Tensor4D;
      const local = layer.mode === 'up'
        ? tf.conv2dTranspose(x, tf.transpose(wr, [0, 1, 3, 2]) as tf.Tensor4D, [b, ho, wo, f], 2, 'same')
        : tf.conv2d(x, wr, layer.mode === 'down' ? 2 : 1, 'same');
      y = tf.add(y, tf.reshape(local, [-1, f]));
    } else if (layer.residual) {
      y = tf.add(y, layer.mode === 'down'
        ? tf.reshape(tf.conv2d(x, tf.reshape(wt.wr, [1, 1, c, f]) as tf.Tensor4D, 2, 'same'), [-1, f])
        : tf.matMul(tf.reshape(grid, [-1, c]), wt.wr));
    }
    return tf.reshape(tf.add(y, wt.bias), [b, ho, wo, f]);
  });
}

async function maxRelDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const [da, db] = [await a.data(), await b.data()];
  const scale = Math.max(...Array.from(db, Math.abs), 1e-6);
  return Math.max(...Array.from(da, (v, i) => Math.abs(v - db[i]))) / scale;
}

test('attention block: outputs and weight gradients equal the direct formula (all modes, fusions, cheap orders)', async () => {
  await useTestBackend();
  // channels 1 and 3 take the input-side products (c < keyDim, c < filters); 12 the projected ones
  for (const [c, filters] of [[1, 6], [3, 6], [12, 4]] as const) {
    const input = tf.randomUniform([2, 7, 6, c], -1, 1, 'float32', 11) as tf.Tensor4D;
    for (const mode of ['down', 'same', 'up'] as const) {
      for (const fusion of ['mean', 'concat'] as const) {
        for (const [residual, localKernel] of [[true, 3], [true, 1], [false, 3]] as const) {
          const what = `c ${c}, ${mode}, ${fusion}, residual ${residual}, local ${localKernel}`;
          const layer = new AttentionBlock({ filters, mode, fusion, residual, localKernel, scales: [1, 2, 3], seed: 4 });
          const y = layer.apply(input) as tf.Tensor;
          const r = reference(layer, input);
          assert.ok(await maxRelDiff(y, r) < 1e-5, `${what}: output`);
          const vars = layer.trainableWeights.map((v) => (v as unknown as { val: tf.Variable }).val);
          const loss = (f: () => tf.Tensor) => () => tf.sum(tf.mul(f(), tf.sin(tf.reshape(tf.range(0, r.size), r.shape)))) as tf.Scalar;
          const g1 = tf.variableGrads(loss(() => layer.apply(input) as tf.Tensor), vars);
          const g2 = tf.variableGrads(loss(() => reference(layer, input)), vars);
          for (const v of vars) assert.ok(await maxRelDiff(g1.grads[v.name], g2.grads[v.name]) < 1e-4, `${what}: gradient of ${v.name}`);
          tf.dispose([y, r, g1.value, g2.value, ...Object.values(g1.grads), ...Object.values(g2.grads)]);
          layer.dispose();
        }
      }
    }
    input.dispose();
  }
});
