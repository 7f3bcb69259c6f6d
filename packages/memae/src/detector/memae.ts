// The public detector: a PyOD-like surface over model building, training, scoring, thresholds and save/load.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { BackendChoice, initBackend } from '../backend/select.js';
import type { Dataset } from '../data/dataset.js';
import { UserError } from '../errors/user-error.js';
import { buildModel } from '../models/build.js';
import { ModelConfig, ModelOptions, resolveConfig } from '../models/config.js';
import { scoreModel, ScoreOptions, ScoreResult } from '../score/score.js';
import { percentileFromTable, quantileTable, scoreStats } from '../score/stats.js';
import { TRAIN_DEFAULTS } from '../train/defaults.js';
import { TrainOptions, TrainResult, trainModel } from '../train/trainer.js';
import type { Manifest, TrainingScoreStats } from '../io/manifest.js';
import { VERSION } from '../version.js';
import type { VideoPreprocessing } from '../preprocess/video.js';

export interface CreateOptions extends ModelOptions {
  /** tfjs backend: 'auto' (libtorch when available, else cpu), 'libtorch' or 'cpu' */
  backend?: BackendChoice;
  /** expected fraction of anomalies, used for the default threshold after fit (PyOD default 0.1) */
  contamination?: number;
  /** how the data were normalised (stored in the manifest for whoever scores new data) */
  normalization?: Record<string, unknown>;
  /** how raw inputs become model inputs, saved in the manifest (video: preprocess/video.ts) */
  preprocessing?: VideoPreprocessing;
}

export interface FitOptions extends TrainOptions {
  /** score the training set after training to set the threshold and store score statistics (default true) */
  scoreTraining?: boolean;
}

export type ThresholdRule = { contamination: number } | { percentile: number } | { value: number };

export interface TrainingSummary { samples: number; sampleShape: number[]; epochs: number; batchSize: number; learningRate: number; finalLoss: number | null; finalMse: number | null; finalEntropy: number | null; classes?: number[]; seconds: number }

function describeRule(r: ThresholdRule): string {
  if ('value' in r) return `value ${r.value}`;
  if ('contamination' in r) return `contamination ${r.contamination}`;
  return `percentile ${r.percentile}`;
}

export class MemAE {
  private thresholdValue: { value: number; rule: string } | undefined;
  private disposed = false;
  /** how raw inputs become model inputs (saved with the model; undefined for older models) */
  preprocessing: VideoPreprocessing | undefined;

  private constructor(
    readonly config: ModelConfig,
    private readonly net: tfl.LayersModel,
    private contamination: number,
    private normalization: Record<string, unknown> | null,
    private trainingSummary: TrainingSummary | null,
    private trainingScoreStats: TrainingScoreStats | null,
  ) {}

  /** Builds a fresh, untrained detector. */
  static async create(opts: CreateOptions): Promise<MemAE> {
    if (!opts || typeof opts !== 'object') throw new UserError('MemAE.create needs options: { kind, inputShape, ... }');
    const { backend, contamination, normalization, preprocessing, ...modelOpts } = opts;
    const c = contamination ?? 0.1;
    if (!(c > 0 && c < 0.5)) throw new UserError(`contamination must be in (0, 0.5), got ${c}`);
    const config = resolveConfig(modelOpts);
    await initBackend(backend);
    const det = new MemAE(config, buildModel(config), c, normalization ?? null, null, null);
    det.preprocessing = preprocessing;
    return det;
  }

  /** Loads a detector saved with save(); validates files, checksum and config. */
  static async load(dir: string, opts: { backend?: BackendChoice } = {}): Promise<MemAE> {
    await initBackend(opts.backend);
    const { loadModelDir } = await import('../io/model-dir.js');
    const { model, config, manifest } = await loadModelDir(dir);
    const det = new MemAE(config, model, 0.1, manifest.normalization, manifest.training, manifest.trainingScores);
    det.thresholdValue = manifest.threshold ?? undefined;
    det.preprocessing = manifest.preprocessing;
    return det;
  }

  /** The underlying tfjs model (outputs: reconstruction, and addressing weights when it has a memory). */
  get model(): tfl.LayersModel { this.alive(); return this.net; }
  get kind() { return this.config.kind; }
  get variant() { return this.config.variant; }
  /** decision threshold on scores (undefined before fit or setThreshold) */
  get threshold(): number | undefined { return this.thresholdValue?.value; }
  get training(): TrainingSummary | null { return this.trainingSummary; }
  get trainingScores(): TrainingScoreStats | null { return this.trainingScoreStats; }

  /** Trains on (mostly normal) data, then scores the training set to set the threshold. */
  async fit(data: Dataset, opts: FitOptions = {}): Promise<TrainResult> {
    this.alive();
    const t0 = performance.now();
    const d = TRAIN_DEFAULTS[this.config.kind];
    const res = await trainModel(this.net, this.config, data, opts);
    const last = res.history[res.history.length - 1];
    const classes = data.classes ? [...new Set(data.classes)].sort((a, b) => a - b) : undefined;
    this.trainingSummary = {
      samples: data.size, sampleShape: data.sampleShape.slice(), epochs: res.epochsDone,
      batchSize: opts.batchSize ?? d.batchSize, learningRate: opts.learningRate ?? d.learningRate,
      finalLoss: last?.loss ?? null, finalMse: last?.mse ?? null, finalEntropy: last?.entropy ?? null,
      ...(classes && classes.length <= 100 ? { classes } : {}),
      seconds: (performance.now() - t0) / 1000,
    };
    if (opts.scoreTraining !== false) {
      const scores = await this.score(data, { batchSize: opts.batchSize });
      this.trainingScoreStats = { ...scoreStats(scores), quantiles: quantileTable(scores) };
      this.setThreshold({ contamination: this.contamination });
    }
    return res;
  }

  /** Anomaly score per sample (reconstruction error; higher = more anomalous). */
  async score(data: Dataset, opts: { batchSize?: number } = {}): Promise<Float32Array> {
    return (await this.scoreDetailed(data, opts)).scores;
  }

  /** Scores plus, on request, reconstructions and per-pixel error maps. */
  async scoreDetailed(data: Dataset, opts: ScoreOptions = {}): Promise<ScoreResult> {
    this.alive();
    return scoreModel(this.net, this.config, data, opts);
  }

  /**
   * Sets the decision threshold: { contamination } or { percentile } of the training scores
   * (needs fit, or a loaded model that stored them), or a fixed { value }.
   */
  setThreshold(rule: ThresholdRule): number {
    let value: number;
    if ('value' in rule) {
      if (!Number.isFinite(rule.value)) throw new UserError(`threshold value must be a finite number, got ${rule.value}`);
      value = rule.value;
    } else {
      const t = this.trainingScoreStats;
      if (!t) throw new UserError('no training scores: call fit() first, or give a fixed { value }');
      if ('contamination' in rule) {
        if (!(rule.contamination > 0 && rule.contamination < 0.5)) throw new UserError(`contamination must be in (0, 0.5), got ${rule.contamination}`);
        value = percentileFromTable(t.quantiles, 100 * (1 - rule.contamination));
        this.contamination = rule.contamination;
      } else if ('percentile' in rule) {
        value = percentileFromTable(t.quantiles, rule.percentile);
      } else {
        throw new UserError('setThreshold needs { contamination }, { percentile } or { value }');
      }
    }
    this.thresholdValue = { value, rule: describeRule(rule) };
    return value;
  }

  /** 1 = anomaly (score above the threshold), 0 = normal. */
  async predict(data: Dataset): Promise<Uint8Array> {
    const t = this.threshold;
    if (t === undefined) throw new UserError('no threshold: call fit() or setThreshold() first');
    const s = await this.score(data);
    return Uint8Array.from(s, (v) => (v > t ? 1 : 0));
  }

  /** Saves model.json, weights.bin and manifest.json into `dir` (Node). */
  async save(dir: string): Promise<Manifest> {
    this.alive();
    const { saveModelDir } = await import('../io/model-dir.js');
    return saveModelDir(dir, this.net, {
      library: { name: 'memae', version: VERSION },
      kind: this.config.kind, variant: this.config.variant, config: this.config,
      normalization: this.normalization, training: this.trainingSummary, trainingScores: this.trainingScoreStats,
      threshold: this.thresholdValue ?? null,
      ...(this.preprocessing ? { preprocessing: this.preprocessing } : {}),
    });
  }

  /** Frees the model's tensors. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.net.dispose();
  }

  private alive(): void {
    if (this.disposed) throw new UserError('this detector was disposed');
  }
}

/** Number of live tfjs tensors (for leak checks). */
export const liveTensors = (): number => tf.memory().numTensors;
