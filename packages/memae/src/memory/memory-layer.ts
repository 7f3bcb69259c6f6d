// The memory module as a serializable tfjs layer. Input: features with the channels last and any leading
// shape ([B, C] for an MLP code, [B, H, W, C] or [B, D, H, W, C] for conv maps). Every leading index is one
// query of dimension C. Outputs: [z_hat (same shape as the input), w_hat (leading shape + [N])].
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { readMemory, Similarity } from './addressing.js';

export interface MemoryLayerArgs {
  /** number of memory slots N */
  slots: number;
  /** hard-shrinkage threshold lambda; 0 disables shrinkage */
  shrinkThreshold?: number;
  /** addressing similarity: 'dot' (official code, default) or 'cosine' (paper text) */
  similarity?: Similarity;
  /** seed of the uniform initialisation */
  seed?: number;
  name?: string;
  trainable?: boolean;
}

type Shape = (number | null)[];

export class MemoryLayer extends tfl.layers.Layer {
  static className = 'MemAEMemory';
  readonly slots: number;
  readonly shrinkThreshold: number;
  readonly similarity: Similarity;
  readonly seed?: number;
  private memory: tfl.LayerVariable | null = null;

  constructor(args: MemoryLayerArgs) {
    super({ name: args.name, trainable: args.trainable });
    if (!Number.isInteger(args.slots) || args.slots < 1) throw new Error(`memory: slots must be a positive integer, got ${args.slots}`);
    this.slots = args.slots;
    this.shrinkThreshold = args.shrinkThreshold ?? 0;
    this.similarity = args.similarity ?? 'dot';
    this.seed = args.seed;
    if (this.similarity !== 'dot' && this.similarity !== 'cosine') throw new Error(`memory: unknown similarity ${String(this.similarity)}`);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const c = shape[shape.length - 1];
    if (c == null) throw new Error('memory: the channel (last) dimension must be known');
    const bound = 1 / Math.sqrt(c);
    this.memory = this.addWeight('memory', [this.slots, c], 'float32',
      tfl.initializers.randomUniform({ minval: -bound, maxval: bound, seed: this.seed }));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [shape.slice(), [...shape.slice(0, -1), this.slots]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const c = x.shape[x.rank - 1];
      const m = this.memory!.read() as tf.Tensor2D;
      const { output, weights } = readMemory(tf.reshape(x, [-1, c]), m, { similarity: this.similarity, shrinkThreshold: this.shrinkThreshold });
      return [tf.reshape(output, x.shape), tf.reshape(weights, [...x.shape.slice(0, -1), this.slots])];
    });
  }

  /** The memory matrix M ([N, C]); a view of the weight, do not dispose. */
  get memoryMatrix(): tf.Tensor2D {
    if (!this.memory) throw new Error('memory: layer is not built yet');
    return this.memory.read() as tf.Tensor2D;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), slots: this.slots, shrinkThreshold: this.shrinkThreshold, similarity: this.similarity, ...(this.seed === undefined ? {} : { seed: this.seed }) };
  }
}
tf.serialization.registerClass(MemoryLayer);
