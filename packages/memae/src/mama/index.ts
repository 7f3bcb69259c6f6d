export { AttentionBlock, effectivePool } from './attention-block.js';
export type { AttentionBlockArgs, AttentionMode, AttentionFusion } from './attention-block.js';
export { slicedWasserstein, sliceDirections, cachedDirections, gaussianSamples } from './wasserstein.js';
