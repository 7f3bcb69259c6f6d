// Frame differencing: the plain video anomaly score a user tries first, and the reference printed beside every
// video model figure. A clip's score is the mean absolute difference between consecutive frames (motion energy),
// averaged over the `window` frame pairs centred on the clip's centre frame (the frame the clip score is assigned
// to, `centreOffset`); `window: 1` scores the centre frame alone, the default averages over the whole clip.
import type { Dataset } from '../data/dataset.js';
import { UserError } from '../errors/user-error.js';
import { centreOffset } from '../video/clips.js';

export interface FrameDifferenceOptions {
  /** consecutive-frame differences averaged per clip, centred on the clip's centre frame (default: clip length - 1) */
  window?: number;
  /** clips read per batch (default 64) */
  batchSize?: number;
}

export class FrameDifference {
  readonly window?: number;
  private readonly batchSize: number;
  /** sorted scores of the training clips, set by `fit` */
  private train?: Float32Array;

  constructor(opts: FrameDifferenceOptions = {}) {
    if (opts.window !== undefined && !(Number.isInteger(opts.window) && opts.window >= 1)) throw new UserError(`frame difference window must be a positive integer, got ${opts.window}`);
    this.window = opts.window;
    this.batchSize = opts.batchSize ?? 64;
  }

  /** Nothing to learn but the training scores' distribution (for thresholds and standardised scores). */
  fit(clips: Dataset): this {
    this.train = this.decisionFunction(clips).sort();
    return this;
  }

  /** One score per clip of `clips` (samples [T, H, W, C], T >= 2): higher = more motion = more anomalous. */
  decisionFunction(clips: Dataset): Float32Array {
    const [T, H, W, C] = clips.sampleShape;
    if (clips.sampleShape.length !== 4 || T < 2) throw new UserError(`frame differencing needs clips [frames >= 2, height, width, channels], got [${clips.sampleShape}]`);
    const win = Math.min(this.window ?? T - 1, T - 1);
    // pairs (t-1, t) for t in [from, from + win), centred on the clip's centre frame and kept inside the clip
    const c = centreOffset(T);
    const from = Math.max(1, Math.min(T - win, c - Math.floor((win - 1) / 2)));
    const per = H * W * C;
    const out = new Float32Array(clips.size);
    for (let s = 0; s < clips.size; s += this.batchSize) {
      const idx = Array.from({ length: Math.min(this.batchSize, clips.size - s) }, (_, i) => s + i);
      const x = clips.gather(idx);
      for (let i = 0; i < idx.length; i++) {
        let sum = 0;
        for (let t = from; t < from + win; t++) {
          const a = (i * T + t) * per;
          for (let j = 0; j < per; j++) sum += Math.abs(x[a + j] - x[a - per + j]);
        }
        out[s + i] = sum / (win * per);
      }
    }
    return out;
  }

  /** Training scores (sorted ascending); undefined before `fit`. */
  get trainingScores(): Float32Array | undefined {
    return this.train;
  }
}
