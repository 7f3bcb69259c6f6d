export { auroc, rocCurve, trapezoid, type RocCurve } from './roc.js';
export { averagePrecision, aupr, prCurve, type PrCurve } from './pr.js';
export { binaryReport, percentile, predict, reportAtThreshold, thresholdFromContamination, thresholdFromTrainingPercentile, type BinaryReport, type Confusion } from './threshold.js';
export { binaryClfCurve } from './curve.js';
