// Deterministic subsets and splits of any Dataset, driven by a seed.
import { ArrayDataset, type Dataset } from './dataset.js';
import { permutation } from './random.js';
import { UserError } from '../errors/user-error.js';

const pick = <T extends Uint8Array | Int32Array>(a: T | undefined, idx: ArrayLike<number>, make: (n: number) => T): T | undefined => {
  if (!a) return undefined;
  const o = make(idx.length);
  for (let i = 0; i < idx.length; i++) o[i] = a[idx[i]];
  return o;
};

/** A lazy view of `base` restricted to `indices` (no sample is copied until gathered). */
export class SubsetDataset implements Dataset {
  readonly size: number;
  readonly sampleShape: number[];
  readonly labels?: Uint8Array;
  readonly classes?: Int32Array;
  constructor(readonly base: Dataset, readonly indices: Int32Array, labels?: Uint8Array) {
    this.size = indices.length;
    this.sampleShape = base.sampleShape;
    this.labels = labels ?? pick(base.labels, indices, (n) => new Uint8Array(n));
    this.classes = pick(base.classes, indices, (n) => new Int32Array(n));
  }
  gather(indices: ArrayLike<number>): Float32Array {
    const m = new Int32Array(indices.length);
    for (let i = 0; i < indices.length; i++) {
      const k = indices[i];
      if (k < 0 || k >= this.size) throw new RangeError(`dataset: index ${k} out of range [0, ${this.size})`);
      m[i] = this.indices[k];
    }
    return this.base.gather(m);
  }
}

/** The samples at `indices`: a copy for an in-memory ArrayDataset, a lazy view otherwise. */
export function select(ds: Dataset, indices: ArrayLike<number>): Dataset {
  if (ds instanceof ArrayDataset) return ds.subset(indices);
  return new SubsetDataset(ds, Int32Array.from(indices));
}

/** The same samples with new ground-truth labels (1 = anomaly, 0 = normal); samples are shared, not copied. */
export function withLabels(ds: Dataset, labels: Uint8Array): Dataset {
  if (labels.length !== ds.size) throw new Error(`withLabels: ${labels.length} labels for ${ds.size} samples`);
  if (ds instanceof ArrayDataset) return new ArrayDataset(ds.values, ds.sampleShape, labels, ds.classes);
  const all = new Int32Array(ds.size);
  for (let i = 0; i < ds.size; i++) all[i] = i;
  return new SubsetDataset(ds, all, labels);
}

/** Split 0..n-1 at random (seeded) into consecutive parts with the given fractions (which must sum to 1). */
export function splitIndices(n: number, fractions: number[], seed: number): Int32Array[] {
  const total = fractions.reduce((a, b) => a + b, 0);
  if (fractions.some((f) => !(f >= 0)) || Math.abs(total - 1) > 1e-9) {
    throw new UserError(`split fractions must be non-negative and sum to 1, got [${fractions.join(', ')}]`);
  }
  const p = permutation(n, seed);
  const parts: Int32Array[] = [];
  let start = 0;
  let acc = 0;
  fractions.forEach((f, i) => {
    acc += f;
    const end = i === fractions.length - 1 ? n : Math.round(acc * n);
    parts.push(p.slice(start, end));
    start = end;
  });
  return parts;
}

/** Seeded train/validation split; `valFraction` in (0, 1). */
export function trainValSplit(ds: Dataset, valFraction: number, seed: number): { train: Dataset; val: Dataset } {
  if (!(valFraction > 0 && valFraction < 1)) throw new UserError(`validation fraction must be in (0, 1), got ${valFraction}`);
  const [tr, va] = splitIndices(ds.size, [1 - valFraction, valFraction], seed);
  if (tr.length === 0 || va.length === 0) throw new UserError(`cannot split ${ds.size} samples with validation fraction ${valFraction}`);
  return { train: select(ds, tr), val: select(ds, va) };
}

/** Seeded train/validation/test split with the given fractions. */
export function trainValTestSplit(ds: Dataset, fractions: [number, number, number], seed: number): { train: Dataset; val: Dataset; test: Dataset } {
  const [a, b, c] = splitIndices(ds.size, fractions, seed);
  return { train: select(ds, a), val: select(ds, b), test: select(ds, c) };
}

/** Indices of the samples whose class is in `classes`. */
export function indicesOfClasses(ds: Dataset, classes: number[]): Int32Array {
  if (!ds.classes) throw new UserError('this dataset has no class ids; a one-class split needs them');
  const want = new Set(classes);
  const out: number[] = [];
  for (let i = 0; i < ds.size; i++) if (want.has(ds.classes[i])) out.push(i);
  return Int32Array.from(out);
}

/**
 * The one-class protocol: train on the training samples of `normalClass` (all labelled 0); test on the whole
 * test set, labelled 1 (anomaly) for every other class.
 */
export function oneClassSplit(train: Dataset, test: Dataset, normalClass: number): { train: Dataset; test: Dataset } {
  const idx = indicesOfClasses(train, [normalClass]);
  if (idx.length === 0) throw new UserError(`class ${normalClass} has no training samples`);
  if (!test.classes) throw new UserError('the test set has no class ids; a one-class split needs them');
  const labels = new Uint8Array(test.size);
  let anomalies = 0;
  for (let i = 0; i < test.size; i++) anomalies += labels[i] = test.classes[i] === normalClass ? 0 : 1;
  if (anomalies === 0 || anomalies === test.size) {
    throw new UserError(`one-class split on class ${normalClass}: the test set must hold both that class and others`);
  }
  return { train: withLabels(select(train, idx), new Uint8Array(idx.length)), test: withLabels(test, labels) };
}
