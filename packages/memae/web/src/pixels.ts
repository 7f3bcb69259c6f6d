import { heatColor } from '../../src/report/colormap.js';

// Browser-side image handling: decode a file to the model's input, draw samples and heatmaps on canvases.

/** Decodes an image file to an [H, W, C] Float32Array in [-1, 1] (resized to fill, like the Node loaders). */
export async function fileToSample(file: Blob, h: number, w: number, c: number): Promise<Float32Array> {
  const bmp = await createImageBitmap(file);
  const cv = new OffscreenCanvas(w, h);
  const ctx = cv.getContext('2d')!;
  ctx.drawImage(bmp, 0, 0, w, h);
  bmp.close();
  const px = ctx.getImageData(0, 0, w, h).data;
  const out = new Float32Array(h * w * c);
  for (let p = 0; p < h * w; p++) {
    const r = px[p * 4];
    const g = px[p * 4 + 1];
    const b = px[p * 4 + 2];
    if (c === 1) out[p] = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 127.5 - 1;
    else for (let k = 0; k < 3; k++) out[p * 3 + k] = px[p * 4 + k] / 127.5 - 1;
  }
  return out;
}

/** Sizes the canvas to w x h and fills each pixel's RGBA with `rgba(p)` (p = row-major pixel index). */
function paint(canvas: HTMLCanvasElement, h: number, w: number, rgba: (p: number) => [number, number, number, number]): void {
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(w, h);
  for (let p = 0; p < h * w; p++) img.data.set(rgba(p), p * 4);
  ctx.putImageData(img, 0, 0);
}

/** Draws an [H, W, C] sample in [-1, 1] on a canvas. */
export function drawSample(canvas: HTMLCanvasElement, v: Float32Array, h: number, w: number, c: number): void {
  const byte = (p: number, k: number) => Math.max(0, Math.min(255, Math.round((v[p * c + (c === 3 ? k : 0)] + 1) * 127.5)));
  paint(canvas, h, w, (p) => [byte(p, 0), byte(p, 1), byte(p, 2), 255]);
}

/** Draws an [H, W] error map as a heatmap scaled to [0, max]. */
export function drawHeatmap(canvas: HTMLCanvasElement, m: Float32Array, h: number, w: number, max: number): void {
  paint(canvas, h, w, (p) => [...heatColor(m[p] / max), 255]);
}
