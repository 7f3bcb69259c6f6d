// The serving benchmarks' model: a small image MemAE trained for one epoch on the first `rows` Fashion-MNIST
// T-shirt images (class 0), saved into `dir` without preprocessing (inputs are taken as they come, in [-1, 1]).
// Returns the one-class split's test set, for request bodies.
import type { Dataset } from '../../packages/memae/src/data/dataset.js';
import { loadFashionMnist } from '../../packages/memae/src/data/mnist.js';
import { oneClassSplit, select } from '../../packages/memae/src/data/split.js';
import { createDetector } from '../../packages/memae/src/run/detector-port.js';

export async function trainServeModel(dir: string, rows: number): Promise<Dataset> {
  const train = await loadFashionMnist({ split: 'train', limit: 6000 });
  const test = await loadFashionMnist({ split: 'test', limit: 100 });
  const s = oneClassSplit(train, test, 0);
  const det = await createDetector({ kind: 'image', variant: 'memae', inputShape: [28, 28, 1] });
  await det.fit(select(s.train, Int32Array.from({ length: rows }, (_, i) => i)), { epochs: 1, batchSize: 64 });
  await det.save(dir);
  det.dispose();
  return s.test;
}
