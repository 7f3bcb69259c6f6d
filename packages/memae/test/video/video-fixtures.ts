// Real video for the end-to-end video tests: OpenCV's vtest.avi (Debian opencv-doc) cut down by ffmpeg to a few
// seconds at a small size, written to a temp folder at test time, and a tiny video model trained on it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const VTEST = '/usr/share/doc/opencv-doc/examples/data/vtest.avi';
export const tmp = (): string => mkdtempSync(join(tmpdir(), 'memae-video-e2e-'));

/** `frames` frames of vtest.avi from second `from`, at `w` x `h`, as an MPEG-4 AVI. */
export function cutVtest(file: string, o: { from: number; frames: number; w?: number; h?: number }): string {
  const r = spawnSync('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-ss', String(o.from), '-i', VTEST, '-frames:v', String(o.frames), '-s', `${o.w ?? 96}x${o.h ?? 72}`, '-c:v', 'mpeg4', '-q:v', '3', file]);
  assert.equal(r.status, 0, r.stderr.toString());
  return file;
}

/** Raw gray frames of a video as ffmpeg decodes them for a model of `size` (the bytes memae reads). */
export function rawFrames(file: string, size: number, extra: string[] = []): Buffer {
  const r = spawnSync('ffmpeg', ['-nostdin', '-v', 'error', ...extra, '-i', file, '-f', 'rawvideo', '-pix_fmt', 'gray', '-s', `${size}x${size}`, '-sws_flags', 'area', 'pipe:1'], { maxBuffer: 1 << 30 });
  assert.equal(r.status, 0, r.stderr.toString());
  return r.stdout;
}

/**
 * A UCSD-Ped-like dataset folder: Train/Train001.avi (normal street footage), Test/Test001.avi with a bright block
 * pasted over frames `event` (drawn by ffmpeg's drawbox), and the UCSD ground truth file Test/gt.m.
 */
export function ucsdLayout(root: string, event: [number, number] = [14, 26]): string {
  mkdirSync(join(root, 'Train'), { recursive: true });
  mkdirSync(join(root, 'Test'), { recursive: true });
  cutVtest(join(root, 'Train', 'Train001.avi'), { from: 0, frames: 60 });
  const plain = cutVtest(join(root, 'plain-test.avi'), { from: 20, frames: 40 });
  // frames are 0-based in ffmpeg's n, 1-based in the UCSD file
  const r = spawnSync('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-i', plain, '-vf', `drawbox=x=30:y=20:w=30:h=30:color=white:t=fill:enable='between(n,${event[0]},${event[1]})'`, '-c:v', 'mpeg4', '-q:v', '3', join(root, 'Test', 'Test001.avi')]);
  assert.equal(r.status, 0, r.stderr.toString());
  writeFileSync(join(root, 'Test', 'gt.m'), `TestVideoFile = {};\nTestVideoFile{end+1}.gt_frame = [${event[0] + 1}:${event[1] + 1}];\n`);
  return root;
}

/** Frame-level AUROC by counting pairs (ties 1/2): an independent check of the library's `auroc`. */
export function pairAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < labels.length; j++) {
      if (labels[j] !== 0) continue;
      den++;
      num += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return num / den;
}

/** The small model's training flags: 32x32 frames, 8-frame clips, narrow encoder, 20 slots. */
export const SMALL_MODEL = ['--frame-size', '32', '--clip-length', '8', '--clip-stride', '2', '--encoder-channels', '4,8,8,8', '--memory-size', '20', '--epochs', '2', '--batch-size', '4'];

/** Trains and saves a tiny video model on `file` in-process (library API), as `memae train` would save it. */
export async function trainSmallModel(file: string, dir: string): Promise<string> {
  const { decodeVideoFile } = await import('../../src/video/ffmpeg.js');
  const { ClipDataset } = await import('../../src/video/clips.js');
  const { MemAE } = await import('../../src/index.js');
  const { videoPreprocessing } = await import('../../src/preprocess/video.js');
  const spec = videoPreprocessing({ size: 32, clipLength: 8, trainStride: 2 });
  const clips = new ClipDataset([await decodeVideoFile(file, { size: spec.size })], { clipLength: spec.clipLength, stride: spec.trainStride });
  const det = await MemAE.create({ kind: 'video', inputShape: clips.sampleShape, encoderChannels: [4, 8, 8, 8], slots: 20, seed: 3, preprocessing: spec });
  await det.fit(clips, { epochs: 1, batchSize: 4, progressBar: false });
  await det.save(dir);
  det.dispose();
  return dir;
}
