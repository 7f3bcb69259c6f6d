// The code score in Node (score/code-index.ts has the index and the browser's path): the encoder's forward and the
// distances to the k nearest training codes recorded into one native inference plan (models/inference-plan.ts: batch
// norm folded into the convolutions; the index's codes a constant of the recording), so a batch-1 request is one
// native call as the reconstruction score is. Training scores (each image's own code left out) take the plain path.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Dataset } from '../data/dataset.js';
import type { ModelConfig } from '../models/config.js';
import { planOutputValues, releaseInferencePlan, type PlanTail } from '../models/inference-plan.js';
import { batchValues } from './score.js';
import { builtCodeModel, codeScores as plainCodeScores, codeModel, type CodeIndex, type CodeScoreOptions } from './code-index.js';
import { checkInputsFinite, checkScoresFinite } from './finite.js';
import { ascendingDistances } from './neighbours.js';

/** The index's codes as tensors, kept (outside any tidy) for the recordings that use them, and their tail. */
interface Held { codes: tf.Tensor2D; sq: tf.Tensor; tail: PlanTail }
const held = new WeakMap<CodeIndex, Held>();
let ids = 0;

function heldOf(index: CodeIndex): Held {
  let h = held.get(index);
  if (!h) {
    const codes = tf.keep(tf.tensor2d(index.codes, [index.rows, index.width]));
    const sq = tf.keep(tf.tidy(() => tf.sum(tf.square(codes), 1)));
    const k = Math.min(index.k, index.rows), n = index.width;
    const tail: PlanTail = {
      // one key per index: a recording freezes these codes
      key: `code-knn:${++ids}`,
      // the k nearest codes' distances (score/neighbours.ts, as the k-NN baseline's), their mean or the largest
      fn: (_x, [code]) => {
        const d = ascendingDistances(tf.reshape(code, [-1, n]) as tf.Tensor2D, codes, sq, k);
        return [index.method === 'mean' ? tf.mean(d, 1) : tf.reshape(tf.slice(d, [0, k - 1], [-1, 1]), [-1])];
      },
    };
    h = { codes, sq, tail };
    held.set(index, h);
  }
  return h;
}

/** Frees what scoring with `index` kept (its tensors and the encoder's plan); call when the network is disposed. */
export function releaseCodeScore(net: tfl.LayersModel, index: CodeIndex | null): void {
  const probe = builtCodeModel(net);
  if (probe) releaseInferencePlan(probe);
  const h = index ? held.get(index) : undefined;
  if (h) {
    tf.dispose([h.codes, h.sq]);
    held.delete(index!);
  }
}

/** Each sample's distance from its code to the index's k nearest training codes (score/code-index.ts). */
export async function codeScores(net: tfl.LayersModel, cfg: ModelConfig, index: CodeIndex, data: Dataset, opts: CodeScoreOptions = {}): Promise<Float32Array> {
  if (opts.self) return plainCodeScores(net, cfg, index, data, opts);
  const probe = codeModel(net, cfg), { tail } = heldOf(index);
  const per = cfg.inputShape.reduce((a, b) => a * b, 1), batch = opts.batchSize ?? 256;
  const scores = new Float32Array(data.size);
  for (let s = 0; s < data.size; s += batch) {
    const n = Math.min(batch, data.size - s);
    const values = batchValues(data, s, n);
    checkInputsFinite(values, per, s);
    const [d] = await planOutputValues(probe, values, [n, ...cfg.inputShape], tail);
    if (!opts.keepNonFinite) checkScoresFinite(d, s);
    scores.set(d, s);
  }
  return scores;
}
