import { UserError } from '../errors/user-error.js';

/** Checks that labels are 0/1 and scores finite, one per sample. */
export function checkLabelsScores(labels: ArrayLike<number>, scores: ArrayLike<number>, what: string): void {
  if (labels.length !== scores.length) throw new UserError(`${what}: ${labels.length} labels but ${scores.length} scores`);
  if (labels.length === 0) throw new UserError(`${what}: no samples`);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) throw new UserError(`${what}: label ${labels[i]} at index ${i} is not 0 (normal) or 1 (anomaly)`);
    if (!Number.isFinite(scores[i])) throw new UserError(`${what}: score ${scores[i]} at index ${i} is not a finite number`);
  }
}

/** Checks that both classes are present (AUROC and AUPR are undefined otherwise). */
export function checkBothClasses(labels: ArrayLike<number>, what: string): { positives: number; negatives: number } {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i];
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) {
    throw new UserError(`${what}: undefined with only one class present (${positives} anomalies, ${negatives} normal samples)`);
  }
  return { positives, negatives };
}
