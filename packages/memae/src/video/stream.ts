// Online scoring of a frame stream (memae watch): raw gray frames in, one result per frame out as soon as the
// clip centred on it is complete. Memory is bounded: a ring of `clipLength + batch - 1` frames (so `batch` pending
// clips are all still whole), at most `batch` pending clips,
// and the last `window` clip errors for the running regularity (monotonic deques, O(1) per frame).
// The errors equal `scoreVideoFrames` on the same frames: frame f gets the clip starting at f - centre, the
// first `centre` frames copy the first clip and the frames after the last centre copy the last clip.
import { UserError } from '../errors/user-error.js';
import { normalizeGray } from '../preprocess/video.js';
import { centreOffset } from './clips.js';
import type { ClipScorer } from './score-frames.js';

export interface StreamFrame {
  /** 0-based frame index in the stream */
  frame: number;
  /** reconstruction error of the clip centred on this frame (edge frames: the nearest clip's) */
  error: number;
  /** 1 - (e - min) / (max - min) over the last `window` clip errors (1 while they are all equal) */
  regularity: number;
}

export interface FrameStreamOptions {
  size: number;
  clipLength: number;
  /** clip errors kept for the running regularity (default 1000) */
  window?: number;
  /** most clips scored in one forward pass when frames arrive faster than they are scored (default 8) */
  batch?: number;
}

/** Sliding-window minimum and maximum of the last `window` values (monotonic deques over a fixed ring). */
class WindowRange {
  private readonly vals: Float64Array;
  private readonly minQ: Int32Array;
  private readonly maxQ: Int32Array;
  private minHead = 0;
  private minTail = 0;
  private maxHead = 0;
  private maxTail = 0;
  private n = 0;

  constructor(private readonly window: number) {
    this.vals = new Float64Array(window);
    this.minQ = new Int32Array(window + 1);
    this.maxQ = new Int32Array(window + 1);
  }

  push(v: number): void {
    const i = this.n++;
    const cap = this.window + 1;
    this.vals[i % this.window] = v;
    // drop indices that left the window, then values the new one dominates
    const oldest = i - this.window + 1;
    while (this.minHead !== this.minTail && this.minQ[this.minHead] < oldest) this.minHead = (this.minHead + 1) % cap;
    while (this.maxHead !== this.maxTail && this.maxQ[this.maxHead] < oldest) this.maxHead = (this.maxHead + 1) % cap;
    while (this.minHead !== this.minTail && this.at(this.minQ[(this.minTail + cap - 1) % cap]) >= v) this.minTail = (this.minTail + cap - 1) % cap;
    while (this.maxHead !== this.maxTail && this.at(this.maxQ[(this.maxTail + cap - 1) % cap]) <= v) this.maxTail = (this.maxTail + cap - 1) % cap;
    this.minQ[this.minTail] = i;
    this.minTail = (this.minTail + 1) % cap;
    this.maxQ[this.maxTail] = i;
    this.maxTail = (this.maxTail + 1) % cap;
  }

  private at(i: number): number {
    return this.vals[i % this.window];
  }
  get min(): number {
    return this.at(this.minQ[this.minHead]);
  }
  get max(): number {
    return this.at(this.maxQ[this.maxHead]);
  }
}

export class OnlineClipScorer {
  readonly frameBytes: number;
  private readonly ring: Uint8Array;
  private readonly ringFrames: number;
  private readonly batch: number;
  private readonly partial: Uint8Array;
  private partialFill = 0;
  private frames = 0;
  private readonly pending: number[] = [];
  private readonly range: WindowRange;
  private readonly centre: number;
  private lastError: number | undefined;
  private emitted = 0;

  constructor(private readonly opts: FrameStreamOptions, private readonly scorer: ClipScorer, private readonly emit: (f: StreamFrame) => void | Promise<void>) {
    const L = opts.clipLength;
    this.frameBytes = opts.size * opts.size;
    this.batch = opts.batch ?? 8;
    if (!Number.isInteger(this.batch) || this.batch < 1) throw new UserError(`batch must be a positive integer, got ${this.batch}`);
    this.ringFrames = L + this.batch - 1;
    this.ring = new Uint8Array(this.ringFrames * this.frameBytes);
    this.partial = new Uint8Array(this.frameBytes);
    const w = opts.window ?? 1000;
    if (!Number.isInteger(w) || w < 1) throw new UserError(`window must be a positive integer, got ${w}`);
    this.range = new WindowRange(w);
    this.centre = centreOffset(L);
  }

  /** frames received so far */
  get frameCount(): number {
    return this.frames;
  }

  /** Feeds raw bytes (any chunking); scores when a batch is full, or when `flush` is true and clips are pending. */
  async push(chunk: Uint8Array, flush: boolean): Promise<void> {
    let at = 0;
    while (at < chunk.length) {
      const take = Math.min(this.frameBytes - this.partialFill, chunk.length - at);
      this.partial.set(chunk.subarray(at, at + take), this.partialFill);
      this.partialFill += take;
      at += take;
      if (this.partialFill === this.frameBytes) {
        this.partialFill = 0;
        this.ring.set(this.partial, (this.frames % this.ringFrames) * this.frameBytes);
        this.frames++;
        if (this.frames >= this.opts.clipLength) {
          this.pending.push(this.frames - this.opts.clipLength);
          // the ring keeps the frames of `batch` pending clips: score before the next frame would evict one
          if (this.pending.length >= this.batch) await this.scorePending();
        }
      }
    }
    if (flush) await this.scorePending();
  }

  /** End of stream: the trailing frames copy the last clip's error. Throws on a partial frame or too few frames. */
  async end(source: string): Promise<void> {
    if (this.partialFill !== 0) {
      throw new UserError(`${source}: stream ended inside frame ${this.frames} (${this.partialFill} of ${this.frameBytes} bytes): frames must be ${this.opts.size}x${this.opts.size} gray bytes`);
    }
    await this.scorePending();
    if (this.lastError === undefined) {
      throw new UserError(`${source}: ${this.frames} frames, fewer than one clip of ${this.opts.clipLength}`);
    }
    while (this.emitted < this.frames) await this.emit({ frame: this.emitted++, error: this.lastError, regularity: this.regularityOf(this.lastError) });
  }

  private regularityOf(e: number): number {
    const span = this.range.max - this.range.min;
    return span > 0 ? 1 - (e - this.range.min) / span : 1;
  }

  private async scorePending(): Promise<void> {
    const n = this.pending.length;
    if (n === 0) return;
    const L = this.opts.clipLength;
    const per = L * this.frameBytes;
    const x = new Float32Array(n * per);
    this.pending.forEach((start, j) => {
      for (let t = 0; t < L; t++) {
        const slot = ((start + t) % this.ringFrames) * this.frameBytes;
        normalizeGray(this.ring.subarray(slot, slot + this.frameBytes), x, j * per + t * this.frameBytes);
      }
    });
    this.pending.length = 0;
    const errs = await this.scorer(x, n);
    for (let j = 0; j < n; j++) {
      const e = errs[j];
      this.range.push(e);
      this.lastError = e;
      // frame centre of this clip; before the first centre, frames copy the first clip
      const upTo = this.emitted === 0 ? this.centre : this.emitted;
      for (let f = this.emitted; f <= upTo; f++) await this.emit({ frame: f, error: e, regularity: this.regularityOf(e) });
      this.emitted = upTo + 1;
    }
  }
}
