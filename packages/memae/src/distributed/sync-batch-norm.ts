// Synchronised batch norm (PyTorch's SyncBatchNorm, our own code): in a data-parallel training step every
// batch-norm layer normalises with the statistics of the global batch, so N ranks follow one process's
// trajectory on a model with batch norm too. Per layer and step, two collectives, as PyTorch's:
// - forward: an all-gather of each rank's (count, mean, biased variance), combined on every rank in the
//   same order (Chan's parallel variance: no sum-of-squares cancellation). The gather is an allreduce in
//   which each rank fills its own row and leaves zeros elsewhere, so the sum is exact;
// - backward: an allreduce of the per-channel sums of dy and dy * xhat (models/batch-norm-layer.ts).
// Later layers need earlier layers' results, so the forward cannot merge layers into fewer collectives,
// nor the backward. A rank whose shard of a (last) batch is empty still joins every collective with
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

  private allreduce(t: tf.Tensor): void {
    const t0 = performance.now();
    this.group.allreduce([t], 'sum');
    this.counters.syncBnMs += performance.now() - t0;
    this.counters.collectives++;
    this.counters.syncBnCollectives++;
    this.counters.bytes += t.size * 4;
  }

  stats(mean: tf.Tensor, variance: tf.Tensor, count: number): { mean: tf.Tensor; variance: tf.Tensor; count: tf.Tensor } {
    const { rank, worldSize } = this.group;
    const c = mean.size, w = 2 * c + 1;
    return tf.tidy(() => {
      const row = tf.concat([tf.tensor1d([count]), tf.reshape(mean, [c]), tf.reshape(variance, [c])]);
      const parts = [...(rank > 0 ? [tf.zeros([rank * w])] : []), row, ...(rank < worldSize - 1 ? [tf.zeros([(worldSize - 1 - rank) * w])] : [])];
      const all = tf.concat(parts); // a fresh tensor: the collective writes in place
      this.allreduce(all);
      const g = tf.reshape(all, [worldSize, w]);
      const n = tf.slice(g, [0, 0], [worldSize, 1]);
      const m = tf.slice(g, [0, 1], [worldSize, c]);
      const v = tf.slice(g, [0, 1 + c], [worldSize, c]);
      const total = tf.sum(n);
      const gMean = tf.div(tf.sum(tf.mul(n, m), 0), total);
      const gVar = tf.div(tf.sum(tf.mul(n, tf.add(v, tf.square(tf.sub(m, gMean)))), 0), total);
      return { mean: gMean, variance: gVar, count: total };
    });
  }

  gradSums(sumDy: tf.Tensor, sumDyXhat: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const c = sumDy.size;
    return tf.tidy(() => {
      const both = tf.concat([tf.mul(tf.reshape(sumDy, [c]), this.weight), tf.mul(tf.reshape(sumDyXhat, [c]), this.weight)]);
      this.allreduce(both);
      return [tf.slice(both, [0], [c]), tf.slice(both, [c], [c])] as [tf.Tensor, tf.Tensor];
    });
  }

  /** this rank had no sample: the forward's collectives in layer order, then the backward's in reverse */
  idle(): void {
    for (const l of this.layers) l.syncIdle(this);
    for (const l of [...this.layers].reverse()) {
      tf.tidy(() => { const z = tf.zeros([l.channels]); this.gradSums(z, z); });
    }
  }
}
