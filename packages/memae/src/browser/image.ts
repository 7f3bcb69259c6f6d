// Browser image preprocessing: a picture to one [H, W, C] sample, resized to fill, pixels mapped to the model's range
// ([-1, 1] as memae's loaders, or the range saved with the model).

/** Decodes an image (file, blob, bitmap, canvas, <img>) to an [H, W, C] Float32Array (C = 1: luminance); pixel 0 -> range[0], 255 -> range[1]. */
export async function imageToSample(image: ImageBitmapSource, h: number, w: number, c: number, range: readonly [number, number] = [-1, 1]): Promise<Float32Array> {
  const [lo, hi] = range;
  const k = (hi - lo) / 255;
  const bmp = await createImageBitmap(image);
  const cv = new OffscreenCanvas(w, h);
  const ctx = cv.getContext('2d');
  if (!ctx) throw new Error('no 2d canvas context');
  ctx.drawImage(bmp, 0, 0, w, h);
  bmp.close();
  const px = ctx.getImageData(0, 0, w, h).data;
  const out = new Float32Array(h * w * c);
  for (let p = 0; p < h * w; p++) {
    if (c === 1) out[p] = lo + k * (0.2126 * px[p * 4] + 0.7152 * px[p * 4 + 1] + 0.0722 * px[p * 4 + 2]);
    else for (let j = 0; j < c; j++) out[p * c + j] = lo + k * px[p * 4 + j];
  }
  return out;
}
