import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { readIdx } from '../../src/data/idx.js';
import { loadFashionMnist, loadIdxImages, loadMnist, mnistDir } from '../../src/data/mnist.js';
import { UserError } from '../../src/errors/user-error.js';
import { tempDir } from './helpers.js';

const dir = tempDir();
const mnistImages = join(mnistDir(), 'train-images-idx3-ubyte');
const mnistLabels = join(mnistDir(), 'train-labels-idx1-ubyte');
/** header + first n MNIST training images, as a valid IDX file */
const slice = (n: number): Buffer => {
  const b = Buffer.from(readFileSync(mnistImages).subarray(0, 16 + n * 784));
  b.writeUInt32BE(n, 4);
  return b;
};
const labelSlice = (n: number): Buffer => {
  const b = Buffer.from(readFileSync(mnistLabels).subarray(0, 8 + n));
  b.writeUInt32BE(n, 4);
  return b;
};

describe('IDX and MNIST / Fashion-MNIST', () => {
  it('every IDX value type reads back big-endian values', async () => {
    const cases: [number, number, (b: Buffer, v: number, at: number) => void, number[]][] = [
      [0x0b, 2, (b, v, at) => b.writeInt16BE(v, at), [-300, 0, 12345]],
      [0x0c, 4, (b, v, at) => b.writeInt32BE(v, at), [-70000, 1, 2 ** 30]],
      [0x0d, 4, (b, v, at) => b.writeFloatBE(v, at), [-1.5, 0.25, 1048576.5]],
      [0x0e, 8, (b, v, at) => b.writeDoubleBE(v, at), [-1e-300, Math.PI, 7]],
      [0x09, 1, (b, v, at) => b.writeInt8(v, at), [-128, 5, 127]],
    ];
    for (const [code, width, write, values] of cases) {
      const b = Buffer.alloc(8 + values.length * width);
      b[2] = code;
      b[3] = 1;
      b.writeUInt32BE(values.length, 4);
      values.forEach((v, i) => write(b, v, 8 + i * width));
      const f = join(dir, `type-${code}.idx`);
      writeFileSync(f, b);
      const r = await readIdx(f);
      assert.deepEqual(Array.from(r.data), values, `type 0x${code.toString(16)}`);
      assert.deepEqual(Array.from((await readIdx(f, { limit: 2 })).data), values.slice(0, 2));
    }
  });

  it('first 100 MNIST training images: shape, range, known labels', async () => {
    const ds = await loadMnist({ limit: 100 });
    assert.equal(ds.size, 100);
    assert.deepEqual(ds.sampleShape, [28, 28, 1]);
    assert.deepEqual(Array.from(ds.classes!.subarray(0, 10)), [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    let min = Infinity;
    let max = -Infinity;
    for (const v of ds.values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    assert.deepEqual([min, max], [-1, 1]);
    // (x/255 - 0.5)/0.5 of the raw byte
    const raw = readFileSync(mnistImages)[16 + 14 * 28 + 14];
    assert.ok(Math.abs(ds.values[14 * 28 + 14] - (raw / 255 - 0.5) / 0.5) < 1e-6);
  });
  it('a few Fashion-MNIST test images (gzip IDX)', async () => {
    const ds = await loadFashionMnist({ split: 'test', limit: 5 });
    assert.deepEqual(Array.from(ds.classes!), [9, 2, 1, 1, 6]);
    assert.deepEqual(ds.sampleShape, [28, 28, 1]);
  });
  it('gzip and raw copies read the same; partial reads match full reads', async () => {
    const raw = join(dir, 'imgs-idx3-ubyte');
    writeFileSync(raw, slice(20));
    writeFileSync(`${raw}.gz`, gzipSync(slice(20)));
    const a = await readIdx(raw);
    const b = await readIdx(`${raw}.gz`);
    const c = await readIdx(`${raw}.gz`, { limit: 3 });
    assert.deepEqual(a.shape, [20, 28, 28]);
    assert.deepEqual(a.data, b.data);
    assert.deepEqual(c.shape, [3, 28, 28]);
    assert.deepEqual(c.data, a.data.subarray(0, 3 * 784));
  });
  it('bad files fail with a UserError naming the file and the problem', async () => {
    const p = (n: string) => join(dir, n);
    writeFileSync(p('trunc'), slice(20).subarray(0, 16 + 5 * 784 + 100));
    await assert.rejects(readIdx(p('trunc')), (e: Error) => e instanceof UserError && e.message.includes(p('trunc')) && /truncated/.test(e.message));
    writeFileSync(p('trunc.gz'), gzipSync(slice(20)).subarray(0, 2000));
    await assert.rejects(readIdx(p('trunc.gz')), /trunc\.gz: (corrupt or truncated gzip|truncated IDX)/);
    const bad = slice(2);
    bad[0] = 0x89;
    writeFileSync(p('magic'), bad);
    await assert.rejects(readIdx(p('magic')), /magic: not an IDX file \(magic number 0x89/);
    writeFileSync(p('long'), Buffer.concat([slice(2), Buffer.alloc(7)]));
    await assert.rejects(readIdx(p('long')), /7 bytes more than its header/);
    writeFileSync(p('tiny'), Buffer.from([0, 0, 8]));
    await assert.rejects(readIdx(p('tiny')), /truncated IDX file/);
    await assert.rejects(readIdx(p('missing')), /missing: file not found/);
    await assert.rejects(readIdx(dir), /is a folder/);
  });
  it('image/label mismatches are caught', async () => {
    writeFileSync(join(dir, 'i'), slice(10));
    writeFileSync(join(dir, 'l'), labelSlice(9));
    await assert.rejects(loadIdxImages(join(dir, 'i'), join(dir, 'l')), /holds 10 images but .* holds 9 labels/);
    const l = labelSlice(10);
    l[8 + 4] = 12;
    writeFileSync(join(dir, 'l12'), l);
    await assert.rejects(loadIdxImages(join(dir, 'i'), join(dir, 'l12')), /label 12 of item 4 is not a class id/);
    await assert.rejects(loadIdxImages(join(dir, 'l'), join(dir, 'l')), /expected uint8 images of shape/);
    mkdirSync(join(dir, 'empty'), { recursive: true });
    await assert.rejects(loadMnist({ dir: join(dir, 'empty') }), /train-images-idx3-ubyte\[\.gz\]: file not found/);
  });
});
