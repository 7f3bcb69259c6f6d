// Area under the ROC curve, equal to scikit-learn's roc_auc_score: tied scores count one half
// (Mann-Whitney U with average ranks). Kept small here; labels 1 = positive (anomaly).
import { UserError } from '../errors/user-error.js';

export function auroc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const n = labels.length;
  if (scores.length !== n) throw new Error(`auroc: ${n} labels but ${scores.length} scores`);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const rank = (i + j) / 2 + 1; // average 1-based rank of the tie group
    for (let t = i; t <= j; t++) {
      if (labels[order[t]] === 1) {
        pos++;
        rankSum += rank;
      } else if (labels[order[t]] !== 0) {
        throw new Error(`auroc: label ${labels[order[t]]} is not 0 or 1`);
      }
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) throw new UserError(`AUROC needs both normal and anomalous samples (got ${pos} anomalous, ${neg} normal)`);
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
