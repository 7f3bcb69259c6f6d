// k-NN distance (Ramaswamy et al. 2000, PyOD's KNN with method 'largest'): score = Euclidean distance to the
// k-th nearest training sample. A training sample's own score leaves itself out, as PyOD's decision_scores_ do.
// Distances run as tfjs matrix products (native on libtorch) over chunks of queries (score/neighbours.ts).
import { UserError } from '../errors/user-error.js';
import { initBackend } from '../backend/select.js';
import { Baseline, type StateArrays } from './baseline.js';
import type { Dataset } from '../data/dataset.js';
import { allRows } from './baseline.js';
import { NEIGHBOUR_METHODS, neighbourDistances, type NeighbourMethod } from '../score/neighbours.js';

export interface KnnOptions {
  /** neighbours (default 5) */
  nNeighbors?: number;
  /** 'largest': distance to the k-th neighbour (default); 'mean': mean distance to the k nearest */
  method?: NeighbourMethod;
  contamination?: number;
}

export class KnnDetector extends Baseline {
  readonly name = 'knn';
  readonly nNeighbors: number;
  readonly method: NeighbourMethod;
  private train: Float32Array = new Float32Array(0);
  private rows = 0;

  constructor(o: KnnOptions = {}) {
    super(o.contamination);
    this.nNeighbors = o.nNeighbors ?? 5;
    this.method = o.method ?? 'largest';
    if (!Number.isInteger(this.nNeighbors) || this.nNeighbors < 1) throw new UserError(`nNeighbors must be a positive integer, got ${this.nNeighbors}`);
    if (!NEIGHBOUR_METHODS.includes(this.method)) throw new UserError(`method must be "largest" or "mean", got "${String(this.method)}"`);
  }

  params() { return { nNeighbors: this.nNeighbors, method: this.method }; }
  protected stateArrays(): StateArrays { return { train: this.train }; }
  protected restoreArrays(a: Record<string, Float32Array | Float64Array | Int32Array>, where: string): void {
    if (!(a.train instanceof Float32Array) || a.train.length % this.features !== 0) throw new UserError(`${where}: not a k-NN detector`);
    this.train = a.train; this.rows = a.train.length / this.features;
  }

  protected fitMatrix(x: Float32Array, rows: number): void {
    if (rows <= this.nNeighbors) throw new UserError(`k-NN with nNeighbors ${this.nNeighbors} needs more than ${this.nNeighbors} training rows, got ${rows}`);
    this.train = x.slice(); this.rows = rows;
  }

  protected async scoreMatrix(x: Float32Array, rows: number): Promise<Float32Array> {
    await initBackend(); // libtorch when it loads (as MemAE does), not tfjs' pure-JS default: ~100x on MNIST-sized data
    return this.kth(x, rows, false);
  }

  protected override async trainingScoresOf(data: Dataset): Promise<Float32Array> {
    await initBackend();
    return this.kth(allRows(data), data.size, true);
  }

  /** k-th (or mean of k) nearest training distances; `skipSelf` drops the nearest one (the sample itself). */
  private kth(x: Float32Array, rows: number, skipSelf: boolean): Float32Array {
    return neighbourDistances(this.train, this.rows, this.features, x, rows, { k: this.nNeighbors, method: this.method, skipSelf });
  }
}
