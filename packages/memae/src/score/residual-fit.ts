// Fits the tabular score's residual statistics (score/residual-scale.ts) on a trained model's training rows.
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Dataset } from '../data/dataset.js';
import { select } from '../data/split.js';
import type { ModelConfig } from '../models/config.js';
import { residualScaleOf, type ResidualScale } from './residual-scale.js';
import { scoreModel } from './score.js';

/** Rows used for the statistics: all up to this many, else this many evenly spaced (bounded memory and time). */
export const RESIDUAL_SCALE_MAX_ROWS = 100_000;

/** The residual statistics of a trained tabular model on its (training) rows. */
export async function fitResidualScale(model: tfl.LayersModel, cfg: ModelConfig, data: Dataset, batchSize = 1024): Promise<ResidualScale> {
  const f = cfg.inputShape[0];
  const rows = data.size <= RESIDUAL_SCALE_MAX_ROWS ? data : select(data, Int32Array.from({ length: RESIDUAL_SCALE_MAX_ROWS }, (_, i) => Math.floor((i * data.size) / RESIDUAL_SCALE_MAX_ROWS)));
  const { reconstructions } = await scoreModel(model, cfg, rows, { batchSize, reconstructions: true });
  const x = rows.gather(Array.from({ length: rows.size }, (_, i) => i));
  const res = Float32Array.from(x, (v, i) => v - reconstructions![i]);
  return residualScaleOf(res, f);
}

