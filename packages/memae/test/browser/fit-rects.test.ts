// The browser's resize policies place the picture as sharp does in Node: fill stretches, cover crops the centre,
// contain letterboxes in the centre, none refuses another size with one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitRects } from '../../src/browser/image.js';
import { noneMismatch } from '../../src/preprocess/image.js';
import { UserError } from '../../src/errors/user-error.js';

test('fill, cover, contain and none place a 40x20 picture into a 10x10 sample', () => {
  assert.deepEqual(fitRects(40, 20, 10, 10, 'fill'), { src: [0, 0, 40, 20], dst: [0, 0, 10, 10] });
  // cover: scale 0.5, the centre 20x20 of the source fills the sample
  assert.deepEqual(fitRects(40, 20, 10, 10, 'cover'), { src: [10, 0, 20, 20], dst: [0, 0, 10, 10] });
  // contain: scale 0.25, a 10x5 band in the middle, black above and below
  assert.deepEqual(fitRects(40, 20, 10, 10, 'contain'), { src: [0, 0, 40, 20], dst: [0, 2.5, 10, 5] });
  // a tall picture into a wide sample
  assert.deepEqual(fitRects(10, 30, 20, 10, 'cover'), { src: [0, 12.5, 10, 5], dst: [0, 0, 20, 10] });
  const c = fitRects(10, 30, 20, 10, 'contain');
  assert.deepEqual(c.src, [0, 0, 10, 30]);
  [(20 - 10 / 3) / 2, 0, 10 / 3, 10].forEach((v, i) => assert.ok(Math.abs(c.dst[i] - v) < 1e-12, `dst[${i}] ${c.dst[i]} vs ${v}`));
});

test('none: the same size passes as it is, another size (or channel count, where known) is a one-line UserError', () => {
  assert.deepEqual(fitRects(28, 28, 28, 28, 'none'), { src: [0, 0, 28, 28], dst: [0, 0, 28, 28] });
  const want = { height: 28, width: 28, channels: 1 };
  assert.equal(noneMismatch('a.png', { height: 28, width: 28 }, want), undefined);
  assert.equal(noneMismatch('a.png', { height: 28, width: 28, channels: 1 }, want), undefined);
  const size = noneMismatch('a.png', { height: 28, width: 32 }, want);
  assert.ok(size instanceof UserError && size.message === 'a.png: image is 28x32, the model takes 28x28x1 (resize policy "none")', size?.message);
  const channels = noneMismatch('b.png', { height: 28, width: 28, channels: 3 }, want);
  assert.ok(channels instanceof UserError && channels.message === 'b.png: image is 28x28x3, the model takes 28x28x1 (resize policy "none")', channels?.message);
});
