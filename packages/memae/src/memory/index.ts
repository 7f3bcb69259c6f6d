export { MemoryLayer } from './memory-layer.js';
export type { MemoryLayerArgs } from './memory-layer.js';
export { readMemory, hardShrink, entropyLoss, addressingLogits, MEMORY_EPS } from './addressing.js';
export type { Similarity, AddressOptions } from './addressing.js';
export { HashMemoryLayer } from './hash-memory-layer.js';
export type { HashMemoryLayerArgs } from './hash-memory-layer.js';
export { hashReadMemory, hashCodes, hammingDistance, topKWeights, signSte, stopGradient } from './hash-memory.js';
