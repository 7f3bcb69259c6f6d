// Multi-scale global spatial attention block (MAMA Net): a serializable tfjs layer that replaces a 3x3
// (transposed) convolution. Every output position attends over the whole input map; keys/values are average-
// pooled by each factor in `scales` (1 = full resolution), the per-scale results are fused (mean or concat + 1x1),
// and a local path is added: a k x k convolution of the input on the output grid (strided for down, transposed for
// up; k = 3 by default, 1 in blocks saved before it existed). BN + LeakyReLU follow outside.
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
  /** add the local (residual) convolution path (default true) */
  residual?: boolean;
  /**
   * kernel size of the local path (odd, default 3). Attention has no notion of position, so a 1x1 local path left
   * the up blocks unable to vary within each 2x2 output group (docs/mama.md); 1 is what blocks saved before had.
   */
  localKernel?: number;
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
  readonly localKernel: number;
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
    this.localKernel = args.localKernel ?? 3;
    if (!Number.isInteger(this.localKernel) || this.localKernel < 1 || this.localKernel % 2 === 0) throw new Error(`attention block: localKernel must be a positive odd integer, got ${this.localKernel}`);
    this.seed = args.seed;
  }

  /** Blocks saved before `localKernel` existed had a 1x1 local path. */
  static override fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    return new cls({ localKernel: 1, ...config });
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
    const k = this.localKernel;
    if (this.residual) this.wr = this.addWeight('wr', k === 1 ? [c, this.filters] : [k, k, c, this.filters], 'float32', init(5, k * k * c));
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

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      // 'up': the queries come from the nearest-upsampled input, so each 2x2 group of output positions has the
      // same query, the same attention and the same residual: compute once per input position, then upsample.
      let y: tf.Tensor4D;
      if (this.mode === 'up') y = upsample2(this.attend(x, x, null));
      else if (this.mode === 'same') y = this.attend(x, x, null);
      else {
        // 'down': queries from the 2x2 average pool; the scale whose pooling factor is 2 reuses it as its keys' map.
        const grid = tf.avgPool(x, 2, 2, 'same');
        y = this.attend(x, grid, grid);
      }
      return this.wr && this.localKernel > 1 ? tf.add(y, this.local(x, y.shape)) : y;
    });
  }

  /** The k x k local path (k > 1) on the output grid: a strided, plain or transposed 'same' convolution. */
  private local(x: tf.Tensor4D, outShape: [number, number, number, number]): tf.Tensor4D {
    const wr = this.wr!.read() as tf.Tensor4D; // [k, k, c, filters]
    if (this.mode === 'up') return tf.conv2dTranspose(x, tf.transpose(wr, [0, 1, 3, 2]) as tf.Tensor4D, outShape, 2, 'same');
    return tf.conv2d(x, wr, this.mode === 'down' ? 2 : 1, 'same');
  }

  /**
   * Attention of every position of `grid` (the output grid) over the pooled maps of `x`, fused, plus residual and
   * bias. `pooled2` is avgPool(x, 2) when the caller has it. The products are associated in the cheaper order:
   * with few input channels (c < keyDim) the scores are grid (s Wq Wk^T) src^T, with c < filters the values are
   * (att src) Wv; both equal the textbook q k^T and att (src Wv) (matrix products are associative).
   */
  private attend(x: tf.Tensor4D, grid: tf.Tensor4D, pooled2: tf.Tensor4D | null): tf.Tensor4D {
    const [b, h, w, c] = x.shape;
    const [, ho, wo] = grid.shape;
    const m = ho * wo, nScales = this.scales.length, f = this.filters;
    const rows = (t: tf.Tensor, width: number) => tf.reshape(t, [-1, width]) as tf.Tensor2D;
    const wq = this.wq.read() as tf.Tensor2D, wk = this.wk.read() as tf.Tensor2D;
    const scoresViaInput = c < this.keyDim;
    const valuesViaInput = c < f;
    // 1/sqrt(keyDim) folded into the (small) query weight instead of the [m, n] score matrix
    const wqs = tf.mul(wq, 1 / Math.sqrt(this.keyDim)) as tf.Tensor2D;
    const qw = scoresViaInput ? tf.matMul(wqs, wk, false, true) : wqs; // [c, c] or [c, keyDim]
    const q = tf.reshape(tf.matMul(rows(grid, c), qw), [b, m, scoresViaInput ? c : this.keyDim]) as tf.Tensor3D;
    // mean fusion: the 1/scales factor folded into the value weight (the mean of att_s V_s is att_s (V_s / S) summed)
    const wv = this.fusion === 'mean' && nScales > 1 ? tf.mul(this.wv.read(), 1 / nScales) as tf.Tensor2D : this.wv.read() as tf.Tensor2D;
    const scaleOut = this.scales.map((s) => {
      const p = effectivePool(h, w, s, this.maxKeys);
      const src = p === 1 ? x : p === 2 && pooled2 ? pooled2 : tf.avgPool(x, p, p, 'same');
      const n = src.shape[1] * src.shape[2];
      const srcRows = tf.reshape(src, [b, n, c]) as tf.Tensor3D;
      const k = scoresViaInput ? srcRows : tf.reshape(tf.matMul(rows(src, c), wk), [b, n, this.keyDim]) as tf.Tensor3D;
      const att = tf.softmax(tf.matMul(q, k, false, true), -1); // [b, m, n]
      if (valuesViaInput) return tf.matMul(att, srcRows); // [b, m, c], projected by Wv below
      return tf.matMul(att, tf.reshape(tf.matMul(rows(src, c), wv), [b, n, f]) as tf.Tensor3D); // [b, m, f]
    });
    let y: tf.Tensor2D;
    if (this.fusion === 'concat') {
      const proj = scaleOut.map((o) => (valuesViaInput ? tf.matMul(rows(o, c), wv) : rows(o, f)));
      y = tf.matMul(proj.length === 1 ? proj[0] : tf.concat(proj, -1), this.wf!.read() as tf.Tensor2D);
    } else {
      const sum = scaleOut.length === 1 ? scaleOut[0] : tf.addN(scaleOut);
      y = valuesViaInput ? tf.matMul(rows(sum, c), wv) : rows(sum, f);
    }
    if (this.wr && this.localKernel === 1) {
      // residual: 1x1 conv on the input taken at the output grid (stride 2 for down; 'up' is upsampled by the caller)
      const wr = this.wr.read() as tf.Tensor2D;
      const res = this.mode === 'down'
        ? rows(tf.conv2d(x, tf.reshape(wr, [1, 1, c, f]) as tf.Tensor4D, 2, 'same'), f)
        : tf.matMul(rows(x, c), wr);
      y = tf.add(y, res);
    }
    return tf.reshape(tf.add(y, this.bias.read()), [b, ho, wo, f]) as tf.Tensor4D;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(), filters: this.filters, mode: this.mode, scales: this.scales, fusion: this.fusion,
      keyDim: this.keyDim, maxKeys: this.maxKeys, residual: this.residual, localKernel: this.localKernel, ...(this.seed === undefined ? {} : { seed: this.seed }),
    };
  }
}
tf.serialization.registerClass(AttentionBlock);
