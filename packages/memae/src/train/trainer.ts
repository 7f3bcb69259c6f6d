// The training loop: seeded shuffling, Adam, loss = MSE + alpha * entropy, validation, per-epoch atomic
// checkpoints (weights + Adam state + trainer state) with resume, early stopping, progress events.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Dataset } from '../data/dataset.js';
import { UserError } from '../errors/user-error.js';
import type { ModelConfig } from '../models/config.js';
import { adam } from './adam.js';
import { learningRateAt, resolveBudget, type LrSchedule } from './defaults.js';
import { parseCheckpointMeta } from './checkpoint-meta.js';
import { computeLoss, type LossWeights } from './loss.js';
import { stepReduce, type ParallelStep } from './parallel.js';
import { syncBatchNormLayers } from '../distributed/sync-batch-norm.js';
import { ProgressBar, ProgressCallback, terminalProgressBar } from './progress.js';
import { TrainStep } from './step.js';
import { batches, epochPermutation } from './shuffle.js';
import { mixSeeds, permutation } from '../data/random.js';
import { select } from '../data/split.js';

export interface TrainOptions {
  /** passes over the data (default: the kind's; tables count steps instead, see train/defaults.ts) */
  epochs?: number;
  /** optimizer steps in all (overrides epochs; the last epoch may be partial) */
  steps?: number;
  batchSize?: number;
  /** peak learning rate */
  learningRate?: number;
  /** 'constant', or 'cosine': linear warm-up over `warmup` of the steps, then cosine decay to 1% */
  schedule?: LrSchedule;
  warmup?: number;
  /** robust training: after the warm-up, leave this fraction [0, 0.5) of each batch's highest-error rows out of the
   *  reconstruction loss (default: the kind's, train/defaults.ts) */
  trimFraction?: number;
  /** denoising: std of Gaussian noise added to the training inputs, targets clean (default: the kind's) */
  inputNoise?: number;
  /** seed of the batch order only (default: the model's seed, which also seeded the weights) */
  seed?: number;
  validation?: Dataset;
  /** hold out this fraction (0, 0.5] of the training samples (seeded) as `validation` for early stopping / model selection */
  validationSplit?: number;
  /** at the end, put back the weights of the epoch with the best monitored loss (validation if any, else training) */
  restoreBest?: boolean;
  /** checkpoint file written atomically after every epoch (Node only) */
  checkpoint?: string;
  /** continue from `checkpoint` when it exists */
  resume?: boolean;
  /** stop when the monitored loss (validation if given, else training) has not improved for `patience` epochs */
  earlyStopping?: { patience: number; minDelta?: number };
  onProgress?: ProgressCallback;
  /** draw a progress bar on stderr when it is a TTY (default true) */
  progressBar?: boolean;
  /** data-parallel training across processes (distributed/): `batchSize` is then the global batch */
  parallel?: ParallelStep;
  /** with `parallel`: batch norm over the global batch (PyTorch's SyncBatchNorm); in one process a no-op */
  syncBatchNorm?: boolean;
}

export interface EpochRecord { epoch: number; loss: number; mse: number; entropy: number; valLoss?: number; seconds: number; samplesPerSec: number }

export interface TrainResult {
  history: EpochRecord[];
  epochsDone: number;
  /** epoch the run continued after (0 when it started fresh) */
  resumedFrom: number;
  stoppedEarly: boolean;
  samplesSeen: number;
  /** the budget the run used */
  batchSize: number;
  learningRate: number;
  steps: number;
}

interface TrainerMeta {
  configKey: string; seed: number; batchSize: number; learningRate: number; epochsDone: number;
  history: EpochRecord[]; best: number; badEpochs: number; samplesSeen: number;
}

export function checkDataset(cfg: ModelConfig, d: Dataset, what: string): void {
  const same = d.sampleShape.length === cfg.inputShape.length && d.sampleShape.every((v, i) => v === cfg.inputShape[i]);
  if (!same) throw new UserError(`${what} has samples of shape [${d.sampleShape}] but the model expects [${cfg.inputShape}]`);
  if (d.size === 0) throw new UserError(`${what} is empty`);
}

/** Reads and disposes scalars (no tf.stack: the libtorch fallback cannot pack yet). */
async function readScalars(ts: tf.Tensor[]): Promise<number[]> {
  const v = await Promise.all(ts.map(async (t) => (await t.data())[0]));
  tf.dispose(ts);
  return v;
}

const configKey = (c: ModelConfig) => JSON.stringify(c);

/** The loss weights of a model configuration. */
export const lossWeights = (c: ModelConfig): LossWeights => ({
  entropyWeight: c.entropyWeight, wassersteinWeight: c.wassersteinWeight, swProjections: c.swProjections, swTarget: c.swTarget, seed: c.seed,
});

/** Mean loss parts over a dataset in inference mode. */
export async function evaluateLoss(model: tfl.LayersModel, cfg: ModelConfig, data: Dataset, batchSize: number): Promise<{ loss: number; mse: number; entropy: number }> {
  let loss = 0, mse = 0, entropy = 0;
  const order = Int32Array.from({ length: data.size }, (_, i) => i);
  for (const idx of batches(order, batchSize)) {
    const parts = tf.tidy(() => {
      const x = tf.tensor(data.gather(idx), [idx.length, ...cfg.inputShape]);
      const l = computeLoss(model, x, lossWeights(cfg), false);
      return [l.total, l.mse, l.entropy];
    });
    const v = await readScalars(parts);
    loss += v[0] * idx.length; mse += v[1] * idx.length; entropy += v[2] * idx.length;
  }
  return { loss: loss / data.size, mse: mse / data.size, entropy: entropy / data.size };
}

/** Splits off `validationSplit` of the training samples (seeded) as the validation set. */
function holdOut(data: Dataset, opts: TrainOptions, seed: number): { data: Dataset; opts: TrainOptions } {
  const f = opts.validationSplit!;
  if (opts.validation) throw new UserError('give validation or validationSplit, not both');
  if (!(f > 0 && f <= 0.5)) throw new UserError(`validationSplit must be a fraction in (0, 0.5], got ${f}`);
  const nVal = Math.round(data.size * f);
  if (nVal < 1 || data.size - nVal < 1) throw new UserError(`validationSplit ${f} of ${data.size} samples leaves no validation or no training samples`);
  const p = permutation(data.size, mixSeeds(seed, 0x7a11d));
  const val = Array.from(p.subarray(0, nVal)).sort((a, b) => a - b);
  const fit = Array.from(p.subarray(nVal)).sort((a, b) => a - b);
  return { data: select(data, fit), opts: { ...opts, validation: select(data, val) } };
}

export async function trainModel(model: tfl.LayersModel, cfg: ModelConfig, data: Dataset, opts: TrainOptions = {}): Promise<TrainResult> {
  if (!data || typeof data.size !== 'number') throw new UserError('training data must be a Dataset');
  const seed = opts.seed ?? cfg.seed;
  if (!Number.isInteger(seed)) throw new UserError(`seed must be an integer, got ${seed}`);
  if (opts.validationSplit !== undefined) ({ data, opts } = holdOut(data, opts, seed));
  const budget = resolveBudget(cfg.kind, data.size, opts);
  const { epochs, batchSize, learningRate } = budget;
  if (opts.resume && !opts.checkpoint) throw new UserError('resume needs a checkpoint path');
  checkDataset(cfg, data, 'training data');
  if (opts.validation) checkDataset(cfg, opts.validation, 'validation data');
  const syncedBn = opts.syncBatchNorm ? syncBatchNormLayers(model) : undefined; // none: a one-line error

  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let meta: TrainerMeta = { configKey: configKey(cfg), seed, batchSize, learningRate, epochsDone: 0, history: [], best: Infinity, badEpochs: 0, samplesSeen: 0 };

  const ckpt = opts.checkpoint ? await import('../io/checkpoint.js') : undefined;
  if (ckpt && opts.checkpoint) ckpt.cleanCheckpointTemps(opts.checkpoint); // left by a killed writer
  const state = opts.resume && ckpt && opts.checkpoint ? ckpt.readCheckpoint(opts.checkpoint) : undefined;
  const optimizer = adam(learningRate); // tfjs' Adam, one fused native update on libtorch
  if (state) {
    try {
      const m: TrainerMeta = parseCheckpointMeta(state.meta, opts.checkpoint!, epochs);
      if (m.configKey !== meta.configKey) throw new UserError(`checkpoint ${opts.checkpoint} was written for a different model configuration`);
      if (m.batchSize !== batchSize || m.seed !== seed || m.learningRate !== learningRate) {
        throw new UserError(`checkpoint ${opts.checkpoint} used batchSize ${m.batchSize}, learningRate ${m.learningRate}, seed ${m.seed}; resume with the same values`);
      }
      const ws = model.weights;
      if (state.model.length !== ws.length) throw new UserError(`checkpoint ${opts.checkpoint} holds ${state.model.length} weights, the model has ${ws.length}`);
      model.setWeights(state.model.map((t) => t.tensor));
      await optimizer.setWeights(state.optimizer.map((t) => ({ name: t.name, tensor: t.tensor })));
      meta = m;
    } catch (e) {
      optimizer.dispose();
      throw e;
    } finally {
      tf.dispose([...state.model, ...state.optimizer].map((t) => t.tensor));
    }
  }
  const resumedFrom = meta.epochsDone;
  const par = opts.parallel;
  if (par) {
    const optState = await optimizer.getWeights(); // [iterations (a new tensor), ...slot variables]
    try {
      par.start(model.weights.map((w) => w.read() as tf.Variable), optState.slice(1).map((w) => w.tensor));
    } finally {
      optState[0]?.tensor.dispose();
    }
  }
  const nonTrainable = model.nonTrainableWeights.map((w) => w.read() as tf.Variable);

  const bar: ProgressBar | undefined = opts.progressBar === false ? undefined : await terminalProgressBar();
  const nBatches = Math.ceil(data.size / batchSize);
  const totalSteps = budget.steps ?? epochs * nBatches;
  let step = 0;
  const robustAt = (s: number) => ({ trim: s >= Math.floor(budget.warmup * totalSteps) ? budget.trimFraction : 0, noise: budget.inputNoise, noiseSeed: mixSeeds(seed, 0x6e015e, s) });
  const stepper = new TrainStep(vars, nonTrainable, optimizer, (x) => {
    const l = computeLoss(model, x, lossWeights(cfg), true, robustAt(step));
    return { total: l.total, parts: [l.mse, l.entropy] };
  }, {
    parts: 2,
    // a step that differs from call to call (noise, a trimmed loss, synchronised batch norm) runs op by op
    replay: !syncedBn && budget.trimFraction === 0 && budget.inputNoise === 0,
  });
  const runStart = performance.now();
  let runSamples = 0;
  let stoppedEarly = false;
  const emit = (e: Parameters<ProgressCallback>[0]) => { bar?.update(e); opts.onProgress?.(e); };
  let best: tf.Tensor[] = [];
  const unsync = syncedBn && par?.syncBatchNorm ? par.syncBatchNorm(syncedBn) : undefined;

  try {
    for (let epoch = meta.epochsDone + 1; epoch <= epochs; epoch++) {
      const t0 = performance.now();
      let sum = 0, sumMse = 0, sumEnt = 0, seen = 0, b = 0;
      for (const batch of batches(epochPermutation(data.size, seed, epoch), batchSize)) {
        step = (epoch - 1) * nBatches + b;
        if (step >= totalSteps) break;
        const idx = par ? par.shard(batch) : batch; // a rank may get no sample of a tiny last batch
        const values = idx.length > 0 ? data.gather(idx) : undefined;
        // [loss, mse, entropy]; readScalars disposes them
        const reduce = par && stepReduce(par, idx.length, batch.length);
        const parts = tf.tidy(() => stepper.run(values && tf.tensor(values, [idx.length, ...cfg.inputShape]), learningRateAt(budget, step, totalSteps), reduce));
        par?.afterStep(nonTrainable);
        const v = await readScalars(parts);
        if (!Number.isFinite(v[0])) throw new UserError(`training diverged at epoch ${epoch} (loss ${v[0]}); lower the learning rate`);
        b++;
        seen += batch.length;
        runSamples += batch.length;
        sum += v[0] * batch.length; sumMse += v[1] * batch.length; sumEnt += v[2] * batch.length;
        const rate = runSamples / ((performance.now() - runStart) / 1000);
        const left = Math.max(0, totalSteps - step - 1) * batchSize;
        emit({ phase: 'batch', epoch, epochs, batch: b, batches: nBatches, loss: sum / seen, mse: sumMse / seen, entropy: sumEnt / seen, samplesPerSec: rate, etaSeconds: left / rate });
      }
      const val = opts.validation ? await evaluateLoss(model, cfg, opts.validation, batchSize) : undefined;
      const seconds = (performance.now() - t0) / 1000;
      const rec: EpochRecord = { epoch, loss: sum / seen, mse: sumMse / seen, entropy: sumEnt / seen, seconds, samplesPerSec: seen / seconds, ...(val ? { valLoss: val.loss } : {}) };
      meta.history.push(rec);
      meta.epochsDone = epoch;
      meta.samplesSeen += seen;
      const rate = runSamples / ((performance.now() - runStart) / 1000);
      emit({ phase: 'epoch', epoch, epochs, batch: b, batches: nBatches, loss: rec.loss, mse: rec.mse, entropy: rec.entropy, valLoss: rec.valLoss, samplesPerSec: rate, etaSeconds: (Math.max(0, totalSteps - epoch * nBatches) * batchSize) / rate });

      const monitored = rec.valLoss ?? rec.loss;
      if (monitored < meta.best - (opts.earlyStopping?.minDelta ?? 0)) {
        meta.best = monitored; meta.badEpochs = 0;
        if (opts.restoreBest) { tf.dispose(best); best = model.getWeights().map((w) => tf.keep(w.clone())); }
      } else meta.badEpochs++;
      if (ckpt && opts.checkpoint && (par?.writer ?? true)) {
        const optState = await optimizer.getWeights(); // [iterations (a new tensor), ...slot variables]
        try {
          await ckpt.writeCheckpoint(opts.checkpoint, {
            meta: meta as unknown as Record<string, unknown>,
            model: model.weights.map((w) => ({ name: w.originalName, tensor: w.read() })),
            optimizer: optState,
          });
        } finally {
          optState[0]?.tensor.dispose();
        }
      }
      if (opts.earlyStopping && meta.badEpochs >= opts.earlyStopping.patience) { stoppedEarly = true; break; }
    }
    if (opts.restoreBest && best.length > 0) model.setWeights(best);
  } finally {
    unsync?.();
    stepper.dispose();
    bar?.stop();
    optimizer.dispose();
    tf.dispose(best);
  }
  return {
    history: meta.history, epochsDone: meta.epochsDone, resumedFrom, stoppedEarly, samplesSeen: meta.samplesSeen,
    batchSize, learningRate, steps: Math.min(totalSteps, meta.epochsDone * nBatches),
  };
}
