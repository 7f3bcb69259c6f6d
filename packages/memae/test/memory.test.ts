// Memory module numerics against PyTorch fixtures of the official formulas (scripts/memory_fixtures.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../src/backend/select.js';
import { MemoryLayer, entropyLoss } from '../src/memory/index.js';
import { assertClose } from './helpers/close.js';

interface Case {
  name: string; similarity: 'dot' | 'cosine'; shrinkThreshold: number; slots: number; inputShape: number[];
  input: number[]; memory: number[]; gradMultiplier: number[]; output: number[]; weights: number[];
  weightsShape: number[]; entropy: number; objective: number; gradInput: number[]; gradMemory: number[];
}
const fixtures = JSON.parse(readFileSync(new URL('./fixtures/memory.json', import.meta.url), 'utf8')) as { cases: Case[] };
const TOL = 1e-5;

test('fixtures cover 1D/2D/3D, both similarities, lambda 0 and > 0', () => {
  const names = fixtures.cases.map((c) => c.name);
  for (const d of ['1d', '2d', '3d']) for (const s of ['dot', 'cosine']) {
    assert.ok(names.some((n) => n.startsWith(`${d}-${s}-lambda0`)), `${d} ${s} lambda 0`);
    assert.ok(fixtures.cases.some((c) => c.name.startsWith(`${d}-${s}`) && c.shrinkThreshold > 0), `${d} ${s} lambda > 0`);
  }
});

for (const c of fixtures.cases) {
  test(`memory matches PyTorch reference: ${c.name}`, async () => {
    const backend = await initBackend();
    const layer = new MemoryLayer({ slots: c.slots, shrinkThreshold: c.shrinkThreshold, similarity: c.similarity });
    const before = tf.memory().numTensors;
    const x = tf.tensor(c.input, c.inputShape);
    layer.build(c.inputShape);
    layer.setWeights([tf.tensor2d(c.memory, [c.slots, c.inputShape[c.inputShape.length - 1]])]);
    const [y, w] = layer.apply(x) as tf.Tensor[];
    assert.deepEqual(y.shape, c.inputShape);
    assert.deepEqual(w.shape, c.weightsShape);
    assertClose(await y.data(), c.output, TOL, `${c.name} output (${backend})`);
    assertClose(await w.data(), c.weights, TOL, `${c.name} weights`);
    const ent = entropyLoss(w);
    assertClose([await ent.data()].flatMap((a) => Array.from(a)), [c.entropy], TOL, `${c.name} entropy`);

    const mem = layer.getWeights()[0];
    const g = tf.tensor(c.gradMultiplier, c.inputShape);
    const memVar = (layer as unknown as { trainableWeights: tfl.LayerVariable[] }).trainableWeights[0];
    const f = (xi: tf.Tensor, mi: tf.Tensor) => {
      memVar.write(mi);
      const [yi, wi] = layer.apply(xi) as tf.Tensor[];
      return tf.add(tf.sum(tf.mul(yi, g)), tf.mul(entropyLoss(wi), 0.7)) as tf.Scalar;
    };
    const { value, grads } = tf.valueAndGrads(f)([x, mem]);
    assertClose(await value.data(), [c.objective], 1e-4, `${c.name} objective`);
    assertClose(await grads[0].data(), c.gradInput, TOL, `${c.name} d/dinput`);
    assertClose(await grads[1].data(), c.gradMemory, TOL, `${c.name} d/dmemory`);
    tf.dispose([x, y, w, ent, g, value, ...grads]);
    memVar.dispose();
    mem.dispose();
    assert.equal(tf.memory().numTensors, before, 'no leaked tensors');
  });
}
