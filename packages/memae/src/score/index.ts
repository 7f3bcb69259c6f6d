export { scoreModel, errorMapShape } from './score.js';
export type { ScoreOptions, ScoreResult } from './score.js';
export { scoreStats, thresholdFor, percentileOfSorted, quantileTable, percentileFromTable } from './stats.js';
export type { ScoreStats } from './stats.js';
export * from './video-channels.js';
export * from './video-score.js';
export { codeDistances } from './code-distance.js';
