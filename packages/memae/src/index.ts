// memae: memory-augmented autoencoders for anomaly detection (tfjs layers; libtorch backend on Node).
export { MemAE, liveTensors } from './detector/memae.js';
export type { CreateOptions, FitOptions, RobustTraining, ThresholdRule, TrainingSummary } from './detector/memae.js';
export { BaseDetector } from './detector/base.js';
export type { DetectorInput, ShapedArray } from './detector/input.js';
export type { ProbaMethod } from './detector/probability.js';
export { loadDetector, BASELINES } from './detector/load.js';
export * from './baselines/index.js';
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
// video: per-frame scoring of a whole video, online scoring of a frame stream, the preprocessing saved with a model
export { scoreVideoFrames, OnlineClipScorer, openFrameStream, type ClipScorer, type VideoFrameScores, type StreamFrame, type FrameStreamOptions } from './video/index.js';
export { videoPreprocessing, videoPreprocessingSchema, type VideoPreprocessing } from './preprocess/video.js';
export {
  loadVideoSplit, findVideoLayout, listVideos, attachLabels, readFrameFolder, decodeVideoFile, ClipDataset, clipStarts, centreOffset,
  clipScoresToFrames, regularity, anomalyFromErrors, evaluateClipScores, parseUcsdGroundTruth, parseTextLabels, readLabelFile, readNpy, parseNpy,
} from './video/index.js';
export type {
  VideoFrames, VideoSplitOptions, VideoLayout, ClipOptions, EdgeFrames, FrameScores, VideoEvaluation, VideoFrameResult, NpyArray,
} from './video/index.js';
export { preprocessingSchema, parsePreprocessing, imagePreprocessing, normalisePixels } from './preprocess/index.js';
export type { Preprocessing, TabularPreprocessing, ImagePreprocessing, RawRecord, ResizePolicy } from './preprocess/index.js';
export { encodeRecords } from './preprocess/encode.js';
export { encodeImageFiles } from './preprocess/image-files.js';
export { FrameDifference } from './baselines/frame-diff.js';
export type { FrameDifferenceOptions } from './baselines/frame-diff.js';
export { imageSteps, videoSteps } from './train/defaults.js';
export { DataParallel, distEnv, joinGroup, launchWorkers, shardOf } from './distributed/index.js';
export type { DataParallelOptions, DistEnv, LaunchOptions } from './distributed/index.js';
export type { ParallelStep } from './train/parallel.js';
