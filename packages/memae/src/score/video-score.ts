// The default clip score of video models: the official reconstruction error plus the channels of
// video-channels.ts, each put on one scale with statistics of normal clips taken at training, and summed with the
// weights chosen on the video benchmark's validation videos (bench/video-quality.ts, docs/video-accuracy.md).
// The statistics and weights are saved with the model (preprocessing.score), so `memae score`, `watch`, `eval` and
// the service give the same numbers; every channel is computed from the clip alone (no neighbouring clips), so
// online scoring equals offline scoring clip by clip.
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Dataset } from '../data/dataset.js';
import { UserError } from '../errors/user-error.js';
import type { ModelConfig } from '../models/config.js';
import type { VideoScoreSpec } from '../preprocess/video.js';
import { checkScoresFinite } from './finite.js';
import { scoreModel, type ScoreOptions, type ScoreResult } from './score.js';
import { combineChannels, videoChannelScores, videoChannelStats, type VideoChannel } from './video-channels.js';

/** Channel weights of the default video score: the best mean validation AUC of both models over both benchmark
 *  sources and 5 seeds, with statistics from the training clips (as `fit` takes them); see docs/video-accuracy.md. */
export const DEFAULT_VIDEO_SCORE_WEIGHTS: Readonly<Partial<Record<VideoChannel, number>>> = { recon: 1, motion: 0.5, still: 2 };

/** The score spec of a trained video model: channel statistics on `normal` clips (normal footage, e.g. the training
 *  clips or a held-out part of them) with `weights`. */
export async function fitVideoScore(model: tfl.LayersModel, cfg: ModelConfig, normal: Dataset, weights: Partial<Record<VideoChannel, number>> = DEFAULT_VIDEO_SCORE_WEIGHTS): Promise<VideoScoreSpec> {
  const names = (Object.keys(weights) as VideoChannel[]).filter((c) => weights[c] !== 0);
  if (names.length === 0) throw new UserError('the video score needs at least one channel with a non-zero weight');
  for (const c of names) if (!Number.isFinite(weights[c])) throw new UserError(`video score weight of '${c}' must be a finite number, got ${weights[c]}`);
  const stats = videoChannelStats(await videoChannelScores(model, cfg, normal), cfg.inputShape[0]);
  return { version: 1, channels: names.map((name) => ({ name, weight: weights[name]!, median: stats[name].median, scale: stats[name].scale, twoSided: stats[name].twoSided ?? false })) };
}

/** Clip scores of `data` by `spec` (plus reconstructions / error maps when asked, from the official scorer). */
export async function scoreVideoClips(model: tfl.LayersModel, cfg: ModelConfig, data: Dataset, spec: VideoScoreSpec, opts: ScoreOptions = {}): Promise<ScoreResult> {
  const extra = opts.reconstructions || opts.errorMaps ? await scoreModel(model, cfg, data, opts) : undefined;
  const ch = await videoChannelScores(model, cfg, data, { batchSize: opts.batchSize });
  const weights: Record<string, number> = {};
  const stats: Record<string, { median: number; scale: number; twoSided: boolean }> = {};
  for (const c of spec.channels) { weights[c.name] = c.weight; stats[c.name] = c; }
  const scores = combineChannels(ch, stats, weights);
  if (!opts.keepNonFinite) checkScoresFinite(scores, 0);
  return { ...extra, scores };
}
