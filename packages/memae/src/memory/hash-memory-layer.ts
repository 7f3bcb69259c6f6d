// The hash-addressing memory as a serializable tfjs layer, a drop-in for MemoryLayer: same inputs and outputs
// ([z_hat, w] with one query per leading index), plus a learned projection [C, bits] that makes the codes.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { hashReadMemory } from './hash-memory.js';

export interface HashMemoryLayerArgs {
  slots: number;
  /** code length in bits (default 16) */
  bits?: number;
  /** slots read per query (default 1) */
  topK?: number;
  seed?: number;
  name?: string;
}

type Shape = (number | null)[];

export class HashMemoryLayer extends tfl.layers.Layer {
  static className = 'MamaHashMemory';
  readonly slots: number;
  readonly bits: number;
  readonly topK: number;
  readonly seed?: number;
  private memory: tfl.LayerVariable | null = null;
  private projection: tfl.LayerVariable | null = null;

  constructor(args: HashMemoryLayerArgs) {
    super({ name: args.name });
    if (!Number.isInteger(args.slots) || args.slots < 1) throw new Error(`hash memory: slots must be a positive integer, got ${args.slots}`);
    this.slots = args.slots;
    this.bits = args.bits ?? 16;
    this.topK = args.topK ?? 1;
    if (!Number.isInteger(this.bits) || this.bits < 1) throw new Error(`hash memory: bits must be a positive integer, got ${this.bits}`);
    if (!Number.isInteger(this.topK) || this.topK < 1 || this.topK > this.slots) throw new Error(`hash memory: topK must be in [1, slots], got ${this.topK}`);
    this.seed = args.seed;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const c = shape[shape.length - 1];
    if (c == null) throw new Error('hash memory: the channel (last) dimension must be known');
    const bound = 1 / Math.sqrt(c);
    this.memory = this.addWeight('memory', [this.slots, c], 'float32', tfl.initializers.randomUniform({ minval: -bound, maxval: bound, seed: this.seed }));
    // random hyperplanes (SimHash start), then learned
    this.projection = this.addWeight('projection', [c, this.bits], 'float32', tfl.initializers.randomNormal({ mean: 0, stddev: 1, seed: (this.seed ?? 0) + 1 }));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [shape.slice(), [...shape.slice(0, -1), this.slots]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor[] {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const c = x.shape[x.rank - 1];
      const { output, weights } = hashReadMemory(tf.reshape(x, [-1, c]), this.memory!.read() as tf.Tensor2D, this.projection!.read() as tf.Tensor2D,
        { topK: this.topK, straightThrough: kwargs.training === true });
      return [tf.reshape(output, x.shape), tf.reshape(weights, [...x.shape.slice(0, -1), this.slots])];
    });
  }

  /** The memory matrix M ([N, C]); a view of the weight, do not dispose. */
  get memoryMatrix(): tf.Tensor2D {
    if (!this.memory) throw new Error('hash memory: layer is not built yet');
    return this.memory.read() as tf.Tensor2D;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), slots: this.slots, bits: this.bits, topK: this.topK, ...(this.seed === undefined ? {} : { seed: this.seed }) };
  }
}
tf.serialization.registerClass(HashMemoryLayer);
