// Data-parallel training over a c10d process group (the trainer's ParallelStep): rank 0's weights and
// optimizer state broadcast at the start, gradients averaged over the global batch with bucketed
// allreduce, batch-norm statistics made equal to rank 0's after each step (DDP's broadcast_buffers:
// normalisation itself uses each rank's local batch, as DDP does without SyncBatchNorm).
// One collective per step: from the second step on, the statistics ride in the gradients' allreduce
// (a broadcast from rank 0 is a sum in which the other ranks give zeros), which saves a round trip and
// a wait for the slower rank on every step.
// With synchronised batch norm (syncBatchNorm) the layers normalise with the global batch's statistics
// (sync-batch-norm.ts: two collectives per layer and step) and their running statistics are equal on
// every rank by construction, so they are not carried.
import * as tf from '@tensorflow/tfjs-core';
import type { ProcessGroup } from 'tfjs-backend-libtorch';
import type { ParallelStep } from '../train/parallel.js';
import type { BatchNorm } from '../models/batch-norm-layer.js';
import { shardOf } from './sampler.js';
import { SyncBatchNorm } from './sync-batch-norm.js';

export interface DataParallelOptions {
  /** allreduce bucket size in bytes (default 25 MB, DDP's bucket_cap_mb) */
  bucketBytes?: number;
}

export class DataParallel implements ParallelStep {
  /** collectives per step, their time and payload bytes, for benchmarks */
  readonly stats = { steps: 0, reduceMs: 0, bytes: 0, collectives: 0, syncBnCollectives: 0, syncBnMs: 0, replayedSteps: 0 };
  /** the batch-norm statistics seen by the first afterStep; later steps carry them in reduce */
  private buffers: tf.Variable[] | undefined;
  /** synchronised batch norm, while a fit with syncBatchNorm runs on more than one rank */
  private bn: SyncBatchNorm | undefined;
  /** payload bytes of the last reduce (a replayed step's) */
  private lastBytes = 0;

  constructor(readonly group: ProcessGroup, private readonly o: DataParallelOptions = {}) {}

  get rank(): number { return this.group.rank; }
  get worldSize(): number { return this.group.worldSize; }
  get writer(): boolean { return this.group.rank === 0; }

  shard(batch: number[]): number[] {
    const part = shardOf(batch, this.group.rank, this.group.worldSize);
    if (this.bn) this.bn.weight = part.length / batch.length;
    return part;
  }

  syncBatchNorm(layers: BatchNorm[]): () => void {
    if (this.worldSize === 1) return () => {}; // one rank: its batch is the global batch, nothing to exchange
    const bn = new SyncBatchNorm(this.group, layers, this.stats);
    const detach = bn.attach();
    this.bn = bn;
    return () => { detach(); this.bn = undefined; };
  }

  start(weights: tf.Variable[], optimizerState: tf.Tensor[]): void {
    this.group.broadcast([...weights, ...optimizerState], 0);
  }

  reduce(local: tf.Tensor[], count: number, total: number): tf.Tensor[] {
    // each rank's mean weighted by its share, then summed: the mean over the whole batch
    const w = count / total;
    if (this.bn && count === 0) this.bn.idle(); // the other ranks' batch-norm collectives of this step
    const scaled = local.map((t) => tf.mul(t, w));
    const bufs = this.buffers ?? [];
    // fresh tensors (the collective writes in place): rank 0's statistics, zeros elsewhere
    const carried = bufs.map((v) => (this.rank === 0 ? tf.mul(v, 1) : tf.zerosLike(v)));
    const t0 = performance.now();
    this.group.allreduce([...scaled, ...carried], 'sum', this.o.bucketBytes);
    this.stats.reduceMs += performance.now() - t0;
    this.stats.steps++;
    this.stats.collectives++;
    this.lastBytes = [...scaled, ...carried].reduce((a, t) => a + t.size * 4, 0);
    this.stats.bytes += this.lastBytes;
    if (this.rank !== 0) bufs.forEach((v, i) => v.assign(carried[i]));
    return scaled;
  }

  /** Recordable once the statistics ride in the allreduce (from the second step) and without synchronised batch
   *  norm (whose collectives run inside the layers, per layer). */
  get replayable(): boolean {
    return this.bn === undefined && this.buffers !== undefined;
  }

  /** A replayed step: its allreduce ran inside the native plan, not timed apart, so the step is counted on its own
   *  (`steps` and `reduceMs` are the steps that ran op by op; `bytes` and `collectives` count every step). */
  replayed(): void {
    this.stats.replayedSteps++;
    this.stats.collectives++;
    this.stats.bytes += this.lastBytes;
    this.group.bytesReduced += this.lastBytes;
  }

  explain(e: unknown): Error {
    return this.group.failure(e, 'allreduce');
  }

  afterStep(nonTrainable: tf.Variable[]): void {
    if (this.buffers !== undefined) return;
    if (this.bn) {
      const synced = new Set(this.bn.layers.flatMap((l) => l.nonTrainableWeights.map((w) => w.read())));
      nonTrainable = nonTrainable.filter((v) => !synced.has(v));
      if (nonTrainable.length === 0) { this.buffers = []; return; }
    }
    if (nonTrainable.length === 0) { this.buffers = []; return; }
    // first step: a broadcast of its own; from now on reduce carries them
    const t0 = performance.now();
    this.group.broadcast(nonTrainable, 0);
    this.stats.reduceMs += performance.now() - t0;
    this.stats.collectives++;
    this.buffers = nonTrainable;
  }
}
