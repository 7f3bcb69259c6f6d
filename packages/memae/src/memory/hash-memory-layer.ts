// The hash-addressing memory as a serializable tfjs layer, a drop-in for MemoryLayer (same inputs and outputs),
// plus a learned projection [C, bits] that makes the codes. Shapes, the memory weight and the read skeleton:
// LocationMemoryLayer.
import type * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { hashReadMemory } from './hash-memory.js';
import { LocationMemoryLayer, type LocationMemoryArgs, type MemoryRead } from './location-memory-layer.js';

export interface HashMemoryLayerArgs extends LocationMemoryArgs {
  /** code length in bits (default 16) */
  bits?: number;
  /** slots read per query (default 1) */
  topK?: number;
}

export class HashMemoryLayer extends LocationMemoryLayer {
  static className = 'MamaHashMemory';
  readonly bits: number;
  readonly topK: number;
  private projection: tfl.LayerVariable | null = null;

  constructor(args: HashMemoryLayerArgs) {
    super(args, 'hash memory');
    this.bits = args.bits ?? 16;
    this.topK = args.topK ?? 1;
    if (!Number.isInteger(this.bits) || this.bits < 1) throw new Error(`hash memory: bits must be a positive integer, got ${this.bits}`);
    if (!Number.isInteger(this.topK) || this.topK < 1 || this.topK > this.slots) throw new Error(`hash memory: topK must be in [1, slots], got ${this.topK}`);
  }

  protected override buildAddressing(c: number): void {
    // random hyperplanes (SimHash start), then learned
    this.projection = this.addWeight('projection', [c, this.bits], 'float32', tfl.initializers.randomNormal({ mean: 0, stddev: 1, seed: (this.seed ?? 0) + 1 }));
  }

  protected address(queries: tf.Tensor2D, memory: tf.Tensor2D, training: boolean): MemoryRead {
    return hashReadMemory(queries, memory, this.projection!.read() as tf.Tensor2D, { topK: this.topK, straightThrough: training });
  }

  protected addressingConfig(): serialization.ConfigDict {
    return { bits: this.bits, topK: this.topK };
  }
}
serialization.registerClass(HashMemoryLayer);
