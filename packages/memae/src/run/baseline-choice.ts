// The baselines `memae train --baseline` can print beside its figure (run/baseline-compare.ts fits them); kept apart
// so that the CLI's option list loads no detector code.
import type { DataKind } from '../models/config.js';

export const BASELINE_CHOICES = ['auto', 'none', 'iforest', 'knn', 'pca', 'frame-diff'] as const;
export type BaselineChoice = (typeof BASELINE_CHOICES)[number];
export type BaselineName = Exclude<BaselineChoice, 'auto' | 'none'>;
export const BASELINE_LABELS: Record<BaselineName, string> = {
  iforest: 'isolation forest', knn: 'k-NN distance', pca: 'PCA reconstruction error', 'frame-diff': 'frame differencing',
};

/** The baseline a choice means for a kind of data (`auto`: isolation forest, k-NN or frame differencing). */
export const resolveBaseline = (choice: BaselineName | 'auto', kind: DataKind): BaselineName =>
  (choice !== 'auto' ? choice : kind === 'tabular' ? 'iforest' : kind === 'video' ? 'frame-diff' : 'knn');
