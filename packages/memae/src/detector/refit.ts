// Robust training by refitting (tables): train once, score the training rows, then train again from the same
// initial weights without the `fraction` of rows the first model scored highest: in a contaminated training set
// those are mostly the anomalies the first model had learned to reconstruct.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Dataset } from '../data/dataset.js';
import { select } from '../data/split.js';
import { UserError } from '../errors/user-error.js';
import type { ModelConfig } from '../models/config.js';
import { scoreModel } from '../score/score.js';
import { fitResidualScale } from '../score/residual-fit.js';
import { lowestScored } from '../score/stats.js';
import { trainModel, type TrainOptions, type TrainResult } from '../train/trainer.js';

/** Trains `model` on `data`; with fraction > 0, a second run from the initial weights on the lowest-scored rows
 *  (scored as the detector scores: with `residual`, the tables' standardised residuals of score/residual-scale.ts). */
export async function trainWithRefit(model: tfl.LayersModel, cfg: ModelConfig, data: Dataset, opts: TrainOptions, fraction: number, residual = false): Promise<TrainResult> {
  if (!(fraction >= 0 && fraction < 0.5)) throw new UserError(`refitFraction must be a fraction in [0, 0.5), got ${fraction}`);
  if (fraction === 0) return trainModel(model, cfg, data, opts);
  if (opts.checkpoint || opts.parallel) throw new UserError('refitFraction cannot be combined with checkpoint or parallel training: set refitFraction: 0');
  const init = model.getWeights().map((w) => w.clone());
  try {
    await trainModel(model, cfg, data, opts);
    const residualScale = residual ? await fitResidualScale(model, cfg, data, opts.batchSize) : undefined;
    const { scores } = await scoreModel(model, cfg, data, { batchSize: opts.batchSize, residualScale });
    model.setWeights(init);
    return await trainModel(model, cfg, select(data, lowestScored(scores, fraction)), opts);
  } finally {
    tf.dispose(init);
  }
}
