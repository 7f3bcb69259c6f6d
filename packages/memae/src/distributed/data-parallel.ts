// Data-parallel training over a c10d process group (the trainer's ParallelStep): rank 0's weights and
// optimizer state broadcast at the start, gradients averaged over the global batch with bucketed
// allreduce, batch-norm statistics broadcast from rank 0 after each step (DDP's broadcast_buffers:
// normalisation itself uses each rank's local batch, as DDP does without SyncBatchNorm).
import * as tf from '@tensorflow/tfjs-core';
import type { ProcessGroup } from 'tfjs-backend-libtorch';
import type { ParallelStep } from '../train/parallel.js';
import { shardOf } from './sampler.js';

export interface DataParallelOptions {
  /** allreduce bucket size in bytes (default 25 MB, DDP's bucket_cap_mb) */
  bucketBytes?: number;
}

export class DataParallel implements ParallelStep {
  /** allreduce calls and payload bytes, for benchmarks */
  readonly stats = { steps: 0, reduceMs: 0, bytes: 0 };

  constructor(readonly group: ProcessGroup, private readonly o: DataParallelOptions = {}) {}

  get rank(): number { return this.group.rank; }
  get worldSize(): number { return this.group.worldSize; }
  get writer(): boolean { return this.group.rank === 0; }

  shard(batch: number[]): number[] {
    return shardOf(batch, this.group.rank, this.group.worldSize);
  }

  start(weights: tf.Variable[], optimizerState: tf.Tensor[]): void {
    this.group.broadcast([...weights, ...optimizerState], 0);
  }

  reduce(local: tf.Tensor[], count: number, total: number): tf.Tensor[] {
    // each rank's mean weighted by its share, then summed: the mean over the whole batch
    const w = count / total;
    const scaled = local.map((t) => tf.mul(t, w));
    const t0 = performance.now();
    this.group.allreduce(scaled, 'sum', this.o.bucketBytes);
    this.stats.reduceMs += performance.now() - t0;
    this.stats.steps++;
    this.stats.bytes += scaled.reduce((a, t) => a + t.size * 4, 0);
    return scaled;
  }

  afterStep(nonTrainable: tf.Variable[]): void {
    if (nonTrainable.length > 0) this.group.broadcast(nonTrainable, 0);
  }
}
