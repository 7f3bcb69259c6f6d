// A strict TypeScript consumer of both entries (type-checked only, under NodeNext and under Bundler resolution).
import { ArrayDataset, MemAE, UserError, auroc, loadKdd, type Manifest, type ThresholdRule } from 'memae';
import { loadBrowserDetector, selectBrowserBackend, type BrowserScores } from 'memae/browser';
import { registerLibtorchBackend, addonLocation, type AddonLocation } from 'tfjs-backend-libtorch';

export async function node(file: string): Promise<number> {
  const kdd = await loadKdd({ path: file, limit: 100 });
  const det: MemAE = await MemAE.create({ kind: 'tabular', inputShape: kdd.train.sampleShape });
  await det.fit(kdd.train, { epochs: 1 });
  const rule: ThresholdRule = { contamination: 0.2 };
  const t: number = det.setThreshold(rule);
  const s: Float32Array = await det.score(new ArrayDataset(new Float32Array(kdd.train.sampleShape[0]), kdd.train.sampleShape));
  const m: Manifest = await det.save('/tmp/never-run');
  const where: AddonLocation | null = addonLocation();
  registerLibtorchBackend({ threads: 1 });
  if (!(m instanceof Object) || where === undefined) throw new UserError('unreachable');
  return auroc(kdd.test.labels ?? new Uint8Array(0), s) + t;
}

export async function browser(url: string): Promise<number> {
  const backend: string = await selectBrowserBackend(['cpu']);
  const det = await loadBrowserDetector(url);
  const r: BrowserScores = await det.score(new Float32Array(det.inputShape.reduce((a, b) => a * b, 1)));
  const th: number | null = det.threshold;
  return r.scores[0] + (th ?? 0) + backend.length;
}
