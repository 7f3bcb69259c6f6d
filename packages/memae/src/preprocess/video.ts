// Video preprocessing saved with a model (manifest field `preprocessing`, kind 'video'): how raw frames became the
// clips the model was trained on, so `score`, `watch` and the service turn new footage into the same numbers.
import { z } from 'zod';
import { UserError } from '../errors/user-error.js';

export const VIDEO_PREPROCESSING_VERSION = 1;

/** The clip score of a video model (score/video-score.ts): a weighted sum of score channels, each standardised by
 *  its median and scale on normal clips at training. Absent: the official score (mean reconstruction error). */
export const videoScoreSchema = z.strictObject({
  version: z.literal(1),
  channels: z.array(z.strictObject({
    name: z.enum(['recon', 'motion', 'fd', 'still']),
    weight: z.number().finite(),
    median: z.number().finite(),
    scale: z.number().finite().positive(),
    /** |s - median| instead of s - median */
    twoSided: z.boolean(),
  })).min(1).max(4),
});
export type VideoScoreSpec = z.infer<typeof videoScoreSchema>;

export const videoPreprocessingSchema = z.strictObject({
  kind: z.literal('video'),
  version: z.literal(VIDEO_PREPROCESSING_VERSION),
  /** side of the square frames: every frame is stretched to size x size (no aspect kept, as the official code) */
  size: z.number().int().min(8).max(4096),
  /** 1: grayscale (luma), the only mode the video models take */
  channels: z.literal(1),
  /** 'fill': stretch to a square */
  resize: z.literal('fill'),
  /** frames per clip */
  clipLength: z.number().int().positive(),
  /** clip stride used for training (scoring always uses stride 1: one clip per frame) */
  trainStride: z.number().int().positive(),
  /** gray value g in 0..255 becomes g * 2 / 255 - 1 (the official (x/255 - 0.5) / 0.5) */
  normalization: z.literal('gray/127.5-1'),
  /** how a clip's score is made (absent in models saved before it existed: the official reconstruction error) */
  score: videoScoreSchema.optional(),
});
export type VideoPreprocessing = z.infer<typeof videoPreprocessingSchema>;

export function videoPreprocessing(o: { size: number; clipLength: number; trainStride: number }): VideoPreprocessing {
  return videoPreprocessingSchema.parse({ kind: 'video', version: VIDEO_PREPROCESSING_VERSION, channels: 1, resize: 'fill', normalization: 'gray/127.5-1', ...o });
}

/** The spec of a video model: the saved one, or (models saved before it existed) one read off the input shape. */
export function videoPreprocessingFor(inputShape: number[], saved: unknown): VideoPreprocessing {
  if (saved !== undefined && saved !== null) {
    const r = videoPreprocessingSchema.safeParse(saved);
    if (!r.success) throw new UserError(`model preprocessing is not a video spec: ${r.error.issues[0].path.join('.') || '(root)'}: ${r.error.issues[0].message}`);
    if (r.data.clipLength !== inputShape[0] || r.data.size !== inputShape[1]) throw new UserError(`model preprocessing (${r.data.clipLength} frames of ${r.data.size}x${r.data.size}) does not match its input shape [${inputShape}]`);
    return r.data;
  }
  const [t, h, w] = inputShape;
  if (inputShape.length !== 4 || h !== w) throw new UserError(`not a video model: input shape [${inputShape}]`);
  return videoPreprocessing({ size: h, clipLength: t, trainStride: 1 });
}

/** Gray uint8 values to the model's float range, written into `out` at `at` (the one normalisation of video). */
export function normalizeGray(src: Uint8Array, out: Float32Array, at = 0): void {
  for (let j = 0; j < src.length; j++) out[at + j] = src[j] * (2 / 255) - 1;
}
