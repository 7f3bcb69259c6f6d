export { MemoryLayer } from './memory-layer.js';
export type { MemoryLayerArgs } from './memory-layer.js';
export { readMemory, hardShrink, entropyLoss, addressingLogits, MEMORY_EPS } from './addressing.js';
export type { Similarity, AddressOptions } from './addressing.js';
