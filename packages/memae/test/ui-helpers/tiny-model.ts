// A small MemAE really trained on real Fashion-MNIST (class 0 normal), saved once per process in a temp dir.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFashionMnist } from '../../src/data/mnist.js';
import { oneClassSplit, select } from '../../src/data/split.js';
import { samplePng } from '../../src/report/png.js';
import { createDetector } from '../../src/run/detector-port.js';

let cached: Promise<TinyModel> | undefined;

export interface TinyModel {
  dir: string;
  /** real Fashion-MNIST test images as PNG files: a T-shirt (normal) and a sneaker/bag (anomalous) */
  pngs: { normal: string; anomaly: string };
  /** the test samples in model input layout */
  normalSample: Float32Array;
  anomalySample: Float32Array;
}

export function tinyModel(): Promise<TinyModel> {
  cached ??= (async () => {
    const root = mkdtempSync(join(tmpdir(), 'memae-tiny-'));
    const train = await loadFashionMnist({ split: 'train', limit: 3000 });
    const test = await loadFashionMnist({ split: 'test', limit: 200 });
    const s = oneClassSplit(train, test, 0);
    const det = await createDetector({ kind: 'image', variant: 'memae', inputShape: [28, 28, 1], seed: 1 });
    await det.fit(select(s.train, Int32Array.from({ length: 256 }, (_, i) => i)), { epochs: 2, batchSize: 32 });
    const dir = join(root, 'fmnist');
    await det.save(dir);
    det.dispose();
    const pick = (cls: number) => {
      const i = Array.from(test.classes!).indexOf(cls);
      return test.gather([i]);
    };
    const normalSample = pick(0);
    const anomalySample = pick(8); // bag
    const pngs = { normal: join(root, 'tshirt.png'), anomaly: join(root, 'bag.png') };
    writeFileSync(pngs.normal, samplePng(normalSample, [28, 28, 1]));
    writeFileSync(pngs.anomaly, samplePng(anomalySample, [28, 28, 1]));
    return { dir, pngs, normalSample, anomalySample };
  })();
  return cached;
}
