// Loading any saved detector: a baseline folder holds detector.json, a MemAE folder manifest.json.
import type { BackendChoice } from '../backend/select.js';
import { UserError } from '../errors/user-error.js';
import { BASELINE_FILE, BASELINE_FORMAT, type Baseline, type SavedBaseline } from '../baselines/baseline.js';
import { IsolationForest } from '../baselines/iforest.js';
import { KnnDetector } from '../baselines/knn.js';
import { PcaDetector } from '../baselines/pca.js';
import type { BaseDetector } from './base.js';
import { MemAE } from './memae.js';

type BaselineFactory = (params: Record<string, unknown>, contamination: number) => Baseline;

/** Baselines by name; a new baseline registers here (one line). */
export const BASELINES: Record<string, BaselineFactory> = {
  iforest: (p, contamination) => new IsolationForest({ ...p, contamination }),
  pca: (p, contamination) => new PcaDetector({ ...p, contamination }),
  knn: (p, contamination) => new KnnDetector({ ...p, contamination }),
};

/** Loads a detector saved by any detector's save(dir): a baseline, or a MemAE model directory. */
export async function loadDetector(dir: string, opts: { backend?: BackendChoice } = {}): Promise<BaseDetector<object, unknown>> {
  const { existsSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const file = join(dir, BASELINE_FILE);
  if (!existsSync(file)) return MemAE.load(dir, opts);
  let saved: SavedBaseline;
  try {
    saved = JSON.parse(readFileSync(file, 'utf8')) as SavedBaseline;
  } catch (e) {
    throw new UserError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (saved?.format !== BASELINE_FORMAT) throw new UserError(`${file}: not a memae detector file (format "${String(saved?.format)}")`);
  if (saved.formatVersion !== 1) throw new UserError(`${file}: format version ${saved.formatVersion} is newer than this memae reads (1)`);
  const make = BASELINES[saved.name];
  if (!make) throw new UserError(`${file}: unknown detector "${saved.name}" (known: ${Object.keys(BASELINES).join(', ')})`);
  const { initBackend } = await import('../backend/select.js');
  await initBackend(opts.backend);
  return make(saved.params ?? {}, saved.contamination).restore(saved, file);
}
