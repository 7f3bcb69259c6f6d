export { trainModel, evaluateLoss, checkDataset } from './trainer.js';
export type { TrainOptions, TrainResult, EpochRecord } from './trainer.js';
export type { ProgressEvent, ProgressCallback } from './progress.js';
export { computeLoss } from './loss.js';
export type { LossParts } from './loss.js';
export { TRAIN_DEFAULTS, resolveBudget, learningRateAt, tabularBatch, tabularSteps, type Budget, type LrSchedule } from './defaults.js';
export { adam, FusedAdam } from './adam.js';
export { epochPermutation } from './shuffle.js';
