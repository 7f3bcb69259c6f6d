// The one dataset interface shared by loaders, training, scoring and evaluation.
// Samples are float32, already normalised (images to [-1, 1]), in tfjs layout without the batch axis:
// images [H, W, C], video clips [T, H, W, 1], tabular rows [F].

export interface Dataset {
  /** number of samples */
  readonly size: number;
  /** shape of one sample (no batch axis) */
  readonly sampleShape: number[];
  /** ground truth when known: 1 = anomaly, 0 = normal, one per sample */
  readonly labels?: Uint8Array;
  /** optional original class ids (e.g. MNIST digits), one per sample */
  readonly classes?: Int32Array;
  /** values of the samples at `indices`, concatenated row-major (indices.length * prod(sampleShape)) */
  gather(indices: ArrayLike<number>): Float32Array;
}

export const sampleSize = (d: Pick<Dataset, 'sampleShape'>): number => d.sampleShape.reduce((a, b) => a * b, 1);

/** A dataset held in one Float32Array. */
export class ArrayDataset implements Dataset {
  readonly size: number;
  constructor(
    readonly values: Float32Array,
    readonly sampleShape: number[],
    readonly labels?: Uint8Array,
    readonly classes?: Int32Array,
  ) {
    const n = sampleSize(this);
    if (n === 0 || values.length % n !== 0) {
      throw new Error(`dataset: ${values.length} values do not divide into samples of shape [${sampleShape}]`);
    }
    this.size = values.length / n;
    if (labels && labels.length !== this.size) throw new Error(`dataset: ${labels.length} labels for ${this.size} samples`);
    if (classes && classes.length !== this.size) throw new Error(`dataset: ${classes.length} classes for ${this.size} samples`);
  }

  gather(indices: ArrayLike<number>): Float32Array {
    const n = sampleSize(this);
    const out = new Float32Array(indices.length * n);
    for (let i = 0; i < indices.length; i++) {
      const k = indices[i];
      if (k < 0 || k >= this.size) throw new RangeError(`dataset: index ${k} out of range [0, ${this.size})`);
      out.set(this.values.subarray(k * n, (k + 1) * n), i * n);
    }
    return out;
  }

  /** The samples at `indices` as a new in-memory dataset (labels and classes follow). */
  subset(indices: ArrayLike<number>): ArrayDataset {
    const pick = <T extends Uint8Array | Int32Array>(a: T | undefined, make: (n: number) => T): T | undefined => {
      if (!a) return undefined;
      const o = make(indices.length);
      for (let i = 0; i < indices.length; i++) o[i] = a[indices[i]];
      return o;
    };
    return new ArrayDataset(this.gather(indices), this.sampleShape, pick(this.labels, (n) => new Uint8Array(n)), pick(this.classes, (n) => new Int32Array(n)));
  }
}
