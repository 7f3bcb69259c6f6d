// Browser image preprocessing: a picture to one [H, W, C] sample in [-1, 1], resized to fill, as the Node loaders do.

/** Decodes an image (file, blob, bitmap, canvas, <img>) to an [H, W, C] Float32Array in [-1, 1] (C = 1: luminance). */
export async function imageToSample(image: ImageBitmapSource, h: number, w: number, c: number): Promise<Float32Array> {
  const bmp = await createImageBitmap(image);
  const cv = new OffscreenCanvas(w, h);
  const ctx = cv.getContext('2d');
  if (!ctx) throw new Error('no 2d canvas context');
  ctx.drawImage(bmp, 0, 0, w, h);
  bmp.close();
  const px = ctx.getImageData(0, 0, w, h).data;
  const out = new Float32Array(h * w * c);
  for (let p = 0; p < h * w; p++) {
    if (c === 1) out[p] = (0.2126 * px[p * 4] + 0.7152 * px[p * 4 + 1] + 0.0722 * px[p * 4 + 2]) / 127.5 - 1;
    else for (let k = 0; k < c; k++) out[p * c + k] = px[p * 4 + k] / 127.5 - 1;
  }
  return out;
}
