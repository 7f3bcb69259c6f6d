// Loads a model saved by `memae train` (its model/ directory, served next to the page) into TensorFlow.js.
import type * as tf from '@tensorflow/tfjs';

export interface BrowserModel {
  inputShape: number[];
  threshold: number | null;
  variant: string;
  slots: number;
  /** reconstructions of a [n, H, W, C] batch */
  reconstruct(x: tf.Tensor): tf.Tensor;
}

export async function loadBrowserModel(_url: string): Promise<BrowserModel> {
  throw new Error('model loading is not available in this build');
}
