// Drawing samples and heatmaps on canvases (decoding is memae/browser's imageToSample).
import { heatColor } from 'memae/browser';

/** Sizes the canvas to w x h and fills each pixel's RGBA with `rgba(p)` (p = row-major pixel index). */
function paint(canvas: HTMLCanvasElement, h: number, w: number, rgba: (p: number) => [number, number, number, number]): void {
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(w, h);
  for (let p = 0; p < h * w; p++) img.data.set(rgba(p), p * 4);
  ctx.putImageData(img, 0, 0);
}

/** Draws an [H, W, C] sample in the model's pixel range (`range[0]` black, `range[1]` white) on a canvas. */
export function drawSample(canvas: HTMLCanvasElement, v: Float32Array, h: number, w: number, c: number, range: readonly [number, number] = [-1, 1]): void {
  const [lo, hi] = range;
  const byte = (p: number, k: number) => Math.max(0, Math.min(255, Math.round(((v[p * c + (c === 3 ? k : 0)] - lo) * 255) / (hi - lo))));
  paint(canvas, h, w, (p) => [byte(p, 0), byte(p, 1), byte(p, 2), 255]);
}

/** Draws an [H, W] error map as a heatmap scaled to [0, max]. */
export function drawHeatmap(canvas: HTMLCanvasElement, m: Float32Array, h: number, w: number, max: number): void {
  paint(canvas, h, w, (p) => [...heatColor(m[p] / max), 255]);
}
