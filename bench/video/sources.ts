// Real fixed-camera footage for the video quality benchmark, and its split along time into a training part, a
// held-out validation part of the training side (early stopping, score statistics, choice of settings with the
// validation kinds of anomalies) and a test part (test kinds of anomalies).
import { existsSync } from 'node:fs';
import { decodeVideoFile } from '../../packages/memae/src/video/ffmpeg.js';
import type { VideoFrames } from '../../packages/memae/src/video/frames.js';
import { VTEST_PATH } from './vtest-data.js';

export interface VideoSource {
  name: string;
  path: string;
  /** frames used from the start (the rest is left out) */
  frames?: number;
  note: string;
}

const OPENCV_DATA = '/usr/share/doc/opencv-doc/examples/data';

export const VIDEO_SOURCES: VideoSource[] = [
  { name: 'vtest', path: VTEST_PATH, note: 'OpenCV vtest.avi: fixed street camera, pedestrians walking, 795 frames at 10 fps' },
  {
    name: 'tree', path: `${OPENCV_DATA}/tree.avi`, frames: 350,
    note: 'OpenCV tree.avi: fixed camera on a tree moving in the wind; 68 distinct frames that ffmpeg repeats to 15 fps (449 frames); the first 350, before a hand enters the view',
  },
];

export interface SourceSplit { source: VideoSource; train: VideoFrames; validation: VideoFrames; test: VideoFrames }

/** Fractions of the footage, in time order: training, validation (training side), test. */
export const SPLIT = { train: 0.4, validation: 0.25 };

export async function loadSource(source: VideoSource, size: number): Promise<SourceSplit> {
  if (!existsSync(source.path)) throw new Error(`'${source.path}' not found: install the Debian package opencv-doc`);
  const v = await decodeVideoFile(source.path, { size, maxFrames: source.frames });
  const frame = size * size;
  const cut = (name: string, a: number, b: number): VideoFrames => ({ name: `${source.name}-${name}`, size, count: b - a, pixels: v.pixels.slice(a * frame, b * frame) });
  const t = Math.round(v.count * SPLIT.train);
  const val = Math.round(v.count * (SPLIT.train + SPLIT.validation));
  return { source, train: cut('train', 0, t), validation: cut('validation', t, val), test: cut('test', val, v.count) };
}
