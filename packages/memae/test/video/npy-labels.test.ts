import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpy, parseNpy } from '../../src/video/npy.js';
import { parseUcsdGroundTruth, parseTextLabels, readLabelFile, labelsFromFrameNumbers } from '../../src/video/labels.js';
import { UserError } from '../../src/errors/user-error.js';

const fx = (n: string): string => new URL(`./fixtures/${n}`, import.meta.url).pathname;
const expected = [0, 0, 1, 1, 1, 0, 0, 1];

test('npy: reads NumPy-written int64, bool, big-endian float32 and (1, N) uint8 arrays', () => {
  for (const f of ['labels_int64.npy', 'labels_bool.npy', 'labels_f4_big.npy', 'labels_u1_row.npy']) {
    assert.deepEqual(Array.from(readNpy(fx(f)).data), expected, f);
  }
  assert.deepEqual(readNpy(fx('labels_u1_row.npy')).shape, [1, 8]);
});

test('npy: Fortran-order arrays come back in C order', () => {
  const a = readNpy(fx('matrix_f8_fortran.npy'));
  assert.deepEqual(a.shape, [2, 3]);
  assert.deepEqual(Array.from(a.data), [0, 1, 2, 3, 4, 5]);
});

test('npy: broken files give a UserError', () => {
  assert.throws(() => parseNpy(new TextEncoder().encode('not numpy at all'), 'x.npy'), (e: Error) => e instanceof UserError && /x\.npy: not a readable \.npy/.test(e.message));
  assert.throws(() => readNpy('/nonexistent/labels.npy'), (e: Error) => e instanceof UserError && /ENOENT/.test(e.message));
});

test('labels: .npy with values other than 0/1 is refused', () => {
  assert.throws(() => readLabelFile(fx('labels_bad_values.npy')), (e: Error) => e instanceof UserError && /label 2 is '2'/.test(e.message));
  assert.deepEqual(Array.from(readLabelFile(fx('labels_bool.npy'))), expected);
});

test('labels: UCSD .m ground truth with end+1, explicit indices, several ranges, steps and comments', () => {
  const text = [
    'TestVideoFile = {};',
    '% Test001',
    'TestVideoFile{end+1}.gt_frame = [61:180];',
    'TestVideoFile{end+1}.gt_frame = [5:7, 10];  % two parts',
    'TestVideoFile{4}.gt_frame = [1:2:7];',
    'TestVideoFile{3}.gt_frame = [3];',
  ].join('\n');
  const gt = parseUcsdGroundTruth(text);
  assert.equal(gt.length, 4);
  assert.equal(gt[0].length, 120);
  assert.equal(gt[0][0], 61);
  assert.deepEqual(gt[1], [5, 6, 7, 10]);
  assert.deepEqual(gt[2], [3]);
  assert.deepEqual(gt[3], [1, 3, 5, 7]);
  assert.deepEqual(Array.from(labelsFromFrameNumbers(gt[1], 10, 'x')), [0, 0, 0, 0, 1, 1, 1, 0, 0, 1]);
  assert.throws(() => labelsFromFrameNumbers(gt[1], 9, 'gt.m'), /gt\.m: anomalous frame 10 is beyond the video's 9 frames/);
  assert.throws(() => parseUcsdGroundTruth('x = 1;', 'gt.m'), /gt\.m: no 'TestVideoFile/);
  assert.throws(() => parseUcsdGroundTruth('TestVideoFile{2}.gt_frame = [1:3];', 'gt.m'), /no gt_frame entry for test video 1/);
  assert.throws(() => parseUcsdGroundTruth('TestVideoFile{end+1}.gt_frame = [0:3];', 'gt.m'), /cannot read frame range '0:3'/);
});

test('labels: text files with one value per line or separated by commas', () => {
  const dir = mkdtempSync(join(tmpdir(), 'memae-labels-'));
  writeFileSync(join(dir, 'a.txt'), '0\n0\n1\n1\n');
  writeFileSync(join(dir, 'b.csv'), '0,1, 1 ,0');
  assert.deepEqual(Array.from(readLabelFile(join(dir, 'a.txt'))), [0, 0, 1, 1]);
  assert.deepEqual(Array.from(readLabelFile(join(dir, 'b.csv'))), [0, 1, 1, 0]);
  assert.throws(() => parseTextLabels('0 1 yes', 'c.txt'), /c\.txt: label 3 is 'yes'/);
  assert.throws(() => parseTextLabels('  \n', 'd.txt'), /d\.txt: no labels found/);
});
