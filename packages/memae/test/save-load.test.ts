// Save/load round trip: the directory format, checksums, clear errors on damage, and scoring the saved
// model on tfjs cpu in a child process that never loads the native addon.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync, cpSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemAE } from '../src/detector/memae.js';
import { UserError } from '../src/errors/user-error.js';
import { VERSION } from '../src/version.js';
import { manifestContentSha256 } from '../src/io/model-dir.js';
import { useTestBackend } from './helpers/backend.js';
import { mnistSlice } from './helpers/mnist.js';
import { assertClose } from './helpers/close.js';

const small = { kind: 'image' as const, inputShape: [28, 28, 1], encoderChannels: [4, 8, 8] };

test('save, load, score: same scores, manifest, threshold; cpu-only child agrees', async () => {
  const backend = await useTestBackend();
  const train = await mnistSlice({ split: 'train', digits: [7], limit: 32 });
  const test = await mnistSlice({ split: 'test', limit: 20 });
  const det = await MemAE.create({ ...small, seed: 3, normalization: { kind: 'mean-std', mean: 0.5, std: 0.5 } });
  await det.fit(train, { epochs: 1, batchSize: 16, progressBar: false });
  const thr = det.setThreshold({ percentile: 90 });
  const before = await det.score(test);
  const dir = mkdtempSync(join(tmpdir(), 'memae-save-'));
  try {
    const m = await det.save(dir);
    assert.deepEqual(readdirSync(dir).sort(), ['codes.bin', 'manifest.json', 'model.json', 'weights.bin']); // codes.bin: the image score's training codes
    assert.equal(m.library.version, VERSION);
    assert.equal(m.training?.samples, 32);
    assert.deepEqual(m.training?.classes, [7]);
    assert.equal(m.trainingScores?.count, 32);
    assert.deepEqual(m.normalization, { kind: 'mean-std', mean: 0.5, std: 0.5 });

    const back = await MemAE.load(dir);
    assert.deepEqual(back.config, det.config);
    assert.equal(back.threshold, thr);
    assertClose(await back.score(test), before, 1e-6, 'scores after load');
    assert.deepEqual(await back.predict(test), Uint8Array.from(before, (s) => (s > thr ? 1 : 0)));
    // thresholds from the stored training-score quantiles work after loading
    assert.ok(Math.abs(back.setThreshold({ contamination: 0.1 }) - det.setThreshold({ contamination: 0.1 })) < 1e-9);
    back.dispose();

    const child = fileURLToPath(new URL('./helpers/score-cpu-child.ts', import.meta.url));
    const out = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', child, dir, '20'], { encoding: 'utf8', env: { ...process.env, MEMAE_BACKEND: '' } }));
    assert.equal(out.backend, 'cpu');
    assert.equal(out.loadedNative.filter((p: string) => p.includes('libtorch')).length, 0);
    assertClose(out.scores, before, backend === 'cpu' ? 1e-6 : 1e-4, 'cpu child scores');
  } finally {
    det.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A manifest edited on purpose, with its content checksum fixed up. */
const resealed = (m: Record<string, unknown>) => ({ ...m, contentSha256: manifestContentSha256(m) });

test('damaged or mismatched model directories give clear UserErrors', async () => {
  await useTestBackend();
  const det = await MemAE.create({ ...small, variant: 'ae' });
  const dir = mkdtempSync(join(tmpdir(), 'memae-bad-'));
  const expectUserError = async (d: string, re: RegExp) => {
    await assert.rejects(MemAE.load(d), (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes('\n'));
  };
  try {
    await det.save(join(dir, 'ok'));
    await expectUserError(join(dir, 'missing'), /not a model directory/);
    const copy = (name: string) => { const d = join(dir, name); cpSync(join(dir, 'ok'), d, { recursive: true }); return d; };

    const flipped = copy('flipped');
    const w = readFileSync(join(flipped, 'weights.bin'));
    w[10] ^= 0xff;
    writeFileSync(join(flipped, 'weights.bin'), w);
    await expectUserError(flipped, /checksum/);

    const truncated = copy('truncated');
    writeFileSync(join(truncated, 'weights.bin'), readFileSync(join(truncated, 'weights.bin')).subarray(0, 100));
    await expectUserError(truncated, /truncated/);

    const badJson = copy('bad-json');
    writeFileSync(join(badJson, 'manifest.json'), '{ nope');
    await expectUserError(badJson, /not valid JSON/);

    const wrongKind = copy('wrong-kind');
    const mf = JSON.parse(readFileSync(join(wrongKind, 'manifest.json'), 'utf8'));
    mf.kind = 'video';
    writeFileSync(join(wrongKind, 'manifest.json'), JSON.stringify(resealed(mf)));
    await expectUserError(wrongKind, /disagree/);

    const wrongVariant = copy('wrong-variant');
    const mv = JSON.parse(readFileSync(join(wrongVariant, 'manifest.json'), 'utf8'));
    mv.variant = 'memae'; mv.config.variant = 'memae';
    writeFileSync(join(wrongVariant, 'manifest.json'), JSON.stringify(resealed(mv)));
    await expectUserError(wrongVariant, /does not match the manifest/);

    const badField = copy('bad-field');
    const mb = JSON.parse(readFileSync(join(badField, 'manifest.json'), 'utf8'));
    mb.config.slots = -1;
    writeFileSync(join(badField, 'manifest.json'), JSON.stringify(resealed(mb)));
    await expectUserError(badField, /config\.slots/);
  } finally {
    det.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('models saved before memoryQuery existed load as per-location models', async () => {
  await useTestBackend();
  const det = await MemAE.create({ ...small, memoryQuery: 'location', slots: 20 });
  const test = await mnistSlice({ split: 'test', limit: 8 });
  const before = await det.score(test);
  const dir = mkdtempSync(join(tmpdir(), 'memae-old-'));
  try {
    await det.save(dir);
    const mp = join(dir, 'manifest.json');
    const m = JSON.parse(readFileSync(mp, 'utf8'));
    // a format-1 folder: no memoryQuery, and checksums of the weights only
    delete m.config.memoryQuery;
    delete m.modelJson;
    delete m.contentSha256;
    m.formatVersion = 1;
    writeFileSync(mp, JSON.stringify(m));
    const back = await MemAE.load(dir);
    assert.equal(back.config.memoryQuery, 'location');
    assertClose(await back.score(test), before, 1e-6, 'scores after load');
    back.dispose();
  } finally {
    det.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('library version matches package.json', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  assert.equal(VERSION, pkg.version);
});
