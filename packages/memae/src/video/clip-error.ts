// Per-clip reconstruction error, as the official MemAE test script: error map = sqrt(sum over channels of r^2),
// clip score = mean of the map over all voxels. With one gray channel this is the mean absolute error.
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset.js';

/** Error of each clip of a batch: x and its reconstruction, both [B, T, H, W, C]. */
export function clipErrorOf(x: tf.Tensor, recon: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const r = tf.sub(recon, x);
    const map = tf.sqrt(tf.sum(tf.square(r), -1)); // [B, T, H, W]
    return tf.mean(map, [1, 2, 3]) as tf.Tensor1D;
  });
}

/** Scores every clip of `clips` with `reconstruct` (a model's forward pass in inference mode), batch by batch. */
export async function clipErrors(reconstruct: (x: tf.Tensor) => tf.Tensor, clips: Dataset, batchSize = 8): Promise<Float32Array> {
  const out = new Float32Array(clips.size);
  for (let b = 0; b < clips.size; b += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, clips.size - b) }, (_, i) => b + i);
    const e = tf.tidy(() => {
      const x = tf.tensor(clips.gather(idx), [idx.length, ...clips.sampleShape]);
      return clipErrorOf(x, reconstruct(x));
    });
    out.set(await e.data(), b);
    e.dispose();
  }
  return out;
}
