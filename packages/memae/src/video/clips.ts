// Lazy clip dataset over in-memory videos: clip k is `clipLength` consecutive frames of one video starting at
// `starts[k]`; `gather` converts the uint8 frames of the requested clips to float32 in [-1, 1] on demand.
import { UserError } from '../errors/user-error.js';
import type { Dataset } from '../data/dataset.js';
import type { VideoFrames } from './frames.js';
import { normalizeGray } from '../preprocess/video.js';

export interface ClipOptions {
  /** frames per clip (official code: 16) */
  clipLength?: number;
  /** frames between the starts of consecutive clips of a video (official code: 1) */
  stride?: number;
}

/** Frame offset inside a clip that the clip's score is assigned to: 8 for 16 frames, as the official code. */
export const centreOffset = (clipLength: number): number => Math.floor(clipLength / 2);

export class ClipDataset implements Dataset {
  readonly size: number;
  readonly sampleShape: number[];
  readonly clipLength: number;
  readonly stride: number;
  /** video index of each clip */
  readonly videoOf: Int32Array;
  /** first frame of each clip inside its video */
  readonly startOf: Int32Array;
  /** label of each clip's centre frame, when every video has labels */
  readonly labels?: Uint8Array;

  constructor(readonly videos: VideoFrames[], opts: ClipOptions = {}) {
    this.clipLength = opts.clipLength ?? 16;
    this.stride = opts.stride ?? 1;
    if (!Number.isInteger(this.clipLength) || this.clipLength < 1) throw new UserError(`clip length must be a positive integer, got ${this.clipLength}`);
    if (!Number.isInteger(this.stride) || this.stride < 1) throw new UserError(`clip stride must be a positive integer, got ${this.stride}`);
    if (videos.length === 0) throw new UserError('no videos to cut clips from');
    const size = videos[0].size;
    for (const v of videos) {
      if (v.size !== size) throw new UserError(`videos have different frame sizes (${size} and ${v.size})`);
      if (v.count < this.clipLength) throw new UserError(`video '${v.name}' has ${v.count} frames, fewer than one clip of ${this.clipLength}`);
    }
    const video: number[] = [];
    const start: number[] = [];
    videos.forEach((v, i) => {
      for (const s of clipStarts(v.count, this.clipLength, this.stride)) {
        video.push(i);
        start.push(s);
      }
    });
    this.videoOf = Int32Array.from(video);
    this.startOf = Int32Array.from(start);
    this.size = start.length;
    this.sampleShape = [this.clipLength, size, size, 1];
    if (videos.every((v) => v.labels)) {
      const c = centreOffset(this.clipLength);
      this.labels = Uint8Array.from(start, (s, k) => videos[video[k]].labels![s + c]);
    }
  }

  gather(indices: ArrayLike<number>): Float32Array {
    const per = this.clipLength * this.sampleShape[1] * this.sampleShape[2];
    const out = new Float32Array(indices.length * per);
    for (let i = 0; i < indices.length; i++) {
      const k = indices[i];
      if (!(k >= 0 && k < this.size)) throw new RangeError(`clips: index ${k} out of range [0, ${this.size})`);
      const v = this.videos[this.videoOf[k]];
      const frame = v.size * v.size;
      const src = v.pixels.subarray(this.startOf[k] * frame, this.startOf[k] * frame + per);
      normalizeGray(src, out, i * per); // (x/255 - 0.5) / 0.5
    }
    return out;
  }

  /** clip indices of video `v`, in time order */
  clipsOfVideo(v: number): number[] {
    const out: number[] = [];
    for (let k = 0; k < this.size; k++) if (this.videoOf[k] === v) out.push(k);
    return out;
  }
}

/** Start frames of the clips of a video with `count` frames: 0, stride, 2 stride, ... while the clip fits. */
export function clipStarts(count: number, clipLength: number, stride: number): number[] {
  const out: number[] = [];
  for (let s = 0; s + clipLength <= count; s += stride) out.push(s);
  return out;
}
