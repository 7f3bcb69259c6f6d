// A clip as an image strip for reports: up to `frames` frames spread over the clip, the input on the top row and
// the reconstruction error (heat colours, scaled to `max`) below. One PNG per clip.
import { PNG } from 'pngjs';
import { heatColor } from './colormap.js';

const GAP = 2;

/** `input` and `recon`: one clip [T, H, W] (one channel) in [-1, 1]. */
export function clipStripPng(input: Float32Array, recon: Float32Array, t: number, h: number, w: number, frames = 8, max = 1): Buffer {
  const n = Math.min(frames, t);
  const pick = Array.from({ length: n }, (_, i) => Math.round((i * (t - 1)) / Math.max(1, n - 1)));
  const png = new PNG({ width: n * w + (n - 1) * GAP, height: 2 * h + GAP });
  png.data.fill(255);
  const put = (x: number, y: number, [r, g, b]: [number, number, number]) => {
    const o = (y * png.width + x) * 4;
    png.data[o] = r;
    png.data[o + 1] = g;
    png.data[o + 2] = b;
    png.data[o + 3] = 255;
  };
  pick.forEach((f, i) => {
    const x0 = i * (w + GAP);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const p = f * h * w + y * w + x;
        const g = Math.max(0, Math.min(255, Math.round((input[p] + 1) * 127.5)));
        put(x0 + x, y, [g, g, g]);
        put(x0 + x, h + GAP + y, heatColor(Math.abs(input[p] - recon[p]) / max));
      }
    }
  });
  return PNG.sync.write(png);
}
