// Image preprocessing saved with the model: the input size and channels, what to do with an image of another size
// (stretch, crop, pad, or refuse), and the linear map from 8-bit pixels to the values the model was trained on.
import { z } from 'zod';
import { UserError } from '../errors/user-error.js';

/** 'none': an image of another size or channel count is an error; otherwise resized with this fit (sharp's names). */
export const RESIZE_POLICIES = ['none', 'fill', 'cover', 'contain'] as const;
export type ResizePolicy = (typeof RESIZE_POLICIES)[number];

export const imagePreprocessingSchema = z.strictObject({
  kind: z.literal('image'),
  version: z.literal(1),
  height: z.number().int().positive(),
  width: z.number().int().positive(),
  channels: z.union([z.literal(1), z.literal(3)]),
  resize: z.enum(RESIZE_POLICIES),
  /** pixel 0 maps to range[0], 255 to range[1] (memae's loaders use [-1, 1]) */
  range: z.tuple([z.number(), z.number()]),
});
export type ImagePreprocessing = z.infer<typeof imagePreprocessingSchema>;

/** The image preprocessing of memae's loaders (IDX, image folders): [-1, 1]. */
export function imagePreprocessing(shape: readonly number[], resize: ResizePolicy = 'fill'): ImagePreprocessing {
  const [height, width, channels] = shape;
  if (shape.length !== 3 || (channels !== 1 && channels !== 3)) throw new UserError(`image preprocessing needs a shape [H, W, 1|3], got [${shape}]`);
  return { kind: 'image', version: 1, height, width, channels, resize, range: [-1, 1] };
}

/** Maps 8-bit pixels (already height x width x channels) to model values. */
export function normalisePixels(p: ImagePreprocessing, px: ArrayLike<number>, out = new Float32Array(px.length), at = 0): Float32Array {
  const [lo, hi] = p.range;
  const k = (hi - lo) / 255;
  for (let i = 0; i < px.length; i++) out[at + i] = lo + k * px[i];
  return out;
}

interface ImageSize { height: number; width: number; channels?: number }

/** Under resize policy 'none', the one-line error for an image of another size or channel count (else undefined);
 *  `got.channels` may be unknown (a browser bitmap), then only the size counts. Node's decoder and the browser share it. */
export function noneMismatch(source: string, got: ImageSize, want: Required<ImageSize>): UserError | undefined {
  const channels = got.channels ?? want.channels;
  if (got.height === want.height && got.width === want.width && channels === want.channels) return undefined;
  const gotText = `${got.height}x${got.width}${got.channels === undefined ? '' : `x${got.channels}`}`;
  return new UserError(`${source}: image is ${gotText}, the model takes ${want.height}x${want.width}x${want.channels} (resize policy "none")`);
}

/** Under policy 'none', the one-line error for an image of another size or channel count (else undefined). */
export function sizeMismatch(p: ImagePreprocessing, source: string, h: number, w: number, c: number): UserError | undefined {
  return p.resize === 'none' ? noneMismatch(source, { height: h, width: w, channels: c }, p) : undefined;
}
