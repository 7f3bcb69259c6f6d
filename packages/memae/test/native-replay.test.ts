// The native replay of the inference plan (tfjs-backend-libtorch's record / NativePlan, native/replay.cc): the first
// batch of a shape runs op by op while the backend records the kernels, later batches of that shape run as one native
// call. Replayed outputs equal model.apply(x, {training: false}) to 1e-5 for the reference model, memae's image MemAE
// (memory addressing), the tabular MLP and the 3D video AE; another shape records again; a kernel without a native
// form (bilinear resize, a cpu fallback) leaves the op-by-op path in place; tensors stay flat; the plan is recorded
// again after the weights change; MEMAE_REPLAY=0 turns replay off.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { NativePlan as NativePlanClass, type NativePlan } from 'tfjs-backend-libtorch';
import { buildModel } from '../src/models/build.js';
import { assertClose, randomiseNorms } from './helpers/plan-models.js';
import { resolveConfig } from '../src/models/config.js';
import { cachedInferencePlan, inferenceOutputs, inferencePlanTensors, type InferencePlan } from '../src/models/inference-plan.js';
import { scoreModel, type ScoreOptions } from '../src/score/score.js';
import { RESIDUAL_CLIP, type ResidualScale } from '../src/score/residual-scale.js';
import { ArrayDataset } from '../src/data/dataset.js';
import { referenceModel } from '../../../bench/reference-model.js';
import { useTestBackend } from './helpers/backend.js';
import { mnistSlice } from './helpers/mnist.js';

async function libtorch(t: TestContext): Promise<boolean> {
  if ((await useTestBackend()) === 'libtorch') return true;
  t.skip('libtorch backend not available');
  return false;
}

const keyOf = (x: tf.Tensor) => `${x.dtype}:${x.shape.join('x')}`;

/** The recorded native plan for x's shape (fails when the shape was not recorded or could not be). */
function nativeFor(plan: InferencePlan | null, x: tf.Tensor): NativePlan {
  const n = plan?.native.get(keyOf(x));
  assert.ok(n !== undefined && typeof n !== 'string', `no native plan for ${keyOf(x)}: ${String(n)}`);
  return n;
}

/** Engine kernels run by f (0 when the native plan ran: it is one N-API call, no tfjs kernel). */
async function kernelsRun(f: () => tf.Tensor[]): Promise<number> {
  const info = await tf.profile(() => tf.tidy(f));
  tf.dispose(info.result as tf.Tensor[]);
  return info.kernels.length;
}

/** Records x's shape (first call), replays it (second call) and checks the replayed outputs against model.apply. */
async function checkReplay(model: tfl.LayersModel, x: tf.Tensor, what: string): Promise<void> {
  const plan = cachedInferencePlan(model);
  assert.ok(plan, `${what}: no plan`);
  const recorded = await kernelsRun(() => inferenceOutputs(model, plan, x));
  assert.ok(recorded > 0, `${what}: the recording ran op by op`);
  const native = nativeFor(plan, x);
  assert.ok(native.kernels().length > 0, `${what}: kernels recorded`);
  assert.equal(await kernelsRun(() => inferenceOutputs(model, plan, x)), 0, `${what}: replay runs no tfjs kernel`);
  const expected = tf.tidy(() => [model.apply(x, { training: false })].flat() as tf.Tensor[]);
  const got = tf.tidy(() => inferenceOutputs(model, plan, x));
  assert.equal(got.length, expected.length);
  for (let i = 0; i < got.length; i++) {
    assert.deepEqual(got[i].shape, expected[i].shape, `${what} output ${i} shape`);
    assertClose(await got[i].data() as Float32Array, await expected[i].data() as Float32Array, `${what} output ${i}`);
  }
  tf.dispose([...got, ...expected]);
}

const images = async (n: number) => {
  const d = await mnistSlice({ split: 'test', limit: n });
  return tf.tensor(d.values, [n, 28, 28, 1]);
};

test('replay equals model.apply: reference model (batch 1 and 4) and image MemAE (memory addressing)', async (t) => {
  if (!(await libtorch(t))) return;
  const x4 = await images(4);
  const x1 = tf.slice(x4, 0, 1);
  const ref = referenceModel(3);
  randomiseNorms(ref, 1);
  await checkReplay(ref, x1, 'reference model, batch 1');
  await checkReplay(ref, x4, 'reference model, batch 4 (a new shape records again)');
  assert.equal(cachedInferencePlan(ref)!.native.size, 2);
  ref.dispose();
  const memae = buildModel(resolveConfig({ kind: 'image', variant: 'memae', inputShape: [28, 28, 1], encoderChannels: [4, 8, 8], seed: 3 }));
  randomiseNorms(memae, 7);
  await checkReplay(memae, x4, 'image MemAE');
  // the memory addressing ran natively: matmul, softmax, hard shrinkage (act), L1 normalisation (reduce, division)
  const names = nativeFor(cachedInferencePlan(memae), x4).kernels();
  for (const k of ['matmul', 'softmax', 'reduce']) assert.ok(names.includes(k), `MemAE plan holds ${k}: ${names.join(' ')}`);
  memae.dispose();
  tf.dispose([x1, x4]);
});

test('replay equals model.apply: tabular MemAE (MLP, nothing to fold) and the 3D video AE', async (t) => {
  if (!(await libtorch(t))) return;
  const d = await mnistSlice({ split: 'test', limit: 6 });
  const tab = buildModel(resolveConfig({ kind: 'tabular', variant: 'memae', inputShape: [784], encoderChannels: [32, 8, 3], slots: 20, seed: 4 }));
  randomiseNorms(tab, 5);
  const rows = tf.tensor(d.values, [6, 784]);
  await checkReplay(tab, rows, 'tabular MemAE');
  assert.equal(inferencePlanTensors(tab), 0, 'nothing folded: the plan holds no tensor');
  tab.dispose();
  rows.dispose();
  const video = buildModel(resolveConfig({ kind: 'video', variant: 'ae', inputShape: [4, 16, 16, 1], encoderChannels: [4, 8], seed: 2 }));
  randomiseNorms(video, 11);
  const clips = tf.tidy(() => tf.reshape(tf.slice(tf.tensor(d.values, [6, 28, 28, 1]), [0, 6, 6, 0], [4, 16, 16, 1]), [1, 4, 16, 16, 1]));
  await checkReplay(video, clips, 'video AE');
  video.dispose();
  clips.dispose();
});

test('a kernel without a native form (bilinear resize) keeps the op-by-op path, with correct outputs', async (t) => {
  if (!(await libtorch(t))) return;
  const input = tfl.input({ shape: [28, 28, 1] });
  let h = tfl.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }).apply(input) as tfl.SymbolicTensor;
  h = tfl.layers.batchNormalization().apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.upSampling2d({ size: [2, 2], interpolation: 'bilinear' }).apply(h) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: h });
  randomiseNorms(model, 3);
  const x = await images(2);
  const plan = cachedInferencePlan(model)!;
  const expected = tf.tidy(() => model.apply(x, { training: false }) as tf.Tensor);
  for (let i = 0; i < 3; i++) {
    const got = tf.tidy(() => inferenceOutputs(model, plan, x)[0]);
    assertClose(await got.data() as Float32Array, await expected.data() as Float32Array, `call ${i}`);
    got.dispose();
  }
  const why = plan.native.get(keyOf(x));
  assert.equal(typeof why, 'string', 'no native plan');
  assert.match(why as string, /cannot be replayed/);
  assert.ok(await kernelsRun(() => inferenceOutputs(model, plan, x)) > 0, 'op by op');
  tf.dispose([x, expected]);
  model.dispose();
});

test('scoring through the replay: flat tensors over 30 calls, recorded again after setWeights, MEMAE_REPLAY=0, freed with the model', async (t) => {
  if (!(await libtorch(t))) return;
  const data = await mnistSlice({ split: 'test', limit: 3 });
  const cfg = resolveConfig({ kind: 'image', variant: 'memae', inputShape: [28, 28, 1], encoderChannels: [4, 8, 8], seed: 9 });
  const base = tf.memory().numTensors;
  const model = buildModel(cfg);
  randomiseNorms(model, 17);
  const direct = async () => {
    const s = tf.tidy(() => {
      const x = tf.tensor(data.values, [3, 28, 28, 1]);
      const rec = (model.apply(x, { training: false }) as tf.Tensor[])[0];
      return tf.mean(tf.reshape(tf.squaredDifference(x, rec), [3, -1]), 1);
    });
    const v = await s.data() as Float32Array;
    s.dispose();
    return v;
  };
  const r1 = await scoreModel(model, cfg, data, { batchSize: 1 });
  const after = tf.memory().numTensors;
  const natives = tf.backend() as unknown as { numNativeTensors(): number };
  const nativeAfter = natives.numNativeTensors();
  let last = r1;
  for (let i = 0; i < 30; i++) last = await scoreModel(model, cfg, data, { batchSize: 1 });
  assert.equal(tf.memory().numTensors, after, 'tfjs tensors flat over 30 replayed scoring calls');
  assert.equal(natives.numNativeTensors(), nativeAfter, 'native tensors flat');
  const plan = cachedInferencePlan(model)!;
  assert.equal(plan.native.size, 1, 'one recorded shape');
  assertClose(last.scores, await direct(), 'replayed scores vs model.apply');

  // the score (the mean of r^2 per sample) is recorded with the forward: a replayed scoring call runs no tfjs kernel
  const batch1 = 'score:image::|float32:1x28x28x1';
  const first = plan.native.get(batch1) as NativePlan;
  assert.ok(first instanceof Object && typeof first !== 'string', `scoring recorded: ${String(first)}`);
  assert.deepEqual(first.kernels().slice(-2), ['binary', 'reduce'], 'the plan ends with r^2 and its mean per sample');
  const profiled = await tf.profile(async () => { await scoreModel(model, cfg, data, { batchSize: 1 }); return []; });
  assert.equal(profiled.kernels.length, 0, 'replayed scoring runs no tfjs kernel');
  randomiseNorms(model, 23);
  const r2 = await scoreModel(model, cfg, data, { batchSize: 1 });
  const plan2 = cachedInferencePlan(model)!;
  assert.notEqual(plan2, plan, 'rebuilt after setWeights');
  assert.equal(plan.native.size, 0, 'the old plan freed its native plans');
  assert.deepEqual(first.kernels(), [], 'the old native plan is freed');
  assert.equal(plan2.native.size, 1, 'recorded again');
  const second = plan2.native.get(batch1) as NativePlan;
  assert.ok(r2.scores.some((v, i) => Math.abs(v - r1.scores[i]) > 1e-4 * Math.abs(r1.scores[i])), 'new weights changed the scores');
  assertClose((await scoreModel(model, cfg, data, { batchSize: 1 })).scores, await direct(), 'after setWeights: replay vs model.apply');

  // the switch: op by op, same scores
  process.env.MEMAE_REPLAY = '0';
  try {
    const x = tf.tensor(data.values.subarray(0, 784), [1, 28, 28, 1]);
    assert.ok(await kernelsRun(() => inferenceOutputs(model, plan2, x)) > 0, 'MEMAE_REPLAY=0: op by op');
    x.dispose();
    assertClose((await scoreModel(model, cfg, data, { batchSize: 1 })).scores, await direct(), 'MEMAE_REPLAY=0 scores');
  } finally {
    delete process.env.MEMAE_REPLAY;
  }
  model.dispose();
  assert.equal(tf.memory().numTensors, base, 'model.dispose() frees the plan');
  assert.deepEqual(second.kernels(), [], 'model.dispose() frees the native plan');
});

test('scoring fast path (values in, typed arrays out once a shape is recorded): same scores, maps and reconstructions as op by op, flat tensors', async (t) => {
  if (!(await libtorch(t))) return;
  const data = await mnistSlice({ split: 'test', limit: 5 });
  const cfg = resolveConfig({ kind: 'image', variant: 'memae', inputShape: [28, 28, 1], encoderChannels: [4, 8, 8], seed: 5 });
  const model = buildModel(cfg);
  randomiseNorms(model, 29);
  // counts the fast path's calls (NativePlan.runValues), to know which path each scoring call took
  const proto = NativePlanClass.prototype;
  const runValues = proto.runValues;
  let fast = 0;
  proto.runValues = function (this: NativePlan, v) { fast++; return runValues.call(this, v); };
  try {
    for (const opts of [{ batchSize: 1 }, { batchSize: 2, errorMaps: true, reconstructions: true }, { batchSize: 5, errorMaps: true }]) {
      process.env.MEMAE_REPLAY = '0';
      let opByOp;
      try {
        opByOp = await scoreModel(model, cfg, data, opts);
      } finally {
        delete process.env.MEMAE_REPLAY;
      }
      const what = JSON.stringify(opts);
      fast = 0;
      const recording = await scoreModel(model, cfg, data, opts);
      const batches = Math.ceil(data.size / opts.batchSize);
      // the first batch of each shape records (5 samples in batches of 1: 1 + 4 fast; of 2: shapes 2, 2, 1: 2 + 1 fast)
      assert.equal(fast, { 1: 4, 2: 1, 5: 0 }[opts.batchSize], `${what}: the recording call takes the fast path for shapes recorded already`);
      const tensors = tf.memory().numTensors;
      const natives = (tf.backend() as unknown as { numNativeTensors(): number }).numNativeTensors();
      fast = 0;
      let replayed = recording;
      for (let i = 0; i < 5; i++) replayed = await scoreModel(model, cfg, data, opts);
      assert.equal(fast, 5 * batches, `${what}: every batch of a recorded shape takes the fast path`);
      assert.equal(tf.memory().numTensors, tensors, `${what}: tfjs tensors flat`);
      assert.equal((tf.backend() as unknown as { numNativeTensors(): number }).numNativeTensors(), natives, `${what}: native tensors flat`);
      for (const r of [recording, replayed]) {
        assertClose(r.scores, opByOp.scores, `${what}: scores`);
        if (opts.errorMaps) assertClose(r.errorMaps!, opByOp.errorMaps!, `${what}: error maps`);
        if ('reconstructions' in opts) assertClose(r.reconstructions!, opByOp.reconstructions!, `${what}: reconstructions`);
        assert.deepEqual(r.errorMapShape, opByOp.errorMapShape);
      }
      // the fast path's outputs are the replayed plan's, bit for bit
      assert.deepEqual(replayed.scores, recording.scores, `${what}: fast path vs the recording call`);
    }
    // a plan's runValues takes exactly its recorded input: other lengths or dtypes throw, nothing leaks
    const native = cachedInferencePlan(model)!.native.get('score:image::|float32:1x28x28x1') as NativePlan;
    const natives = (tf.backend() as unknown as { numNativeTensors(): number }).numNativeTensors();
    assert.throws(() => native.runValues(new Float32Array(783)), /784 float32 values/);
    assert.throws(() => native.runValues(new Int32Array(784)), /784 float32 values/);
    assert.equal((tf.backend() as unknown as { numNativeTensors(): number }).numNativeTensors(), natives);
  } finally {
    proto.runValues = runValues;
  }
  model.dispose();
});

test('tabular scoring with a residual scale is recorded with the forward: fast path equals op by op, a scale changed in place records again', async (t) => {
  if (!(await libtorch(t))) return;
  const F = 12;
  const cfg = resolveConfig({ kind: 'tabular', variant: 'memae', inputShape: [F], encoderChannels: [16, 8, 3], slots: 10, seed: 6 });
  const model = buildModel(cfg);
  randomiseNorms(model, 31);
  const data = new ArrayDataset(Float32Array.from({ length: 4 * F }, (_, i) => Math.sin(i * 1.7)), [F]);
  const scale: ResidualScale = { version: 1, center: Array.from({ length: F }, (_, j) => 0.05 * j), spread: Array.from({ length: F }, (_, j) => 0.2 + 0.1 * j), clip: RESIDUAL_CLIP };
  const opByOp = async (opts: ScoreOptions) => {
    process.env.MEMAE_REPLAY = '0';
    try {
      return await scoreModel(model, cfg, data, opts);
    } finally {
      delete process.env.MEMAE_REPLAY;
    }
  };
  for (const opts of [{ batchSize: 1, residualScale: scale }, { batchSize: 4, residualScale: scale, errorMaps: true }] as ScoreOptions[]) {
    // replayed first: a plan first built with MEMAE_REPLAY=0 has no unfolded form for an MLP (nothing to fold)
    await scoreModel(model, cfg, data, opts);
    const want = await opByOp(opts);
    const tensors = tf.memory().numTensors;
    const got = await scoreModel(model, cfg, data, opts);
    assert.equal(tf.memory().numTensors, tensors, 'tfjs tensors flat');
    assertClose(got.scores, want.scores, `batch ${opts.batchSize}: residual-scaled scores`);
    if (opts.errorMaps) assertClose(got.errorMaps!, want.errorMaps!, 'residual-scaled error maps');
    const plain = await opByOp({ batchSize: opts.batchSize });
    assert.ok(got.scores.some((v, i) => Math.abs(v - plain.scores[i]) > 1e-3 * Math.abs(plain.scores[i])), 'the scale changes the scores');
  }
  const keys = [...cachedInferencePlan(model)!.native.keys()];
  assert.ok(keys.some((k) => /^score\+scale\d+:tabular::\|float32:1x12$/.test(k)), `recorded with the scale: ${keys.join(' ')}`);
  // the recording froze the scale's values: changed in place, they must not be reused
  scale.center[3] += 0.7;
  scale.spread[5] *= 3;
  // (expected: a copy of the changed scale, a new object, op by op)
  const want = await opByOp({ batchSize: 1, residualScale: structuredClone(scale) });
  const before = await opByOp({ batchSize: 1, residualScale: { ...scale, center: scale.center.map((v, j) => (j === 3 ? v - 0.7 : v)), spread: scale.spread.map((v, j) => (j === 5 ? v / 3 : v)) } });
  assert.ok(want.scores.some((v, i) => Math.abs(v - before.scores[i]) > 1e-3 * Math.abs(v)), 'the change moves the scores');
  for (let i = 0; i < 2; i++) assertClose((await scoreModel(model, cfg, data, { batchSize: 1, residualScale: scale })).scores, want.scores, `changed scale, call ${i}`);
  model.dispose();
});
