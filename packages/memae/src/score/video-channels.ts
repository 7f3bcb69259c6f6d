// Video clip scores beyond the official one, for footage where appearance alone misses what is wrong:
// - `recon`:  the official clip score, mean over voxels of the reconstruction error (as `scoreModel`);
// - `motion`: the error of the reconstruction's temporal differences, mean over t >= 1 and pixels of
//             |(x_t - x_{t-1}) - (r_t - r_{t-1})|: large where the frames change in a way the model cannot reproduce
//             (jumps, shaking, stutter) even when each frame on its own looks normal;
// - `fd`:     the input's own motion energy, mean over t >= 1 and pixels of |x_t - x_{t-1}| (frame differencing);
// - `still`:  the fraction of the clip's frame steps that repeat the previous frame (mean |x_t - x_{t-1}| below
//             STILL_STEP): a frozen, stuttering, slowed or sped-up feed changes it in either direction, so it is
//             scored two-sided (|deviation| from normal clips).
// Channels are put on one scale with statistics of normal clips (`channelStats`, e.g. a held-out part of the
// training video), combined with weights, and optionally smoothed over neighbouring clips at several temporal scales
// (`multiScaleClipScores`; the library default scores each clip alone, so online and offline scores agree).
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { UserError } from '../errors/user-error.js';
import type { ModelConfig } from '../models/config.js';
import { cachedInferencePlan, inferenceOutputs } from '../models/inference-plan.js';
import { checkDataset } from '../train/trainer.js';
import type { Dataset } from '../data/dataset.js';
import type { ClipDataset } from '../video/clips.js';
import { checkInputsFinite } from './finite.js';

export const VIDEO_CHANNELS = ['recon', 'motion', 'fd', 'still'] as const;
/** Channels whose anomalies deviate from normal in either direction. */
export const TWO_SIDED_CHANNELS: readonly VideoChannel[] = ['still'];
/** A frame step repeats the previous frame when its mean absolute difference is below this (1/16 of a gray level
 *  on the [-1, 1] scale; vtest's quietest real step at 32x32 is ~4x larger). */
export const STILL_STEP = 1 / 16 / 127.5;
export type VideoChannel = (typeof VIDEO_CHANNELS)[number];
export type ChannelScores = Record<VideoChannel, Float32Array>;

/** Per-clip `fd` and `still` of `n` clips [T, ...frame] concatenated in `x` (no model needed). */
export function inputChannels(x: Float32Array, n: number, T: number): { fd: Float32Array; still: Float32Array } {
  const per = x.length / (n * T);
  const fd = new Float32Array(n);
  const still = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    let repeats = 0;
    for (let t = 1; t < T; t++) {
      const a = (i * T + t) * per;
      let step = 0;
      for (let j = 0; j < per; j++) step += Math.abs(x[a + j] - x[a - per + j]);
      sum += step;
      if (step / per < STILL_STEP) repeats++;
    }
    fd[i] = sum / ((T - 1) * per);
    still[i] = repeats / (T - 1);
  }
  return { fd, still };
}

/** Per-clip scores of every channel of a video model over `clips`. */
export async function videoChannelScores(model: tfl.LayersModel, cfg: ModelConfig, clips: Dataset, opts: { batchSize?: number } = {}): Promise<ChannelScores> {
  if (cfg.kind !== 'video') throw new UserError(`video score channels need a video model, got kind '${cfg.kind}'`);
  checkDataset(cfg, clips, 'scoring data');
  const batchSize = opts.batchSize ?? 8;
  const recon = new Float32Array(clips.size);
  const motion = new Float32Array(clips.size);
  const fd = new Float32Array(clips.size);
  const still = new Float32Array(clips.size);
  const T = cfg.inputShape[0];
  for (let s = 0; s < clips.size; s += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, clips.size - s) }, (_, i) => s + i);
    const data = clips.gather(idx);
    checkInputsFinite(data, data.length / idx.length, s);
    const inp = inputChannels(data, idx.length, T);
    fd.set(inp.fd, s);
    still.set(inp.still, s);
    const plan = cachedInferencePlan(model);
    const [r, m] = tf.tidy(() => {
      const x = tf.tensor(data, [idx.length, ...cfg.inputShape]);
      // through the cached inference plan (batch norm folded, models/inference-plan.ts), as scoreModel
      const rec = inferenceOutputs(model, plan, x)[0];
      const map = tf.sqrt(tf.sum(tf.squaredDifference(x, rec), -1)); // official error map
      const dt = (v: tf.Tensor): tf.Tensor => tf.sub(tf.slice(v, [0, 1], [-1, T - 1]), tf.slice(v, [0, 0], [-1, T - 1]));
      const dm = tf.abs(tf.sub(dt(x), dt(rec)));
      return [tf.mean(tf.reshape(map, [idx.length, -1]), 1), tf.mean(tf.reshape(dm, [idx.length, -1]), 1)];
    });
    recon.set(await r.data() as Float32Array, s);
    motion.set(await m.data() as Float32Array, s);
    tf.dispose([r, m]);
  }
  return { recon, motion, fd, still };
}

export interface ChannelStats {
  median: number;
  scale: number;
  /** score |s - median| / scale instead of (s - median) / scale */
  twoSided?: boolean;
}

/** Robust location and scale of a channel's scores on normal clips (median, 1.4826 x median absolute deviation, at
 *  least `minScale`); `twoSided` marks a channel whose anomalies go either way. */
export function channelStats(scores: ArrayLike<number>, opts: { twoSided?: boolean; minScale?: number } = {}): ChannelStats {
  const { median, mad, fallback } = robustStats(scores);
  // no deviation on most normal clips (a channel that is constant there): the floor, when given, is the scale
  const scale = mad > 0 ? Math.max(mad, opts.minScale ?? 0) : (opts.minScale ?? fallback);
  return opts.twoSided ? { median, scale, twoSided: true } : { median, scale };
}

/** `channelStats` of every channel with its own options (`still`: two-sided, scale at least one frame step). */
export function videoChannelStats(normal: ChannelScores, clipLength: number): Record<VideoChannel, ChannelStats> {
  const out = {} as Record<VideoChannel, ChannelStats>;
  for (const c of VIDEO_CHANNELS) out[c] = channelStats(normal[c], c === 'still' ? { twoSided: true, minScale: 1 / (clipLength - 1) } : {});
  return out;
}

/** median, 1.4826 x MAD, and the scale to use without one: half the range, or 1 */
function robustStats(scores: ArrayLike<number>): { median: number; mad: number; fallback: number } {
  if (scores.length === 0) throw new UserError('channel statistics need at least one normal clip');
  const sorted = Float64Array.from(scores).sort();
  const median = quantile(sorted, 0.5);
  const dev = Float64Array.from(sorted, (v) => Math.abs(v - median)).sort();
  const scale = 1.4826 * quantile(dev, 0.5);
  return { median, mad: scale, fallback: (sorted[sorted.length - 1] - sorted[0]) / 2 || 1 };
}

function quantile(sorted: Float64Array, q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (at - lo);
}

/** Weighted sum of standardised channels: sum_c w_c (s_c - median_c) / scale_c (|s_c - median_c| if two-sided). Channels without a weight are left out. */
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
    for (let k = 0; k < n; k++) {
      const d = s[k] - st.median;
      out[k] += (weights[c] * (st.twoSided ? Math.abs(d) : d)) / st.scale;
    }
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
