// Anomaly scores and error maps of one batch: the one rule scoreModel (Node) and the browser detector share
// (pure tfjs-core, so the browser build can import it).
import * as tf from '@tensorflow/tfjs-core';
import type { DataKind } from '../models/config.js';
import { scaledResidualMap, type ResidualScale } from './residual-scale.js';

/** Error map shape of one sample: image [H, W], video [T, H, W], tabular [F]. */
export const mapShapeOf = (kind: DataKind, inputShape: number[]): number[] => (kind === 'tabular' ? inputShape.slice() : inputShape.slice(0, -1));

/** r^2 reduced over channels: image mean, video sqrt of the sum, tabular (no channels) as it is. */
const reduceChannels = (kind: DataKind, sq: tf.Tensor): tf.Tensor => (kind === 'tabular' ? sq : kind === 'video' ? tf.sqrt(tf.sum(sq, -1)) : tf.mean(sq, -1));

/** image: mean over channels of r^2; video: sqrt of the sum over channels of r^2; tabular: r^2, or
 *  ((r - center) / spread)^2 with the model's residual scale. Score: the map's mean. */
export function errorMapAndScore(kind: DataKind, x: tf.Tensor, rec: tf.Tensor, scale?: ResidualScale | null): { map: tf.Tensor; score: tf.Tensor } {
  return tf.tidy(() => {
    const map = kind === 'tabular' && scale ? scaledResidualMap(x, rec, scale) : reduceChannels(kind, tf.squaredDifference(x, rec));
    return { map, score: tf.mean(tf.reshape(map, [x.shape[0], -1]), 1) };
  });
}

/** The score alone, when no map is wanted: image and tabular (without a residual scale) the mean of r^2 over each
 *  sample in one reduction (the map's mean: the image map averages equally many channels per pixel), 2 kernels
 *  instead of 4; video (and a residual scale) through the map. */
export function scoreOf(kind: DataKind, x: tf.Tensor, rec: tf.Tensor, scale?: ResidualScale | null): tf.Tensor {
  if (kind === 'video' || (kind === 'tabular' && scale)) return errorMapAndScore(kind, x, rec, scale).score;
  return tf.tidy(() => tf.mean(tf.squaredDifference(x, rec), x.shape.slice(1).map((_, i) => i + 1)));
}
