// PNG encoding of samples and error maps (pngjs), for run directories, reports and the HTTP service.
import { PNG } from 'pngjs';
import { heatColor } from './colormap.js';

/** Encodes an [H, W, C] sample (C = 1 or 3) whose values lie in [lo, hi] as an 8-bit PNG. */
export function samplePng(values: ArrayLike<number>, shape: readonly number[], lo = -1, hi = 1): Buffer {
  const [h, w, c = 1] = shape;
  const png = new PNG({ width: w, height: h });
  const scale = 255 / (hi - lo || 1);
  for (let p = 0; p < h * w; p++) {
    for (let k = 0; k < 3; k++) {
      const v = values[p * c + (c >= 3 ? k : 0)];
      png.data[p * 4 + k] = Math.max(0, Math.min(255, Math.round((v - lo) * scale)));
    }
    png.data[p * 4 + 3] = 255;
  }
  return PNG.sync.write(png);
}

/** Encodes an [H, W] error map as a heatmap PNG, scaled to [0, max] (max defaults to the map's own maximum). */
export function heatmapPng(values: ArrayLike<number>, h: number, w: number, max?: number): Buffer {
  let m = max ?? 0;
  if (max === undefined) for (let i = 0; i < h * w; i++) m = Math.max(m, values[i]);
  const png = new PNG({ width: w, height: h });
  for (let p = 0; p < h * w; p++) {
    const [r, g, b] = heatColor(m > 0 ? values[p] / m : 0);
    png.data[p * 4] = r;
    png.data[p * 4 + 1] = g;
    png.data[p * 4 + 2] = b;
    png.data[p * 4 + 3] = 255;
  }
  return PNG.sync.write(png);
}

/** Per-pixel error map of one [H, W, C] sample: squared error summed over channels (sqrt taken, as in the official code). */
export function errorMap(input: ArrayLike<number>, recon: ArrayLike<number>, h: number, w: number, c: number): Float32Array {
  const out = new Float32Array(h * w);
  for (let p = 0; p < h * w; p++) {
    let s = 0;
    for (let k = 0; k < c; k++) {
      const d = input[p * c + k] - recon[p * c + k];
      s += d * d;
    }
    out[p] = Math.sqrt(s);
  }
  return out;
}

export const pngDataUri = (png: Buffer): string => `data:image/png;base64,${png.toString('base64')}`;
