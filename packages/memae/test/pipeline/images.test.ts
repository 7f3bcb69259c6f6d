// Image folders end to end through the real `memae` command: the image preprocessing (size, channels, resize
// policy, pixel range) is saved with the model; `memae score MODEL FILE FOLDER` scores image files and plain
// folders (recursively) with ids, equal to the library's scores of the same files; a wrong size under resize
// "none" is one line naming the file, in the CLI and the service; an older model (no preprocessing) gets a note.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { MemAE, encodeImageFiles } from '../../src/index.js';
import { mnistDir } from '../../src/data/mnist.js';
import { buildServer } from '../../src/serve/server.js';
import { servedModel } from '../../src/serve/from-detector.js';
import { loadDetector } from '../../src/run/detector-port.js';
import { useTestBackend } from '../helpers/backend.js';
import { tinyModel } from '../ui-helpers/tiny-model.js';
import { tempDir } from '../data/helpers.js';
import { runCli } from '../cli/run-cli.js';

const root = tempDir();
const raw = readFileSync(join(mnistDir(), 'train-images-idx3-ubyte'));
const labels = readFileSync(join(mnistDir(), 'train-labels-idx1-ubyte'));
const digit = (i: number) => sharp(raw.subarray(16 + i * 784, 16 + (i + 1) * 784), { raw: { width: 28, height: 28, channels: 1 } }).toColourspace('b-w');
const model = join(root, 'run', 'model');
const loose = join(root, 'loose');

before(async () => {
  // parts/normal: ones; parts/test/{normal,anomaly}: ones and sevens (real MNIST digits as PNG files)
  for (const d of ['parts/normal', 'parts/test/normal', 'parts/test/anomaly', 'loose/a/b']) mkdirSync(join(root, d), { recursive: true });
  let ones = 0;
  let others = 0;
  for (let i = 0; i < 400 && (ones < 40 || others < 6); i++) {
    const one = labels[8 + i] === 1;
    if (one && ones < 34) await digit(i).png().toFile(join(root, 'parts/normal', `${i}.png`));
    else if (one && ones < 40) await digit(i).png().toFile(join(root, 'parts/test/normal', `${i}.png`));
    else if (!one && others < 6) await digit(i).png().toFile(join(root, 'parts/test/anomaly', `${i}.png`));
    if (one) ones++;
    else others++;
  }
  await digit(500).png().toFile(join(loose, 'x.png'));
  await digit(501).png().toFile(join(loose, 'a/b/y.png'));
  await digit(502).resize(32, 32).png().toFile(join(root, 'big.png'));
  const r = await runCli(['train', '--data', 'folder', '--data-path', join(root, 'parts'), '--resize', 'none', '--epochs', '1', '--batch-size', '16', '--quiet', '-o', join(root, 'run')]);
  assert.equal(r.code, 0, r.stderr);
});

describe('image pipelines', () => {
  before(useTestBackend);
  it('the saved preprocessing; score of files and nested folders with ids equals the library; wrong size is one line', async () => {
    const det = await MemAE.load(model);
    assert.deepEqual(det.preprocessing, { kind: 'image', version: 1, height: 28, width: 28, channels: 1, resize: 'none', range: [-1, 1] });
    const r = await runCli(['score', model, join(loose, 'x.png'), loose, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout) as { results: { id: string; score: number }[] };
    const paths = [join(loose, 'x.png'), join(loose, 'a/b/y.png'), join(loose, 'x.png')];
    assert.deepEqual(res.results.map((x) => x.id), paths);
    const lib = await det.score(await encodeImageFiles(det.preprocessing, paths));
    res.results.forEach((x, i) => assert.ok(Math.abs(x.score - lib[i]) <= 1e-5 * lib[i], `${x.score} vs ${lib[i]}`));
    assert.equal(res.results[0].score, res.results[2].score);
    det.dispose();

    const big = await runCli(['score', model, join(root, 'big.png')]);
    assert.equal(big.code, 2);
    assert.match(big.stderr, /big\.png: image is 32x32x1, the model takes 28x28x1 \(resize policy "none"\)/);
    assert.equal(big.stderr.trim().split('\n').length, 1, big.stderr);
  });

  it('folders: a link to a parent folder is not followed, a linked file is read, a line break in a name stays on one line, a broken link is one line', async () => {
    const d = join(root, 'links');
    mkdirSync(join(d, 'sub'), { recursive: true });
    copyFileSync(join(loose, 'x.png'), join(d, 'a.png'));
    copyFileSync(join(loose, 'x.png'), join(d, 'sub', 'b\nc.png'));
    symlinkSync('..', join(d, 'sub', 'loop')); // was followed round and round: the same images listed many times
    symlinkSync(join(loose, 'a/b/y.png'), join(d, 'linked.png'));
    const r = await runCli(['score', model, d, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const ids = (JSON.parse(r.stdout) as { results: { id: string }[] }).results.map((x) => x.id);
    assert.deepEqual(ids, [join(d, 'a.png'), join(d, 'linked.png'), join(d, 'sub', 'b\nc.png')]);
    const table = await runCli(['score', model, d]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^"[^\n]*sub\/b\\nc\.png" +[0-9.]+ +(yes|no)$/m);
    symlinkSync(join(d, 'gone.png'), join(d, 'broken.png'));
    const broken = await runCli(['score', model, d]);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /broken\.png: broken symbolic link/);
    assert.equal(broken.stderr.trim().split('\n').length, 1, broken.stderr);
  });

  it('the service refuses a wrong-size image under resize "none" with a 400 naming it', async () => {
    const app = await buildServer({ models: [servedModel('digits', await loadDetector(model))], maxBatch: 8, maxWaitMs: 2, bodyLimit: 1 << 20, tensorStats: () => tf.memory() });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const a = app.server.address();
      const url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/v1/models/digits/score`;
      const post = (f: string) => fetch(url, { method: 'POST', body: readFileSync(f), headers: { 'content-type': 'image/png' } });
      const bad = await post(join(root, 'big.png'));
      assert.equal(bad.status, 400);
      assert.match(((await bad.json()) as { error: string }).error, /image is 32x32x1, the model takes 28x28x1/);
      const ok = await post(join(loose, 'x.png'));
      assert.equal(ok.status, 200);
    } finally {
      await app.close();
    }
  });

  it('a model saved without preprocessing still scores, with a one-line note', async () => {
    const tiny = await tinyModel();
    const r = await runCli(['score', tiny.dir, tiny.pngs.normal]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /note: .* has no saved preprocessing/);
    assert.match(r.stdout, /tshirt\.png/);
  });
});
