// The baselines `memae train --baseline` can print beside its figure (run/baseline-compare.ts fits them); kept apart
// so that the CLI's option list loads no detector code.
import type { DataKind } from '../models/config.js';

export const BASELINE_CHOICES = ['auto', 'none', 'iforest', 'knn', 'pca', 'frame-diff'] as const;
export type BaselineChoice = (typeof BASELINE_CHOICES)[number];
export const BASELINE_LABELS: Record<Exclude<BaselineChoice, 'auto' | 'none'>, string> = {
  iforest: 'isolation forest', knn: 'k-NN distance', pca: 'PCA reconstruction error', 'frame-diff': 'frame differencing',
};

/** The baseline `auto` picks for a kind of data. */
export const defaultBaseline = (kind: DataKind): Exclude<BaselineChoice, 'auto' | 'none'> =>
  (kind === 'tabular' ? 'iforest' : kind === 'video' ? 'frame-diff' : 'knn');
