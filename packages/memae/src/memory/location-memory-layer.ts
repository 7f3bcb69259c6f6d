// What MemAE's memory and MAMA Net's hash memory share as tfjs layers: the input is features with the channels
// last and any leading shape ([B, C] for an MLP code, [B, H, W, C] or [B, D, H, W, C] for conv maps), every leading
// index is one query of dimension C, and the outputs are [z_hat (same shape as the input), w (leading shape + [N])].
// A subclass says only how queries address the memory matrix M ([N, C]), plus any weights and config of its own.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export interface LocationMemoryArgs {
  /** number of memory slots N */
  slots: number;
  /** seed of the initialisation */
  seed?: number;
  name?: string;
  trainable?: boolean;
}

export type Shape = (number | null)[];

/** The read of one batch of queries: z_hat rows ([Q, C]) and addressing weights ([Q, N]). */
export interface MemoryRead { output: tf.Tensor2D; weights: tf.Tensor2D }

const firstShape = (inputShape: Shape | Shape[]): Shape => (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;

export abstract class LocationMemoryLayer extends tfl.layers.Layer {
  readonly slots: number;
  readonly seed?: number;
  private memory: tfl.LayerVariable | null = null;

  /** `label` names the layer kind in error messages */
  protected constructor(args: LocationMemoryArgs, protected readonly label: string) {
    super({ name: args.name, trainable: args.trainable });
    if (!Number.isInteger(args.slots) || args.slots < 1) throw new Error(`${label}: slots must be a positive integer, got ${args.slots}`);
    this.slots = args.slots;
    this.seed = args.seed;
  }

  /** Reads the memory for queries [Q, C] (M is [N, C]); `training` is true in a training step. */
  protected abstract address(queries: tf.Tensor2D, memory: tf.Tensor2D, training: boolean): MemoryRead;

  /** Adds the subclass's own weights (after the memory, so weight order stays [memory, ...]). */
  protected buildAddressing(_channels: number): void {}

  /** The subclass's own config keys (between `slots` and `seed` in getConfig). */
  protected abstract addressingConfig(): tf.serialization.ConfigDict;

  override build(inputShape: Shape | Shape[]): void {
    const shape = firstShape(inputShape);
    const c = shape[shape.length - 1];
    if (c == null) throw new Error(`${this.label}: the channel (last) dimension must be known`);
    const bound = 1 / Math.sqrt(c);
    this.memory = this.addWeight('memory', [this.slots, c], 'float32', tfl.initializers.randomUniform({ minval: -bound, maxval: bound, seed: this.seed }));
    this.buildAddressing(c);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape[] {
    const shape = firstShape(inputShape);
    return [shape.slice(), [...shape.slice(0, -1), this.slots]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor[] {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const c = x.shape[x.rank - 1];
      const { output, weights } = this.address(tf.reshape(x, [-1, c]), this.memoryMatrix, kwargs.training === true);
      return [tf.reshape(output, x.shape), tf.reshape(weights, [...x.shape.slice(0, -1), this.slots])];
    });
  }

  /** The memory matrix M ([N, C]); a view of the weight, do not dispose. */
  get memoryMatrix(): tf.Tensor2D {
    if (!this.memory) throw new Error(`${this.label}: layer is not built yet`);
    return this.memory.read() as tf.Tensor2D;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), slots: this.slots, ...this.addressingConfig(), ...(this.seed === undefined ? {} : { seed: this.seed }) };
  }
}
