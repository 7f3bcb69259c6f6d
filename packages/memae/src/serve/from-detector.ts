// A saved detector as a ServedModel: scores through det.score, error maps from det.reconstruct.
import { ArrayDataset } from '../data/dataset.js';
import type { DetectorPort } from '../run/detector-port.js';
import type { BatchOutput } from './batcher.js';
import type { ServedModel } from './served-model.js';

/** Per-sample error maps: sqrt of the squared error summed over channels (images, clips) or per feature (rows). */
export function errorMaps(x: Float32Array, rec: Float32Array, inputShape: number[]): Float32Array {
  const c = inputShape.length === 1 ? 1 : inputShape[inputShape.length - 1];
  const out = new Float32Array(x.length / c);
  for (let p = 0; p < out.length; p++) {
    let s = 0;
    for (let k = 0; k < c; k++) {
      const d = x[p * c + k] - rec[p * c + k];
      s += d * d;
    }
    out[p] = Math.sqrt(s);
  }
  return out;
}

export function servedModel(name: string, det: DetectorPort, scoreBatch = 64): ServedModel {
  const shape = det.inputShape;
  const mapShape = shape.length === 1 ? shape.slice() : shape.slice(0, -1);
  return {
    name,
    kind: det.kind,
    variant: det.variant,
    inputShape: shape.slice(),
    threshold: det.threshold,
    mapShape,
    async run(x: Float32Array, n: number, withMaps: boolean): Promise<BatchOutput> {
      const scores = await det.score(new ArrayDataset(x, shape), Math.max(n, scoreBatch));
      if (!withMaps) return { scores };
      const rec = await det.reconstruct(x, n);
      return { scores, maps: errorMaps(x, rec, shape) };
    },
    dispose: () => det.dispose(),
  };
}
