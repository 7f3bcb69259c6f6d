// Loads a model directory saved by memae (model.json + weights.bin in the tfjs layers format, manifest.json)
// from a URL. Importing memae's model modules registers its custom layers (memory, batch norm, crop).
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '../../src/models/index.js';

export interface BrowserModel {
  inputShape: number[];
  threshold: number | null;
  variant: string;
  slots: number;
  /** reconstructions of a [n, H, W, C] batch */
  reconstruct(x: tf.Tensor): tf.Tensor;
}

interface ManifestPart {
  kind: string;
  variant: string;
  config: { inputShape: number[]; slots: number };
  threshold: { value: number } | null;
}

export async function loadBrowserModel(url: string): Promise<BrowserModel> {
  const base = url.endsWith('/') ? url : url + '/';
  const res = await fetch(base + 'manifest.json');
  if (!res.ok) throw new Error(`no model at ${base} (manifest.json: HTTP ${res.status})`);
  const m = (await res.json()) as ManifestPart;
  if (m.kind !== 'image') throw new Error(`this page scores images; the model at ${base} takes ${m.kind} data`);
  const net = await tfl.loadLayersModel(base + 'model.json');
  return {
    inputShape: m.config.inputShape,
    threshold: m.threshold?.value ?? null,
    variant: m.variant,
    slots: m.variant === 'ae' ? 0 : m.config.slots,
    reconstruct(x) {
      const o = net.predict(x) as tf.Tensor | tf.Tensor[];
      if (!Array.isArray(o)) return o;
      o.slice(1).forEach((t) => t.dispose());
      return o[0];
    },
  };
}
