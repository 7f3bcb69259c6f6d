// Multi-scale global spatial attention block (MAMA Net): a serializable tfjs layer that replaces a 3x3
// (transposed) convolution. Every output position attends over the whole input map; keys/values are average-
// pooled by each factor in `scales` (1 = full resolution), the per-scale results are fused (mean or concat + 1x1),
// and a 1x1 residual path (strided / nearest-upsampled like the output) is added. BN + LeakyReLU follow outside.
// Input/output: [B, H, W, C] (channels last). Modes: 'down' (ceil(H/2)), 'same', 'up' (2H).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export type AttentionMode = 'down' | 'same' | 'up';
export type AttentionFusion = 'mean' | 'concat';

export interface AttentionBlockArgs {
  filters: number;
  mode: AttentionMode;
  /** key/value pooling factors, default [1, 2, 4] */
  scales?: number[];
  fusion?: AttentionFusion;
  /** width of queries/keys, default max(8, round(filters / 2)) */
  keyDim?: number;
  /** most key positions per scale; a scale whose pooled map is larger is pooled more (cost cap), default 1024 */
  maxKeys?: number;
  /** add the 1x1 residual path (default true) */
  residual?: boolean;
  seed?: number;
  name?: string;
}

type Shape = (number | null)[];

/** Pooling factor actually used for a scale on an h x w map: at least `s`, raised until the map has <= maxKeys cells. */
export function effectivePool(h: number, w: number, s: number, maxKeys: number): number {
  let f = Math.max(1, Math.floor(s));
  while (Math.ceil(h / f) * Math.ceil(w / f) > maxKeys && f < Math.max(h, w)) f++;
  return f;
}

/** Nearest-neighbour x2 upsampling from reshape + concat (ResizeNearestNeighbor has no native libtorch kernel). */
export function upsample2(x: tf.Tensor4D): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const rows = tf.reshape(x, [b, h, 1, w, c]);
  const r2 = tf.reshape(tf.concat([rows, rows], 2), [b, 2 * h, w, 1, c]);
  return tf.reshape(tf.concat([r2, r2], 3), [b, 2 * h, 2 * w, c]) as tf.Tensor4D;
}

export class AttentionBlock extends tfl.layers.Layer {
  static className = 'MamaAttentionBlock';
  readonly filters: number;
  readonly mode: AttentionMode;
  readonly scales: number[];
  readonly fusion: AttentionFusion;
  readonly keyDim: number;
  readonly maxKeys: number;
  readonly residual: boolean;
  readonly seed?: number;
  private wq!: tfl.LayerVariable;
  private wk!: tfl.LayerVariable;
  private wv!: tfl.LayerVariable;
  private wf: tfl.LayerVariable | null = null;
  private wr: tfl.LayerVariable | null = null;
  private bias!: tfl.LayerVariable;

  constructor(args: AttentionBlockArgs) {
    super({ name: args.name });
    if (!Number.isInteger(args.filters) || args.filters < 1) throw new Error(`attention block: filters must be a positive integer, got ${args.filters}`);
    if (!['down', 'same', 'up'].includes(args.mode)) throw new Error(`attention block: mode must be down, same or up, got ${String(args.mode)}`);
    this.filters = args.filters;
    this.mode = args.mode;
    this.scales = (args.scales ?? [1, 2, 4]).slice();
    if (this.scales.length === 0 || !this.scales.every((s) => Number.isInteger(s) && s >= 1)) throw new Error(`attention block: scales must be positive integers, got ${JSON.stringify(this.scales)}`);
    this.fusion = args.fusion ?? 'mean';
    if (this.fusion !== 'mean' && this.fusion !== 'concat') throw new Error(`attention block: fusion must be mean or concat, got ${String(this.fusion)}`);
    this.keyDim = args.keyDim ?? Math.max(8, Math.round(args.filters / 2));
    this.maxKeys = args.maxKeys ?? 1024;
    this.residual = args.residual ?? true;
    this.seed = args.seed;
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const c = s[s.length - 1];
    if (c == null || s.length !== 4) throw new Error('attention block: input must be [batch, height, width, channels] with known channels');
    const seed = this.seed ?? 0;
    const init = (k: number, fanIn: number) => tfl.initializers.randomNormal({ mean: 0, stddev: 1 / Math.sqrt(fanIn), seed: seed * 10 + k });
    this.wq = this.addWeight('wq', [c, this.keyDim], 'float32', init(1, c));
    this.wk = this.addWeight('wk', [c, this.keyDim], 'float32', init(2, c));
    this.wv = this.addWeight('wv', [c, this.filters], 'float32', init(3, c));
    if (this.fusion === 'concat') this.wf = this.addWeight('wf', [this.filters * this.scales.length, this.filters], 'float32', init(4, this.filters * this.scales.length));
    if (this.residual) this.wr = this.addWeight('wr', [c, this.filters], 'float32', init(5, c));
    this.bias = this.addWeight('bias', [this.filters], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  private outSize(n: number): number {
    return this.mode === 'down' ? Math.ceil(n / 2) : this.mode === 'up' ? n * 2 : n;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const f = (n: number | null) => (n == null ? null : this.outSize(n));
    return [s[0], f(s[1]), f(s[2]), this.filters];
  }

  /** Input resampled to the output grid: 2x2 average pool (down), nearest x2 (up) or itself. */
  private toOutputGrid(x: tf.Tensor4D): tf.Tensor4D {
    if (this.mode === 'down') return tf.avgPool(x, 2, 2, 'same');
    if (this.mode === 'up') return upsample2(x);
    return x;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const [b, h, w, c] = x.shape;
      const grid = this.toOutputGrid(x);
      const [, ho, wo] = grid.shape;
      const flat = (t: tf.Tensor4D) => tf.reshape(t, [-1, t.shape[3]]) as tf.Tensor2D;
      const q = tf.reshape(tf.matMul(flat(grid), this.wq.read() as tf.Tensor2D), [b, ho * wo, this.keyDim]) as tf.Tensor3D;
      const scaleOut = this.scales.map((s) => {
        const f = effectivePool(h, w, s, this.maxKeys);
        const src = f === 1 ? x : tf.avgPool(x, f, f, 'same');
        const n = src.shape[1] * src.shape[2];
        const k = tf.reshape(tf.matMul(flat(src), this.wk.read() as tf.Tensor2D), [b, n, this.keyDim]) as tf.Tensor3D;
        const v = tf.reshape(tf.matMul(flat(src), this.wv.read() as tf.Tensor2D), [b, n, this.filters]) as tf.Tensor3D;
        const att = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(this.keyDim)), -1);
        return tf.matMul(att, v); // [b, ho*wo, filters]
      });
      let y: tf.Tensor;
      if (this.fusion === 'concat') {
        const cat = scaleOut.length === 1 ? scaleOut[0] : tf.concat(scaleOut, -1);
        y = tf.matMul(tf.reshape(cat, [-1, this.filters * this.scales.length]), this.wf!.read() as tf.Tensor2D);
      } else {
        y = tf.reshape(scaleOut.length === 1 ? scaleOut[0] : tf.div(tf.addN(scaleOut), scaleOut.length), [-1, this.filters]);
      }
      if (this.wr) {
        // residual: 1x1 conv on the input taken at the output grid (stride 2 for down, nearest x2 for up)
        const wr = this.wr.read() as tf.Tensor2D;
        const res = this.mode === 'down'
          ? tf.reshape(tf.conv2d(x, tf.reshape(wr, [1, 1, c, this.filters]) as tf.Tensor4D, 2, 'same'), [-1, this.filters])
          : tf.matMul(flat(grid), wr);
        y = tf.add(y, res);
      }
      return tf.reshape(tf.add(y, this.bias.read()), [b, ho, wo, this.filters]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(), filters: this.filters, mode: this.mode, scales: this.scales, fusion: this.fusion,
      keyDim: this.keyDim, maxKeys: this.maxKeys, residual: this.residual, ...(this.seed === undefined ? {} : { seed: this.seed }),
    };
  }
}
tf.serialization.registerClass(AttentionBlock);
