// The public detector: MemAE / AE / MAMA Net behind the one Detector contract (base.ts): model building,
// training, scoring and save/load here; thresholds, probabilities and confidence in BaseDetector.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { BackendChoice, initBackend } from '../backend/select.js';
import type { Dataset } from '../data/dataset.js';
import { UserError } from '../errors/user-error.js';
import { buildModel } from '../models/build.js';
import { ModelConfig, ModelOptions, resolveConfig } from '../models/config.js';
import { scoreModel, ScoreOptions, ScoreResult } from '../score/score.js';
import { quantileTable, scoreStats } from '../score/stats.js';
import { checkContamination } from '../metrics/threshold.js';
import { BaseDetector, type ThresholdRule } from './base.js';
import { toDataset, type DetectorInput } from './input.js';
import { ScoreDistribution } from './score-distribution.js';
import type { TrainOptions, TrainResult } from '../train/trainer.js';
import { TRAIN_DEFAULTS } from '../train/defaults.js';
import { trainWithRefit } from './refit.js';
import { fitResidualScale } from '../score/residual-fit.js';
import type { ResidualScale } from '../score/residual-scale.js';
import { codeWidth, fitCodeIndex, indexedRows, type CodeIndex } from '../score/code-index.js';
import { codeScores, releaseCodeScore } from '../score/code-score.js';
import type { Manifest, TrainingScoreStats } from '../io/manifest.js';
import type { Preprocessing } from '../preprocess/index.js';
import { videoPreprocessingFor } from '../preprocess/video.js';
import { fitVideoScore, scoreVideoClips } from '../score/video-score.js';
import type { VideoChannel } from '../score/video-channels.js';
import { VERSION } from '../version.js';
import { checkEnsemble, meanOfResults, memberDir, memberSeed, sameArchitecture, type Member } from './ensemble.js';

export interface CreateOptions extends ModelOptions {
  /** tfjs backend: 'auto' (libtorch when available, else cpu), 'libtorch' or 'cpu' */
  backend?: BackendChoice;
  /** expected fraction of anomalies, used for the default threshold after fit (PyOD default 0.1) */
  contamination?: number;
  /** how the data were normalised (stored in the manifest for whoever scores new data) */
  normalization?: Record<string, unknown>;
  /** the preprocessing raw inputs go through (saved in the manifest; see preprocess/) */
  preprocessing?: Preprocessing;
  /** tables: train this many networks from different seeds and score with the mean of their scores (default 3
   *  for tables; 1 is one network; checkpointed or data-parallel training makes one network unless this is given;
   *  detector/ensemble.ts) */
  ensemble?: number;
}

export interface FitOptions extends TrainOptions {
  /** score the training set after training to set the threshold and store score statistics (default true) */
  scoreTraining?: boolean;
  /** video models: the clip score's channel weights (default DEFAULT_VIDEO_SCORE_WEIGHTS), or 'official' for the
   *  plain reconstruction error; statistics come from `validation` when given, else from the training clips */
  videoScore?: Partial<Record<VideoChannel, number>> | 'official';
  /** train a second time, from the same initial weights, without this fraction [0, 0.5) of the training samples
   *  the first model scored highest (default: the kind's, train/defaults.ts; see detector/refit.ts) */
  refitFraction?: number;
  /** tables: score each feature's residual standardised by the training rows' median and MAD (default: the kind's,
   *  train/defaults.ts; see score/residual-scale.ts); false: the plain mean squared error */
  residualScore?: boolean;
  /** images: score by the mean distance from an image's code to the 5 nearest training images' codes (default for
   *  images, train/defaults.ts; see score/code-index.ts); false: the mean squared reconstruction error */
  codeScore?: boolean;
}

export type { ThresholdRule };

export interface TrainingSummary {
  samples: number; sampleShape: number[]; epochs: number; batchSize: number; learningRate: number; finalLoss: number | null; finalMse: number | null; finalEntropy: number | null; classes?: number[]; seconds: number;
  /** the robust-training options the model was trained with (absent in models saved before they were recorded) */
  robust?: RobustTraining;
}
/** Robust-training options (train/defaults.ts), recorded with the model so a run can be told apart and repeated. */
export interface RobustTraining { trimFraction: number; inputNoise: number; refitFraction: number }

export class MemAE extends BaseDetector<FitOptions, TrainResult> {
  readonly name = 'memae';
  private disposed = false;
  /** the preprocessing saved with the model (null for models saved before it existed) */
  preprocessing: Preprocessing | null = null;
  /** tables: the residual statistics the score standardises by (null: the plain mean squared error) */
  private residualScale: ResidualScale | null = null;
  /** images: the training codes the score measures distances to (null: the reconstruction error) */
  private codeIndex: CodeIndex | null = null;
  /** an ensemble's members after the first (this.net, this.config, this.residualScale); empty for one network */
  private others: Member[] = [];
  /** the ensemble size came from the kind's default, not from the caller (see fit: checkpoint / parallel) */
  private ensembleDefaulted = false;

  private constructor(
    readonly config: ModelConfig,
    private readonly net: tfl.LayersModel,
    contamination: number,
    private normalization: Record<string, unknown> | null,
    private trainingSummary: TrainingSummary | null,
    private trainingScoreStats: TrainingScoreStats | null,
  ) {
    super(contamination);
  }

  /** Builds a fresh, untrained detector. */
  static async create(opts: CreateOptions): Promise<MemAE> {
    if (!opts || typeof opts !== 'object') throw new UserError('MemAE.create needs options: { kind, inputShape, ... }');
    const { backend, contamination, normalization, preprocessing, ensemble, ...modelOpts } = opts;
    const c = checkContamination(contamination ?? 0.1);
    const config = resolveConfig(modelOpts);
    const k = checkEnsemble(ensemble ?? TRAIN_DEFAULTS[config.kind].ensemble, config.kind);
    await initBackend(backend);
    const det = new MemAE(config, buildModel(config), c, normalization ?? null, null, null);
    det.preprocessing = preprocessing ?? null;
    det.ensembleDefaulted = ensemble === undefined;
    for (let e = 1; e < k; e++) {
      const mc = resolveConfig({ ...modelOpts, seed: memberSeed(config.seed, e) });
      det.others.push({ config: mc, net: buildModel(mc), residualScale: null, codeIndex: null });
    }
    return det;
  }

  /** Loads a detector saved with save(); validates files, checksum and config. */
  static async load(dir: string, opts: { backend?: BackendChoice } = {}): Promise<MemAE> {
    await initBackend(opts.backend);
    const { loadModelDir } = await import('../io/model-dir.js');
    const { model, config, manifest } = await loadModelDir(dir);
    const det = new MemAE(config, model, 0.1, manifest.normalization, manifest.training, manifest.trainingScores);
    det.thresholdState = manifest.threshold ?? undefined;
    const t = manifest.trainingScores;
    if (t) det.trainDist = ScoreDistribution.fromQuantiles(t, t.quantiles);
    det.preprocessing = manifest.preprocessing ?? null;
    const rs = manifest.tabularScore;
    if (rs && (config.kind !== 'tabular' || rs.center.length !== config.inputShape[0])) {
      det.dispose();
      throw new UserError(`${dir}: manifest tabularScore has ${rs.center.length} features, the model takes ${config.kind} input [${config.inputShape}]`);
    }
    det.residualScale = rs ?? null;
    try {
      det.codeIndex = await codeIndexOf(dir, manifest, model, config);
      await det.loadMembers(dir, manifest, loadModelDir);
    } catch (e) {
      det.dispose();
      throw e;
    }
    return det;
  }

  /** An ensemble's members 1..k-1 from members/<e>/, each checked against the checksum the first one lists. */
  private async loadMembers(dir: string, manifest: Manifest, loadModelDir: typeof import('../io/model-dir.js').loadModelDir): Promise<void> {
    const ens = manifest.ensemble;
    if (!ens) return;
    const { join } = await import('node:path');
    const { resolveInside } = await import('../io/guarded-read.js');
    const { MANIFEST_FILE } = await import('../io/manifest.js');
    for (let e = 1; e < ens.members; e++) {
      const sub = join(dir, memberDir(e));
      resolveInside(dir, memberDir(e), join(dir, MANIFEST_FILE)); // inside the model folder, symlinks included
      const m = await loadModelDir(sub);
      const member: Member = { config: m.config, net: m.model, residualScale: m.manifest.tabularScore ?? null, codeIndex: null };
      this.others.push(member);
      member.codeIndex = await codeIndexOf(sub, m.manifest, m.model, m.config);
      if (m.manifest.contentSha256 !== ens.memberSha256[e - 1]) throw new UserError(`${sub}: this member's manifest is not the one ${dir}'s manifest lists (replaced or edited)`);
      if (!sameArchitecture(m.config, this.config)) throw new UserError(`${sub}: this member's model differs from the first member's`);
      if (!member.residualScale !== !this.residualScale) throw new UserError(`${sub}: this member's tabularScore disagrees with the first member's`);
      if (!member.codeIndex !== !this.codeIndex) throw new UserError(`${sub}: this member's codeScore disagrees with the first member's`);
    }
  }

  /** Networks in the model: 1, or an ensemble's members (detector/ensemble.ts). */
  get members(): number { return 1 + this.others.length; }

  /** The underlying tfjs model (outputs: reconstruction, and addressing weights when it has a memory). */
  get model(): tfl.LayersModel { this.alive(); return this.net; }
  get kind() { return this.config.kind; }
  get variant() { return this.config.variant; }
  get training(): TrainingSummary | null { return this.trainingSummary; }
  get trainingScores(): TrainingScoreStats | null { return this.trainingScoreStats; }

  /**
   * Trains on (mostly normal) data, then scores the training set to set the threshold. The batch order follows
   * the model's `seed` unless `opts.seed` is given (which changes the batch order only, never the weights).
   */
  override async fit(x: DetectorInput, opts: FitOptions = {}): Promise<TrainResult> {
    this.alive();
    const t0 = performance.now();
    const data = toDataset(x, this.config.inputShape, 'training data');
    const residual = this.residualScoreOf(opts);
    const code = this.codeScoreOf(opts);
    if (this.others.length && (opts.checkpoint || opts.parallel)) {
      // checkpointed and data-parallel training make one network: the default ensemble gives way, an asked-for one is refused
      if (!this.ensembleDefaulted) throw new UserError('an ensemble cannot be trained with checkpoint or parallel training: create it with ensemble: 1');
      for (const m of this.others.splice(0)) m.net.dispose();
    }
    // an ensemble reports its members' training as one run of k times the epochs (one progress bar)
    const k = this.members, report = opts.onProgress;
    const progress = (e: number): FitOptions['onProgress'] => (report && k > 1 ? (p) => report({ ...p, epoch: p.epoch + e * p.epochs, epochs: p.epochs * k, network: e + 1, networks: k }) : report);
    const res = await this.fitDataset(data, { ...opts, onProgress: progress(0) });
    this.residualScale = residual ? await fitResidualScale(this.net, this.config, data) : null;
    releaseCodeScore(this.net, this.codeIndex);
    this.codeIndex = code ? fitCodeIndex(this.net, this.config, data, this.config.seed) : null;
    for (const [i, m] of this.others.entries()) {
      // the same rows and budget, each member's own seed (weights and, unless opts.seed is given, batch order)
      const seed = opts.seed === undefined ? undefined : memberSeed(opts.seed, i + 1);
      await trainWithRefit(m.net, m.config, data, { ...opts, seed, onProgress: progress(i + 1) }, this.trainingSummary?.robust?.refitFraction ?? 0, residual);
      m.residualScale = residual ? await fitResidualScale(m.net, m.config, data) : null;
      releaseCodeScore(m.net, m.codeIndex);
      m.codeIndex = code ? fitCodeIndex(m.net, m.config, data, this.config.seed) : null;
    }
    if (this.trainingSummary && this.others.length) this.trainingSummary.seconds = (performance.now() - t0) / 1000;
    if (this.config.kind === 'video') {
      const spec = { ...videoPreprocessingFor(this.config.inputShape, this.preprocessing) };
      delete spec.score; // a refit makes a new score spec
      const score = opts.videoScore === 'official' ? undefined : await fitVideoScore(this.net, this.config, opts.validation ?? data, opts.videoScore);
      this.preprocessing = score ? { ...spec, score } : spec;
    }
    if (opts.scoreTraining !== false) {
      // a code score leaves each training image's own code out of its score (as the k-NN baseline's training scores)
      const self = this.codeIndex ? indexedRows(data.size, this.codeIndex.width, this.config.seed) : undefined;
      const scores = (await this.scoreData(data, { batchSize: opts.batchSize }, self)).scores;
      this.trainingScoreStats = { ...scoreStats(scores), quantiles: quantileTable(scores) };
      this.setTrainingScores(scores);
    }
    return res;
  }

  protected sampleShape(): number[] { return this.config.inputShape; }

  /** Whether fit keeps the training codes to score images by (the option, else the kind's default). */
  private codeScoreOf(opts: FitOptions): boolean {
    const code = opts.codeScore ?? TRAIN_DEFAULTS[this.config.kind].codeScore;
    if (code && this.config.kind !== 'image') throw new UserError('codeScore is for image models only');
    return code;
  }

  /** Whether fit standardises tabular residuals (the option, else the kind's default); checked before training. */
  private residualScoreOf(opts: FitOptions): boolean {
    const residual = opts.residualScore ?? TRAIN_DEFAULTS[this.config.kind].residualScore;
    if (residual && this.config.kind !== 'tabular') throw new UserError('residualScore is for tabular models only');
    return residual;
  }

  protected async fitDataset(data: Dataset, opts: FitOptions): Promise<TrainResult> {
    const t0 = performance.now();
    const d = TRAIN_DEFAULTS[this.config.kind];
    const robust: RobustTraining = { trimFraction: opts.trimFraction ?? d.trimFraction, inputNoise: opts.inputNoise ?? d.inputNoise, refitFraction: opts.refitFraction ?? d.refitFraction };
    const res = await trainWithRefit(this.net, this.config, data, opts, robust.refitFraction, this.residualScoreOf(opts));
    const last = res.history[res.history.length - 1];
    const classes = data.classes ? [...new Set(data.classes)].sort((a, b) => a - b) : undefined;
    this.trainingSummary = {
      samples: data.size, sampleShape: data.sampleShape.slice(), epochs: res.epochsDone,
      batchSize: res.batchSize, learningRate: res.learningRate,
      finalLoss: last?.loss ?? null, finalMse: last?.mse ?? null, finalEntropy: last?.entropy ?? null,
      ...(classes && classes.length <= 100 ? { classes } : {}),
      seconds: (performance.now() - t0) / 1000,
      robust,
    };
    return res;
  }

  protected async scoreDataset(data: Dataset): Promise<Float32Array> {
    return (await this.scoreDetailed(data)).scores;
  }

  /** Anomaly score per sample (higher = more anomalous): images the code distance (or reconstruction error), tables the standardised residual, video the clip score; the same as decisionFunction. */
  async score(x: DetectorInput, opts: { batchSize?: number } = {}): Promise<Float32Array> {
    return (await this.scoreDetailed(x, opts)).scores;
  }

  /** Scores plus, on request, reconstructions and per-pixel error maps. */
  async scoreDetailed(x: DetectorInput, opts: ScoreOptions = {}): Promise<ScoreResult> {
    this.alive();
    return this.scoreData(toDataset(x, this.config.inputShape, 'scoring data'), opts);
  }

  /** scoreDetailed on a dataset; `self` (fit's training scores): 1 for the samples whose codes are in the code index,
   *  each left out of its own score */
  private async scoreData(data: Dataset, opts: ScoreOptions, self?: Uint8Array): Promise<ScoreResult> {
    const p = this.preprocessing;
    if (this.config.kind === 'video' && p?.kind === 'video' && p.score) return scoreVideoClips(this.net, this.config, data, p.score, opts);
    const one = async (m: Member): Promise<ScoreResult> => {
      if (!m.codeIndex) return scoreModel(m.net, m.config, data, m.residualScale ? { ...opts, residualScale: m.residualScale } : opts);
      // the code score; reconstructions and error maps, when asked for, still come from the decoder
      const scores = await codeScores(m.net, m.config, m.codeIndex, data, { batchSize: opts.batchSize, keepNonFinite: opts.keepNonFinite, self });
      return opts.reconstructions || opts.errorMaps ? { ...await scoreModel(m.net, m.config, data, { ...opts, keepNonFinite: true }), scores } : { scores };
    };
    const first = await one({ config: this.config, net: this.net, residualScale: this.residualScale, codeIndex: this.codeIndex });
    if (!this.others.length) return first;
    const rest: ScoreResult[] = [];
    for (const m of this.others) rest.push(await one(m));
    return meanOfResults([first, ...rest]);
  }

  /** tables: the residual statistics the scores are standardised by (null: plain mean squared error) */
  get tabularScore(): ResidualScale | null { return this.residualScale; }

  /** images: the size of the code index the score measures distances to (null: the reconstruction error) */
  get codeScore(): Omit<CodeIndex, 'codes'> | null {
    const c = this.codeIndex;
    return c ? { k: c.k, method: c.method, rows: c.rows, width: c.width } : null;
  }

  /** What the score is, in words (memae info, the service's /info). */
  get scoreDescription(): string {
    const c = this.codeScore;
    if (c) return `${c.method === 'mean' ? `mean distance from the code to its ${c.k} nearest` : `distance from the code to the ${c.k}th nearest`} of ${c.rows} training codes (${c.width} values each)`;
    if (this.residualScale) return 'mean of capped squared residuals standardised per feature (median / MAD of the training rows)';
    const p = this.preprocessing;
    if (this.config.kind === 'video' && p?.kind === 'video' && p.score) return 'clip score: standardised reconstruction, motion and still channels';
    return this.config.kind === 'video' ? 'mean reconstruction error map (official)' : 'mean squared reconstruction error';
  }

  /** Saves model.json, weights.bin and manifest.json into `dir` (Node). */
  async save(dir: string): Promise<Manifest> {
    this.alive();
    const { saveModelDir } = await import('../io/model-dir.js');
    const { join } = await import('node:path');
    const memberSha256: string[] = [];
    const { writeCodeIndex } = await import('../io/code-file.js');
    const codes = (d: string, c: CodeIndex | null) => (c ? { codeScore: writeCodeIndex(d, c) } : {});
    for (const [i, m] of this.others.entries()) {
      const sub = join(dir, memberDir(i + 1));
      const saved = await saveModelDir(sub, m.net, {
        library: { name: 'memae', version: VERSION }, kind: m.config.kind, variant: m.config.variant, config: m.config,
        normalization: this.normalization, training: null, trainingScores: null, threshold: null,
        ...(m.residualScale ? { tabularScore: m.residualScale } : {}),
        ...codes(sub, m.codeIndex),
      });
      memberSha256.push(saved.contentSha256!);
    }
    return saveModelDir(dir, this.net, {
      library: { name: 'memae', version: VERSION },
      kind: this.config.kind, variant: this.config.variant, config: this.config,
      normalization: this.normalization, training: this.trainingSummary, trainingScores: this.trainingScoreStats,
      threshold: this.thresholdState ?? null,
      ...(this.preprocessing ? { preprocessing: this.preprocessing } : {}),
      ...(this.residualScale ? { tabularScore: this.residualScale } : {}),
      ...codes(dir, this.codeIndex),
      ...(memberSha256.length ? { ensemble: { members: this.members, memberSha256 } } : {}),
    });
  }

  /** Frees the model's tensors. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    releaseCodeScore(this.net, this.codeIndex);
    this.net.dispose();
    for (const m of this.others) {
      releaseCodeScore(m.net, m.codeIndex);
      m.net.dispose();
    }
  }

  private alive(): void {
    if (this.disposed) throw new UserError('this detector was disposed');
  }
}

/** The code index a model folder's manifest lists (null when it has none), checked against the network's code. */
async function codeIndexOf(dir: string, manifest: Manifest, net: tfl.LayersModel, config: ModelConfig): Promise<CodeIndex | null> {
  if (!manifest.codeScore) return null;
  if (config.kind !== 'image') throw new UserError(`${dir}: manifest codeScore is for image models, this is a ${config.kind} model`);
  const { readCodeIndex } = await import('../io/code-file.js');
  return readCodeIndex(dir, manifest.codeScore, codeWidth(net, config));
}

/** Number of live tfjs tensors (for leak checks). */
export const liveTensors = (): number => tf.memory().numTensors;
