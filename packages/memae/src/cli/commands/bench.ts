// memae bench: training and inference throughput on real Fashion-MNIST batches.
import { loadFashionMnist } from '../../data/mnist.js';
import { select } from '../../data/split.js';
import { createDetector, type Variant } from '../../run/detector-port.js';
import { Output } from '../output.js';

export async function bench(flags: { batchSize: number; steps: number; variant: Variant; quiet?: boolean; json?: boolean }): Promise<void> {
  const out = new Output(flags);
  const n = flags.batchSize * flags.steps;
  const all = await loadFashionMnist({ split: 'train', limit: Math.max(n, flags.batchSize * 2) });
  const ds = select(all, Int32Array.from({ length: n }, (_, i) => i));
  const det = await createDetector({ kind: 'image', variant: flags.variant, inputShape: ds.sampleShape });
  try {
    // warm-up: one small epoch so kernel setup does not count
    out.note(`warm-up (${flags.batchSize * 2} samples)`);
    await det.fit(select(all, Int32Array.from({ length: flags.batchSize * 2 }, (_, i) => i)), { epochs: 1, batchSize: flags.batchSize });
    out.note(`training ${flags.steps} steps of ${flags.batchSize}`);
    let t = performance.now();
    await det.fit(ds, { epochs: 1, batchSize: flags.batchSize });
    const trainSps = n / ((performance.now() - t) / 1000);
    out.note(`inference on ${n} samples`);
    t = performance.now();
    await det.score(ds, flags.batchSize);
    const inferSps = n / ((performance.now() - t) / 1000);
    out.result(`${flags.variant}, batch ${flags.batchSize}: training ${trainSps.toFixed(0)} samples/s, inference ${inferSps.toFixed(0)} samples/s`);
    out.emitJson({ variant: flags.variant, batchSize: flags.batchSize, steps: flags.steps, trainSamplesPerSec: trainSps, inferenceSamplesPerSec: inferSps });
  } finally {
    det.dispose();
  }
}
