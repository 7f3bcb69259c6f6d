// What a detector accepts (PyOD habits): number[][] rows, a Float32Array with a shape, a tfjs tensor, or a Dataset.
import * as tf from '@tensorflow/tfjs-core';
import { ArrayDataset, type Dataset } from '../data/dataset.js';
import { UserError } from '../errors/user-error.js';

/** A Float32Array of samples with its shape, the first axis counting samples: `{ values, shape: [n, ...sample] }`. */
export interface ShapedArray { values: Float32Array; shape: number[] }

export type DetectorInput = number[][] | ShapedArray | tf.Tensor | Dataset;

const isDataset = (x: unknown): x is Dataset =>
  typeof x === 'object' && x !== null && typeof (x as Dataset).gather === 'function' && Array.isArray((x as Dataset).sampleShape);

function fromRows(rows: number[][], what: string): ArrayDataset {
  if (rows.length === 0) throw new UserError(`${what} has no rows`);
  const f = Array.isArray(rows[0]) ? rows[0].length : -1;
  if (f < 1) throw new UserError(`${what}: row 0 is not a non-empty array of numbers`);
  const values = new Float32Array(rows.length * f);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (!Array.isArray(row) || row.length !== f) throw new UserError(`${what}: row ${r} has ${Array.isArray(row) ? row.length : 'no'} values, row 0 has ${f}`);
    for (let c = 0; c < f; c++) {
      const v = row[c];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new UserError(`${what}: row ${r}, column ${c} is ${JSON.stringify(v)}, not a finite number`);
      values[r * f + c] = v;
    }
  }
  return new ArrayDataset(values, [f]);
}

function fromShaped(values: Float32Array, shape: number[], what: string): ArrayDataset {
  if (!Array.isArray(shape) || shape.length < 2 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new UserError(`${what}: shape must be [samples, ...sampleShape] with positive integers, got ${JSON.stringify(shape)}`);
  }
  const n = shape.reduce((a, b) => a * b, 1);
  if (values.length !== n) throw new UserError(`${what}: ${values.length} values do not fill shape [${shape}] (${n} values)`);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      const per = n / shape[0];
      throw new UserError(`${what}: sample ${Math.floor(i / per)}, value ${i % per} is ${values[i]}, not a finite number`);
    }
  }
  return new ArrayDataset(values, shape.slice(1));
}

/**
 * The input as a Dataset. With `sampleShape` (the detector's), a flat row whose length is the product of that
 * shape is read as one sample of that shape (e.g. 784 values for a [28, 28, 1] image model).
 */
export function toDataset(x: DetectorInput, sampleShape?: number[], what = 'data'): Dataset {
  let d: Dataset;
  if (isDataset(x)) d = x;
  else if (x instanceof tf.Tensor) {
    if (x.rank < 2) throw new UserError(`${what}: a tensor needs a samples axis first (rank >= 2), got shape [${x.shape}]`);
    d = fromShaped(Float32Array.from(x.dataSync()), x.shape, what);
  } else if (Array.isArray(x)) d = fromRows(x, what);
  else if (typeof x === 'object' && x !== null && (x as ShapedArray).values instanceof Float32Array) d = fromShaped((x as ShapedArray).values, (x as ShapedArray).shape, what);
  else throw new UserError(`${what} must be number[][], { values: Float32Array, shape }, a tfjs tensor or a Dataset`);
  if (!sampleShape) return d;
  const same = d.sampleShape.length === sampleShape.length && d.sampleShape.every((v, i) => v === sampleShape[i]);
  if (same) return d;
  const want = sampleShape.reduce((a, b) => a * b, 1);
  const got = d.sampleShape.reduce((a, b) => a * b, 1);
  if (want !== got) throw new UserError(`${what} has samples of shape [${d.sampleShape}] but the detector expects [${sampleShape}]`);
  // same number of values per sample: a reshaped view
  return { size: d.size, sampleShape: sampleShape.slice(), labels: d.labels, classes: d.classes, gather: (i) => d.gather(i) };
}
