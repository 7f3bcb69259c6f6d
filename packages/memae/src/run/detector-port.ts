// The one place the CLI, the service and the run writer meet the model API (MemAE in ../index.ts).
// Everything else in cli/, serve/ and run/ talks to this small interface.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ArrayDataset, type Dataset } from '../data/dataset.js';
import { MemAE } from '../index.js';
import type { DataKind, MemoryQuery, Variant } from '../models/config.js';
import type { Preprocessing } from '../preprocess/index.js';
import type { ParallelStep } from '../train/parallel.js';
import { mapShapeOf } from '../score/error-map.js';

// the model config's types, so the CLI's choices cannot drift from what the model builds
export type Kind = DataKind;
export type { Variant };

export interface FitProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  reconstruction?: number;
  entropy?: number;
  samplesPerSec?: number;
  /** seed ensembles: the network being trained (1-based) of `networks` */
  network?: number;
  networks?: number;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  reconstruction?: number;
  entropy?: number;
  seconds?: number;
  samplesPerSec?: number;
}

export interface CreateOptions {
  kind: Kind;
  variant: Variant;
  inputShape: number[];
  slots?: number;
  shrinkThreshold?: number;
  entropyWeight?: number;
  /** image models: one memory query per latent position ('location') or per sample ('code', the default) */
  memoryQuery?: MemoryQuery;
  /** MAMA Net parts (image and video models, attention images only; default on for 'mama') */
  attention?: boolean;
  hashMemory?: boolean;
  wassersteinWeight?: number;
  seed?: number;
  /** what raw inputs go through (saved with the model) */
  preprocessing?: Preprocessing;
  /** encoder widths (default: the kind's) */
  encoderChannels?: number[];
  /** tables: networks from different seeds, scores averaged (default: the kind's) */
  ensemble?: number;
}

export interface FitOptions {
  /** undefined: the library's budget for the kind and data size (train/defaults.ts) */
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** robust training (train/defaults.ts): trimmed loss, denoising noise, refit without the top-scored samples */
  trimFraction?: number;
  inputNoise?: number;
  refitFraction?: number;
  /** tables: standardised per-feature residuals as the score (default true for tables) */
  residualScore?: boolean;
  /** images: the code score (default true for images) */
  codeScore?: boolean;
  seed?: number;
  onProgress?: (p: FitProgress) => void;
  /** data-parallel training (distributed/) */
  parallel?: ParallelStep;
  /** with parallel: batch norm over the global batch */
  syncBatchNorm?: boolean;
}

export interface ScoredBatch {
  scores: Float32Array;
  /** per-sample error maps (errorMapShape each), when asked for */
  maps?: Float32Array;
}

export interface DetectorPort {
  readonly kind: Kind;
  readonly variant: string;
  readonly inputShape: number[];
  /** score above which a sample is an anomaly (null when not calibrated) */
  readonly threshold: number | null;
  /** memory slots (0 for the plain autoencoder) */
  readonly slots: number;
  /** networks whose scores are averaged (1, or an ensemble's members) */
  readonly members: number;
  /** the saved preprocessing (null: a model saved before it existed) */
  readonly preprocessing: Preprocessing | null;
  /** one error map's shape: [H, W] images, [T, H, W] clips, [F] rows */
  readonly errorMapShape: number[];
  fit(ds: Dataset, o: FitOptions): Promise<EpochRecord[]>;
  /** per-sample anomaly scores (the model's score: reconstruction, code distance or clip score) */
  score(ds: Dataset, batchSize?: number): Promise<Float32Array>;
  /** scores of `n` samples concatenated in `x`, with error maps when asked (one forward pass) */
  /** `keepNonFinite`: non-finite scores returned as they are (the service checks each request's own) */
  scoreArray(x: Float32Array, n: number, errorMaps: boolean, keepNonFinite?: boolean): Promise<ScoredBatch>;
  /** reconstructions of `n` samples concatenated in `x` */
  reconstruct(x: Float32Array, n: number): Promise<Float32Array>;
  /** each memory slot decoded to a sample ([slots, ...inputShape] concatenated), or null without memory */
  decodeMemory(): Promise<Float32Array | null>;
  save(dir: string): Promise<void>;
  describe(): Record<string, unknown>;
  dispose(): void;
}

/**
 * The decoder applied to every memory slot: a whole-code slot as it is; a per-location slot as a constant code map
 * (its C values at every position of the latent map). Then the layers after the memory layer (the decoder is a chain).
 */
function decodeMemorySlots(net: tfl.LayersModel): tf.Tensor | null {
  const idx = net.layers.findIndex((l) => l.name === 'memory');
  if (idx < 0) return null;
  const mem = net.layers[idx];
  const items = mem.getWeights()[0]; // [N, C]
  const outShape = (Array.isArray(mem.outputShape[0]) ? mem.outputShape[0] : mem.outputShape) as (number | null)[];
  const spatial = outShape.slice(1, -1) as number[];
  return tf.tidy(() => {
    const [n, c] = items.shape;
    let x: tf.Tensor = tf.reshape(items, [n, ...spatial.map(() => 1), c]);
    x = tf.tile(x, [1, ...spatial, 1]);
    for (const layer of net.layers.slice(idx + 1)) x = layer.apply(x, { training: false }) as tf.Tensor;
    return x;
  });
}

class MemAEPort implements DetectorPort {
  constructor(private readonly det: MemAE) {}

  get kind(): Kind {
    return this.det.kind;
  }
  get variant(): string {
    return this.det.variant;
  }
  get inputShape(): number[] {
    return this.det.config.inputShape.slice();
  }
  get threshold(): number | null {
    return this.det.threshold ?? null;
  }
  get preprocessing(): Preprocessing | null {
    return this.det.preprocessing;
  }
  get slots(): number {
    return this.det.variant === 'ae' ? 0 : this.det.config.slots;
  }
  get members(): number {
    return this.det.members;
  }
  get errorMapShape(): number[] {
    return mapShapeOf(this.kind, this.inputShape);
  }

  async fit(ds: Dataset, o: FitOptions): Promise<EpochRecord[]> {
    const r = await this.det.fit(ds, {
      epochs: o.epochs,
      batchSize: o.batchSize,
      learningRate: o.learningRate,
      trimFraction: o.trimFraction,
      inputNoise: o.inputNoise,
      refitFraction: o.refitFraction,
      residualScore: o.residualScore,
      codeScore: o.codeScore,
      seed: o.seed,
      parallel: o.parallel,
      syncBatchNorm: o.syncBatchNorm,
      progressBar: false,
      onProgress: o.onProgress
        ? (e) => o.onProgress!({ epoch: e.epoch, epochs: e.epochs, batch: e.batch, batches: e.batches, loss: e.loss, reconstruction: e.mse, entropy: e.entropy, samplesPerSec: e.samplesPerSec, network: e.network, networks: e.networks })
        : undefined,
    });
    return r.history.map((h) => ({ epoch: h.epoch, loss: h.loss, reconstruction: h.mse, entropy: h.entropy, seconds: h.seconds, samplesPerSec: h.samplesPerSec }));
  }

  score(ds: Dataset, batchSize?: number): Promise<Float32Array> {
    return this.det.score(ds, { batchSize });
  }

  async scoreArray(x: Float32Array, n: number, errorMaps: boolean, keepNonFinite = false): Promise<ScoredBatch> {
    const r = await this.det.scoreDetailed(new ArrayDataset(x, this.inputShape), { batchSize: Math.max(1, n), errorMaps, keepNonFinite });
    return { scores: r.scores, maps: r.errorMaps };
  }

  async reconstruct(x: Float32Array, n: number): Promise<Float32Array> {
    const r = await this.det.scoreDetailed(new ArrayDataset(x, this.inputShape), { batchSize: Math.max(1, n), reconstructions: true });
    return r.reconstructions!;
  }

  async decodeMemory(): Promise<Float32Array | null> {
    const t = decodeMemorySlots(this.det.model);
    if (!t) return null;
    const v = (await t.data()) as Float32Array;
    t.dispose();
    return v;
  }

  async save(dir: string): Promise<void> {
    await this.det.save(dir);
  }

  describe(): Record<string, unknown> {
    const c = this.det.config;
    return {
      kind: c.kind, variant: c.variant, inputShape: c.inputShape, slots: this.slots, encoderChannels: c.encoderChannels,
      shrinkThreshold: c.shrinkThreshold, entropyWeight: c.entropyWeight, similarity: c.similarity, memoryQuery: c.memoryQuery,
      attention: c.attention, hashMemory: c.hashMemory, wassersteinWeight: c.wassersteinWeight, ensemble: this.members, score: this.det.scoreDescription, threshold: this.threshold,
      training: this.det.training, backend: tf.getBackend(),
    };
  }

  dispose(): void {
    this.det.dispose();
  }
}

export async function createDetector(o: CreateOptions): Promise<DetectorPort> {
  return new MemAEPort(await MemAE.create(o));
}

export async function loadDetector(dir: string): Promise<DetectorPort> {
  return new MemAEPort(await MemAE.load(dir));
}
