// Frame-level evaluation of clip scores over all test videos, as the official code: per-video min-max
// normalisation, clip score at the clip's centre frame, AUC over all videos' frames concatenated.
import { UserError } from '../errors/user-error.js';
import { clipScoresToFrames, anomalyFromErrors, type EdgeFrames } from './align.js';
import { auroc } from '../metrics/roc.js';
import type { ClipDataset } from './clips.js';

export interface VideoFrameResult {
  name: string;
  /** per frame: anomaly score 1 - p in [0, 1] */
  anomaly: Float64Array;
  /** per frame: the raw clip error assigned to it */
  error: Float64Array;
  /** per frame: 1 if counted in the AUC */
  counted: Uint8Array;
  labels?: Uint8Array;
}

export interface VideoEvaluation {
  /** frame-level AUROC over all counted frames of all videos (undefined without labels) */
  auc?: number;
  /** frames that entered the AUC */
  frames: number;
  videos: VideoFrameResult[];
}

/** Evaluates per-clip errors (one per clip of `clips`, e.g. from `clipErrors`). */
export function evaluateClipScores(clips: ClipDataset, clipErrors: ArrayLike<number>, opts: { edges?: EdgeFrames } = {}): VideoEvaluation {
  if (clipErrors.length !== clips.size) throw new UserError(`${clipErrors.length} clip scores for ${clips.size} clips`);
  const videos: VideoFrameResult[] = [];
  const allLabels: number[] = [];
  const allScores: number[] = [];
  const labelled = clips.videos.every((v) => v.labels);
  clips.videos.forEach((v, i) => {
    const ks = clips.clipsOfVideo(i);
    const errs = ks.map((k) => clipErrors[k]);
    const starts = ks.map((k) => clips.startOf[k]);
    const err = clipScoresToFrames(errs, starts, v.count, clips.clipLength, opts.edges ?? 'exclude');
    // min-max over the clip scores of this video (copied edge frames do not change min or max)
    const anomaly = anomalyFromErrors(err.scores);
    videos.push({ name: v.name, anomaly, error: err.scores, counted: err.counted, labels: v.labels });
    if (labelled) {
      for (let f = 0; f < v.count; f++) {
        if (!err.counted[f]) continue;
        allLabels.push(v.labels![f]);
        allScores.push(anomaly[f]);
      }
    }
  });
  const frames = videos.reduce((a, v) => a + v.counted.reduce((s, x) => s + x, 0), 0);
  return { auc: labelled ? auroc(allLabels, allScores) : undefined, frames, videos };
}

/** The counted frames of every video, pooled (per-video min-max anomaly scores, and labels when every video has them):
 *  what the frame AUROC is computed over, for other metrics of the same frames. */
export function pooledFrames(ev: VideoEvaluation): { scores: Float32Array; labels?: Uint8Array } {
  const scores: number[] = [];
  const labels: number[] = [];
  for (const v of ev.videos) {
    for (let f = 0; f < v.anomaly.length; f++) {
      if (!v.counted[f]) continue;
      scores.push(v.anomaly[f]);
      if (v.labels) labels.push(v.labels[f]);
    }
  }
  return { scores: Float32Array.from(scores), ...(labels.length === scores.length ? { labels: Uint8Array.from(labels) } : {}) };
}
