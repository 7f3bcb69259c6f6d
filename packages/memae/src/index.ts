// memae: memory-augmented autoencoders for anomaly detection (tfjs layers; libtorch backend on Node).
export { MemAE, liveTensors } from './detector/memae.js';
export type { CreateOptions, FitOptions, ThresholdRule, TrainingSummary } from './detector/memae.js';
export { initBackend } from './backend/select.js';
export type { BackendChoice } from './backend/select.js';
export type { Dataset } from './data/dataset.js';
export { ArrayDataset, sampleSize } from './data/dataset.js';
export { UserError } from './errors/user-error.js';
export * from './memory/index.js';
export * from './models/index.js';
export * from './train/index.js';
export * from './score/index.js';
export { saveModelDir, loadModelDir, readManifest, manifestSchema, directorySaveHandler, directoryLoadHandler, writeCheckpoint, readCheckpoint } from './io/index.js';
export type { Manifest, ManifestDraft, TrainingScoreStats, CheckpointState } from './io/index.js';
export { VERSION } from './version.js';
export * from './data/index.js';
export * from './metrics/index.js';
export {
  loadVideoSplit, findVideoLayout, listVideos, attachLabels, readFrameFolder, decodeVideoFile, ClipDataset, clipStarts, centreOffset,
  clipScoresToFrames, regularity, anomalyFromErrors, evaluateClipScores, parseUcsdGroundTruth, parseTextLabels, readLabelFile, readNpy, parseNpy,
  makeVtestBenchmark, VTEST_PATH,
} from './video/index.js';
export type {
  VideoFrames, VideoSplitOptions, VideoLayout, ClipOptions, EdgeFrames, FrameScores, VideoEvaluation, VideoFrameResult, NpyArray,
  VtestBenchmarkOptions, VtestManifest, InjectedEvent,
} from './video/index.js';
export { DataParallel, distEnv, joinGroup, launchWorkers, shardOf } from './distributed/index.js';
export type { DataParallelOptions, DistEnv, LaunchOptions } from './distributed/index.js';
export type { ParallelStep } from './train/parallel.js';
