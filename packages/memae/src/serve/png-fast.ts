// A fast path for the common request: a PNG already at the model's input size, 8-bit, plain sRGB or grey.
// pngjs decodes it synchronously in a fraction of what a sharp pipeline costs the event loop (its native
// setup runs on the main thread); every other image (other sizes, colour profiles, palettes, 16-bit,
// JPEG, colour pixels for a grey model) goes through sharp as before, so results are the same either way.
import { PNG } from 'pngjs';
import { decodeImage, type Inputs } from './decode.js';
import type { Preprocessing } from '../preprocess/index.js';

/** Chunks that change what the pixels mean (palette, transparency key, gamma, colour profile, bit scaling). */
const COLOUR_CHUNKS = new Set(['PLTE', 'tRNS', 'gAMA', 'cHRM', 'sRGB', 'iCCP', 'sBIT']);

/** Decodes `buf` into [H, W, C] values mapped to `range` (pixel 0 -> range[0], 255 -> range[1]) when the fast path applies, else undefined. */
export function decodePngExact(buf: Buffer, shape: readonly number[], range: readonly [number, number] = [-1, 1]): Float32Array | undefined {
  if (shape.length !== 3 || buf.length < 33 || buf.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  const [h, w, c] = shape;
  const width = buf.readUInt32BE(16);
  const height = buf.readUInt32BE(20);
  const depth = buf[24];
  const colourType = buf[25];
  const interlace = buf[28];
  if (width !== w || height !== h || depth !== 8 || interlace !== 0 || ![0, 2, 4, 6].includes(colourType) || (c !== 1 && c !== 3)) return undefined;
  for (let off = 8; off + 8 <= buf.length;) {
    const type = buf.toString('latin1', off + 4, off + 8);
    if (COLOUR_CHUNKS.has(type)) return undefined;
    if (type === 'IEND') break;
    off += 12 + buf.readUInt32BE(off);
  }
  let rgba: Buffer;
  try {
    rgba = PNG.sync.read(buf).data; // always RGBA, 8 bits per channel
  } catch {
    return undefined; // sharp then reports what is wrong with it
  }
  const n = h * w;
  const out = new Float32Array(n * c);
  const [lo, hi] = range;
  const k = (hi - lo) / 255;
  if (c === 1) {
    for (let i = 0; i < n; i++) {
      const v = rgba[4 * i];
      // colour pixels need sharp's greyscale conversion
      if (rgba[4 * i + 1] !== v || rgba[4 * i + 2] !== v) return undefined;
      out[i] = lo + k * v;
    }
  } else {
    for (let i = 0; i < n; i++) for (let j = 0; j < 3; j++) out[3 * i + j] = lo + k * rgba[4 * i + j];
  }
  return out;
}

/** Decodes several images into one batch: the fast path where it applies, sharp otherwise. */
export async function decodeImagesFast(bufs: Buffer[], shape: readonly number[], pre?: Preprocessing | null, maxPixels?: number): Promise<Inputs> {
  const size = shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(bufs.length * size);
  // the saved image preprocessing's pixel range; resizing never happens on the fast path (exact size only)
  const range = pre?.kind === 'image' ? pre.range : undefined;
  for (let i = 0; i < bufs.length; i++) {
    const source = bufs.length > 1 ? `image ${i}` : 'image';
    x.set(decodePngExact(bufs[i], shape, range) ?? (await decodeImage(bufs[i], shape, pre, source, maxPixels)), i * size);
  }
  return { x, n: bufs.length };
}
