// MemAE's memory module as a serializable tfjs layer: softmax addressing over the slots (dot or cosine similarity)
// with hard shrinkage. Shapes, the memory weight and the read skeleton: LocationMemoryLayer.
import type * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import { readMemory, Similarity } from './addressing.js';
import { LocationMemoryLayer, type LocationMemoryArgs, type MemoryRead } from './location-memory-layer.js';

export interface MemoryLayerArgs extends LocationMemoryArgs {
  /** hard-shrinkage threshold lambda; 0 disables shrinkage */
  shrinkThreshold?: number;
  /** addressing similarity: 'dot' (official code, default) or 'cosine' (paper text) */
  similarity?: Similarity;
}

export class MemoryLayer extends LocationMemoryLayer {
  static className = 'MemAEMemory';
  readonly shrinkThreshold: number;
  readonly similarity: Similarity;

  constructor(args: MemoryLayerArgs) {
    super(args, 'memory');
    this.shrinkThreshold = args.shrinkThreshold ?? 0;
    this.similarity = args.similarity ?? 'dot';
    if (this.similarity !== 'dot' && this.similarity !== 'cosine') throw new Error(`memory: unknown similarity ${String(this.similarity)}`);
  }

  protected address(queries: tf.Tensor2D, memory: tf.Tensor2D): MemoryRead {
    return readMemory(queries, memory, { similarity: this.similarity, shrinkThreshold: this.shrinkThreshold });
  }

  protected addressingConfig(): serialization.ConfigDict {
    return { shrinkThreshold: this.shrinkThreshold, similarity: this.similarity };
  }
}
serialization.registerClass(MemoryLayer);
