// Batch normalisation over the channel (last) axis for inputs of any rank, with PyTorch's semantics:
// batch statistics in training (biased variance to normalise, unbiased variance for the running estimate),
// running = (1 - momentum) * running + momentum * batch, eps 1e-5. tfjs-layers' own layer stops at rank 4,
// and the video model needs rank 5.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type Shape = (number | null)[];

export interface BatchNormArgs {
  name?: string;
  /** PyTorch momentum (weight of the new batch statistics), default 0.1 */
  momentum?: number;
  epsilon?: number;
  /** seed of gamma ~ N(1, 0.02) (official init) */
  seed?: number;
}

export class BatchNorm extends tfl.layers.Layer {
  static className = 'MemAEBatchNorm';
  readonly momentum: number;
  readonly epsilon: number;
  readonly seed?: number;
  private gamma!: tfl.LayerVariable;
  private beta!: tfl.LayerVariable;
  private runningMean!: tfl.LayerVariable;
  private runningVar!: tfl.LayerVariable;

  constructor(args: BatchNormArgs = {}) {
    super({ name: args.name });
    this.momentum = args.momentum ?? 0.1;
    this.epsilon = args.epsilon ?? 1e-5;
    this.seed = args.seed;
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const c = s[s.length - 1];
    if (c == null) throw new Error('batch norm: the channel (last) dimension must be known');
    this.gamma = this.addWeight('gamma', [c], 'float32', tfl.initializers.randomNormal({ mean: 1, stddev: 0.02, seed: this.seed }));
    this.beta = this.addWeight('beta', [c], 'float32', tfl.initializers.zeros());
    this.runningMean = this.addWeight('running_mean', [c], 'float32', tfl.initializers.zeros(), undefined, false);
    this.runningVar = this.addWeight('running_var', [c], 'float32', tfl.initializers.ones(), undefined, false);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => {
      let mean: tf.Tensor;
      let variance: tf.Tensor;
      if (kwargs.training) {
        const axes = x.shape.slice(0, -1).map((_, i) => i);
        const m = tf.moments(x, axes);
        mean = m.mean;
        variance = m.variance;
        const n = x.size / x.shape[x.rank - 1];
        const unbiased = n > 1 ? n / (n - 1) : 1;
        const mom = this.momentum;
        tf.tidy(() => {
          // variable writes are not differentiated, so no gradient flows through the running statistics
          this.runningMean.write(tf.add(tf.mul(this.runningMean.read(), 1 - mom), tf.mul(mean, mom)));
          this.runningVar.write(tf.add(tf.mul(this.runningVar.read(), 1 - mom), tf.mul(variance, mom * unbiased)));
        });
      } else {
        mean = this.runningMean.read();
        variance = this.runningVar.read();
      }
      // One FusedBatchNorm kernel ((x - mean) * rsqrt(variance + eps) * gamma + beta): one pass over x
      // forward and, on libtorch, one native gradient kernel, instead of Sub, Mul, Add and their
      // gradients (docs/engine.md). tfjs' own gradient of it fails above rank 4, so video inputs
      // [N, D, H, W, C] are normalised as [N * D, H, W, C] (a free reshape, same statistics axes),
      // except on libtorch, whose native gradient takes any rank: there the reshape is not free, as a
      // 3D convolution's result is an NDHWC view of NCDHW memory and merging N and D copies it, and
      // the copy would make every following kernel mix two memory layouts (docs/video.md).
      if (x.rank <= 4 || tf.getBackend() === 'libtorch') return tf.batchNorm(x, mean, variance, this.beta.read(), this.gamma.read(), this.epsilon);
      const x4 = tf.reshape(x, [-1, ...x.shape.slice(-3)]);
      return tf.reshape(tf.batchNorm(x4, mean, variance, this.beta.read(), this.gamma.read(), this.epsilon), x.shape);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon, ...(this.seed === undefined ? {} : { seed: this.seed }) };
  }
}
tf.serialization.registerClass(BatchNorm);
