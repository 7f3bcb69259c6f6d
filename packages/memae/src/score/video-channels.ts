// Video clip scores beyond the official one, for footage where appearance alone misses what is wrong:
// - `recon`:  the official clip score, mean over voxels of the reconstruction error (as `scoreModel`);
// - `motion`: the error of the reconstruction's temporal differences, mean over t >= 1 and pixels of
//             |(x_t - x_{t-1}) - (r_t - r_{t-1})|: large where the frames change in a way the model cannot reproduce
//             (jumps, shaking, stutter) even when each frame on its own looks normal.
// Channels are put on one scale with statistics of normal clips (`channelStats`, e.g. a held-out part of the
// training video), combined with weights, and smoothed over neighbouring clips at several temporal scales.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { UserError } from '../errors/user-error.js';
import type { ModelConfig } from '../models/config.js';
import { checkDataset } from '../train/trainer.js';
import type { ClipDataset } from '../video/clips.js';

export const VIDEO_CHANNELS = ['recon', 'motion'] as const;
export type VideoChannel = (typeof VIDEO_CHANNELS)[number];
export type ChannelScores = Record<VideoChannel, Float32Array>;

/** Per-clip `recon` and `motion` scores of a video model over `clips`. */
export async function videoChannelScores(model: tfl.LayersModel, cfg: ModelConfig, clips: ClipDataset, opts: { batchSize?: number } = {}): Promise<ChannelScores> {
  if (cfg.kind !== 'video') throw new UserError(`video score channels need a video model, got kind '${cfg.kind}'`);
  checkDataset(cfg, clips, 'scoring data');
  const batchSize = opts.batchSize ?? 8;
  const recon = new Float32Array(clips.size);
  const motion = new Float32Array(clips.size);
  const T = cfg.inputShape[0];
  for (let s = 0; s < clips.size; s += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, clips.size - s) }, (_, i) => s + i);
    const [r, m] = tf.tidy(() => {
      const x = tf.tensor(clips.gather(idx), [idx.length, ...cfg.inputShape]);
      const o = model.apply(x, { training: false }) as tf.Tensor | tf.Tensor[];
      const rec = Array.isArray(o) ? o[0] : o;
      const map = tf.sqrt(tf.sum(tf.squaredDifference(x, rec), -1)); // official error map
      const dt = (v: tf.Tensor): tf.Tensor => tf.sub(tf.slice(v, [0, 1], [-1, T - 1]), tf.slice(v, [0, 0], [-1, T - 1]));
      const dm = tf.abs(tf.sub(dt(x), dt(rec)));
      return [tf.mean(tf.reshape(map, [idx.length, -1]), 1), tf.mean(tf.reshape(dm, [idx.length, -1]), 1)];
    });
    recon.set(await r.data() as Float32Array, s);
    motion.set(await m.data() as Float32Array, s);
    tf.dispose([r, m]);
  }
  return { recon, motion };
}

export interface ChannelStats { median: number; scale: number }

/** Robust location and scale of a channel's scores on normal clips (median, 1.4826 x median absolute deviation). */
export function channelStats(scores: ArrayLike<number>): ChannelStats {
  if (scores.length === 0) throw new UserError('channel statistics need at least one normal clip');
  const sorted = Float64Array.from(scores).sort();
  const median = quantile(sorted, 0.5);
  const dev = Float64Array.from(sorted, (v) => Math.abs(v - median)).sort();
  const scale = 1.4826 * quantile(dev, 0.5);
  return { median, scale: scale > 0 ? scale : (sorted[sorted.length - 1] - sorted[0]) / 2 || 1 };
}

function quantile(sorted: Float64Array, q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (at - lo);
}

/** Weighted sum of standardised channels: sum_c w_c (s_c - median_c) / scale_c. Channels without a weight are left out. */
export function combineChannels(channels: Partial<Record<string, ArrayLike<number>>>, stats: Partial<Record<string, ChannelStats>>, weights: Record<string, number>): Float32Array {
  const names = Object.keys(weights).filter((c) => weights[c] !== 0);
  if (names.length === 0) throw new UserError('combineChannels: no channel has a non-zero weight');
  const n = channels[names[0]]?.length ?? 0;
  const out = new Float32Array(n);
  for (const c of names) {
    const s = channels[c];
    const st = stats[c];
    if (!s || !st) throw new UserError(`combineChannels: channel '${c}' has ${s ? 'no statistics' : 'no scores'}`);
    if (s.length !== n) throw new UserError(`combineChannels: channel '${c}' has ${s.length} scores, not ${n}`);
    for (let k = 0; k < n; k++) out[k] += (weights[c] * (s[k] - st.median)) / st.scale;
  }
  return out;
}

/** Clip scores averaged over neighbouring clips of the same video at each of `scales` (odd clip counts, 1 = as is),
 *  then averaged over the scales: short events keep their peak, long ones gain from the wider windows. */
export function multiScaleClipScores(clips: ClipDataset, scores: ArrayLike<number>, scales: number[]): Float32Array {
  if (scores.length !== clips.size) throw new UserError(`${scores.length} clip scores for ${clips.size} clips`);
  for (const w of scales) if (!(Number.isInteger(w) && w >= 1 && w % 2 === 1)) throw new UserError(`temporal scales must be odd positive integers, got ${w}`);
  const out = new Float32Array(clips.size);
  clips.videos.forEach((_, v) => {
    const ks = clips.clipsOfVideo(v);
    const prefix = new Float64Array(ks.length + 1);
    ks.forEach((k, i) => { prefix[i + 1] = prefix[i] + scores[k]; });
    for (const w of scales) {
      const h = (w - 1) / 2;
      ks.forEach((k, i) => {
        const a = Math.max(0, i - h);
        const b = Math.min(ks.length, i + h + 1);
        out[k] += (prefix[b] - prefix[a]) / (b - a) / scales.length;
      });
    }
  });
  return out;
}
