// Batch normalisation over the channel (last) axis for inputs of any rank, with PyTorch's semantics:
// batch statistics in training (biased variance to normalise, unbiased variance for the running estimate),
// running = (1 - momentum) * running + momentum * batch, eps 1e-5. tfjs-layers' own layer stops at rank 4,
// and the video model needs rank 5. With a `sync` (data-parallel training, distributed/sync-batch-norm.ts) the
// training statistics are those of the global batch across ranks, as PyTorch's SyncBatchNorm.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type Shape = (number | null)[];

/** tfjs-backend-libtorch's kernel for tfjs' batch-norm gradient: [dx, dmean, dvariance, dscale, doffset] */
const LIBTORCH_BATCH_NORM_GRAD = 'LibtorchBatchNormGrad';
/** its training-mode batch norm (statistics, normalisation and the gradient through them: 2 + 1 kernels instead of
 *  about 12 full-size ones): [y, batch mean, biased batch variance] */
const LIBTORCH_BATCH_NORM_TRAIN = 'LibtorchBatchNormTrain';

export interface BatchNormArgs {
  name?: string;
  /** PyTorch momentum (weight of the new batch statistics), default 0.1 */
  momentum?: number;
  epsilon?: number;
  /** seed of gamma ~ N(1, 0.02) (official init) */
  seed?: number;
}

/**
 * Statistics of the global batch across data-parallel ranks (implemented in distributed/sync-batch-norm.ts).
 * Per-channel vectors are small, so they travel as host arrays and are combined in float64.
 */
export interface BatchNormSync {
  /** this rank's element count per channel, mean and biased variance in; every rank's together out (a collective) */
  stats(count: number, mean: Float32Array, variance: Float32Array): { count: number; mean: Float64Array; variance: Float64Array };
  /** per channel: this rank's sums of dy and dy * xhat in; over every rank, each weighted by its share of the batch, out (a collective) */
  gradSums(sumDy: ArrayLike<number>, sumDyXhat: ArrayLike<number>): { sumDy: Float64Array; sumDyXhat: Float64Array };
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
  /** set during a data-parallel fit with synchronised batch norm; undefined otherwise */
  sync?: BatchNormSync;

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

  /** channels (the last axis) */
  get channels(): number { return this.gamma.shape[0]!; }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (kwargs.training && this.sync) return this.syncedCall(x, this.sync);
    return tf.tidy(() => {
      if (!kwargs.training) return this.normalise(x, this.runningMean.read(), this.runningVar.read());
      let y: tf.Tensor | undefined, mean: tf.Tensor, variance: tf.Tensor;
      if (tf.getBackend() === 'libtorch') {
        // one native kernel for the statistics and the normalisation (its registered gradient goes through both)
        [y, mean, variance] = tf.engine().runKernel(LIBTORCH_BATCH_NORM_TRAIN, { x, scale: this.gamma.read(), offset: this.beta.read() },
          { varianceEpsilon: this.epsilon }) as tf.Tensor[];
      } else {
        ({ mean, variance } = tf.moments(x, x.shape.slice(0, -1).map((_, i) => i)));
      }
      const n = x.size / x.shape[x.rank - 1];
      this.updateRunning(mean, variance, n > 1 ? n / (n - 1) : 1);
      return y ?? this.normalise(x, mean, variance);
    });
  }

  /**
   * One FusedBatchNorm kernel ((x - mean) * rsqrt(variance + eps) * gamma + beta): one pass over x forward
   * and, on libtorch, one native gradient kernel, instead of Sub, Mul, Add and their gradients
   * (docs/engine.md). tfjs' own gradient of it fails above rank 4, so video inputs [N, D, H, W, C] are
   * normalised as [N * D, H, W, C] (a free reshape, same statistics axes), except on libtorch, whose native
   * gradient takes any rank: there the reshape is not free, as a 3D convolution's result is an NDHWC view of
   * NCDHW memory and merging N and D copies it, and the copy would make every following kernel mix two
   * memory layouts (docs/video.md).
   */
  private normalise(x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, gamma = this.gamma.read(), beta = this.beta.read()): tf.Tensor {
    if (x.rank <= 4 || tf.getBackend() === 'libtorch') return tf.batchNorm(x, mean, variance, beta, gamma, this.epsilon);
    const x4 = tf.reshape(x, [-1, ...x.shape.slice(-3)]);
    return tf.reshape(tf.batchNorm(x4, mean, variance, beta, gamma, this.epsilon), x.shape);
  }

  /** running = (1 - momentum) * running + momentum * batch (unbiased variance); variable writes are not differentiated */
  private updateRunning(mean: tf.Tensor, variance: tf.Tensor, unbiased: number): void {
    const mom = this.momentum;
    tf.tidy(() => {
      this.runningMean.write(tf.add(tf.mul(this.runningMean.read(), 1 - mom), tf.mul(mean, mom)));
      this.runningVar.write(tf.add(tf.mul(this.runningVar.read(), 1 - mom), tf.mul(variance, mom * unbiased)));
    });
  }

  /** the same update from the global statistics, on the host (a few channels: cheaper than kernels) */
  private updateRunningFrom(g: { count: number; mean: Float64Array; variance: Float64Array }): void {
    const mom = this.momentum, unbiased = g.count > 1 ? g.count / (g.count - 1) : 1;
    const rm = this.runningMean.read().dataSync(), rv = this.runningVar.read().dataSync();
    const c = g.mean.length;
    tf.tidy(() => {
      this.runningMean.write(tf.tensor1d(Float32Array.from({ length: c }, (_, k) => (1 - mom) * rm[k] + mom * g.mean[k])));
      this.runningVar.write(tf.tensor1d(Float32Array.from({ length: c }, (_, k) => (1 - mom) * rv[k] + mom * unbiased * g.variance[k])));
    });
  }

  /**
   * A rank with no sample in this batch still takes part in the layer's forward collective (contributing
   * nothing) and updates its running statistics from the global ones, as the other ranks do.
   */
  syncIdle(sync: BatchNormSync): void {
    const z = new Float32Array(this.channels);
    this.updateRunningFrom(sync.stats(0, z, z));
  }

  /**
   * Training step with the global batch's statistics: the forward is the fused kernel with the global mean
   * and variance. The gradient is the one-process batch norm's on the global batch:
   *   dx = gamma * invstd * (dy - (sum dy + xhat * sum dy xhat) / count), the sums over every rank.
   * Each rank's loss is a mean over its own samples and the trainer weights it by its share w = n / N of the
   * batch afterwards, so the global sums weight each rank's dy by its w, and dividing by the global count M
   * and by w (to stay on this rank's scale) is dividing by this rank's count n = w M. With xc = x - mean:
   *   dx = k1 dy + k2 xc + k3, k1 = gamma invstd, k2 = -k1 invstd B / n, k3 = -k1 A / n (per channel),
   * where A, B are the global sums of dy and dy * xhat; k1 dy + k2 xc + k3 = dx0 + k2' xhat + k3 with
   * dx0 = k1 dy (the gradient with fixed statistics) and k2' = k2 / invstd.
   */
  private syncedCall(x: tf.Tensor, sync: BatchNormSync): tf.Tensor {
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    const n = x.size / x.shape[x.rank - 1];
    const c = this.channels, eps = this.epsilon;
    const f = tf.customGrad(((xIn: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, save: tf.GradSaveFunc) => {
      const local = tf.tidy(() => { const m = tf.moments(xIn, axes); return [m.mean.dataSync(), m.variance.dataSync()] as Float32Array[]; });
      const g = sync.stats(n, local[0], local[1]);
      this.updateRunningFrom(g);
      const invstd = Float64Array.from(g.variance, (v) => 1 / Math.sqrt(v + eps));
      const { value, mean, variance } = tf.tidy(() => {
        const mean = tf.tensor1d(Float32Array.from(g.mean)), variance = tf.tensor1d(Float32Array.from(g.variance));
        return { value: this.normalise(xIn, mean, variance, gamma, beta), mean, variance };
      });
      save([xIn, mean, variance, gamma]);
      return {
        value,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [xs, m, v, gm] = saved;
          // this rank's sum dy, sum dy * xhat and dy * gamma * invstd (the gradient with the statistics held fixed)
          let sumDy: tf.Tensor, sumDyXhat: Float64Array, dx0: tf.Tensor;
          if (tf.getBackend() === 'libtorch') {
            // the backend's native batch-norm gradient: one kernel instead of five full-size ones
            const r = tf.engine().runKernel(LIBTORCH_BATCH_NORM_GRAD, { dy, x: xs, mean: m, variance: v, scale: gm }, { varianceEpsilon: eps }) as tf.Tensor[];
            [dx0, sumDy] = [r[0], r[4]];
            sumDyXhat = Float64Array.from(r[3].dataSync());
          } else {
            sumDy = tf.sum(dy, axes);
            const sumDyXc = tf.sum(tf.mul(dy, tf.sub(xs, m)), axes).dataSync();
            sumDyXhat = Float64Array.from(sumDyXc, (u, k) => u * invstd[k]);
            dx0 = tf.mul(dy, tf.mul(gm, tf.rsqrt(tf.add(v, eps))));
          }
          const glob = sync.gradSums(sumDy.dataSync(), sumDyXhat);
          const gv = gm.dataSync();
          // dx = dx0 + k2 xhat + k3: the second term is one fused batch-norm kernel on x
          const k2 = Float32Array.from({ length: c }, (_, k) => (-gv[k] * invstd[k] * glob.sumDyXhat[k]) / n);
          const k3 = Float32Array.from({ length: c }, (_, k) => (-gv[k] * invstd[k] * glob.sumDy[k]) / n);
          const dx = tf.add(dx0, this.normalise(xs, m, v, tf.tensor1d(k2), tf.tensor1d(k3)));
          return [dx, tf.tensor1d(Float32Array.from(sumDyXhat)), sumDy];
        },
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]);
    return f(x, this.gamma.read(), this.beta.read()) as tf.Tensor;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon, ...(this.seed === undefined ? {} : { seed: this.seed }) };
  }
}
tf.serialization.registerClass(BatchNorm);

/** The batch-norm layers of a model, nested models included, in the order of model.layers (the forward's). */
export function batchNormLayers(model: tfl.LayersModel): BatchNorm[] {
  return model.layers.flatMap((l) => (l instanceof BatchNorm ? [l] : l instanceof tfl.LayersModel ? batchNormLayers(l) : []));
}
