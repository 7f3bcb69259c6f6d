// Real slices of OpenCV's vtest.avi (Debian package opencv-doc), decoded by ffmpeg and by sharp.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeVideoFile } from '../../src/video/ffmpeg.js';
import { readFrameFolder, listFrameFiles } from '../../src/video/frames.js';
import { findVideoLayout, loadVideoSplit } from '../../src/video/layout.js';
import { ClipDataset } from '../../src/video/clips.js';
import { UserError } from '../../src/errors/user-error.js';

const VTEST = '/usr/share/doc/opencv-doc/examples/data/vtest.avi';
const tmp = (): string => mkdtempSync(join(tmpdir(), 'memae-video-'));

/** the first `n` frames of vtest.avi as image files written by ffmpeg itself (real JPEG/PNG/TIFF frames) */
function extractFrames(dir: string, n: number, ext: string, start = 0): void {
  mkdirSync(dir, { recursive: true });
  const vf = start > 0 ? ['-vf', `select=gte(n\\,${start})`, '-vsync', 'passthrough'] : [];
  const r = spawnSync('ffmpeg', ['-nostdin', '-v', 'error', '-i', VTEST, ...vf, '-frames:v', String(n), '-q:v', '2', join(dir, `%03d.${ext}`)]);
  assert.equal(r.status, 0, r.stderr.toString());
}

const meanAbsDiff = (a: Uint8Array, b: Uint8Array): number => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;

test('ffmpeg: decodes frames of vtest.avi to square gray frames, exact frame selection', async () => {
  const v = await decodeVideoFile(VTEST, { size: 32, maxFrames: 6 });
  assert.equal(v.name, 'vtest');
  assert.equal(v.count, 6);
  assert.equal(v.pixels.length, 6 * 32 * 32);
  const later = await decodeVideoFile(VTEST, { size: 32, startFrame: 4, maxFrames: 2 });
  assert.deepEqual(later.pixels, v.pixels.subarray(4 * 1024));
  // real footage: not blank, not constant, frames differ (people walk)
  assert.ok(meanAbsDiff(v.pixels.subarray(0, 1024), new Uint8Array(1024)) > 50);
  assert.ok(meanAbsDiff(v.pixels.subarray(0, 1024), v.pixels.subarray(5 * 1024, 6 * 1024)) > 0.1);
});

test('frame folder (sharp) and ffmpeg agree on the same real frames', async () => {
  const dir = join(tmp(), 'frames');
  extractFrames(dir, 5, 'png');
  assert.equal(listFrameFiles(dir).length, 5);
  const a = await readFrameFolder(dir, { size: 48 });
  const b = await decodeVideoFile(VTEST, { size: 48, maxFrames: 5 });
  assert.equal(a.count, 5);
  assert.equal(a.name, 'frames');
  // different resamplers and gray conversions, same picture: a few gray levels apart on average
  const d = meanAbsDiff(a.pixels, b.pixels);
  // (measured: ~3.2 at full size from the gray conversions alone, ~4.2 at 48 x 48)
  assert.ok(d < 6, `mean abs difference ${d}`);
  // and different from a neighbouring frame offset by many frames
  const c = await decodeVideoFile(VTEST, { size: 48, startFrame: 300, maxFrames: 5 });
  assert.ok(meanAbsDiff(a.pixels, c.pixels) > d);
});

test('missing ffmpeg: clear UserError for a wrong path and for a PATH without ffmpeg', async () => {
  await assert.rejects(decodeVideoFile(VTEST, { size: 32, ffmpegPath: '/nonexistent/ffmpeg' }), (e: Error) => e instanceof UserError && /ffmpeg not found \('\/nonexistent\/ffmpeg'\): install it/.test(e.message));
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: tmp() };
  delete env.MEMAE_FFMPEG;
  await assert.rejects(decodeVideoFile(VTEST, { size: 32, env, ffmpegPath: undefined }), (e: Error) => e instanceof UserError && /ffmpeg not found/.test(e.message));
  // a child process whose PATH has no ffmpeg (the default lookup, no injected path) gets the same one-line message
  const script = `import { decodeVideoFile } from ${JSON.stringify(new URL('../../src/video/ffmpeg.ts', import.meta.url).pathname)};
    decodeVideoFile(${JSON.stringify(VTEST)}, { size: 32 }).then(() => console.log('decoded'), (e) => console.log(e.name + ': ' + e.message));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...env, PATH: tmp() }, encoding: 'utf8' });
  assert.match(r.stdout.trim(), /^UserError: ffmpeg not found \('ffmpeg'\)/);
  await assert.rejects(decodeVideoFile('/nonexistent/video.avi', { size: 32 }), (e: Error) => e instanceof UserError && /does not exist/.test(e.message));
  const notVideo = join(tmp(), 'x.avi');
  writeFileSync(notVideo, 'this is not a video');
  await assert.rejects(decodeVideoFile(notVideo, { size: 32 }), (e: Error) => e instanceof UserError && /ffmpeg could not decode/.test(e.message));
});

test('layout: UCSD Ped2-like folders with a .m ground truth', async () => {
  const root = tmp();
  extractFrames(join(root, 'Train', 'Train001'), 18, 'tif');
  extractFrames(join(root, 'Test', 'Test001'), 20, 'tif', 100);
  extractFrames(join(root, 'Test', 'Test002'), 17, 'tif', 200);
  mkdirSync(join(root, 'Test', 'Test001_gt')); // pixel masks folder: skipped
  writeFileSync(join(root, 'Test', 'UCSDped2.m'), 'TestVideoFile = {};\nTestVideoFile{end+1}.gt_frame = [11:20];\nTestVideoFile{end+1}.gt_frame = [1:3];\n');
  assert.equal(findVideoLayout(root).kind, 'ucsd');
  const train = await loadVideoSplit(root, 'train', { size: 32 });
  assert.deepEqual(train.map((v) => [v.name, v.count, v.labels]), [['Train001', 18, undefined]]);
  const test = await loadVideoSplit(root, 'test', { size: 32 });
  assert.deepEqual(test.map((v) => v.name), ['Test001', 'Test002']);
  assert.deepEqual(Array.from(test[0].labels!), Array.from({ length: 20 }, (_, f) => (f >= 10 ? 1 : 0)));
  assert.equal(test[1].labels!.reduce((a, b) => a + b, 0), 3);
  const clips = new ClipDataset(test);
  assert.equal(clips.size, 5 + 2);
  assert.deepEqual(Array.from(clips.labels!), [0, 0, 1, 1, 1, 0, 0]);
  // labels that do not fit the video
  writeFileSync(join(root, 'Test', 'UCSDped2.m'), 'TestVideoFile{end+1}.gt_frame = [11:21];\nTestVideoFile{end+1}.gt_frame = [1];\n');
  await assert.rejects(loadVideoSplit(root, 'test', { size: 32 }), (e: Error) => e instanceof UserError && /frame 21 is beyond the video's 20 frames/.test(e.message));
  // the same data read with maxFrames keeps the matching labels
  const cut = await loadVideoSplit(root, 'test', { size: 32, maxFrames: 16, maxVideos: 1 });
  assert.equal(cut[0].count, 16);
  assert.equal(cut[0].labels!.length, 16);
});

test('layout: Avenue/ShanghaiTech-like folders with .npy and text labels, training from a video file', async () => {
  const root = tmp();
  mkdirSync(join(root, 'training', 'videos'), { recursive: true });
  const cut = spawnSync('ffmpeg', ['-nostdin', '-v', 'error', '-i', VTEST, '-frames:v', '20', '-c:v', 'mjpeg', '-q:v', '3', join(root, 'training', 'videos', '01_001.avi')]);
  assert.equal(cut.status, 0, cut.stderr.toString());
  extractFrames(join(root, 'testing', 'frames', '01_0014'), 17, 'jpg', 50);
  extractFrames(join(root, 'testing', 'frames', '01_0015'), 16, 'jpg', 90);
  const masks = join(root, 'testing', 'test_frame_mask');
  mkdirSync(masks);
  // a NumPy-written label file of 8 values is the wrong length for 17 frames
  writeFileSync(join(masks, '01_0014.npy'), readFileSync(new URL('./fixtures/labels_int64.npy', import.meta.url)));
  writeFileSync(join(masks, '01_0015.txt'), '0 0 0 0 0 0 0 0 1 1 1 1 0 0 0 0');
  assert.equal(findVideoLayout(root).kind, 'avenue');
  const train = await loadVideoSplit(root, 'train', { size: 32 });
  assert.deepEqual(train.map((v) => [v.name, v.count]), [['01_001', 20]]);
  await assert.rejects(loadVideoSplit(root, 'test', { size: 32 }), (e: Error) => e instanceof UserError && /01_0014\.npy: 8 labels for 17 frames/.test(e.message));
  writeFileSync(join(masks, '01_0014.txt'), '0\n'.repeat(12) + '1\n'.repeat(5));
  rmSync(join(masks, '01_0014.npy'));
  const test = await loadVideoSplit(root, 'test', { size: 32 });
  assert.deepEqual(test.map((v) => v.labels!.reduce((a, b) => a + b, 0)), [5, 4]);
  rmSync(join(masks, '01_0015.txt'));
  await assert.rejects(loadVideoSplit(root, 'test', { size: 32 }), (e: Error) => e instanceof UserError && /no label file for test video '01_0015'/.test(e.message));
});

test('layout: wrong folders give one clear UserError', async () => {
  const root = tmp();
  await assert.rejects(loadVideoSplit(join(root, 'nope'), 'train', { size: 32 }), (e: Error) => e instanceof UserError && /does not exist/.test(e.message));
  mkdirSync(join(root, 'Training'));
  await assert.rejects(loadVideoSplit(root, 'train', { size: 32 }), (e: Error) => e instanceof UserError && /not a known video dataset layout: expected Train\/ and Test\//.test(e.message));
  mkdirSync(join(root, 'Train', 'Train001'), { recursive: true });
  mkdirSync(join(root, 'Test'));
  await assert.rejects(loadVideoSplit(root, 'test', { size: 32 }), (e: Error) => e instanceof UserError && /holds no videos/.test(e.message));
  await assert.rejects(loadVideoSplit(root, 'train', { size: 32 }), (e: Error) => e instanceof UserError && /Train001' holds no images/.test(e.message));
  writeFileSync(join(root, 'Train', 'Train001', '001.tif'), 'not an image');
  await assert.rejects(loadVideoSplit(root, 'train', { size: 32 }), (e: Error) => e instanceof UserError && /cannot decode image .*001\.tif/.test(e.message));
  await assert.rejects(loadVideoSplit(root, 'train', { size: 3 }), (e: Error) => e instanceof UserError && /frame size must be/.test(e.message));
});
