// A small MemAE really trained on real Fashion-MNIST (class 0 normal). Trained once and kept in the temp dir
// (keyed by the library version) so the UI test files share it; retrained when it no longer loads.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFashionMnist } from '../../src/data/mnist.js';
import { oneClassSplit, select } from '../../src/data/split.js';
import { samplePng } from '../../src/report/png.js';
import { createDetector, loadDetector } from '../../src/run/detector-port.js';
import { VERSION } from '../../src/version.js';

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
    const root = join(tmpdir(), `memae-ui-tiny-${VERSION}`);
    const dir = join(root, 'fmnist');
    const test = await loadFashionMnist({ split: 'test', limit: 200 });
    let ok = false;
    if (existsSync(join(dir, 'manifest.json'))) {
      try {
        (await loadDetector(dir)).dispose();
        ok = true;
      } catch {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    if (!ok) {
      mkdirSync(root, { recursive: true });
      const train = await loadFashionMnist({ split: 'train', limit: 3000 });
      const s = oneClassSplit(train, test, 0);
      const det = await createDetector({ kind: 'image', variant: 'memae', inputShape: [28, 28, 1], seed: 1 });
      await det.fit(select(s.train, Int32Array.from({ length: 64 }, (_, i) => i)), { epochs: 1, batchSize: 32 });
      await det.save(dir);
      det.dispose();
    }
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
