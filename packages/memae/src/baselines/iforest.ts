// Isolation forest (Liu, Ting & Zhou 2008) as scikit-learn builds it: each tree isolates a random subsample of
// min(256, n) rows (no replacement) with random features and thresholds drawn uniformly between the node's
// min and max, to depth ceil(log2(subsample)); score = 2^(-mean path length / c(subsample)), where a leaf of
// n rows adds c(n), the mean path length of an unsuccessful BST search. Higher = more anomalous.
import { mixSeeds, randInt, seededRng, type Rng } from '../data/random.js';
import { UserError } from '../errors/user-error.js';
import { Baseline, type StateArrays } from './baseline.js';

export interface IForestOptions {
  /** trees (default 100) */
  nEstimators?: number;
  /** rows per tree (default min(256, n)) */
  maxSamples?: number;
  contamination?: number;
  /** drives the subsamples, features and thresholds */
  seed?: number;
}

const EULER = 0.5772156649015329;
/** c(n): average path length of an unsuccessful search in a binary search tree of n nodes. */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER) - (2 * (n - 1)) / n;
}

// one node = 4 numbers: feature (-1 = leaf), threshold (leaf: path length), left, right
const NODE = 4;

export class IsolationForest extends Baseline {
  readonly name = 'iforest';
  readonly nEstimators: number;
  readonly maxSamples: number | undefined;
  readonly seed: number;
  private nodes: Float64Array = new Float64Array(0);
  private roots: Int32Array = new Int32Array(0);
  private subsample = 0;

  constructor(o: IForestOptions = {}) {
    super(o.contamination);
    this.nEstimators = o.nEstimators ?? 100;
    this.maxSamples = o.maxSamples;
    this.seed = o.seed ?? 0;
    if (!Number.isInteger(this.nEstimators) || this.nEstimators < 1) throw new UserError(`nEstimators must be a positive integer, got ${this.nEstimators}`);
    if (this.maxSamples !== undefined && !(Number.isInteger(this.maxSamples) && this.maxSamples >= 2)) throw new UserError(`maxSamples must be an integer >= 2, got ${this.maxSamples}`);
    if (!Number.isInteger(this.seed)) throw new UserError(`seed must be an integer, got ${this.seed}`);
  }

  params() { return { nEstimators: this.nEstimators, maxSamples: this.maxSamples, seed: this.seed }; }
  protected stateArrays(): StateArrays { return { nodes: this.nodes, roots: this.roots, subsample: Int32Array.of(this.subsample) }; }
  protected restoreArrays(a: Record<string, Float32Array | Float64Array | Int32Array>, where: string): void {
    if (!(a.nodes instanceof Float64Array) || !(a.roots instanceof Int32Array) || !(a.subsample instanceof Int32Array)) throw new UserError(`${where}: not an isolation forest`);
    this.nodes = a.nodes; this.roots = a.roots; this.subsample = a.subsample[0];
  }

  protected fitMatrix(x: Float32Array, rows: number, f: number): void {
    const psi = Math.min(this.maxSamples ?? 256, rows);
    if (psi < 2) throw new UserError('isolation forest needs at least 2 training rows');
    const maxDepth = Math.ceil(Math.log2(psi));
    const out: number[] = [];
    const roots: number[] = [];
    const rng = seededRng(mixSeeds(this.seed, 0x1f0e57));
    for (let t = 0; t < this.nEstimators; t++) {
      // partial Fisher-Yates: psi rows without replacement
      const idx = Int32Array.from({ length: rows }, (_, i) => i);
      for (let i = 0; i < psi; i++) { const j = i + randInt(rng, rows - i); const v = idx[i]; idx[i] = idx[j]; idx[j] = v; }
      roots.push(out.length / NODE);
      grow(x, f, idx.subarray(0, psi), 0, maxDepth, rng, out);
    }
    this.nodes = Float64Array.from(out);
    this.roots = Int32Array.from(roots);
    this.subsample = psi;
  }

  protected scoreMatrix(x: Float32Array, rows: number): Float32Array {
    const f = this.features, nodes = this.nodes, cn = averagePathLength(this.subsample);
    const out = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      let total = 0;
      for (const root of this.roots) {
        let n = root;
        while (nodes[n * NODE] >= 0) n = x[r * f + nodes[n * NODE]] <= nodes[n * NODE + 1] ? nodes[n * NODE + 2] : nodes[n * NODE + 3];
        total += nodes[n * NODE + 1];
      }
      out[r] = 2 ** (-(total / this.roots.length) / cn);
    }
    return out;
  }
}

/** Grows one isolation tree over rows `idx` (reordered in place); appends nodes to `out`. */
function grow(x: Float32Array, f: number, idx: Int32Array, depth: number, maxDepth: number, rng: Rng, out: number[]): number {
  const me = out.length / NODE;
  out.push(-1, depth + averagePathLength(idx.length), -1, -1);
  if (depth >= maxDepth || idx.length <= 1) return me;
  // like scikit-learn: draw features without replacement until one is not constant on this node
  const order = Int32Array.from({ length: f }, (_, i) => i);
  for (let k = 0; k < f; k++) {
    const j = k + randInt(rng, f - k);
    const feat = order[j]; order[j] = order[k]; order[k] = feat;
    let lo = Infinity, hi = -Infinity;
    for (const r of idx) { const v = x[r * f + feat]; if (v < lo) lo = v; if (v > hi) hi = v; }
    if (!(hi > lo)) continue;
    let thr = lo + rng() * (hi - lo);
    if (thr >= hi) thr = lo; // float rounding guard: both sides stay non-empty
    // partition: <= thr to the front
    let a = 0;
    for (let i = 0; i < idx.length; i++) if (x[idx[i] * f + feat] <= thr) { const v = idx[i]; idx[i] = idx[a]; idx[a] = v; a++; }
    out[me * NODE] = feat;
    out[me * NODE + 1] = thr;
    out[me * NODE + 2] = grow(x, f, idx.subarray(0, a), depth + 1, maxDepth, rng, out);
    out[me * NODE + 3] = grow(x, f, idx.subarray(a), depth + 1, maxDepth, rng, out);
    return me;
  }
  return me; // every feature constant: a leaf
}
