// Seed ensembles (detector/ensemble.ts): `ensemble: k` trains k networks and scores with the mean of their scores. Checked against 3 single detectors built from the members' seeds, saved and reloaded (one row alone
// scores as inside a batch), and refused where a member is missing, swapped or the data is not a table.
// Real rows: scikit-learn's breast cancer table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { MemAE } from '../../src/detector/memae.js';
import { memberSeed } from '../../src/detector/ensemble.js';
import { TRAIN_DEFAULTS } from '../../src/train/defaults.js';
import { UserError } from '../../src/errors/user-error.js';
import { useTestBackend } from '../helpers/backend.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/baselines-sklearn.json', import.meta.url), 'utf8')) as { trainX: number[]; testX: number[]; features: number };
const f = fx.features;
const train = Float32Array.from(fx.trainX), testX = Float32Array.from(fx.testX);
const input = (v: Float32Array) => ({ values: v, shape: [v.length / f, f] });
const fitOpts = { steps: 30, progressBar: false } as const;

function assertClose(got: Float32Array, want: Float32Array | number[], tol: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= tol * Math.max(1, Math.abs(want[i])), `${what} ${i}: ${got[i]} vs ${want[i]}`);
}

test('ensemble: 3 scores with the mean of 3 single detectors from the members\' seeds', async () => {
  await useTestBackend();
  assert.equal(TRAIN_DEFAULTS.tabular.ensemble, 3, 'three networks unless asked (docs/accuracy-tabular.md)');
  const before = tf.memory().numTensors;
  const ens = await MemAE.create({ kind: 'tabular', inputShape: [f], seed: 4, ensemble: 3 });
  try {
    assert.equal(ens.members, 3);
    // one progress run over the 3 networks: epochs counted over all, each event naming its network
    const seen: string[] = [];
    await ens.fit(input(train), { ...fitOpts, onProgress: (p) => { if (p.phase === 'epoch') seen.push(`${p.network}/${p.networks}:${p.epoch}/${p.epochs}`); } });
    const per = seen.length / 3;
    assert.ok(Number.isInteger(per) && per > 0, `${seen.length} epoch events`);
    assert.deepEqual(seen, Array.from({ length: seen.length }, (_, i) => `${Math.floor(i / per) + 1}/3:${i + 1}/${seen.length}`));
    const got = await ens.decisionFunction(input(testX));
    const each: Float32Array[] = [];
    for (let e = 0; e < 3; e++) {
      const one = await MemAE.create({ kind: 'tabular', inputShape: [f], seed: memberSeed(4, e), ensemble: 1 });
      try {
        await one.fit(input(train), fitOpts);
        each.push(await one.decisionFunction(input(testX)));
      } finally {
        one.dispose();
      }
    }
    // the members differ (their own seeds), and the ensemble is their mean
    assert.ok(each[1].some((v, i) => Math.abs(v - each[0][i]) > 1e-3), 'members 0 and 1 score alike: same seed?');
    assertClose(got, Array.from(got, (_, i) => (each[0][i] + each[1][i] + each[2][i]) / 3), 1e-5, 'ensemble score');
    // the training scores (threshold) are the ensemble's too
    const trainScores = await ens.decisionFunction(input(train));
    assertClose(ens.decisionScores!, trainScores, 1e-5, 'training score');
  } finally {
    ens.dispose();
  }
  assert.equal(tf.memory().numTensors, before, 'tensors left behind');
});

test('an ensemble saves to members/<e>/, reloads with the same scores, and refuses swapped or missing members', async () => {
  await useTestBackend();
  const det = await MemAE.create({ kind: 'tabular', inputShape: [f], seed: 9, ensemble: 3 });
  const dir = mkdtempSync(join(tmpdir(), 'memae-ensemble-'));
  const loaded: MemAE[] = [];
  try {
    await det.fit(input(train), fitOpts);
    const scores = await det.decisionFunction(input(testX));
    await det.save(dir);
    const l = await MemAE.load(dir);
    loaded.push(l);
    assert.equal(l.members, 3);
    assert.deepEqual(Array.from(await l.decisionFunction(input(testX))), Array.from(scores));
    assert.equal(l.threshold, det.threshold);
    // one row alone scores as inside the batch (the mean needs no other rows)
    const one = await l.decisionFunction(input(testX.slice(5 * f, 6 * f)));
    assertClose(one, [scores[5]], 1e-5, 'single row');
    // error maps are the mean of the members' and still average to the score
    const d = await l.scoreDetailed(input(testX.slice(0, 4 * f)), { errorMaps: true });
    for (let i = 0; i < 4; i++) assertClose(Float32Array.of(d.errorMaps!.slice(i * f, (i + 1) * f).reduce((a, b) => a + b, 0) / f), [d.scores[i]], 1e-5, 'map mean');

    // a member replaced by another member (valid files, wrong network): refused, one line
    const swapped = mkdtempSync(join(tmpdir(), 'memae-ensemble-swap-'));
    try {
      cpSync(dir, swapped, { recursive: true });
      rmSync(join(swapped, 'members', '2'), { recursive: true });
      cpSync(join(dir, 'members', '1'), join(swapped, 'members', '2'), { recursive: true });
      await assert.rejects(MemAE.load(swapped), (e: Error) => e instanceof UserError && /members\/2: this member's manifest is not the one/.test(e.message) && !e.message.includes('\n'));
      rmSync(join(swapped, 'members', '1'), { recursive: true });
      await assert.rejects(MemAE.load(swapped), (e: Error) => e instanceof UserError && /members\/1/.test(e.message));
      // a manifest whose member count and checksum list disagree
      const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      m.ensemble.members = 4;
      writeFileSync(join(swapped, 'manifest.json'), JSON.stringify(m));
      await assert.rejects(MemAE.load(swapped), (e: Error) => e instanceof UserError && /ensemble/.test(e.message));
      // a member folder that is a symlink out of the model folder (to a valid copy): refused, nothing read there
      cpSync(join(dir, 'manifest.json'), join(swapped, 'manifest.json'));
      const outside = mkdtempSync(join(tmpdir(), 'memae-ensemble-outside-'));
      cpSync(join(dir, 'members', '1'), outside, { recursive: true });
      symlinkSync(outside, join(swapped, 'members', '1'));
      try {
        await assert.rejects(MemAE.load(swapped), (e: Error) => e instanceof UserError && /leaves the model folder/.test(e.message));
      } finally {
        rmSync(outside, { recursive: true, force: true });
      }
    } finally {
      rmSync(swapped, { recursive: true, force: true });
    }
  } finally {
    det.dispose();
    for (const l of loaded) l.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the default ensemble gives way to one network under checkpointed training; an asked-for one is refused', async () => {
  await useTestBackend();
  const t0 = tf.memory().numTensors;
  const dir = mkdtempSync(join(tmpdir(), 'memae-ensemble-ckpt-'));
  try {
    const def = await MemAE.create({ kind: 'tabular', inputShape: [f], seed: 2 });
    assert.equal(def.members, TRAIN_DEFAULTS.tabular.ensemble);
    await def.fit(input(train), { ...fitOpts, checkpoint: join(dir, 'a') });
    assert.equal(def.members, 1);
    const one = await MemAE.create({ kind: 'tabular', inputShape: [f], seed: 2, ensemble: 1 });
    await one.fit(input(train), { ...fitOpts, checkpoint: join(dir, 'b') });
    assertClose((await def.score(input(testX))), await one.score(input(testX)), 1e-6, 'default under checkpoint vs ensemble: 1');
    def.dispose();
    one.dispose();
    const asked = await MemAE.create({ kind: 'tabular', inputShape: [f], seed: 2, ensemble: 2 });
    await assert.rejects(asked.fit(input(train), { ...fitOpts, checkpoint: join(dir, 'c') }), (e: Error) => e instanceof UserError && /ensemble cannot be trained with checkpoint/.test(e.message));
    asked.dispose();
    assert.equal(tf.memory().numTensors, t0, 'tensors left behind');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ensemble: whole numbers 1..16, tables and images, not video', async () => {
  await useTestBackend();
  for (const bad of [0, 17, 2.5]) {
    await assert.rejects(MemAE.create({ kind: 'tabular', inputShape: [f], ensemble: bad }), (e: Error) => e instanceof UserError && /ensemble must be a whole number/.test(e.message));
  }
  await assert.rejects(MemAE.create({ kind: 'video', inputShape: [8, 16, 16, 1], ensemble: 2 }), (e: Error) => e instanceof UserError && /ensemble is for tables and images/.test(e.message));
  const one = await MemAE.create({ kind: 'image', inputShape: [28, 28, 1] });
  assert.equal(one.members, 1);
  one.dispose();
});

test('images: an ensemble of 2 scores (and maps) with the mean of the 2 single networks, and reloads the same', async () => {
  await useTestBackend();
  const { loadMnist } = await import('../../src/data/mnist.js');
  const imgs = await loadMnist({ split: 'train', limit: 40 });
  const test5 = await loadMnist({ split: 'test', limit: 5 });
  const opts = { steps: 8, batchSize: 8, progressBar: false } as const;
  const before = tf.memory().numTensors;
  const ens = await MemAE.create({ kind: 'image', inputShape: [28, 28, 1], seed: 6, ensemble: 2 });
  const dir = mkdtempSync(join(tmpdir(), 'memae-img-ens-'));
  try {
    assert.equal(ens.members, 2);
    await ens.fit(imgs, opts);
    const got = await ens.scoreDetailed(test5, { errorMaps: true });
    const each: Awaited<ReturnType<MemAE['scoreDetailed']>>[] = [];
    for (let e = 0; e < 2; e++) {
      const one = await MemAE.create({ kind: 'image', inputShape: [28, 28, 1], seed: memberSeed(6, e), ensemble: 1 });
      try {
        await one.fit(imgs, opts);
        each.push(await one.scoreDetailed(test5, { errorMaps: true }));
      } finally {
        one.dispose();
      }
    }
    assert.ok(each[1].scores.some((v, i) => Math.abs(v - each[0].scores[i]) > 1e-6), 'members 0 and 1 score alike: same seed?');
    assertClose(got.scores, Array.from(got.scores, (_, i) => (each[0].scores[i] + each[1].scores[i]) / 2), 1e-5, 'ensemble image score');
    assertClose(got.errorMaps!, Array.from(got.errorMaps!, (_, i) => (each[0].errorMaps![i] + each[1].errorMaps![i]) / 2), 1e-5, 'ensemble error map');
    await ens.save(dir);
    const back = await MemAE.load(dir);
    try {
      assert.equal(back.members, 2);
      assertClose(await back.score(test5), got.scores, 1e-6, 'reloaded image ensemble');
    } finally {
      back.dispose();
    }
  } finally {
    ens.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(tf.memory().numTensors, before, 'tensors left behind');
});
