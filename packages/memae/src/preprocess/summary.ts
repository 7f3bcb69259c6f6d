// What a saved model does to its inputs, in words: `memae info` prints it so a user can check, before scoring,
// that new data will go through what the training data went through.
import type { Preprocessing } from './index.js';

const list = (xs: readonly string[], max = 8): string => (xs.length <= max ? xs.join(', ') : `${xs.slice(0, max).join(', ')}, ... (${xs.length})`);

/** One line per aspect of the saved preprocessing; null: the model has none (inputs are used as read). */
export function describePreprocessing(p: Preprocessing | null): Record<string, string> {
  if (!p) return { kind: 'none (inputs are used as they are read)' };
  switch (p.kind) {
    case 'tabular': {
      const numeric = p.columns.filter((c) => c.kind === 'numeric');
      const categorical = p.columns.flatMap((c) => (c.kind === 'categorical' ? [c] : []));
      const width = numeric.length + categorical.reduce((n, c) => n + c.values.length, 0);
      return {
        kind: 'tabular',
        columns: `${p.columns.length} (${numeric.length} numeric min-max scaled from training rows, ${categorical.length} categorical one-hot) -> ${width} features`,
        order: list(p.columns.map((c) => c.name)),
        ...(categorical.length ? { categories: list(categorical.map((c) => `${c.name}: ${c.values.length}`)) } : {}),
        label: p.label === null ? 'none' : `${p.label} (dropped from new files that have it)`,
        ...(p.labelValues ? { labelValues: `anomaly ${list(p.labelValues.anomaly ?? ['(default)'])}; normal ${list(p.labelValues.normal ?? ['(default)'])}` } : {}),
        unseen: p.unseen === 'ignore' ? 'ignore (an unseen category encodes as all zeros)' : 'error (an unseen category is refused)',
        missing: p.missing === 'impute' ? 'impute (training median / all-zero one-hot)' : 'error (a missing value is refused)',
        csv: `${p.csv.header ? 'header row' : 'no header'}, delimiter ${JSON.stringify(p.csv.delimiter)}`,
      };
    }
    case 'image':
      return {
        kind: 'image',
        size: `${p.height}x${p.width}x${p.channels} (${p.channels === 1 ? 'gray' : 'RGB'})`,
        resize: p.resize,
        pixels: `0..255 -> ${p.range[0]}..${p.range[1]}`,
      };
    case 'video':
      return {
        kind: 'video',
        frames: `${p.size}x${p.size} gray, ${p.resize}`,
        clips: `${p.clipLength} frames (training stride ${p.trainStride}; scoring stride 1)`,
        pixels: p.normalization,
      };
  }
}
