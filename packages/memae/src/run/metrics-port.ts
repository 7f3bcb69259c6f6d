// Summary metrics and curves of a scored test set, through the metrics module.
import type { Metrics } from './run-files.js';

export function evaluateScores(_scores: Float32Array, labels: Uint8Array | undefined, threshold: number | null): Metrics {
  if (!labels) return { auroc: null, threshold };
  throw new Error('metrics module not merged yet');
}
