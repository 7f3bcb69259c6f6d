// manifest.json beside model.json: what the model is, how it was trained, its training-score statistics
// and checksums. Validated with zod when loading, with bounds on every size (a manifest is untrusted input).
// Format 2 adds checksums of model.json and of the manifest's own content; format 1 folders still load. Format 3 is
// format 2 with an image code score (codeScore): a version that cannot score by it refuses the folder instead of
// silently scoring the reconstruction error against thresholds made of code distances. Format 4 is format 3 with the
// code score as the mean distance to the k nearest codes (codeScore.method 'mean'; format 3: the k-th nearest), so
// a version that only knows the k-th refuses it.
import { z } from 'zod';
import { DATA_KINDS, MEMORY_QUERIES, VARIANTS } from '../models/config.js';
import { preprocessingSchema } from '../preprocess/index.js';
import { residualScaleSchema } from '../score/residual-scale.js';
import { NEIGHBOUR_METHODS, type NeighbourMethod } from '../score/neighbours.js';

/** Bounds of sizes in a manifest (refused before anything is allocated). */
export const MANIFEST_LIMITS = { slots: 1_000_000, dim: 1 << 20, channels: 65_536, epochs: 10_000_000, members: 16 } as const;
const dim = z.number().int().positive().max(MANIFEST_LIMITS.dim);
const channels = z.number().int().positive().max(MANIFEST_LIMITS.channels);
const sha = z.string().regex(/^[0-9a-f]{64}$/);

const stats = z.object({
  count: z.number().int().positive(), mean: z.number(), std: z.number(), min: z.number(), max: z.number(),
  percentiles: z.record(z.string(), z.number()),
  /** 1001 quantiles (0%, 0.1%, ..., 100%) of the training scores, for thresholds chosen after loading */
  quantiles: z.array(z.number()).length(1001),
});

const config = z.object({
  kind: z.enum(DATA_KINDS),
  variant: z.enum(VARIANTS),
  inputShape: z.array(dim).min(1).max(4),
  encoderChannels: z.array(channels).min(1).max(32),
  decoderChannels: z.array(channels).max(32),
  slots: z.number().int().positive().max(MANIFEST_LIMITS.slots),
  shrinkThreshold: z.number().min(0).lt(1),
  entropyWeight: z.number().min(0),
  similarity: z.enum(['dot', 'cosine']),
  leakySlope: z.number(),
  seed: z.number().int(),
  // absent in models saved before it existed: those used per-location queries (loadModelDir)
  memoryQuery: z.enum(MEMORY_QUERIES).optional(),
  // MAMA Net options (absent in models saved before they existed; resolveConfig fills the defaults)
  attention: z.boolean().optional(),
  attentionScales: z.array(z.number().int().positive().max(64)).max(16).optional(),
  attentionFusion: z.enum(['mean', 'concat']).optional(),
  hashMemory: z.boolean().optional(),
  hashBits: z.number().int().positive().max(64).optional(),
  hashTopK: z.number().int().positive().max(MANIFEST_LIMITS.slots).optional(),
  wassersteinWeight: z.number().min(0).optional(),
  swProjections: z.number().int().positive().max(65_536).optional(),
  swTarget: z.enum(['memory', 'gaussian']).optional(),
});

export const manifestSchema = z.object({
  format: z.literal('memae-model'),
  formatVersion: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
  library: z.object({ name: z.literal('memae'), version: z.string() }),
  kind: z.enum(DATA_KINDS),
  variant: z.enum(VARIANTS),
  config,
  /** how samples were normalised before they reached the model (free-form, from the data loader) */
  normalization: z.record(z.string(), z.unknown()).nullable(),
  /** what raw inputs go through before the model (preprocess/): absent in models saved before it existed */
  preprocessing: preprocessingSchema.optional(),
  /** tables: the residual statistics of the score (score/residual-scale.ts); absent: the plain mean squared error */
  tabularScore: residualScaleSchema.optional(),
  /** images: the training codes the score measures distances to (score/code-index.ts, io/code-file.ts); absent:
   *  the reconstruction error */
  codeScore: z.object({
    file: z.string().min(1).max(1024), k: z.number().int().positive().max(1000),
    /** format 4: 'mean' (the mean distance to the k nearest); absent or 'largest': the distance to the k-th */
    method: z.enum(NEIGHBOUR_METHODS).optional(),
    rows: z.number().int().positive().max(1 << 24),
    width: dim, bytes: z.number().int().positive().max(Number.MAX_SAFE_INTEGER), sha256: sha,
  }).optional(),
  /** a seed ensemble (detector/ensemble.ts): members 2..k in members/1 .. members/k-1, their manifests' checksums */
  ensemble: z.object({ members: z.number().int().min(2).max(MANIFEST_LIMITS.members), memberSha256: z.array(sha).max(MANIFEST_LIMITS.members) }).optional(),
  training: z.object({
    samples: z.number().int().nonnegative(),
    sampleShape: z.array(dim).max(4),
    epochs: z.number().int().nonnegative().max(MANIFEST_LIMITS.epochs),
    batchSize: z.number().int().positive().max(1 << 24),
    learningRate: z.number().positive(),
    finalLoss: z.number().nullable(),
    finalMse: z.number().nullable(),
    finalEntropy: z.number().nullable(),
    classes: z.array(z.number().int()).optional(),
    seconds: z.number().nonnegative(),
    robust: z.object({ trimFraction: z.number().min(0).lt(0.5), inputNoise: z.number().min(0), refitFraction: z.number().min(0).lt(0.5) }).optional(),
  }).nullable(),
  trainingScores: stats.nullable(),
  threshold: z.object({ value: z.number(), rule: z.string() }).nullable(),
  weights: z.object({ file: z.string().min(1).max(1024), bytes: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), sha256: sha }),
  /** format 2: model.json's size and checksum */
  modelJson: z.object({ bytes: z.number().int().positive(), sha256: sha }).optional(),
  /** format 2: sha256 of this manifest's JSON without this field (JSON.stringify of the parsed object) */
  contentSha256: sha.optional(),
  createdAt: z.string(),
}).superRefine((m, ctx) => {
  if (m.formatVersion >= 2 && (!m.modelJson || !m.contentSha256)) ctx.addIssue({ code: 'custom', path: [m.modelJson ? 'contentSha256' : 'modelJson'], message: `required in format ${m.formatVersion}` });
  if (m.formatVersion >= 3 && !m.codeScore) ctx.addIssue({ code: 'custom', path: ['codeScore'], message: `required in format ${m.formatVersion}` });
  if (m.codeScore && m.formatVersion !== codeScoreFormat(m.codeScore.method)) ctx.addIssue({ code: 'custom', path: ['formatVersion'], message: `a model whose codeScore has method ${m.codeScore.method ?? 'largest'} is format ${codeScoreFormat(m.codeScore.method)}` });
  if (m.ensemble && m.ensemble.memberSha256.length !== m.ensemble.members - 1) ctx.addIssue({ code: 'custom', path: ['ensemble', 'memberSha256'], message: `needs ${m.ensemble.members - 1} checksums` });
});

/** The manifest format of a model with a code score: 4 for the mean of the k nearest, 3 for the k-th. */
export const codeScoreFormat = (method: NeighbourMethod | undefined): 3 | 4 => (method === 'mean' ? 4 : 3);
/** The newest manifest format this memae reads. */
export const MANIFEST_FORMAT = 4;

export type Manifest = z.infer<typeof manifestSchema>;
export type TrainingScoreStats = z.infer<typeof stats>;
export const MANIFEST_FILE = 'manifest.json';
