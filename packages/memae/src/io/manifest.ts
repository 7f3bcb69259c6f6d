// manifest.json beside model.json: what the model is, how it was trained, its training-score statistics
// and a checksum of the weights. Validated with zod when loading.
import { z } from 'zod';
import { DATA_KINDS, MEMORY_QUERIES, VARIANTS } from '../models/config.js';
import { videoPreprocessingSchema } from '../preprocess/video.js';

const stats = z.object({
  count: z.number().int().positive(), mean: z.number(), std: z.number(), min: z.number(), max: z.number(),
  percentiles: z.record(z.string(), z.number()),
  /** 1001 quantiles (0%, 0.1%, ..., 100%) of the training scores, for thresholds chosen after loading */
  quantiles: z.array(z.number()).length(1001),
});

const config = z.object({
  kind: z.enum(DATA_KINDS),
  variant: z.enum(VARIANTS),
  inputShape: z.array(z.number().int().positive()).min(1),
  encoderChannels: z.array(z.number().int().positive()).min(1),
  decoderChannels: z.array(z.number().int().positive()),
  slots: z.number().int().positive(),
  shrinkThreshold: z.number().min(0).lt(1),
  entropyWeight: z.number().min(0),
  similarity: z.enum(['dot', 'cosine']),
  leakySlope: z.number(),
  seed: z.number().int(),
  // absent in models saved before it existed: those used per-location queries (loadModelDir)
  memoryQuery: z.enum(MEMORY_QUERIES).optional(),
  // MAMA Net options (absent in models saved before they existed; resolveConfig fills the defaults)
  attention: z.boolean().optional(),
  attentionScales: z.array(z.number().int().positive()).optional(),
  attentionFusion: z.enum(['mean', 'concat']).optional(),
  hashMemory: z.boolean().optional(),
  hashBits: z.number().int().positive().optional(),
  hashTopK: z.number().int().positive().optional(),
  wassersteinWeight: z.number().min(0).optional(),
  swProjections: z.number().int().positive().optional(),
  swTarget: z.enum(['memory', 'gaussian']).optional(),
});

export const manifestSchema = z.object({
  format: z.literal('memae-model'),
  formatVersion: z.literal(1),
  library: z.object({ name: z.literal('memae'), version: z.string() }),
  kind: z.enum(DATA_KINDS),
  variant: z.enum(VARIANTS),
  config,
  /** how samples were normalised before they reached the model (free-form, from the data loader) */
  normalization: z.record(z.string(), z.unknown()).nullable(),
  /** how raw inputs become model inputs (absent in older models); a union on `kind` (video: preprocess/video.ts) */
  preprocessing: z.discriminatedUnion('kind', [videoPreprocessingSchema]).optional(),
  training: z.object({
    samples: z.number().int().nonnegative(),
    sampleShape: z.array(z.number().int().positive()),
    epochs: z.number().int().nonnegative(),
    batchSize: z.number().int().positive(),
    learningRate: z.number().positive(),
    finalLoss: z.number().nullable(),
    finalMse: z.number().nullable(),
    finalEntropy: z.number().nullable(),
    classes: z.array(z.number().int()).optional(),
    seconds: z.number().nonnegative(),
  }).nullable(),
  trainingScores: stats.nullable(),
  threshold: z.object({ value: z.number(), rule: z.string() }).nullable(),
  weights: z.object({ file: z.string(), bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  createdAt: z.string(),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type TrainingScoreStats = z.infer<typeof stats>;
export const MANIFEST_FILE = 'manifest.json';
