// Loads a model directory saved by memae (model.json + weights.bin in the tfjs layers format, manifest.json)
// from a URL, with the preprocessing saved in its manifest. Importing memae's model modules registers its custom
// layers (memory, batch norm, crop).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '../../src/models/index.js';
import type { Preprocessing } from '../../src/preprocess/index.js';

export interface BrowserModel {
  kind: string;
  inputShape: number[];
  threshold: number | null;
  variant: string;
  slots: number;
  /** the saved preprocessing (null for models saved before it existed: images then map to [-1, 1]) */
  preprocessing: Preprocessing | null;
  /** reconstructions of a [n, ...inputShape] batch */
  reconstruct(x: tf.Tensor): tf.Tensor;
  /** anomaly scores (mean squared reconstruction error) of `n` samples concatenated in `x` */
  score(x: Float32Array, n: number): Float32Array;
}

interface ManifestPart {
  kind: string;
  variant: string;
  config: { inputShape: number[]; slots: number };
  threshold: { value: number } | null;
  preprocessing?: Preprocessing;
}

/** Maps an image sample in [-1, 1] (pixels.ts) to the pixel range the model was trained with. */
export function toModelRange(model: BrowserModel, x: Float32Array): Float32Array {
  if (model.preprocessing?.kind !== 'image') return x;
  const [lo, hi] = model.preprocessing.range;
  if (lo === -1 && hi === 1) return x;
  return x.map((v) => lo + ((hi - lo) * (v + 1)) / 2);
}

export async function loadBrowserModel(url: string): Promise<BrowserModel> {
  const base = url.endsWith('/') ? url : url + '/';
  const res = await fetch(base + 'manifest.json');
  if (!res.ok) throw new Error(`no model at ${base} (manifest.json: HTTP ${res.status})`);
  const m = (await res.json()) as ManifestPart;
  if (m.kind !== 'image' && !(m.kind === 'tabular' && m.preprocessing?.kind === 'tabular')) {
    throw new Error(`this page scores images, and table rows with a saved preprocessing; the model at ${base} takes ${m.kind} data${m.kind === 'tabular' ? ' without one' : ''}`);
  }
  const net = await tfl.loadLayersModel(base + 'model.json');
  const reconstruct = (x: tf.Tensor): tf.Tensor => {
    const o = net.predict(x) as tf.Tensor | tf.Tensor[];
    if (!Array.isArray(o)) return o;
    o.slice(1).forEach((t) => t.dispose());
    return o[0];
  };
  const shape = m.config.inputShape;
  return {
    kind: m.kind,
    inputShape: shape,
    threshold: m.threshold?.value ?? null,
    variant: m.variant,
    slots: m.variant === 'ae' ? 0 : m.config.slots,
    preprocessing: m.preprocessing ?? null,
    reconstruct,
    score(x, n) {
      return tf.tidy(() => {
        const t = tf.tensor(x, [n, ...shape]);
        const axes = shape.map((_, i) => i + 1);
        return tf.mean(tf.squaredDifference(t, reconstruct(t)), axes).dataSync() as Float32Array;
      });
    },
  };
}
