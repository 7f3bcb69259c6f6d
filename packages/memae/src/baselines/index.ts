// Baseline detectors: the same Detector contract as MemAE (fit / decisionFunction / predict / save).
export { IsolationForest, averagePathLength, type IForestOptions } from './iforest.js';
export { PcaDetector, type PcaOptions } from './pca.js';
export { KnnDetector, type KnnOptions } from './knn.js';
export { Baseline, BASELINE_FILE, type SavedBaseline } from './baseline.js';
