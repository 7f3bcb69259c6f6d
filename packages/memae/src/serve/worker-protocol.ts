// Messages between `memae serve`'s event-loop thread and its model worker (serve/model-worker.ts).
import type { Preprocessing } from '../preprocess/index.js';

export interface WorkerInit {
  models: { name: string; dir: string }[];
  /** score one blank sample per model before 'ready' (serve/warm-up.ts) */
  warmUp: boolean;
}

export interface ModelMeta {
  name: string;
  kind: string;
  variant: string;
  inputShape: number[];
  threshold: number | null;
  mapShape: number[];
  preprocessing: Preprocessing | null;
}

export type ToWorker =
  | { type: 'score'; id: number; name: string; x: Float32Array; n: number; withMaps: boolean }
  | { type: 'close' };

export interface WireError {
  name: string;
  message: string;
}

export type ToMain =
  | { type: 'ready'; models: ModelMeta[] }
  | { type: 'failed'; error: WireError }
  | { type: 'result'; id: number; scores?: Float32Array; maps?: Float32Array; error?: WireError; tensors?: { numTensors: number; numBytes: number } };
