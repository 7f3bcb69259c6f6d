// The image models' default score: how far an image's code (the encoder's output, what the memory is queried with)
// lies from the codes of the training images, as the mean distance to the k nearest of them (k = 5; models saved in
// manifest format 3 measure the distance to the 5th nearest, and keep doing so). A trained
// encoder maps images of the normal class close together and other images away from them, even where the decoder
// still reconstructs those well; on the validation parts of MNIST and Fashion-MNIST this beat the reconstruction
// error and the k-NN baseline on pixels on every seed (docs/accuracy.md "The code score"). The index keeps the
// training codes (at most CODE_INDEX_MAX_BYTES of them: a seeded subset of a larger set) and is saved with the
// model (io/code-file.ts). Node-free: the browser scores with it too.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Dataset } from '../data/dataset.js';
import { permutation } from '../data/random.js';
import type { ModelConfig } from '../models/config.js';
import { UserError } from '../errors/user-error.js';
import { checkInputsFinite, checkScoresFinite } from './finite.js';
import { neighbourDistances, type NeighbourMethod } from './neighbours.js';

export interface CodeIndex {
  /** how many nearest training codes the score measures */
  k: number;
  /** 'mean' (the default) or 'largest' (the k-th: manifest format 3) */
  method: NeighbourMethod;
  rows: number;
  /** values per code */
  width: number;
  /** rows x width, row-major */
  codes: Float32Array;
}

/** What the functions here read of a model's config (a manifest's config in the browser). */
type CodeConfig = Pick<ModelConfig, 'kind' | 'inputShape' | 'encoderChannels'>;

/** Neighbours the score measures (the k-NN baseline's default), and how: the mean of the 5 nearest beat the 5th
 *  alone on the validation splits of both datasets and both seeds (docs/accuracy.md "Which neighbours"). */
export const CODE_INDEX_K = 5;
export const CODE_INDEX_METHOD: NeighbourMethod = 'mean';
/** The most bytes of training codes an index keeps (a larger training set keeps a seeded subset of its codes). */
export const CODE_INDEX_MAX_BYTES = 32 * 2 ** 20;

// one probe model per network: shares the network's layers (never dispose it: that would free their weights)
const probes = new WeakMap<tfl.LayersModel, tfl.LayersModel>();

/** The encoder's output layer: the memory's query (image and video: after the last block's activation). */
const codeLayer = (cfg: CodeConfig): string => (cfg.kind === 'tabular' ? `enc${cfg.encoderChannels.length}` : `enc${cfg.encoderChannels.length}_act`);

/** The network's encoder as a model of its own (its code the output; the layers are the network's). */
export function codeModel(net: tfl.LayersModel, cfg: CodeConfig): tfl.LayersModel {
  let p = probes.get(net);
  if (!p) {
    p = tfl.model({ inputs: net.inputs, outputs: net.getLayer(codeLayer(cfg)).output as tfl.SymbolicTensor });
    probes.set(net, p);
  }
  return p;
}

/** The encoder model codeModel built for `net` (undefined when none was). */
export const builtCodeModel = (net: tfl.LayersModel): tfl.LayersModel | undefined => probes.get(net);

/** Values in one code of the network. */
export function codeWidth(net: tfl.LayersModel, cfg: CodeConfig): number {
  return (codeModel(net, cfg).outputs[0].shape.slice(1) as number[]).reduce((a, b) => a * b, 1);
}

/** The codes of `n` samples (row-major values of the model's input shape), in batches. */
export function codesOf(net: tfl.LayersModel, cfg: CodeConfig, values: Float32Array, n: number, batchSize: number): Float32Array {
  const p = codeModel(net, cfg), per = cfg.inputShape.reduce((a, b) => a * b, 1), width = codeWidth(net, cfg);
  const out = new Float32Array(n * width);
  for (let s = 0; s < n; s += batchSize) {
    const m = Math.min(batchSize, n - s);
    const c = tf.tidy(() => p.apply(tf.tensor(values.subarray(s * per, (s + m) * per), [m, ...cfg.inputShape]), { training: false }) as tf.Tensor);
    out.set(c.dataSync() as Float32Array, s * width);
    c.dispose();
  }
  return out;
}

const indices = (s: number, n: number): number[] => Array.from({ length: n }, (_, i) => s + i);

/** Which of `size` training samples an index keeps (all, or a seeded subset when their codes exceed the cap). */
export function indexedRows(size: number, width: number, seed: number): Uint8Array {
  const keep = Math.min(size, Math.max(CODE_INDEX_K + 1, Math.floor(CODE_INDEX_MAX_BYTES / (4 * width))));
  const mask = new Uint8Array(size);
  if (keep === size) mask.fill(1);
  else for (const i of permutation(size, seed).subarray(0, keep)) mask[i] = 1;
  return mask;
}

/** The index of a trained network's training codes (`seed` picks the subset when the set is over the cap). */
export function fitCodeIndex(net: tfl.LayersModel, cfg: CodeConfig, data: Dataset, seed: number, batchSize = 256): CodeIndex {
  const width = codeWidth(net, cfg), mask = indexedRows(data.size, width, seed);
  const rows = mask.reduce((a, v) => a + v, 0);
  const codes = new Float32Array(rows * width);
  let r = 0;
  for (let s = 0; s < data.size; s += 4096) {
    const idx = indices(s, Math.min(4096, data.size - s)).filter((i) => mask[i]);
    if (!idx.length) continue;
    codes.set(codesOf(net, cfg, data.gather(idx), idx.length, batchSize), r * width);
    r += idx.length;
  }
  return { k: CODE_INDEX_K, method: CODE_INDEX_METHOD, rows, width, codes };
}

export interface CodeScoreOptions {
  batchSize?: number;
  keepNonFinite?: boolean;
  /** the samples are the index's training set in order, `self[i]` = 1 where sample i is in the index: its own code
   *  is left out of its score (the training scores, as the k-NN baseline's) */
  self?: Uint8Array;
}

/** Each sample's distance from its code to the index's k nearest training codes (their mean, or the k-th). */
export function codeScores(net: tfl.LayersModel, cfg: CodeConfig, index: CodeIndex, data: Dataset, opts: CodeScoreOptions = {}): Float32Array {
  const chunk = Math.max(opts.batchSize ?? 256, 1024);
  const scores = new Float32Array(data.size);
  for (let s = 0; s < data.size; s += chunk) {
    const n = Math.min(chunk, data.size - s);
    scores.set(codeScoresOf(net, cfg, index, data.gather(indices(s, n)), n, { ...opts, self: opts.self?.subarray(s, s + n), first: s }), s);
  }
  return scores;
}

/** The same for `n` samples given as one flat array (the browser's input); `first`: their position, for messages. */
export function codeScoresOf(net: tfl.LayersModel, cfg: CodeConfig, index: CodeIndex, values: Float32Array, n: number, opts: CodeScoreOptions & { first?: number } = {}): Float32Array {
  const per = cfg.inputShape.reduce((a, b) => a * b, 1), first = opts.first ?? 0;
  checkInputsFinite(values, per, first);
  const codes = codesOf(net, cfg, values, n, opts.batchSize ?? 256);
  const d = neighbourDistances(index.codes, index.rows, index.width, codes, n, { k: index.k, method: index.method, skipSelf: opts.self });
  if (!opts.keepNonFinite) checkScoresFinite(d, first);
  return d;
}

/** The shape a manifest gives a saved index (io/manifest.ts `codeScore`). */
export interface CodeIndexShape { k: number; method?: NeighbourMethod; rows: number; width: number; bytes: number }

/** The shape a manifest gives an index, against the network's code width (before anything is read). */
export function checkCodeIndexShape(e: CodeIndexShape, width: number, where: string): void {
  if (e.width !== width) throw new UserError(`${where}: the code index has codes of ${e.width} values, the model's code has ${width}`);
  if (e.bytes !== e.rows * e.width * 4) throw new UserError(`${where}: manifest.json's codeScore promises ${e.bytes} bytes for ${e.rows} x ${e.width} float32 codes (${e.rows * e.width * 4})`);
}

/** A saved index's bytes as an index, checked against the shape its manifest gives and the network's code width
 *  (the caller checks the sha256: node:crypto in Node, SubtleCrypto in the browser). */
export function codeIndexFromBytes(bytes: Uint8Array, e: CodeIndexShape, width: number, where: string): CodeIndex {
  checkCodeIndexShape(e, width, where);
  if (bytes.byteLength !== e.bytes) throw new UserError(`${where}: ${bytes.byteLength} bytes, not the ${e.rows} x ${e.width} float32 codes manifest.json lists`);
  const codes = new Float32Array(new Uint8Array(bytes).buffer); // an aligned copy of exactly these bytes (a Node Buffer may be a view into a pool)
  if (!codes.every(Number.isFinite)) throw new UserError(`${where}: the code index holds non-finite values`);
  return { k: e.k, method: e.method ?? 'largest', rows: e.rows, width: e.width, codes };
}
