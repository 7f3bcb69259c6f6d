// One image decoder for files and request bodies (data/image-decode.ts): the same pixels either way, the pixel cap
// configurable for requests, and its one-line errors naming the source answered as 400s.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { loadFashionMnist } from '../../src/data/mnist.js';
import { decodeImage as decodeFile, decodeImageBuffer } from '../../src/data/image-decode.js';
import { decodeImage as decodeRequest, RequestError } from '../../src/serve/decode.js';

// a real Fashion-MNIST image, enlarged to 40x30 and coloured, as a JPEG: not the PNG fast path, resized on decode
const fm = await loadFashionMnist({ split: 'test', limit: 1 });
const grey = Buffer.from(Array.from(fm.gather([0]), (v) => Math.round(((v + 1) / 2) * 255)));
const jpeg = await sharp(grey, { raw: { width: 28, height: 28, channels: 1 } }).resize(40, 30).tint('#c08040').jpeg().toBuffer();
const dir = mkdtempSync(join(tmpdir(), 'memae-one-decoder-'));
const file = join(dir, 'shoe.jpg');
writeFileSync(file, jpeg);

for (const [channels, fit] of [[1, 'fill'], [3, 'contain'], [1, 'cover']] as const) {
  test(`a file and the same bytes in a request decode to the same pixels (${channels} channel(s), ${fit})`, async () => {
    const fromFile = await decodeFile(file, { height: 28, width: 28, channels, fit });
    assert.deepEqual(await decodeImageBuffer(jpeg, 'body', { height: 28, width: 28, channels, fit }), fromFile);
    const pre = { kind: 'image', version: 1, height: 28, width: 28, channels, resize: fit, range: [0, 1] } as never;
    const req = await decodeRequest(jpeg, [28, 28, channels], pre);
    assert.equal(req.length, fromFile.length);
    for (let i = 0; i < req.length; i++) assert.equal(req[i], Math.fround(fromFile[i] / 255));
    assert.ok(new Set(fromFile).size > 10, 'a real image, not a flat one');
  });
}

test('the request pixel cap is configurable; over it is a 400 naming the source, before decoding', async () => {
  await assert.rejects(decodeRequest(jpeg, [28, 28, 1], null, "file 'a'", 1000), (e: Error) =>
    e instanceof RequestError && e.status === 400 && e.message === "file 'a': image of 40x30 pixels, over the limit of 1000 (memae serve --max-image-pixels)");
  assert.equal((await decodeRequest(jpeg, [28, 28, 1], null, 'image', 1200)).length, 784);
  await assert.rejects(decodeFile(file, { height: 28, width: 28, channels: 1, maxPixels: 1000 }), new RegExp(`^UserError: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: image of 40x30 pixels, over the limit of 1000 \\(MEMAE_MAX_IMAGE_PIXELS\\)$`));
});

test('a broken body is a 400 with one line naming it, from the same decoder as files', async () => {
  const cut = jpeg.subarray(0, 200);
  writeFileSync(join(dir, 'cut.jpg'), cut);
  await assert.rejects(decodeFile(join(dir, 'cut.jpg'), { height: 28, width: 28, channels: 1 }), /cut\.jpg: unreadable image/);
  await assert.rejects(decodeRequest(cut, [28, 28, 1], null, 'image 3'), (e: Error) => e instanceof RequestError && e.status === 400 && /^image 3: unreadable image/.test(e.message) && !e.message.includes('\n'));
});
