// The benchmark's view of a detector: build one ablation variant with MemAE.create, fit it with early stopping
// on a validation split of normal data, and report the validation reconstruction error used for model selection;
// or one of the library's baselines (isolation forest, PCA, k-NN) with its defaults, fitted on the same rows.
import { IsolationForest, KnnDetector, MemAE, PcaDetector, type BackendChoice, type Variant } from '../../packages/memae/src/index.js';
import type { Dataset } from '../../packages/memae/src/data/dataset.js';
import { meanOfResults, memberSeed } from '../../packages/memae/src/detector/ensemble.js';

export type BaselineName = 'iforest' | 'pca' | 'knn';
export type BenchVariant = Variant | BaselineName;
export const VARIANT_NAMES: Record<BenchVariant, string> = {
  ae: 'AE', 'memae-nonspar': 'MemAE-nonSpar', memae: 'MemAE', mama: 'MAMA', iforest: 'isolation forest', pca: 'PCA', knn: 'k-NN',
};
export const isBaseline = (v: string): v is BaselineName => v === 'iforest' || v === 'pca' || v === 'knn';

/** A baseline with the library's defaults (PyOD's: 100 trees, 90 % of the variance, 5th neighbour); `seed` drives
 *  the isolation forest. */
export function makeBaseline(name: BaselineName, seed: number): IsolationForest | PcaDetector | KnnDetector {
  return name === 'iforest' ? new IsolationForest({ seed }) : name === 'pca' ? new PcaDetector() : new KnnDetector();
}

/** Training settings; an undefined lr / epochs / batchSize is the library's default budget for the kind. */
export interface FitSettings {
  seed: number;
  lr?: number;
  epochs?: number;
  batchSize?: number;
  patience: number;
  backend?: string;
  kind?: 'image' | 'tabular';
  /** encoder widths (the decoder mirrors them); default: the library's for the kind */
  encoderChannels?: number[];
  /** tables: the library's seed ensemble size; default: the library's for the kind */
  ensemble?: number;
  /** images: this many networks from the library's member seeds (weights and batch order), scores averaged: what
   *  the library's `ensemble: k` computes, trained here one detector per member so that `memberScores` gives each
   *  network's own scores too (the first is the one-network model) */
  members?: number;
  /** images: the code score (the library's default) or, false, the reconstruction error */
  codeScore?: boolean;
}

export interface FittedDetector {
  /** mean reconstruction MSE on the validation split (the model-selection criterion) */
  valMse: number;
  epochs: number;
  /** the learning rate and optimizer steps the training used (the library's when not given); 0 for a baseline */
  lr: number;
  steps: number;
  score(d: Dataset): Promise<Float32Array>;
  /** each network's scores (one entry for a single network) */
  memberScores(d: Dataset): Promise<Float32Array[]>;
  dispose(): void;
}

export async function fitDetector(variant: BenchVariant, train: Dataset, val: Dataset, s: FitSettings): Promise<FittedDetector> {
  if (isBaseline(variant)) {
    // no training options to choose: valMse is NaN, and the caller's learning-rate grid is moot
    const det = makeBaseline(variant, s.seed);
    await det.fit(train);
    return { valMse: NaN, epochs: 0, lr: 0, steps: 0, score: (d) => det.decisionFunction(d), memberScores: async (d) => [await det.decisionFunction(d)], dispose: () => {} };
  }
  if ((s.members ?? 1) > 1) {
    // the library's image ensemble, member by member: member 0 is the one-network model
    const nets: FittedDetector[] = [];
    for (let e = 0; e < s.members!; e++) nets.push(await fitDetector(variant, train, val, { ...s, members: 1, seed: memberSeed(s.seed, e) }));
    const memberScores = (d: Dataset) => Promise.all(nets.map((n) => n.score(d)));
    return {
      valMse: nets[0].valMse, epochs: nets[0].epochs, lr: nets[0].lr, steps: nets[0].steps, memberScores,
      score: async (d) => meanScores(await memberScores(d)),
      dispose: () => nets.forEach((n) => n.dispose()),
    };
  }
  const det = await MemAE.create({
    kind: s.kind ?? 'image',
    inputShape: train.sampleShape,
    variant,
    seed: s.seed,
    ...(s.encoderChannels ? { encoderChannels: s.encoderChannels } : {}),
    ...(s.ensemble !== undefined ? { ensemble: s.ensemble } : {}),
    backend: (s.backend ?? 'auto') as BackendChoice,
  });
  const res = await det.fit(train, {
    epochs: s.epochs,
    batchSize: s.batchSize,
    learningRate: s.lr,
    seed: s.seed,
    validation: val,
    earlyStopping: { patience: s.patience },
    progressBar: false,
    scoreTraining: false,
    ...(s.codeScore !== undefined ? { codeScore: s.codeScore } : {}),
  });
  // images score by their codes by default (score/code-index.ts): the selection criterion stays the reconstruction
  // error (the mean of the error maps); tables keep their score's mean, as before
  const v = s.kind === 'tabular' ? await det.score(val, { batchSize: 1024 }) : (await det.scoreDetailed(val, { batchSize: 1024, errorMaps: true })).errorMaps!;
  let sum = 0;
  for (const x of v) sum += x;
  return {
    valMse: sum / v.length,
    epochs: res.epochsDone,
    lr: res.learningRate,
    steps: res.steps,
    score: (d) => det.score(d, { batchSize: 1024 }),
    memberScores: async (d) => [await det.score(d, { batchSize: 1024 })],
    dispose: () => det.dispose(),
  };
}

/** The ensemble's score from its members' (`memberScores`): their mean, as the library's ensemble computes it. */
export const meanScores = (each: Float32Array[]): Float32Array => meanOfResults(each.map((scores) => ({ scores }))).scores;

/** Model selection on the validation split: one detector per learning rate of `lrs`, the one with the lowest
 *  validation MSE kept (the others disposed); a baseline has no learning rate: one fit, recorded as lr 0. */
export async function fitBest(variant: BenchVariant, train: Dataset, val: Dataset, lrs: (number | undefined)[], s: Omit<FitSettings, 'lr'>): Promise<{ det: FittedDetector; lr: number }> {
  let best: { det: FittedDetector; lr: number } | undefined;
  for (const lr of isBaseline(variant) ? [0] : lrs) {
    const det = await fitDetector(variant, train, val, { ...s, lr });
    if (!best || det.valMse < best.det.valMse) {
      best?.det.dispose();
      best = { det, lr: det.lr };
    } else det.dispose();
  }
  return best!;
}
