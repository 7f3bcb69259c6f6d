// Frame-level ground truth readers: the UCSD `.m` file with frame ranges, per-video .npy arrays and
// per-video text files (0/1 values separated by white space or commas). Labels: 1 = anomaly, 0 = normal.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { UserError } from '../errors/user-error.js';
import { readNpy } from './npy.js';

/**
 * Parses a UCSD ground truth file (e.g. `UCSDped2.m`): one line per test video,
 * `TestVideoFile{end+1}.gt_frame = [61:180];` (or `{3}`, or `[5:90, 140:200]`).
 * Returns, per video in file order, the 1-based anomalous frame numbers.
 */
export function parseUcsdGroundTruth(text: string, name = 'ground truth'): number[][] {
  const videos: number[][] = [];
  const re = /TestVideoFile\s*\{\s*(end\s*\+\s*1|\d+)\s*\}\s*\.\s*gt_frame\s*=\s*\[([^\]]*)\]/g;
  const code = text.replace(/%[^\n]*/g, ''); // MATLAB comments
  for (const m of code.matchAll(re)) {
    const slot = m[1].startsWith('end') ? videos.length : Number(m[1]) - 1;
    if (slot < 0) throw new UserError(`${name}: bad video index {${m[1]}}`);
    const frames: number[] = [];
    for (const item of m[2].split(/[\s,;]+/).filter((s) => s.length > 0)) {
      const parts = item.split(':').map(Number);
      if (parts.some((p) => !Number.isInteger(p) || p < 1) || parts.length > 3) {
        throw new UserError(`${name}: cannot read frame range '${item}' (expected a, a:b or a:step:b with 1-based frame numbers)`);
      }
      const [a, step, b] = parts.length === 1 ? [parts[0], 1, parts[0]] : parts.length === 2 ? [parts[0], 1, parts[1]] : parts;
      for (let f = a; f <= b; f += step) frames.push(f);
    }
    videos[slot] = frames;
  }
  if (videos.length === 0) throw new UserError(`${name}: no 'TestVideoFile{...}.gt_frame = [...]' lines found`);
  for (let i = 0; i < videos.length; i++) {
    if (!videos[i]) throw new UserError(`${name}: no gt_frame entry for test video ${i + 1}`);
  }
  return videos;
}

/** 0/1 labels for `frameCount` frames from 1-based anomalous frame numbers. */
export function labelsFromFrameNumbers(frames: number[], frameCount: number, name: string): Uint8Array {
  const out = new Uint8Array(frameCount);
  for (const f of frames) {
    if (f > frameCount) throw new UserError(`${name}: anomalous frame ${f} is beyond the video's ${frameCount} frames`);
    out[f - 1] = 1;
  }
  return out;
}

/** Parses per-frame 0/1 labels from text (white space, commas or new lines between values). */
export function parseTextLabels(text: string, name = 'labels'): Uint8Array {
  const items = text.split(/[\s,;]+/).filter((s) => s.length > 0);
  return toBinary(items.map(Number), name, (i) => items[i]);
}

/** Reads a per-video label file: `.npy` (any integer, bool or float dtype holding 0/1) or text. */
export function readLabelFile(path: string): Uint8Array {
  if (extname(path).toLowerCase() === '.npy') {
    const arr = readNpy(path);
    if (arr.shape.filter((d) => d > 1).length > 1) {
      throw new UserError(`${path}: labels must be one value per frame, got an array of shape (${arr.shape.join(', ')})`);
    }
    return toBinary(arr.data, path, (i) => String(arr.data[i]));
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read '${path}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return parseTextLabels(text, path);
}

function toBinary(values: ArrayLike<number>, name: string, show: (i: number) => string): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== 0 && v !== 1) throw new UserError(`${name}: label ${i + 1} is '${show(i)}', expected 0 (normal) or 1 (anomaly)`);
    out[i] = v;
  }
  if (out.length === 0) throw new UserError(`${name}: no labels found`);
  return out;
}
