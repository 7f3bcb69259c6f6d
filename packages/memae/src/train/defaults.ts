// Training defaults per data kind, and the budget a run resolves to. Every kind counts optimizer steps scaled to
// the data size (passes over the data, with a floor for small sets and a cap for large ones), so 200 samples are
// not undertrained and a million not overtrained. The numbers are the ones the benchmarks measured and chose on
// validation parts of the training data: images bench/one-class.ts (docs/accuracy.md), video
// bench/video-quality.ts (docs/video-accuracy.md), tables bench/tabular.ts (docs/accuracy-tabular.md, with warm-up
// then cosine decay). The CLI reads its defaults from here too.
import type { DataKind } from '../models/config.js';
import { UserError } from '../errors/user-error.js';

export type LrSchedule = 'constant' | 'cosine';

export interface TrainDefaults {
  /** passes over the data when `steps` is not used (an explicit `epochs` option replaces the step default) */
  epochs: number; batchSize: number; learningRate: number;
  /** optimizer steps as a function of the sample count and batch size (the default budget; overrides epochs) */
  steps?: (rows: number, batchSize: number) => number;
  /** tables: batch size as a function of the row count */
  batchFor?: (rows: number) => number;
  schedule: LrSchedule;
  /** fraction of the steps spent warming the learning rate up linearly (cosine schedule) */
  warmup: number;
  /** robust training: after the warm-up, each batch leaves this fraction of its highest-error rows out of the loss */
  trimFraction: number;
  /** denoising: std of the Gaussian noise added to the inputs (not the targets) while training */
  inputNoise: number;
  /** detector fit: train again without this fraction of the training samples the first model scored highest */
  refitFraction: number;
  /** detector fit: score tables by each feature's residual standardised with the training rows' median and MAD
   *  (score/residual-scale.ts) instead of the plain mean squared error */
  residualScore: boolean;
  /** detector fit: score images by the distance of their code to the training images' codes (score/code-index.ts)
   *  instead of the reconstruction error */
  codeScore: boolean;
  /** detector create: networks from different seeds whose scores are averaged (detector/ensemble.ts) */
  ensemble: number;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
/** The most optimizer steps a default budget makes, whatever the data size. */
export const MAX_DEFAULT_STEPS = 20000;

/**
 * `passes` whole passes over `samples` at `batchSize`, or as many whole passes as make at least `minSteps`
 * steps, capped at MAX_DEFAULT_STEPS. Whole passes: every sample is seen equally often, as in an epoch-counted run.
 */
export function passSteps(samples: number, batchSize: number, passes: number, minSteps: number): number {
  const perPass = Math.max(1, Math.ceil(samples / batchSize));
  return Math.min(MAX_DEFAULT_STEPS, Math.ceil(Math.max(passes * perPass, minSteps) / perPass) * perPass);
}

/** Images: the fewest optimizer steps a default run makes, however few the images (chosen on validation, docs/accuracy.md). */
export const IMAGE_MIN_STEPS = 500;
/** Images: 10 passes over the images (the one-class benchmark's budget), at least 500 steps, at most 20,000. */
export const imageSteps = (images: number, batchSize: number): number => passSteps(images, batchSize, 10, IMAGE_MIN_STEPS);
/** Video: 8 passes over the training clips, at least 300 steps, at most 20,000 (the video benchmark's budget). */
export const videoSteps = (clips: number, batchSize: number): number => passSteps(clips, batchSize, 8, 300);

/** Tables: batch 32 for a few hundred rows up to 256 from 8,000 rows on. */
export const tabularBatch = (rows: number): number => clamp(2 ** Math.round(Math.log2(Math.max(1, rows) / 32)), 32, 256);
/** Tables: the fewest optimizer steps a run makes, however few the rows. */
export const TABULAR_MIN_STEPS = 150;
/** Tables: 8 passes over the data, at least `minSteps` (150) and at most 20,000 steps. */
export const tabularSteps = (rows: number, batchSize: number, minSteps = TABULAR_MIN_STEPS): number => Math.round(clamp((8 * rows) / batchSize, minSteps, MAX_DEFAULT_STEPS));

export const TRAIN_DEFAULTS: Record<DataKind, TrainDefaults> = {
  image: { epochs: 10, batchSize: 64, learningRate: 1e-3, steps: imageSteps, schedule: 'constant', warmup: 0, trimFraction: 0, inputNoise: 0, refitFraction: 0, residualScore: false, codeScore: true, ensemble: 1 },
  // the official script's lr 1e-4 at batch 14 was not measured here; batch 4 at 1e-3 is what every video figure used
  video: { epochs: 8, batchSize: 4, learningRate: 1e-3, steps: videoSteps, schedule: 'constant', warmup: 0, trimFraction: 0, inputNoise: 0, refitFraction: 0, residualScore: false, codeScore: false, ensemble: 1 },
  tabular: {
    epochs: 200, batchSize: 256, learningRate: 1e-3, steps: (rows, batch) => tabularSteps(rows, batch), batchFor: tabularBatch, schedule: 'cosine', warmup: 0.05,
    // 3 networks from different seeds: higher than one network on both halves of 12 validation seeds
    trimFraction: 0, inputNoise: 0, refitFraction: 0, residualScore: true, codeScore: false, ensemble: 3,
  },
};

export interface BudgetOptions {
  epochs?: number; steps?: number; batchSize?: number; learningRate?: number; schedule?: LrSchedule; warmup?: number;
  trimFraction?: number; inputNoise?: number;
}

/** What a run will do: batch size, learning rate and schedule, and either a step count or an epoch count. */
export interface Budget {
  batchSize: number; learningRate: number; schedule: LrSchedule; warmup: number; epochs: number; steps: number | undefined;
  trimFraction: number; inputNoise: number;
}

/** The budget for `rows` training samples: explicit options first, then the kind's defaults. */
export function resolveBudget(kind: DataKind, rows: number, o: BudgetOptions = {}): Budget {
  const d = TRAIN_DEFAULTS[kind];
  const batchSize = o.batchSize ?? d.batchFor?.(rows) ?? d.batchSize;
  const learningRate = o.learningRate ?? d.learningRate;
  const schedule = o.schedule ?? d.schedule;
  const warmup = o.warmup ?? d.warmup;
  const trimFraction = o.trimFraction ?? d.trimFraction;
  const inputNoise = o.inputNoise ?? d.inputNoise;
  // explicit epochs win over default steps; explicit steps win over everything
  const steps = o.steps ?? (o.epochs === undefined && d.steps ? d.steps(rows, batchSize) : undefined);
  const perEpoch = Math.max(1, Math.ceil(rows / batchSize));
  const epochs = steps !== undefined ? Math.ceil(steps / perEpoch) : (o.epochs ?? d.epochs);
  if (steps !== undefined && (!Number.isInteger(steps) || steps < 1)) throw new UserError(`steps must be a positive integer, got ${steps}`);
  if (!Number.isInteger(epochs) || epochs < 1) throw new UserError(`epochs must be a positive integer, got ${o.epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new UserError(`batchSize must be a positive integer, got ${batchSize}`);
  if (!(learningRate > 0)) throw new UserError(`learningRate must be > 0, got ${learningRate}`);
  if (schedule !== 'constant' && schedule !== 'cosine') throw new UserError(`schedule must be "constant" or "cosine", got "${String(schedule)}"`);
  if (!(warmup >= 0 && warmup < 1)) throw new UserError(`warmup must be a fraction in [0, 1), got ${warmup}`);
  if (!(trimFraction >= 0 && trimFraction < 0.5)) throw new UserError(`trimFraction must be a fraction in [0, 0.5), got ${trimFraction}`);
  if (!(inputNoise >= 0 && Number.isFinite(inputNoise))) throw new UserError(`inputNoise must be a finite number >= 0, got ${inputNoise}`);
  return { batchSize, learningRate, schedule, warmup, epochs, steps, trimFraction, inputNoise };
}

/** Learning rate at optimizer step `step` (0-based) of `total`: linear warm-up, then constant or cosine to 1%. */
export function learningRateAt(b: Budget, step: number, total: number): number {
  if (b.schedule === 'constant') return b.learningRate;
  const w = Math.floor(b.warmup * total);
  if (step < w) return (b.learningRate * (step + 1)) / w;
  const t = total - w > 1 ? (step - w) / (total - w - 1) : 1;
  return b.learningRate * (0.01 + 0.99 * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, t))));
}
