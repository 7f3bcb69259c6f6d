// The baseline printed beside the accuracy figure of `memae train`: one of the library's baselines fitted on the same
// training data (after the same preprocessing) and scored on the same test set, so a user sees at once whether the
// deep model earns its cost on their data. Per kind, the first baseline a user would try and the strongest of ours
// there: tables an isolation forest, images k-NN distance (the strongest of the three on MNIST / Fashion-MNIST
// one-class: 0.951 / 0.921 against PCA's 0.941 / 0.903 and the isolation forest's 0.853 / 0.917; and no d x d
// eigendecomposition), video frame differencing.
import { IsolationForest } from '../baselines/iforest.js';
import { KnnDetector } from '../baselines/knn.js';
import { PcaDetector } from '../baselines/pca.js';
import { UserError } from '../errors/user-error.js';
import { FrameDifference } from '../baselines/frame-diff.js';
import type { Dataset } from '../data/dataset.js';
import { trainValSplit } from '../data/split.js';
import type { DataKind } from '../models/config.js';
import { ClipDataset } from '../video/clips.js';
import { evaluateClipScores, pooledFrames } from '../video/evaluate.js';
import { evaluateScores } from './metrics-port.js';
import { BASELINE_LABELS, resolveBaseline, type BaselineChoice, type BaselineName } from './baseline-choice.js';

/** k-NN keeps at most this many training samples (seeded), so its cost stays bounded on large training sets. */
export const KNN_MAX_TRAIN = 10_000;

export interface BaselineResult {
  name: BaselineName;
  label: string;
  auroc: number | null;
  auprc: number | null;
  /** video: frame-level, like the model's figure */
  level: 'sample' | 'frame';
  seconds: number;
  /** training samples the baseline saw (k-NN: at most KNN_MAX_TRAIN) */
  trainSamples: number;
}

/** Throws the one-line error of a baseline that does not fit the kind of data (frame differencing needs clips). */
export function checkBaseline(choice: BaselineChoice, kind: DataKind): void {
  if (choice === 'frame-diff' && kind !== 'video') throw new UserError(`--baseline frame-diff is for video data (this is ${kind} data): choose iforest, knn or pca`);
}

/** Fits the chosen baseline on `train`, scores `test` and evaluates it as the model is evaluated; null for `none`. */
export async function compareBaseline(choice: BaselineChoice, kind: DataKind, train: Dataset, test: Dataset, seed: number): Promise<BaselineResult | null> {
  if (choice === 'none') return null;
  const name = resolveBaseline(choice, kind);
  const t0 = performance.now();
  const done = (auroc: number | null, auprc: number | null, level: BaselineResult['level'], trainSamples: number): BaselineResult =>
    ({ name, label: BASELINE_LABELS[name], auroc, auprc, level, seconds: (performance.now() - t0) / 1000, trainSamples });
  checkBaseline(choice, kind);
  if (name === 'frame-diff') {
    const fd = new FrameDifference().fit(train);
    const scores = fd.decisionFunction(test);
    if (!(test instanceof ClipDataset)) return done(null, null, 'sample', train.size);
    const frames = pooledFrames(evaluateClipScores(test, scores));
    const m = evaluateScores(frames.scores, frames.labels, null);
    return done(m.auroc, m.auprc ?? null, 'frame', train.size);
  }
  const rows = name === 'knn' && train.size > KNN_MAX_TRAIN ? trainValSplit(train, KNN_MAX_TRAIN / train.size, seed).val : train;
  const det = name === 'iforest' ? new IsolationForest({ seed }) : name === 'pca' ? new PcaDetector() : new KnnDetector();
  await det.fit(rows);
  const m = evaluateScores(await det.decisionFunction(test), test.labels, null);
  return done(m.auroc, m.auprc ?? null, 'sample', rows.size);
}
