// What the baseline detectors share: they see each sample as a flat vector of features, remember the sample
// shape they were fitted on, and save to one JSON file (parameters, arrays, training scores, threshold).
import type { Dataset } from '../data/dataset.js';
import { UserError } from '../errors/user-error.js';
import { BaseDetector } from '../detector/base.js';
import { ScoreDistribution } from '../detector/score-distribution.js';
import { VERSION } from '../version.js';

export const BASELINE_FILE = 'detector.json';
export const BASELINE_FORMAT = 'memae-baseline';

type NumArray = Float32Array | Float64Array | Int32Array;
export type StateArrays = Record<string, NumArray>;

interface SavedArray { type: 'f32' | 'f64' | 'i32'; base64: string }

/** The JSON a baseline saves (format version 1). */
export interface SavedBaseline {
  format: typeof BASELINE_FORMAT; formatVersion: 1; library: { name: 'memae'; version: string };
  name: string; params: Record<string, unknown>; sampleShape: number[]; contamination: number;
  threshold: { value: number; rule: string } | null; trainingScores: SavedArray | null; arrays: Record<string, SavedArray>;
}

const encode = (a: NumArray): SavedArray => ({
  type: a instanceof Float32Array ? 'f32' : a instanceof Float64Array ? 'f64' : 'i32',
  base64: Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64'),
});

function decode(s: SavedArray, where: string): NumArray {
  const b = Buffer.from(s.base64, 'base64');
  const copy = new Uint8Array(b); // aligned copy
  if (s.type === 'f32') return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
  if (s.type === 'f64') return new Float64Array(copy.buffer, 0, copy.byteLength / 8);
  if (s.type === 'i32') return new Int32Array(copy.buffer, 0, copy.byteLength / 4);
  throw new UserError(`${where}: unknown array type "${String(s.type)}"`);
}

export abstract class Baseline extends BaseDetector {
  protected shape: number[] | undefined;
  protected features = 0;

  constructor(contamination?: number) { super(contamination); }

  /** the creation options, as saved */
  abstract params(): Record<string, unknown>;
  protected abstract stateArrays(): StateArrays;
  protected abstract restoreArrays(a: Record<string, NumArray>, where: string): void;
  protected abstract fitMatrix(x: Float32Array, rows: number, features: number): Promise<void> | void;
  protected abstract scoreMatrix(x: Float32Array, rows: number): Promise<Float32Array> | Float32Array;

  protected sampleShape(): number[] | undefined { return this.shape; }

  protected async fitDataset(data: Dataset): Promise<void> {
    this.shape = data.sampleShape.slice();
    this.features = data.sampleShape.reduce((a, b) => a * b, 1);
    await this.fitMatrix(allRows(data), data.size, this.features);
  }

  protected async scoreDataset(data: Dataset): Promise<Float32Array> {
    if (!this.shape) throw new UserError(`${this.name}: call fit() first`);
    return this.scoreMatrix(allRows(data), data.size);
  }

  async save(dir: string): Promise<SavedBaseline> {
    if (!this.shape) throw new UserError(`${this.name}: nothing to save before fit()`);
    const arrays: Record<string, SavedArray> = {};
    for (const [k, v] of Object.entries(this.stateArrays())) arrays[k] = encode(v);
    const saved: SavedBaseline = {
      format: BASELINE_FORMAT, formatVersion: 1, library: { name: 'memae', version: VERSION },
      name: this.name, params: this.params(), sampleShape: this.shape, contamination: this.contaminationValue,
      threshold: this.thresholdState ?? null, trainingScores: this.trainScores ? encode(this.trainScores) : null, arrays,
    };
    const { writeFileAtomic } = await import('../io/atomic.js');
    const { join } = await import('node:path');
    writeFileAtomic(join(dir, BASELINE_FILE), [new TextEncoder().encode(JSON.stringify(saved))]);
    return saved;
  }

  /** Restores what save() wrote (called by loadDetector on a fresh instance built from `params`). */
  restore(s: SavedBaseline, where: string): this {
    const decoded: Record<string, NumArray> = {};
    for (const [k, v] of Object.entries(s.arrays ?? {})) decoded[k] = decode(v, where);
    this.shape = s.sampleShape.slice();
    this.features = s.sampleShape.reduce((a, b) => a * b, 1);
    this.restoreArrays(decoded, where);
    if (s.trainingScores) {
      this.trainScores = decode(s.trainingScores, where) as Float32Array;
      this.trainDist = ScoreDistribution.fromScores(this.trainScores);
    }
    this.thresholdState = s.threshold ?? undefined;
    return this;
  }
}

/** Every sample of the dataset, flattened, in one array. */
export function allRows(d: Dataset): Float32Array {
  return d.gather(Int32Array.from({ length: d.size }, (_, i) => i));
}
