// Synchronised batch norm (PyTorch's SyncBatchNorm, our own code): in a data-parallel training step every
// batch-norm layer normalises with the statistics of the global batch, so N ranks follow one process's
// trajectory on a model with batch norm too. Per layer and step, two collectives, as PyTorch's:
// - forward: an all-gather of each rank's (count, mean, biased variance), combined on every rank in the
//   same order, in float64 (Chan's parallel variance: no sum-of-squares cancellation). The gather is an
//   allreduce in which each rank fills its own row and leaves zeros elsewhere, so the sum is exact;
// - backward: an allreduce of the per-channel sums of dy and dy * xhat (models/batch-norm-layer.ts).
// Later layers need earlier layers' results, so the forward cannot merge layers into fewer collectives,
// nor the backward. The per-channel vectors are a few floats: they are combined on the host, which costs
// less than a dozen tiny kernels per layer (the step's cost on small models is kernel dispatch). A rank whose shard of a (last) batch is empty still joins every collective with
// zeros (idle) and updates its running statistics from the global ones.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ProcessGroup } from 'tfjs-backend-libtorch';
import { UserError } from '../errors/user-error.js';
import { batchNormLayers, type BatchNorm, type BatchNormSync } from '../models/batch-norm-layer.js';

/** The model's batch-norm layers; a one-line error when it has none (the option could do nothing). */
export function syncBatchNormLayers(model: tfl.LayersModel): BatchNorm[] {
  const layers = batchNormLayers(model);
  if (layers.length === 0) throw new UserError('syncBatchNorm: this model has no batch-norm layer (tabular models have none); leave the option out');
  return layers;
}

export class SyncBatchNorm implements BatchNormSync {
  /** this rank's share (samples / global batch) of the current batch, set by the sampler's shard */
  weight = 1;
  constructor(
    private readonly group: ProcessGroup,
    readonly layers: BatchNorm[],
    /** counters the collectives are added to (DataParallel's stats) */
    private readonly counters: { collectives: number; syncBnCollectives: number; syncBnMs: number; bytes: number },
  ) {}

  attach(): () => void {
    for (const l of this.layers) l.sync = this;
    return () => { for (const l of this.layers) l.sync = undefined; };
  }

  /** an allreduce (sum) of a host array through a fresh tensor; the sums come back as a host array */
  private allreduce(values: Float32Array): Float32Array {
    const t = tf.tensor1d(values);
    try {
      const t0 = performance.now();
      this.group.allreduce([t], 'sum');
      this.counters.syncBnMs += performance.now() - t0;
      this.counters.collectives++;
      this.counters.syncBnCollectives++;
      this.counters.bytes += values.length * 4;
      return t.dataSync() as Float32Array;
    } finally {
      t.dispose();
    }
  }

  stats(count: number, mean: Float32Array, variance: Float32Array): { count: number; mean: Float64Array; variance: Float64Array } {
    const { rank, worldSize } = this.group;
    const c = mean.length, w = 2 * c + 1;
    // an all-gather: this rank's row [count, mean, variance], zeros in the others' rows
    const buf = new Float32Array(worldSize * w);
    buf[rank * w] = count;
    buf.set(mean, rank * w + 1);
    buf.set(variance, rank * w + 1 + c);
    const all = this.allreduce(buf);
    // Chan's combination in float64, in rank order on every rank (so every rank gets the same bits)
    let total = 0;
    for (let r = 0; r < worldSize; r++) total += all[r * w];
    const gMean = new Float64Array(c), gVar = new Float64Array(c);
    for (let k = 0; k < c; k++) {
      let s = 0;
      for (let r = 0; r < worldSize; r++) s += all[r * w] * all[r * w + 1 + k];
      gMean[k] = s / total;
      let m2 = 0;
      for (let r = 0; r < worldSize; r++) {
        const d = all[r * w + 1 + k] - gMean[k];
        m2 += all[r * w] * (all[r * w + 1 + c + k] + d * d);
      }
      gVar[k] = m2 / total;
    }
    return { count: total, mean: gMean, variance: gVar };
  }

  gradSums(sumDy: ArrayLike<number>, sumDyXhat: ArrayLike<number>): { sumDy: Float64Array; sumDyXhat: Float64Array } {
    const c = sumDy.length;
    const buf = new Float32Array(2 * c);
    for (let k = 0; k < c; k++) { buf[k] = this.weight * sumDy[k]; buf[c + k] = this.weight * sumDyXhat[k]; }
    const all = this.allreduce(buf);
    return { sumDy: Float64Array.from(all.subarray(0, c)), sumDyXhat: Float64Array.from(all.subarray(c)) };
  }

  /** this rank had no sample: the forward's collectives in layer order, then the backward's in reverse */
  idle(): void {
    for (const l of this.layers) l.syncIdle(this);
    for (const l of [...this.layers].reverse()) {
      const z = new Float32Array(l.channels);
      this.gradSums(z, z);
    }
  }
}
