// A real, deterministic video anomaly benchmark from OpenCV's vtest.avi (Debian package opencv-doc): a fixed
// camera over a street with pedestrians, 768x576, 795 frames. The first part is normal training footage; the
// rest is cut into test videos with anomalies painted in at known frames (like UCSD Ped2's carts and bikes):
//   fast-vehicle:      a car-like box crossing the scene about 20x faster than the pedestrians walk;
//   odd-object:        a large star-shaped object, unlike any pedestrian, drifting and turning across the scene;
//   sudden-appearance: a textured block that appears from nothing, stays still, and vanishes at once.
// Output: a UCSD Ped2-like folder (Train/Train001/001.tif, Test/Test001/001.tif, Test/vtest_gt.m with
// `TestVideoFile{end+1}.gt_frame = [a:b];`) plus manifest.json describing every injected event.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { UserError } from '../../packages/memae/src/errors/user-error.js';
import { decodeVideoFile } from '../../packages/memae/src/video/ffmpeg.js';
import { paintSprite, seededRandom, type Sprite } from './inject.js';

export const VTEST_PATH = '/usr/share/doc/opencv-doc/examples/data/vtest.avi';

export type AnomalyKind = 'fast-vehicle' | 'odd-object' | 'sudden-appearance';

export interface InjectedEvent {
  kind: AnomalyKind;
  video: string;
  /** first and last anomalous frame, 1-based, inclusive (as in the UCSD ground truth) */
  first: number;
  last: number;
  /** pixels per frame at the generated size (0 for a still object) */
  speed: number;
  /** centre of the object in its first frame, pixels at the generated size */
  from: [number, number];
}

export interface VtestBenchmarkOptions {
  /** output folder (created) */
  out: string;
  /** source video, default OpenCV's vtest.avi */
  source?: string;
  /** side of the square frames written (default 128) */
  size?: number;
  /** fraction of the frames used as normal training footage (default 0.6) */
  trainFraction?: number;
  /** training videos the training part is cut into (default 2) */
  trainVideos?: number;
  /** seed of the anomaly placement and texture (default 1) */
  seed?: number;
  ffmpegPath?: string;
}

export interface VtestManifest {
  source: string;
  size: number;
  seed: number;
  train: { video: string; sourceFrames: [number, number] }[];
  test: { video: string; sourceFrames: [number, number] }[];
  events: InjectedEvent[];
}

const KINDS: AnomalyKind[] = ['fast-vehicle', 'odd-object', 'sudden-appearance'];

/** Writes the benchmark folder; returns its manifest. Same options give the same files. */
export async function makeVtestBenchmark(opts: VtestBenchmarkOptions): Promise<VtestManifest> {
  const source = opts.source ?? VTEST_PATH;
  if (!existsSync(source)) throw new UserError(`'${source}' not found: install the Debian package opencv-doc (it ships vtest.avi)`);
  const size = opts.size ?? 128;
  const seed = opts.seed ?? 1;
  const video = await decodeVideoFile(source, { size, ffmpegPath: opts.ffmpegPath });
  const frame = size * size;
  const nTrain = Math.floor(video.count * (opts.trainFraction ?? 0.6));
  const trainParts = split(0, nTrain, opts.trainVideos ?? 2);
  const testParts = split(nTrain, video.count, KINDS.length);
  const rand = seededRandom(seed);
  const manifest: VtestManifest = { source, size, seed, train: [], test: [], events: [] };

  const writeVideo = async (dir: string, frames: Uint8Array, count: number): Promise<void> => {
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < count; f++) {
      const px = Buffer.from(frames.buffer, frames.byteOffset + f * frame, frame);
      await sharp(px, { raw: { width: size, height: size, channels: 1 } }).tiff({ compression: 'lzw' }).toFile(join(dir, `${String(f + 1).padStart(3, '0')}.tif`));
    }
  };

  for (let i = 0; i < trainParts.length; i++) {
    const [a, b] = trainParts[i];
    const name = `Train${String(i + 1).padStart(3, '0')}`;
    await writeVideo(join(opts.out, 'Train', name), video.pixels.subarray(a * frame, b * frame), b - a);
    manifest.train.push({ video: name, sourceFrames: [a, b - 1] });
  }
  const gtLines: string[] = [];
  for (let i = 0; i < testParts.length; i++) {
    const [a, b] = testParts[i];
    const count = b - a;
    const name = `Test${String(i + 1).padStart(3, '0')}`;
    const frames = video.pixels.slice(a * frame, b * frame);
    const ev = inject(frames, size, count, KINDS[i], rand, name);
    await writeVideo(join(opts.out, 'Test', name), frames, count);
    manifest.test.push({ video: name, sourceFrames: [a, b - 1] });
    manifest.events.push(ev);
    gtLines.push(`TestVideoFile{end+1}.gt_frame = [${ev.first}:${ev.last}];`);
  }
  writeFileSync(
    join(opts.out, 'Test', 'vtest_gt.m'),
    `% memae vtest benchmark ground truth (UCSD format, 1-based frame numbers)\nTestVideoFile = {};\n${gtLines.join('\n')}\n`,
  );
  writeFileSync(join(opts.out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

function split(from: number, to: number, parts: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < parts; i++) out.push([from + Math.floor(((to - from) * i) / parts), from + Math.floor(((to - from) * (i + 1)) / parts)]);
  return out;
}

/** Paints one event of `kind` into `frames` (count frames of size x size), placed in the middle of the video. */
function inject(frames: Uint8Array, size: number, count: number, kind: AnomalyKind, rand: () => number, video: string): InjectedEvent {
  const s = size / 128; // geometry below is given for 128 x 128 frames
  const at = (f: number): Uint8Array => frames.subarray(f * size * size, (f + 1) * size * size);
  const ltr = rand() < 0.5;
  const textureSeed = Math.floor(rand() * 1e9);
  const jitter = Math.floor(rand() * 11) - 5; // start frame: middle of the video +- 5
  if (kind === 'fast-vehicle') {
    // a car: 30 x 14 px box crossing horizontally at ~7 px/frame (pedestrians: ~0.3 px/frame)
    const sprite: Sprite = { shape: 'box', rx: 15 * s, ry: 7 * s, gray: 40 + 30 * rand(), texture: 35, cell: 4 * s, seed: textureSeed };
    const speed = (6 + 2 * rand()) * s;
    const y = (58 + 20 * rand()) * s; // on the walkway
    const span = size + 2 * sprite.rx;
    const steps = Math.ceil(span / speed) - 1; // every painted frame shows part of the car
    const first = Math.max(0, Math.min(count - steps, Math.floor(count / 2 - steps / 2) + jitter));
    const x = (k: number): number => (ltr ? -sprite.rx + (k + 1) * speed : size + sprite.rx - (k + 1) * speed);
    for (let k = 0; k < steps; k++) paintSprite(at(first + k), size, sprite, x(k), y);
    return visibleRange(kind, video, first, steps, speed, [x(0), y]);
  }
  if (kind === 'odd-object') {
    // a 40 px five-pointed star drifting diagonally at ~1 px/frame and turning
    const sprite: Sprite = { shape: 'star', rx: 20 * s, ry: 20 * s, gray: 215 + 30 * rand(), texture: 25, cell: 5 * s, seed: textureSeed };
    const steps = Math.min(count - 30, 50);
    const first = Math.max(0, Math.min(count - steps, Math.floor(count / 2 - steps / 2) + jitter));
    const x0 = (ltr ? 30 : 98) * s;
    const y0 = (45 + 20 * rand()) * s;
    const speed = 1.1 * s;
    for (let k = 0; k < steps; k++) {
      const d = k * speed * Math.SQRT1_2;
      paintSprite(at(first + k), size, sprite, x0 + (ltr ? d : -d), y0 + d, k * 0.06);
    }
    return visibleRange(kind, video, first, steps, speed, [x0, y0]);
  }
  // sudden-appearance: a bright checker-textured 22 x 26 px block, still, there for 30 frames only
  const sprite: Sprite = { shape: 'box', rx: 11 * s, ry: 13 * s, gray: 200, texture: 55, cell: 3 * s, seed: textureSeed };
  const steps = 30;
  const first = Math.max(0, Math.min(count - steps, Math.floor(count / 2 - steps / 2) + jitter));
  const x = (40 + 48 * rand()) * s;
  const y = (60 + 30 * rand()) * s;
  for (let k = 0; k < steps; k++) paintSprite(at(first + k), size, sprite, x, y);
  return visibleRange(kind, video, first, steps, 0, [x, y]);
}

const round2 = (v: number): number => Math.round(v * 100) / 100;
const visibleRange = (kind: AnomalyKind, video: string, first: number, steps: number, speed: number, from: [number, number]): InjectedEvent => ({
  kind,
  video,
  first: first + 1,
  last: first + steps,
  speed: round2(speed),
  from: [round2(from[0]), round2(from[1])],
});
