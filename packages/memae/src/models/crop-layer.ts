// Crops (or zero-pads) the spatial and temporal axes of a channels-last map to a fixed size, keeping the
// top-left corner. Strided 'same' convolutions round sizes up (28 -> 14 -> 7 -> 4), so the decoder returns a
// larger map (32); the extra rows and columns lie at the bottom/right, where 'same' padding added them.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type Shape = (number | null)[];

export class CropToSize extends tfl.layers.Layer {
  static className = 'MemAECropToSize';
  readonly size: number[];

  constructor(args: { size: number[]; name?: string }) {
    super({ name: args.name });
    this.size = args.size.slice();
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    if (s.length !== this.size.length + 2) throw new Error(`crop: input rank ${s.length} does not fit size [${this.size}]`);
    return [s[0], ...this.size, s[s.length - 1]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (x.shape.slice(1, -1).every((d, i) => d === this.size[i])) return tf.clone(x);
    return tf.tidy(() => {
      const inner = x.shape.slice(1, -1);
      const cropped = tf.slice(x, new Array(x.rank).fill(0), [-1, ...inner.map((d, i) => Math.min(d, this.size[i])), -1]);
      if (inner.every((d, i) => d >= this.size[i])) return cropped;
      return tf.pad(cropped, [[0, 0], ...inner.map((d, i): [number, number] => [0, Math.max(0, this.size[i] - d)]), [0, 0]]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), size: this.size };
  }
}
tf.serialization.registerClass(CropToSize);
