// Training defaults per data kind. Video follows the official script (Adam, lr 1e-4, batch 14);
// the paper gives no image/tabular optimiser numbers, so those follow common practice (documented in docs/api.md).
import type { DataKind } from '../models/config.js';

export interface TrainDefaults { epochs: number; batchSize: number; learningRate: number }

export const TRAIN_DEFAULTS: Record<DataKind, TrainDefaults> = {
  image: { epochs: 100, batchSize: 32, learningRate: 1e-3 },
  video: { epochs: 100, batchSize: 14, learningRate: 1e-4 },
  tabular: { epochs: 200, batchSize: 1024, learningRate: 1e-4 },
};
