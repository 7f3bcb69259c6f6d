// What the HTTP service needs of a model: its input shape, threshold and a batch scorer.
import type { BatchRunner } from './batcher.js';
import type { Preprocessing } from '../preprocess/index.js';

export interface ServedModel {
  readonly name: string;
  readonly kind: string;
  readonly variant: string;
  /** one sample's shape, no batch axis ([H, W, C] images, [F] rows, [T, H, W, 1] clips) */
  readonly inputShape: number[];
  /** scores above it are anomalies (null when the model was never calibrated) */
  readonly threshold: number | null;
  /** one error map's shape: [H, W] for images, [F] for rows */
  readonly mapShape: number[];
  /** scores a batch (and error maps when asked) in one forward pass */
  readonly run: BatchRunner;
  /** raw inputs (CSV rows, records, images) go through it; null: a model saved before it existed */
  readonly preprocessing?: Preprocessing | null;
  dispose(): void;
}

/** Model names in URLs: letters, digits, '.', '_' and '-', not starting with '.' (no path traversal). */
export const MODEL_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;
