// The trainer's one hook point for data-parallel training (the implementation is in ../distributed/).
import type * as tf from '@tensorflow/tfjs-core';
import type { BatchNorm } from '../models/batch-norm-layer.js';
import type { StepReduce } from './step.js';

export interface ParallelStep {
  /** this rank's part of a global batch (ranks' parts are disjoint and cover the batch) */
  shard(batch: number[]): number[];
  /** once before the first step (after a resume): makes weights and optimizer state equal on every rank */
  start(weights: tf.Variable[], optimizerState: tf.Tensor[]): void;
  /**
   * After backward: `local` holds this rank's gradients (one per trainable variable) and loss parts,
   * each a mean over this rank's `count` of the batch's `total` samples; returns them as means over
   * the whole batch (every rank gets the same values). Runs inside the step's tf.tidy.
   */
  reduce(local: tf.Tensor[], count: number, total: number): tf.Tensor[];
  /** whether `reduce` may be recorded into a native training step and replayed (its collectives in place, the same
   *  on every call of a batch shape) */
  readonly replayable?: boolean;
  /** a step whose `reduce` ran inside a replayed plan (its JavaScript did not run): count it */
  replayed?(): void;
  /** the failure of a replayed step (a collective inside the plan), described as `reduce`'s own failures are */
  explain?(e: unknown): Error;
  /** after the optimizer step: non-trainable state (batch-norm statistics) made equal on every rank */
  afterStep(nonTrainable: tf.Variable[]): void;
  /** synchronised batch norm on these layers until the returned function is called (fit's syncBatchNorm) */
  syncBatchNorm?(layers: BatchNorm[]): () => void;
  /** whether this rank writes checkpoints */
  readonly writer: boolean;
}

/** One step's reduction for the training step (train/step.ts): this rank's `count` of the batch's `total` samples. */
export function stepReduce(par: ParallelStep, count: number, total: number): StepReduce {
  return {
    reduce: (ts) => par.reduce(ts, count, total),
    key: `${count}/${total}`, // the weights of the average
    get replayable() { return par.replayable ?? false; }, // read at each step: it changes after the first
    replayed: () => par.replayed?.(),
    explain: (e) => par.explain?.(e) ?? (e as Error),
  };
}
