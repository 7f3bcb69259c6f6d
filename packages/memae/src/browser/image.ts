// Browser image preprocessing: a picture to one [H, W, C] sample, resized with the model's saved policy (as sharp does
// in Node: fill, cover = centre crop, contain = letterbox on black, none = other sizes refused), pixels mapped to the
// model's range ([-1, 1] as memae's loaders, or the range saved with the model).
import { noneMismatch, type ResizePolicy } from '../preprocess/image.js';

/** Where the source picture lands: source rect [sx, sy, sw, sh] drawn into destination rect [dx, dy, dw, dh]. */
export interface FitRects { src: [number, number, number, number]; dst: [number, number, number, number] }

/** The rectangles of a resize policy for a bw x bh picture into a w x h sample (centred, as sharp's default position;
 *  'none' draws as it is: imageToSample refuses another size first). */
export function fitRects(bw: number, bh: number, w: number, h: number, fit: ResizePolicy): FitRects {
  if (fit === 'cover') {
    const s = Math.max(w / bw, h / bh);
    const sw = w / s;
    const sh = h / s;
    return { src: [(bw - sw) / 2, (bh - sh) / 2, sw, sh], dst: [0, 0, w, h] };
  }
  if (fit === 'contain') {
    const s = Math.min(w / bw, h / bh);
    const dw = bw * s;
    const dh = bh * s;
    return { src: [0, 0, bw, bh], dst: [(w - dw) / 2, (h - dh) / 2, dw, dh] };
  }
  return { src: [0, 0, bw, bh], dst: [0, 0, w, h] };
}

/** Decodes an image (file, blob, bitmap, canvas, <img>) to an [H, W, C] Float32Array (C = 1: luminance); pixel 0 -> range[0], 255 -> range[1]. */
export async function imageToSample(image: ImageBitmapSource, h: number, w: number, c: number, range: readonly [number, number] = [-1, 1], fit: ResizePolicy = 'fill'): Promise<Float32Array> {
  const [lo, hi] = range;
  const k = (hi - lo) / 255;
  const bmp = await createImageBitmap(image);
  const cv = new OffscreenCanvas(w, h);
  const ctx = cv.getContext('2d');
  if (!ctx) throw new Error('no 2d canvas context');
  // a bitmap is always RGBA: under 'none' only its size can differ from the model's
  const mismatch = fit === 'none' ? noneMismatch(image instanceof File ? image.name : 'image', { height: bmp.height, width: bmp.width }, { height: h, width: w, channels: c }) : undefined;
  if (mismatch) {
    bmp.close();
    throw mismatch;
  }
  const r = fitRects(bmp.width, bmp.height, w, h, fit);
  // contain leaves a border: black, as sharp's background in Node
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, w, h);
  ctx.drawImage(bmp, ...r.src, ...r.dst);
  bmp.close();
  const px = ctx.getImageData(0, 0, w, h).data;
  const out = new Float32Array(h * w * c);
  for (let p = 0; p < h * w; p++) {
    if (c === 1) out[p] = lo + k * (0.2126 * px[p * 4] + 0.7152 * px[p * 4 + 1] + 0.0722 * px[p * 4 + 2]);
    else for (let j = 0; j < c; j++) out[p * c + j] = lo + k * px[p * 4 + j];
  }
  return out;
}
