// The one place the CLI, the service and the run writer meet the model API (MemAE in ../index.ts).
// Everything else in cli/, serve/ and run/ talks to this small interface.
import type { Dataset } from '../data/dataset.js';
import { UserError } from '../errors/user-error.js';

export type Kind = 'image' | 'video' | 'tabular';
export type Variant = 'ae' | 'memae-nonspar' | 'memae';

export interface FitProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  reconstruction?: number;
  entropy?: number;
  samplesPerSec?: number;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  reconstruction?: number;
  entropy?: number;
  seconds?: number;
  samplesPerSec?: number;
}

export interface CreateOptions {
  kind: Kind;
  variant: Variant;
  inputShape: number[];
  slots?: number;
  shrinkThreshold?: number;
  entropyWeight?: number;
  seed?: number;
}

export interface FitOptions {
  epochs: number;
  batchSize: number;
  learningRate?: number;
  seed?: number;
  onProgress?: (p: FitProgress) => void;
}

export interface DetectorPort {
  readonly kind: Kind;
  readonly variant: string;
  readonly inputShape: number[];
  /** score above which a sample is an anomaly (null when not calibrated) */
  readonly threshold: number | null;
  /** memory slots (0 for the plain autoencoder) */
  readonly slots: number;
  fit(ds: Dataset, o: FitOptions): Promise<EpochRecord[]>;
  /** per-sample anomaly scores (reconstruction error) */
  score(ds: Dataset, batchSize?: number): Promise<Float32Array>;
  /** reconstructions of `n` samples concatenated in `x` */
  reconstruct(x: Float32Array, n: number): Promise<Float32Array>;
  /** each memory slot decoded to a sample ([slots, ...inputShape] concatenated), or null without memory */
  decodeMemory(): Promise<Float32Array | null>;
  save(dir: string): Promise<void>;
  describe(): Record<string, unknown>;
  dispose(): void;
}

const notYet = (): never => {
  throw new UserError('the model API is not available in this build');
};

export async function createDetector(_o: CreateOptions): Promise<DetectorPort> {
  return notYet();
}

export async function loadDetector(_dir: string): Promise<DetectorPort> {
  return notYet();
}
