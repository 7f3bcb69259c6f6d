// Seeded anomalies injected into real gray footage for the video quality benchmark. Each event rewrites a window of
// a video through a frame index map over the source footage (temporal kinds) and/or a per-frame pixel operation
// (appearance kinds); the output video carries frame labels (1 = inside the event).
//   test kinds (what the figures are about):
//     temporal-shuffle  frames of the window in random order;
//     speed-change      the window played 3x faster (frames skipped) or 3x slower (frames repeated), seeded;
//     reversed          the window played backwards, then forwards again from where it turned (no jump at either end);
//     camera-shake      every frame of the window shifted by a random whole-pixel offset;
//     flipped-region    a square region mirrored left-right in every frame of the window;
//     odd-object        a textured star drifting and turning across the scene.
//   validation kinds (training side only, used to choose settings; none of them is a test kind):
//     vehicle           a dark box crossing the scene fast;   block  a still bright block appearing at once;
//     time-jump         the window's frames taken from 20+ frames later (a cut in time);
//     freeze            one frame held for the whole window, then the feed resumes live (a frozen camera feed).
import type { VideoFrames } from '../../packages/memae/src/video/frames.js';
import { paintSprite, seededRandom, type Sprite } from './inject.js';

export const TEST_KINDS = ['temporal-shuffle', 'speed-change', 'reversed', 'camera-shake', 'flipped-region', 'odd-object'] as const;
export const VALIDATION_KINDS = ['vehicle', 'block', 'time-jump', 'freeze'] as const;
export type TestKind = (typeof TEST_KINDS)[number];
export type ValidationKind = (typeof VALIDATION_KINDS)[number];
export type AnomalyKind = TestKind | ValidationKind;
const JUMP = 20; // shortest time jump, frames

/** One injected event, frames 0-based inclusive in the output video. */
export interface Event { kind: AnomalyKind; first: number; last: number; detail: string }

export interface InjectOptions {
  /** frames in the anomalous window of the output video (default 30) */
  length?: number;
  seed: number;
}

/** Source footage `src` with one event of `kind` placed at a seeded position away from both ends. */
export function injectEvent(src: VideoFrames, kind: AnomalyKind, name: string, opts: InjectOptions): { video: VideoFrames; event: Event } {
  const rand = seededRandom(opts.seed);
  const L = opts.length ?? 30;
  // source frames the window consumes: fast speed change needs 3L, a time jump L frames from JUMP+ later
  const fast = kind === 'speed-change' && rand() < 0.5;
  const need = kind === 'speed-change' ? (fast ? 3 * L : Math.ceil(L / 3)) : kind === 'time-jump' ? L + JUMP : L;
  const margin = 16;
  const room = src.count - need - 2 * margin;
  if (room < 1) throw new Error(`${src.name}: ${src.count} frames are too few for a ${kind} event of ${L} frames`);
  const a = margin + Math.floor(rand() * room); // first source frame of the window
  const index: number[] = [];
  for (let f = 0; f < a; f++) index.push(f);
  let detail = '';
  if (kind === 'speed-change') {
    for (let k = 0; k < L; k++) index.push(fast ? a + 3 * k : a + Math.floor(k / 3));
    for (let f = a + need; f < src.count; f++) index.push(f);
    detail = fast ? '3x faster' : '3x slower';
  } else if (kind === 'reversed') {
    // forwards to a + L - 1 (normal), backwards down to a (anomalous), forwards again from a + 1 (normal)
    for (let f = a; f < a + L; f++) index.push(f);
    for (let f = a + L - 1; f >= a; f--) index.push(f);
    for (let f = a + 1; f < src.count; f++) index.push(f);
    detail = `source frames ${a + L - 1}..${a} backwards`;
  } else if (kind === 'temporal-shuffle') {
    const w = Array.from({ length: L }, (_, k) => a + k);
    do {
      for (let i = L - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [w[i], w[j]] = [w[j], w[i]]; }
    } while (w.every((v, k) => v === a + k));
    index.push(...w);
    for (let f = a + L; f < src.count; f++) index.push(f);
  } else if (kind === 'freeze') {
    for (let k = 0; k < L; k++) index.push(a);
    for (let f = a + L; f < src.count; f++) index.push(f);
    detail = `frame ${a} held`;
  } else if (kind === 'time-jump') {
    const jump = JUMP + Math.floor(rand() * (src.count - margin - a - need + 1));
    for (let k = 0; k < L; k++) index.push(a + jump + k);
    for (let f = a + L; f < src.count; f++) index.push(f);
    detail = `jump ${jump} frames`;
  } else {
    for (let f = a; f < src.count; f++) index.push(f);
  }
  // the anomalous window in the output: it starts at output frame `a` for every kind except reversed
  const first = kind === 'reversed' ? a + L : a;
  const last = first + L - 1;
  const frame = src.size * src.size;
  const pixels = new Uint8Array(index.length * frame);
  index.forEach((f, o) => pixels.set(src.pixels.subarray(f * frame, (f + 1) * frame), o * frame));
  const labels = new Uint8Array(index.length);
  labels.fill(1, first, last + 1);
  const at = (o: number): Uint8Array => pixels.subarray(o * frame, (o + 1) * frame);
  detail = paint(kind, src.size, first, L, at, rand) || detail;
  return { video: { name, size: src.size, count: index.length, pixels, labels }, event: { kind, first, last, detail } };
}

/** Pixel operations of the appearance kinds (and camera shake); returns a short description or ''. */
function paint(kind: AnomalyKind, size: number, first: number, L: number, at: (o: number) => Uint8Array, rand: () => number): string {
  const s = size / 128; // sprite geometry is given for 128 x 128 frames
  if (kind === 'camera-shake') {
    const amp = Math.max(1, Math.round(size / 16));
    for (let k = 0; k < L; k++) {
      let dx = 0, dy = 0;
      while (dx === 0 && dy === 0) { dx = Math.floor(rand() * (2 * amp + 1)) - amp; dy = Math.floor(rand() * (2 * amp + 1)) - amp; }
      shift(at(first + k), size, dx, dy);
    }
    return `shifts up to ${amp} px`;
  }
  if (kind === 'flipped-region') {
    const side = Math.round(size / 3);
    const x0 = Math.floor(rand() * (size - side));
    const y0 = Math.floor(rand() * (size - side));
    for (let k = 0; k < L; k++) {
      const f = at(first + k);
      for (let y = y0; y < y0 + side; y++) {
        const row = f.subarray(y * size + x0, y * size + x0 + side);
        row.set(row.slice().reverse());
      }
    }
    return `${side} px square at (${x0}, ${y0})`;
  }
  const ltr = rand() < 0.5;
  const textureSeed = Math.floor(rand() * 1e9);
  if (kind === 'odd-object') {
    const sprite: Sprite = { shape: 'star', rx: 20 * s, ry: 20 * s, gray: 215 + 30 * rand(), texture: 25, cell: Math.max(1, 5 * s), seed: textureSeed };
    const x0 = (ltr ? 30 : 98) * s;
    const y0 = (40 + 30 * rand()) * s;
    for (let k = 0; k < L; k++) {
      const d = k * 1.1 * s * Math.SQRT1_2;
      paintSprite(at(first + k), size, sprite, x0 + (ltr ? d : -d), y0 + d, k * 0.06);
    }
    return `star from (${x0.toFixed(1)}, ${y0.toFixed(1)})`;
  }
  if (kind === 'vehicle') {
    const sprite: Sprite = { shape: 'box', rx: 15 * s, ry: 7 * s, gray: 40 + 30 * rand(), texture: 35, cell: Math.max(1, 4 * s), seed: textureSeed };
    const speed = (size + 2 * sprite.rx) / L; // crosses the frame once during the window
    const y = (50 + 40 * rand()) * s;
    for (let k = 0; k < L; k++) paintSprite(at(first + k), size, sprite, ltr ? -sprite.rx + (k + 0.5) * speed : size + sprite.rx - (k + 0.5) * speed, y);
    return `box at ${speed.toFixed(2)} px/frame`;
  }
  if (kind === 'block') {
    const sprite: Sprite = { shape: 'box', rx: 11 * s, ry: 13 * s, gray: 200, texture: 55, cell: Math.max(1, 3 * s), seed: textureSeed };
    const x = (30 + 68 * rand()) * s;
    const y = (30 + 68 * rand()) * s;
    for (let k = 0; k < L; k++) paintSprite(at(first + k), size, sprite, x, y);
    return `block at (${x.toFixed(1)}, ${y.toFixed(1)})`;
  }
  return '';
}

/** Translates a frame by (dx, dy) pixels in place, repeating the edge pixels into the uncovered border. */
function shift(f: Uint8Array, size: number, dx: number, dy: number): void {
  const src = f.slice();
  const clamp = (v: number): number => Math.min(size - 1, Math.max(0, v));
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) f[y * size + x] = src[clamp(y - dy) * size + clamp(x - dx)];
}
