// Code-to-memory distance of a tabular MemAE: how far a row's code z (the encoder's output, the memory's query)
// lies from what the memory reads back for it, z_hat = w M. Rows unlike the normal patterns the memory holds sit
// far from every slot even when the decoder still reconstructs them well. Score = mean over code units of
// (z - z_hat)^2.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ModelConfig } from '../models/config.js';
import { usesMemory } from '../models/config.js';

// one probe model per network: shares the network's layers (never dispose it: that would free their weights)
const probes = new WeakMap<tfl.LayersModel, tfl.LayersModel>();

function probe(net: tfl.LayersModel, cfg: ModelConfig): tfl.LayersModel {
  let p = probes.get(net);
  if (!p) {
    const code = net.getLayer(`enc${cfg.encoderChannels.length}`).output as tfl.SymbolicTensor;
    const read = (net.getLayer('memory').output as tfl.SymbolicTensor[])[0];
    p = tfl.model({ inputs: net.inputs, outputs: [code, read] });
    probes.set(net, p);
  }
  return p;
}

/** Code-to-memory distance of each of `rows` tabular rows (row-major `values`), in batches. */
export async function codeDistances(net: tfl.LayersModel, cfg: ModelConfig, values: Float32Array, rows: number, batchSize = 1024): Promise<Float32Array> {
  if (cfg.kind !== 'tabular' || !usesMemory(cfg) || cfg.hashMemory) throw new Error('code distances need a tabular model with a softmax memory');
  const f = cfg.inputShape[0];
  const p = probe(net, cfg);
  const out = new Float32Array(rows);
  for (let s = 0; s < rows; s += batchSize) {
    const n = Math.min(batchSize, rows - s);
    const d = tf.tidy(() => {
      const [z, zHat] = p.apply(tf.tensor2d(values.subarray(s * f, (s + n) * f), [n, f]), { training: false }) as tf.Tensor[];
      return tf.mean(tf.squaredDifference(z, zHat), 1);
    });
    out.set(await d.data() as Float32Array, s);
    d.dispose();
  }
  return out;
}
