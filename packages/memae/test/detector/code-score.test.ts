// The image models' default score (score/code-index.ts): the mean distance from an image's code to its 5 nearest
// training codes (format-3 folders: the distance to the 5th nearest, still read so). Checked against a float64 brute
// force over the codes read from the network's encoder layer, for scores and for the training scores (each training
// image's own code left out); saved and reloaded (same scores, the index checked against its checksum);
// `codeScore: false` is the reconstruction error. Real MNIST slices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { MemAE } from '../../src/detector/memae.js';
import { TRAIN_DEFAULTS } from '../../src/train/defaults.js';
import { CODE_INDEX_K, CODE_INDEX_MAX_BYTES, indexedRows } from '../../src/score/code-index.js';
import { UserError } from '../../src/errors/user-error.js';
import { manifestContentSha256 } from '../../src/io/model-dir.js';
import { useTestBackend } from '../helpers/backend.js';
import { mnistSlice } from '../helpers/mnist.js';

const fitOpts = { steps: 40, progressBar: false } as const;
const flat = (d: { values: Float32Array; sampleShape: number[]; size: number }) => ({ values: d.values, shape: [d.size, ...d.sampleShape] });

/** the codes of `x` read from the network's last encoder block, in float64 */
function codes(det: MemAE, x: Float32Array, n: number): Float64Array[] {
  const net = det.model, layer = `enc${det.config.encoderChannels.length}_act`;
  const p = tfl.model({ inputs: net.inputs, outputs: net.getLayer(layer).output as tfl.SymbolicTensor });
  const out = tf.tidy(() => p.predict(tf.tensor(x, [n, ...det.config.inputShape])) as tf.Tensor);
  const v = out.dataSync(), w = v.length / n;
  out.dispose();
  return Array.from({ length: n }, (_, i) => Float64Array.from(v.subarray(i * w, (i + 1) * w)));
}

/** mean distance to the k nearest of `ref` ('largest': to the k-th), leaving reference `self[i]` out for query i */
function bruteForce(queries: Float64Array[], ref: Float64Array[], k: number, self?: number[], method: 'mean' | 'largest' = 'mean'): number[] {
  return queries.map((q, i) => {
    const d = ref.filter((_, j) => j !== self?.[i]).map((r) => Math.sqrt(r.reduce((acc, v, t) => acc + (v - q[t]) ** 2, 0))).sort((a, b) => a - b);
    return method === 'largest' ? d[k - 1] : d.slice(0, k).reduce((a, v) => a + v, 0) / k;
  });
}

function assertNear(got: ArrayLike<number>, want: number[], what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= 1e-3 * Math.max(1, want[i]), `${what} ${i}: ${got[i]} vs ${want[i]}`);
}

test('images score by the mean distance to the 5 nearest training codes, training scores leave the image out', async () => {
  await useTestBackend();
  assert.equal(TRAIN_DEFAULTS.image.codeScore, true, 'the image default (docs/accuracy.md "The code score")');
  const train = await mnistSlice({ split: 'train', digits: [1], limit: 60 });
  const test_ = await mnistSlice({ split: 'test', digits: [1, 7], limit: 30, normal: [1] });
  const before = tf.memory().numTensors;
  const det = await MemAE.create({ kind: 'image', inputShape: [28, 28, 1], seed: 3 });
  const dir = mkdtempSync(join(tmpdir(), 'memae-code-'));
  try {
    await det.fit(flat(train), fitOpts);
    const ref = codes(det, train.values, train.size);
    const got = await det.decisionFunction(flat(test_));
    assertNear(got, bruteForce(codes(det, test_.values, test_.size), ref, CODE_INDEX_K), 'test scores');
    assertNear(det.decisionScores!, bruteForce(ref, ref, CODE_INDEX_K, ref.map((_, i) => i)), 'training scores');
    // reconstructions and error maps still come from the decoder; the scores are the code distances
    const detailed = await det.scoreDetailed(flat(test_), { reconstructions: true, errorMaps: true });
    assert.deepEqual(detailed.scores, got);
    assert.equal(detailed.reconstructions!.length, test_.values.length);
    assert.equal(detailed.errorMapShape!.join(','), '28,28');
    // scoring again holds no more tensors (the index's codes are kept once, the recordings are native)
    const held = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await det.decisionFunction(flat(test_));
    assert.equal(tf.memory().numTensors, held, 'tensor count flat over repeated scoring');
    // one image alone scores as inside the batch
    const one = await det.decisionFunction({ values: test_.values.subarray(0, 784), shape: [1, 28, 28, 1] });
    assert.ok(Math.abs(one[0] - got[0]) <= 1e-4 * Math.max(1, got[0]), `${one[0]} vs ${got[0]}`);

    await det.save(dir);
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    assert.equal(m.codeScore.rows, 60);
    assert.equal(m.codeScore.k, CODE_INDEX_K);
    assert.equal(m.codeScore.method, 'mean');
    assert.equal(m.formatVersion, 4, 'format 4: a version without this code score refuses the folder');
    const back = await MemAE.load(dir);
    try {
      assert.deepEqual(await back.decisionFunction(flat(test_)), got);
    } finally {
      back.dispose();
    }
    // a format-3 folder (saved before the mean: no method) still scores by the distance to the 5th nearest code
    const mp = join(dir, 'manifest.json'), old = JSON.parse(readFileSync(mp, 'utf8'));
    delete old.codeScore.method;
    delete old.contentSha256;
    old.formatVersion = 3;
    writeFileSync(mp, JSON.stringify({ ...old, contentSha256: manifestContentSha256(old) }));
    const three = await MemAE.load(dir);
    try {
      assert.match(three.scoreDescription, /5th nearest/);
      assertNear(await three.decisionFunction(flat(test_)), bruteForce(codes(det, test_.values, test_.size), ref, CODE_INDEX_K, undefined, 'largest'), 'format-3 scores');
    } finally {
      three.dispose();
    }
    // format 3 with the mean is refused: a version that reads format 3 would score the 5th nearest
    const threeMean = { ...old, codeScore: { ...old.codeScore, method: 'mean' } };
    writeFileSync(mp, JSON.stringify({ ...threeMean, contentSha256: manifestContentSha256(threeMean) }));
    await assert.rejects(MemAE.load(dir), (e: Error) => e instanceof UserError && /formatVersion/.test(e.message) && !e.message.includes('\n'));
    writeFileSync(mp, JSON.stringify(m));
    // a changed index is refused with one line
    const codesFile = join(dir, m.codeScore.file);
    const bytes = readFileSync(codesFile);
    bytes[5] ^= 0xff;
    writeFileSync(codesFile, bytes);
    await assert.rejects(MemAE.load(dir), (e: Error) => e instanceof UserError && /do not match manifest\.json/.test(e.message) && !e.message.includes('\n'));
    rmSync(codesFile);
    await assert.rejects(MemAE.load(dir), (e: Error) => e instanceof UserError && !e.message.includes('\n'));
  } finally {
    det.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(tf.memory().numTensors, before, 'no tensors left');
});

test('codeScore: false scores the mean squared reconstruction error, and codeScore is refused for tables', async () => {
  await useTestBackend();
  const train = await mnistSlice({ split: 'train', digits: [1], limit: 40 });
  const det = await MemAE.create({ kind: 'image', inputShape: [28, 28, 1], seed: 3 });
  try {
    await det.fit(flat(train), { ...fitOpts, codeScore: false });
    const r = await det.scoreDetailed(flat(train), { reconstructions: true });
    const mse = Array.from({ length: train.size }, (_, i) => {
      let acc = 0;
      for (let j = 0; j < 784; j++) acc += (train.values[i * 784 + j] - r.reconstructions![i * 784 + j]) ** 2;
      return acc / 784;
    });
    assertNear(r.scores, mse, 'mse');
  } finally {
    det.dispose();
  }
  const tab = await MemAE.create({ kind: 'tabular', inputShape: [4], seed: 1, ensemble: 1 });
  try {
    await assert.rejects(tab.fit({ values: new Float32Array(400).map((_, i) => Math.sin(i)), shape: [100, 4] }, { ...fitOpts, codeScore: true }), /codeScore is for image models only/);
  } finally {
    tab.dispose();
  }
});

test('an image ensemble scores with the mean of its members\' code distances, each member saving its own codes', async () => {
  await useTestBackend();
  const train = await mnistSlice({ split: 'train', digits: [1], limit: 40 });
  const test_ = await mnistSlice({ split: 'test', digits: [1, 7], limit: 10, normal: [1] });
  const before = tf.memory().numTensors;
  const det = await MemAE.create({ kind: 'image', inputShape: [28, 28, 1], seed: 3, ensemble: 2 });
  const dir = mkdtempSync(join(tmpdir(), 'memae-code-ens-'));
  try {
    await det.fit(flat(train), fitOpts);
    const got = await det.decisionFunction(flat(test_));
    await det.save(dir);
    assert.equal(JSON.parse(readFileSync(join(dir, 'members/1/manifest.json'), 'utf8')).codeScore.rows, 40);
    const back = await MemAE.load(dir);
    try {
      assert.deepEqual(await back.decisionFunction(flat(test_)), got);
      assert.equal(back.members, 2);
    } finally {
      back.dispose();
    }
  } finally {
    det.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(tf.memory().numTensors, before, 'no tensors left');
});

test('a training set whose codes exceed the cap keeps a seeded subset', () => {
  const width = CODE_INDEX_MAX_BYTES / 4 / 100; // 100 codes fit
  const a = indexedRows(1000, width, 7), b = indexedRows(1000, width, 7), c = indexedRows(1000, width, 8);
  assert.equal(a.reduce((s, v) => s + v, 0), 100);
  assert.deepEqual(a, b, 'the same seed keeps the same rows');
  assert.notDeepEqual(a, c);
  assert.equal(indexedRows(50, width, 7).reduce((s, v) => s + v, 0), 50, 'under the cap: every row');
});
