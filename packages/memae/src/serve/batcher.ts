// Micro-batching: concurrent requests are queued and scored together in one forward pass.
// A batch runs when it holds `maxBatch` samples or when its oldest request waited `maxWaitMs`;
// one batch runs at a time, and requests arriving meanwhile form the next batch.

export interface BatchOutput {
  scores: Float32Array;
  /** per-sample error maps, concatenated (n * mapSize), when asked for */
  maps?: Float32Array;
}

export type BatchRunner = (x: Float32Array, n: number, withMaps: boolean) => Promise<BatchOutput>;

interface Pending {
  /** when it was queued (performance.now()) */
  t: number;
  x: Float32Array;
  n: number;
  withMaps: boolean;
  resolve: (o: BatchOutput) => void;
  reject: (e: unknown) => void;
}

export interface BatcherStats {
  batches: number;
  samples: number;
}

export class MicroBatcher {
  private queue: Pending[] = [];
  private queued = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private immediate: ReturnType<typeof setImmediate> | undefined;
  private running = false;
  readonly stats: BatcherStats = { batches: 0, samples: 0 };

  constructor(
    private readonly run: BatchRunner,
    private readonly sampleSize: number,
    private readonly mapSize: number,
    private readonly maxBatch: number,
    private readonly maxWaitMs: number,
    private readonly onBatch?: (samples: number, requests: number, seconds: number) => void,
  ) {}

  /** Scores `n` samples (concatenated in `x`) together with whatever else is queued. */
  submit(x: Float32Array, n: number, withMaps: boolean): Promise<BatchOutput> {
    return new Promise((resolve, reject) => {
      this.queue.push({ t: performance.now(), x, n, withMaps, resolve, reject });
      this.queued += n;
      this.schedule();
    });
  }

  /** Requests waiting (not yet in a running batch). */
  get pending(): number {
    return this.queue.length;
  }

  private schedule(): void {
    if (this.running || this.queue.length === 0 || this.immediate) return;
    // the oldest request waits at most maxWaitMs in all (time spent behind a running batch counts)
    const wait = this.maxWaitMs - (performance.now() - this.queue[0].t);
    if (this.queued >= this.maxBatch || wait <= 0) {
      // not at once: the forward pass holds the event loop, so first let it read every request that has
      // arrived meanwhile (they join this batch) - without this, batches stay small under load
      this.immediate = setImmediate(() => this.flush());
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), wait);
    }
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    if (this.running || this.queue.length === 0) return;
    // take requests up to maxBatch samples (always at least one request, however large)
    const batch: Pending[] = [];
    let n = 0;
    while (this.queue.length && (batch.length === 0 || n + this.queue[0].n <= this.maxBatch)) {
      const p = this.queue.shift()!;
      batch.push(p);
      n += p.n;
    }
    this.queued -= n;
    this.running = true;
    void this.runBatch(batch, n).finally(() => {
      this.running = false;
      this.schedule();
    });
  }

  private async runBatch(batch: Pending[], n: number): Promise<void> {
    const x = batch.length === 1 ? batch[0].x : new Float32Array(n * this.sampleSize);
    if (batch.length > 1) {
      let off = 0;
      for (const p of batch) {
        x.set(p.x, off);
        off += p.x.length;
      }
    }
    const withMaps = batch.some((p) => p.withMaps);
    const t0 = performance.now();
    try {
      const out = await this.run(x, n, withMaps);
      this.stats.batches++;
      this.stats.samples += n;
      this.onBatch?.(n, batch.length, (performance.now() - t0) / 1000);
      let i = 0;
      for (const p of batch) {
        p.resolve({
          scores: out.scores.slice(i, i + p.n),
          maps: p.withMaps && out.maps ? out.maps.slice(i * this.mapSize, (i + p.n) * this.mapSize) : undefined,
        });
        i += p.n;
      }
    } catch (e) {
      for (const p of batch) p.reject(e);
    }
  }

  /** Resolves once the queue is empty and no batch runs (graceful shutdown). */
  async drain(): Promise<void> {
    while (this.running || this.queue.length) {
      if (!this.running) this.flush();
      await new Promise((r) => setTimeout(r, 1));
    }
  }
}
