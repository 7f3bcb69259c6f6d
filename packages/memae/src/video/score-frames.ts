// Per-frame scores of one video with a trained model: every clip of `clipLength` frames (stride 1) scored, each
// clip's error placed on its centre frame, edge frames copying the nearest clip (align.ts), and the video's
// regularity p = 1 - (e - min) / (max - min). Used by `memae score`, the service's video route and the tests of
// `memae watch` (which must give the same errors online).
import { clipScoresToFrames, regularity } from './align.js';
import { ClipDataset } from './clips.js';
import type { VideoFrames } from './frames.js';

/** Scores `n` clips concatenated in `x` (one forward pass); e.g. a DetectorPort's scoreArray. */
export type ClipScorer = (x: Float32Array, n: number) => Promise<Float32Array>;

export interface VideoFrameScores {
  name: string;
  /** per frame: the reconstruction error of the clip centred on it (edge frames: the nearest clip's) */
  error: Float64Array;
  /** per frame: regularity p in [0, 1] over this video (1 = most regular) */
  regularity: Float64Array;
  /** per clip (clip k = frames k .. k + clipLength - 1) */
  clipErrors: Float32Array;
}

export async function scoreVideoFrames(video: VideoFrames, clipLength: number, scorer: ClipScorer, batch = 8): Promise<VideoFrameScores> {
  const clips = new ClipDataset([video], { clipLength, stride: 1 });
  const clipErrors = new Float32Array(clips.size);
  for (let k = 0; k < clips.size; k += batch) {
    const idx = Array.from({ length: Math.min(batch, clips.size - k) }, (_, i) => k + i);
    clipErrors.set(await scorer(clips.gather(idx), idx.length), k);
  }
  const { scores } = clipScoresToFrames(clipErrors, clips.startOf, video.count, clipLength, 'include');
  return { name: video.name, error: scores, regularity: regularity(scores), clipErrors };
}
