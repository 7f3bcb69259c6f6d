// From per-clip scores to per-frame scores, as the official evaluation (utils/eval.py):
// a 16-frame clip starting at frame s is assigned to frame s + 8 (so with stride 1 the clip scores line up with
// gt[8:-7]); per video the scores are min-max normalised to a regularity p = 1 - (e - min) / (max - min);
// the frame's anomaly score is 1 - p.
import { UserError } from '../errors/user-error.js';
import { centreOffset } from './clips.js';

/**
 * Frames without a clip centre of their own: the first `centreOffset` frames and the last
 * `clipLength - centreOffset - 1` frames (8 and 7 for 16-frame clips, and with stride > 1 the frames between centres).
 * Every such frame copies the score of the nearest clip centre (the earlier one on a tie).
 * 'exclude' (default, the official protocol): the edge frames before the first centre and after the last centre
 * are left out of the AUC; 'include': they count with the copied score.
 */
export type EdgeFrames = 'exclude' | 'include';

export interface FrameScores {
  /** one score per frame of the video */
  scores: Float64Array;
  /** 1 where the frame counts in the AUC */
  counted: Uint8Array;
}

/** Places clip scores of one video on its frames (see `EdgeFrames`). `starts` must be increasing. */
export function clipScoresToFrames(
  clipScores: ArrayLike<number>,
  starts: ArrayLike<number>,
  frameCount: number,
  clipLength: number,
  edges: EdgeFrames = 'exclude',
): FrameScores {
  const n = clipScores.length;
  if (n === 0) throw new UserError('no clip scores for a video');
  if (starts.length !== n) throw new Error(`align: ${n} clip scores but ${starts.length} clip starts`);
  const c = centreOffset(clipLength);
  const centre = (k: number): number => starts[k] + c;
  if (centre(n - 1) >= frameCount) throw new Error(`align: clip centre ${centre(n - 1)} beyond ${frameCount} frames`);
  const scores = new Float64Array(frameCount);
  const counted = new Uint8Array(frameCount);
  let k = 0;
  for (let f = 0; f < frameCount; f++) {
    while (k + 1 < n && centre(k + 1) <= f) k++;
    // k: last centre at or before f (or the first centre when f precedes it)
    const near = k + 1 < n && centre(k + 1) - f < f - centre(k) ? k + 1 : k;
    scores[f] = clipScores[near];
    counted[f] = edges === 'include' || (f >= centre(0) && f <= centre(n - 1)) ? 1 : 0;
  }
  return { scores, counted };
}

/** Official regularity score of one video: p = 1 - (e - min e) / (max e - min e); all 1 when the scores are constant. */
export function regularity(errors: ArrayLike<number>): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < errors.length; i++) {
    lo = Math.min(lo, errors[i]);
    hi = Math.max(hi, errors[i]);
  }
  const out = new Float64Array(errors.length);
  const span = hi - lo;
  for (let i = 0; i < errors.length; i++) out[i] = span > 0 ? 1 - (errors[i] - lo) / span : 1;
  return out;
}

/** Anomaly score of each frame: 1 - regularity. */
export function anomalyFromErrors(errors: ArrayLike<number>): Float64Array {
  return regularity(errors).map((p) => 1 - p);
}
