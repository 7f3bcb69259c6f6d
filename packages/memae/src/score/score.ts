// Anomaly scores = reconstruction errors. Images: mean squared error over the sample. Tabular rows: the same, or
// (the default for models fitted by this version) the mean squared standardised residual (score/residual-scale.ts).
// Video (official code): error map = sqrt(sum over channels of r^2) per voxel, clip score = its mean.
import type * as tfl from '@tensorflow/tfjs-layers';
import { ArrayDataset, type Dataset } from '../data/dataset.js';
import type { DataKind, ModelConfig } from '../models/config.js';
import { planOutputValues, type PlanTail } from '../models/inference-plan.js';
import { checkDataset } from '../train/trainer.js';
import { UserError } from '../errors/user-error.js';
import { checkInputsFinite, checkScoresFinite } from './finite.js';
import { errorMapAndScore, mapShapeOf, scoreOf } from './error-map.js';
import type { ResidualScale } from './residual-scale.js';

export interface ScoreOptions {
  batchSize?: number;
  /** also return the reconstructions (size * prod(inputShape) values) */
  reconstructions?: boolean;
  /** also return per-pixel / per-voxel / per-feature error maps */
  errorMaps?: boolean;
  /** return non-finite scores as they are instead of throwing (the service, whose batches mix requests, checks
   *  each request's own scores) */
  keepNonFinite?: boolean;
  /** tabular: standardise each feature's residual by these training statistics (the error map becomes
   *  ((r - center) / spread)^2); absent: r^2 */
  residualScale?: ResidualScale;
}

export interface ScoreResult {
  /** one anomaly score per sample (higher = more anomalous) */
  scores: Float32Array;
  reconstructions?: Float32Array;
  /** error maps, row-major, `errorMapShape` per sample: image [H, W] (mean over channels of r^2),
   *  video [T, H, W] (sqrt of the sum over channels of r^2), tabular [F] (r^2, or ((r - center) / spread)^2 with a
   *  residual scale); the score is the map's mean */
  errorMaps?: Float32Array;
  errorMapShape?: number[];
}

/** Error map shape of one sample of a model: image [H, W], video [T, H, W], tabular [F]. */
export const errorMapShape = (cfg: ModelConfig): number[] => mapShapeOf(cfg.kind, cfg.inputShape);

/** The samples s .. s + n - 1 of a dataset, concatenated (an in-memory dataset's own values, without a copy). */
export function batchValues(data: Dataset, s: number, n: number): Float32Array {
  if (data instanceof ArrayDataset) {
    const per = data.values.length / data.size;
    return data.values.subarray(s * per, (s + n) * per);
  }
  const idx = new Array<number>(n);
  for (let i = 0; i < n; i++) idx[i] = s + i;
  return data.gather(idx);
}

/** The error map and score recorded into the model's native plan with the forward, one per kind and set of outputs
 *  (kept: a tail's key names what its function computes, and a recording is found by that key). */
const tails = new Map<string, PlanTail>();

/** A residual scale's values are frozen into a recording: its tails are kept with the copy of the values they compute
 *  with, under keys of their own, and made anew (new keys) when the scale's values were changed in place since. */
interface ScaleTails { id: number; copy: ResidualScale; tails: Map<string, PlanTail> }
const scaleTails = new WeakMap<ResidualScale, ScaleTails>();
let scaleIds = 0;
const sameValues = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
const sameScale = (a: ResidualScale, b: ResidualScale) => a.clip === b.clip && sameValues(a.center, b.center) && sameValues(a.spread, b.spread);

function scoreTail(kind: DataKind, recs: boolean, maps: boolean, rs?: ResidualScale): PlanTail {
  let kept = tails, scale: ResidualScale | undefined, prefix = 'score';
  if (rs) {
    let e = scaleTails.get(rs);
    if (!e || !sameScale(e.copy, rs)) {
      e = { id: ++scaleIds, copy: { ...rs, center: rs.center.slice(), spread: rs.spread.slice() }, tails: new Map() };
      scaleTails.set(rs, e);
    }
    [kept, scale, prefix] = [e.tails, e.copy, `score+scale${e.id}`];
  }
  const key = `${prefix}:${kind}:${recs ? 'rec' : ''}:${maps ? 'map' : ''}`;
  let tail = kept.get(key);
  if (!tail) {
    tail = {
      key,
      fn: (x, [rec]) => {
        if (!maps) return [scoreOf(kind, x, rec, scale), ...(recs ? [rec] : [])];
        const { map, score } = errorMapAndScore(kind, x, rec, scale);
        return [score, ...(recs ? [rec] : []), map];
      },
    };
    kept.set(key, tail);
  }
  return tail;
}

export async function scoreModel(model: tfl.LayersModel, cfg: ModelConfig, data: Dataset, opts: ScoreOptions = {}): Promise<ScoreResult> {
  checkDataset(cfg, data, 'scoring data');
  const batchSize = opts.batchSize ?? (cfg.kind === 'video' ? 8 : cfg.kind === 'tabular' ? 1024 : 256);
  const per = cfg.inputShape.reduce((a, b) => a * b, 1);
  const mapShape = errorMapShape(cfg);
  const perMap = mapShape.reduce((a, b) => a * b, 1);
  const rs = opts.residualScale;
  if (rs && (cfg.kind !== 'tabular' || rs.center.length !== cfg.inputShape[0])) throw new UserError(`the residual scale (${rs.center.length} features) does not fit a ${cfg.kind} model of input shape [${cfg.inputShape}]`);
  const scores = new Float32Array(data.size);
  const recs = opts.reconstructions ? new Float32Array(data.size * per) : undefined;
  const maps = opts.errorMaps ? new Float32Array(data.size * perMap) : undefined;
  // The error map and score are recorded into the model's native plan with the forward (one native call per batch):
  // outputs [score, reconstruction?, map?].
  const tail = scoreTail(cfg.kind, recs !== undefined, maps !== undefined, rs);
  for (let s = 0; s < data.size; s += batchSize) {
    const n = Math.min(batchSize, data.size - s);
    const values = batchValues(data, s, n);
    checkInputsFinite(values, per, s);
    // batch norm folded into the convolutions, built once per set of weights (docs/engine.md "Inference plan"); a
    // batch shape recorded already: the native plan on the values, no tfjs tensors (docs/engine.md "Batch-1 scoring")
    const [batchScores, ...rest] = await planOutputValues(model, values, [n, ...cfg.inputShape], tail);
    if (recs) recs.set(rest[0], s * per);
    if (maps) maps.set(rest[recs ? 1 : 0], s * perMap);
    scores.set(batchScores, s);
    if (!opts.keepNonFinite) checkScoresFinite(batchScores, s);
  }
  return { scores, ...(recs ? { reconstructions: recs } : {}), ...(maps ? { errorMaps: maps, errorMapShape: mapShape } : {}) };
}
