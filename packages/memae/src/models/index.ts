export { buildModel } from './build.js';
export { resolveConfig, usesMemory, DATA_KINDS, VARIANTS } from './config.js';
export type { ModelConfig, ModelOptions, DataKind, Variant } from './config.js';
export { CropToSize } from './crop-layer.js';
