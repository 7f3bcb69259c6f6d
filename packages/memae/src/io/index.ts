export { saveModelDir, loadModelDir, readManifest } from './model-dir.js';
export type { ManifestDraft } from './model-dir.js';
export { manifestSchema, MANIFEST_FILE } from './manifest.js';
export type { Manifest, TrainingScoreStats } from './manifest.js';
export { directorySaveHandler, directoryLoadHandler, MODEL_FILE, WEIGHTS_FILE } from './fs-handler.js';
export { writeCheckpoint, readCheckpoint } from './checkpoint.js';
export type { CheckpointState } from './checkpoint.js';
export { writeFileAtomic } from './atomic.js';
