import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import sharp from 'sharp';
import { encode as encodeBmp } from 'bmp-ts';
import { loadImageClasses, loadNormalTestFolders } from '../../src/data/image-folder.js';
import { mnistDir } from '../../src/data/mnist.js';
import { UserError } from '../../src/errors/user-error.js';
import { tempDir } from './helpers.js';

// real MNIST digits written as image files
const raw = readFileSync(join(mnistDir(), 'train-images-idx3-ubyte'));
const rawLabels = readFileSync(join(mnistDir(), 'train-labels-idx1-ubyte'));
const digit = (i: number): Buffer => raw.subarray(16 + i * 784, 16 + (i + 1) * 784);
const gray = (i: number) => sharp(digit(i), { raw: { width: 28, height: 28, channels: 1 } }).toColourspace('b-w');
const bmp = (i: number): Buffer => {
  const abgr = Buffer.alloc(28 * 28 * 4);
  digit(i).forEach((v, k) => abgr.fill(v, 4 * k + 1, 4 * k + 4));
  return encodeBmp({ data: abgr, width: 28, height: 28, bitPP: 24 } as Parameters<typeof encodeBmp>[0]).data;
};
const root = tempDir();

before(async () => {
  // classes convention: digits/<digit>/<n>.png (first 12 images, 3 of them as BMP)
  for (let i = 0; i < 12; i++) {
    const d = join(root, 'digits', String(rawLabels[8 + i]));
    mkdirSync(d, { recursive: true });
    if (i % 4 === 3) writeFileSync(join(d, `${i}.bmp`), bmp(i));
    else await gray(i).png().toFile(join(d, `${i}.png`));
  }
  // one-class convention: normal/ (PNG), test/normal (TIFF), test/anomaly (JPEG, RGB)
  for (const sub of ['pair/normal', 'pair/test/normal', 'pair/test/anomaly', 'flat/normal', 'flat/test', 'empty/normal', 'bad/normal', 'mixed/normal', 'mixed/test/anomaly']) {
    mkdirSync(join(root, sub), { recursive: true });
  }
  for (let i = 0; i < 4; i++) await gray(i).png().toFile(join(root, 'pair/normal', `${i}.png`));
  for (let i = 4; i < 6; i++) await gray(i).tiff({ compression: 'lzw' }).toFile(join(root, 'pair/test/normal', `${i}.tif`));
  for (let i = 6; i < 9; i++) await gray(i).toColourspace('srgb').jpeg({ quality: 95 }).toFile(join(root, 'pair/test/anomaly', `${i}.jpg`));
  for (let i = 0; i < 3; i++) await gray(i).png().toFile(join(root, 'flat/normal', `${i}.png`));
  for (let i = 3; i < 5; i++) await gray(i).png().toFile(join(root, 'flat/test', `${i}.png`));
  writeFileSync(join(root, 'empty/normal/readme.txt'), 'no images here');
  await gray(0).png().toFile(join(root, 'bad/normal/0.png'));
  writeFileSync(join(root, 'bad/normal/1.png'), Buffer.from('this is not a png'));
  await gray(0).png().toFile(join(root, 'mixed/normal/0.png'));
  await gray(1).png().toFile(join(root, 'mixed/test/1.png'));
  await gray(2).png().toFile(join(root, 'mixed/test/anomaly/2.png'));
});

describe('image folders (sharp)', () => {
  it('class-per-subfolder: PNG and BMP decode to the exact MNIST pixels', async () => {
    const { dataset, classNames } = await loadImageClasses(join(root, 'digits'));
    assert.equal(dataset.size, 12);
    assert.deepEqual(dataset.sampleShape, [28, 28, 1]);
    const files = dataset.files!;
    for (let k = 0; k < dataset.size; k++) {
      const i = Number(files[k].match(/(\d+)\.(png|bmp)$/)![1]);
      assert.equal(classNames[dataset.classes![k]], String(rawLabels[8 + i]));
      const x = dataset.gather([k]);
      const d = digit(i);
      for (let p = 0; p < 784; p++) assert.ok(Math.abs(x[p] - (d[p] / 127.5 - 1)) < 1e-6, `${files[k]} pixel ${p}`);
    }
  });
  it('resizing and RGB output; disk storage gathers the same values as memory', async () => {
    const mem = await loadImageClasses(join(root, 'digits'), { size: [14, 20], channels: 3, storage: 'memory' });
    const disk = await loadImageClasses(join(root, 'digits'), { size: [14, 20], channels: 3, storage: 'disk' });
    assert.deepEqual(mem.dataset.sampleShape, [14, 20, 3]);
    assert.ok(disk.dataset.store.onDisk && !mem.dataset.store.onDisk);
    assert.deepEqual(disk.dataset.gather([11, 0, 5]), mem.dataset.gather([11, 0, 5]));
    const x = mem.dataset.gather([0]);
    for (let p = 0; p < x.length; p += 3) assert.ok(x[p] === x[p + 1] && x[p] === x[p + 2], 'gray to RGB repeats the value');
  });
  it('normal/ + test/normal + test/anomaly: labels follow the folders (TIFF, JPEG)', async () => {
    const { train, test, testClassNames } = await loadNormalTestFolders(join(root, 'pair'));
    assert.equal(train.size, 4);
    assert.deepEqual(Array.from(train.labels!), [0, 0, 0, 0]);
    assert.deepEqual(testClassNames, ['anomaly', 'normal']);
    assert.deepEqual(Array.from(test!.labels!), [1, 1, 1, 0, 0]);
    assert.deepEqual(test!.sampleShape, [28, 28, 1], 'RGB JPEGs converted to the grayscale of the training images');
    const d = digit(6);
    const x = test!.gather([0]);
    let err = 0;
    for (let p = 0; p < 784; p++) err = Math.max(err, Math.abs((x[p] + 1) * 127.5 - d[p]));
    assert.ok(err < 40, `JPEG close to the source digit (max error ${err})`);
  });
  it('test/ with loose images is unlabelled', async () => {
    const { train, test } = await loadNormalTestFolders(join(root, 'flat'));
    assert.equal(train.size, 3);
    assert.equal(test!.size, 2);
    assert.equal(test!.labels, undefined);
  });
  it('bad folders and files are UserErrors naming them', async () => {
    await assert.rejects(loadNormalTestFolders(join(root, 'empty')), (e: Error) => e instanceof UserError && /empty\/normal: no images/.test(e.message));
    await assert.rejects(loadNormalTestFolders(join(root, 'bad')), /bad\/normal\/1\.png: unreadable image/);
    await assert.rejects(loadNormalTestFolders(join(root, 'mixed')), /holds both images and subfolders/);
    await assert.rejects(loadNormalTestFolders(join(root, 'nope')), /nope: folder not found/);
    await assert.rejects(loadNormalTestFolders(join(root, 'digits')), /expected a subfolder normal\//);
    await assert.rejects(loadImageClasses(join(root, 'digits'), { size: [0, 3] }), /two positive integers/);
  });
});
