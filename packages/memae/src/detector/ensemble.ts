// Seed ensembles (tables by default, images as an option): k networks of one architecture, each from its own seed,
// trained on the same samples and scored by the mean of their scores. The tabular score is a mean of robust z^2
// terms (score/residual-scale.ts), an image score a mean squared error of the same pixels: either way every
// member's score is on the same scale and the mean needs no test-batch ranks: a sample scores the same alone as
// inside a file. An option (default 1): on validation parts of the tabular benchmark 3 members moved the
// mean AUROC by +0.002 over 12 seeds (docs/accuracy-tabular.md).
// Saved as the first member's model directory plus members/<e>/ (e = 1..k-1), each a full model directory whose
// manifest checksum the first one lists.
import type * as tfl from '@tensorflow/tfjs-layers';
import { mixSeeds } from '../data/random.js';
import { UserError } from '../errors/user-error.js';
import { MANIFEST_LIMITS } from '../io/manifest.js';
import type { DataKind, ModelConfig } from '../models/config.js';
import type { ScoreResult } from '../score/score.js';
import type { ResidualScale } from '../score/residual-scale.js';
import type { CodeIndex } from '../score/code-index.js';

/** The most members a model may have (a manifest is untrusted input). */
export const MAX_ENSEMBLE = MANIFEST_LIMITS.members;

/** One network of an ensemble, with the residual statistics its scores are standardised by (tables) or the
 *  training codes its scores measure distances to (images). */
export interface Member { config: ModelConfig; net: tfl.LayersModel; residualScale: ResidualScale | null; codeIndex: CodeIndex | null }

/** Member e's directory inside the model directory (member 0 is the directory itself). */
export const memberDir = (e: number): string => `members/${e}`;

/** Member e's seed: member 0 keeps the model's seed, so an ensemble of 1 is the single model. */
export const memberSeed = (seed: number, e: number): number => (e === 0 ? seed : mixSeeds(seed, e, 0x3e5b1e));

export function checkEnsemble(k: unknown, kind: DataKind): number {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > MAX_ENSEMBLE) throw new UserError(`ensemble must be a whole number of members from 1 to ${MAX_ENSEMBLE}, got ${String(k)}`);
  // a video model's clip score is standardised by one network's channel statistics (score/video-score.ts)
  if (k > 1 && kind === 'video') throw new UserError('ensemble is for tables and images (a video model scores clips with one network\'s statistics); use ensemble: 1');
  return k;
}

/** The members' results averaged: scores, reconstructions and error maps (each the mean over members). */
export function meanOfResults(rs: ScoreResult[]): ScoreResult {
  const mean = (pick: (r: ScoreResult) => Float32Array | undefined): Float32Array | undefined => {
    const first = pick(rs[0]);
    if (!first) return undefined;
    const out = new Float32Array(first.length);
    for (const r of rs) pick(r)!.forEach((v, i) => { out[i] += v; });
    return out.map((v) => v / rs.length);
  };
  const recs = mean((r) => r.reconstructions), maps = mean((r) => r.errorMaps);
  return {
    scores: mean((r) => r.scores)!,
    ...(recs ? { reconstructions: recs } : {}),
    ...(maps ? { errorMaps: maps, errorMapShape: rs[0].errorMapShape } : {}),
  };
}

/** Whether two member configs are the same model up to the seed. */
export function sameArchitecture(a: ModelConfig, b: ModelConfig): boolean {
  return JSON.stringify({ ...a, seed: 0 }) === JSON.stringify({ ...b, seed: 0 });
}
