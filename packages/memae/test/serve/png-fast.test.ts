// The PNG fast path gives exactly what the sharp path gives, and steps aside for every image it cannot take.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { loadFashionMnist } from '../../src/data/mnist.js';
import { samplePng } from '../../src/report/png.js';
import { decodeImage } from '../../src/serve/decode.js';
import { decodePngExact } from '../../src/serve/png-fast.js';

const test0 = await loadFashionMnist({ split: 'test', limit: 3 });
const grey = Buffer.from(test0.gather([0]).map((v) => Math.round((v + 1) * 127.5)));
const rgbPixels = Buffer.alloc(28 * 28 * 3);
for (let i = 0; i < 784; i++) for (let k = 0; k < 3; k++) rgbPixels[3 * i + k] = Math.round((test0.gather([k])[i] + 1) * 127.5);
const raw = (data: Buffer, channels: 1 | 3) => sharp(data, { raw: { width: 28, height: 28, channels } });

const cases: [string, () => Promise<Buffer>, number[], boolean][] = [
  ['RGBA grey PNG as the report writes it, grey model', async () => samplePng(test0.gather([0]), [28, 28, 1]), [28, 28, 1], true],
  ['8-bit grey PNG, grey model', () => raw(grey, 1).png().toBuffer(), [28, 28, 1], true],
  ['8-bit grey PNG, RGB model', () => raw(grey, 1).png().toBuffer(), [28, 28, 3], true],
  ['RGB PNG, RGB model', () => raw(rgbPixels, 3).png().toBuffer(), [28, 28, 3], true],
  ['RGB colour PNG, grey model (needs sharp greyscale)', () => raw(rgbPixels, 3).png().toBuffer(), [28, 28, 1], false],
  ['PNG of another size', () => raw(grey, 1).resize(32, 32).png().toBuffer(), [28, 28, 1], false],
  ['16-bit PNG', () => raw(grey, 1).toColourspace('grey16').png().toBuffer(), [28, 28, 1], false],
  ['palette PNG', () => raw(rgbPixels, 3).png({ palette: true }).toBuffer(), [28, 28, 3], false],
  ['interlaced PNG', () => raw(grey, 1).png({ progressive: true }).toBuffer(), [28, 28, 1], false],
  ['JPEG', () => raw(grey, 1).jpeg().toBuffer(), [28, 28, 1], false],
];

for (const [name, make, shape, fast] of cases) {
  test(`${name}: ${fast ? 'fast path, same values as sharp' : 'left to sharp'}`, async () => {
    const buf = await make();
    const got = decodePngExact(buf, shape);
    if (!fast) return assert.equal(got, undefined);
    assert.ok(got, 'the fast path did not take it');
    assert.deepEqual(got, await decodeImage(buf, shape));
  });
}

test('a corrupt PNG of the right size is left to sharp (which names the problem)', async () => {
  const buf = Buffer.from(await raw(grey, 1).png().toBuffer());
  buf[buf.length - 20] ^= 0xff; // inside the IDAT data: CRC mismatch
  assert.equal(decodePngExact(buf, [28, 28, 1]), undefined);
});
