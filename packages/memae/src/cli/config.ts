// The train/eval configuration: a JSON or YAML file and command-line options, validated with zod.
// Unknown keys and wrong types are user errors that name the key.
import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UserError } from '../errors/user-error.js';
import { MEMORY_QUERIES, VARIANTS } from '../models/config.js';
import { MANIFEST_LIMITS } from '../io/manifest.js';
import { VideoDataSchema } from './video-options.js';

export const DEFAULT_FASHION_MNIST = '/usr/share/datasets/fashion-mnist';

const int = (min: number) => z.number().int().min(min);

export const DataSchema = z.strictObject({
  /** fashion-mnist | mnist (IDX files), folder (image folders), csv (tabular rows) */
  source: z.enum(['fashion-mnist', 'mnist', 'folder', 'csv', 'video']).default('fashion-mnist'),
  /** directory (IDX, folder) or file (csv); fashion-mnist defaults to the Debian dataset */
  path: z.string().optional(),
  /** the class used as "normal" in the one-class protocol (IDX data) */
  normalClass: int(0).default(0),
  /** csv: the label column, by name or 0-based index; null = none (unsupervised). Values 0/1 or normal/anomaly, or see anomalyLabels */
  labelColumn: z.union([z.string(), z.number().int().min(0), z.null()]).optional(),
  /** csv: a second file to evaluate on (train on `path`, test on every row of this one) */
  testData: z.string().optional(),
  /** csv: the first row names the columns (default true) */
  header: z.boolean().optional(),
  /** csv: field separator (default ',' or tab for .tsv) */
  delimiter: z.string().length(1).optional(),
  /** csv: label values meaning anomaly / normal */
  anomalyLabels: z.array(z.string()).min(1).optional(),
  normalLabels: z.array(z.string()).min(1).optional(),
  /** csv: train on the normal rows only (semi-supervised, default) or on all rows (unsupervised, with contamination) */
  trainOn: z.enum(['normal', 'all']).optional(),
  /** csv: missing numeric values are an error (default) or imputed with the training median */
  missing: z.enum(['error', 'impute']).optional(),
  /** csv: a category not seen in training encodes as all zeros (ignore, default) or is an error */
  unseen: z.enum(['ignore', 'error']).optional(),
  /** csv: numeric columns scaled as log1p(x) before min-max: 'auto' (every column >= 0 exceeding 1) or their names */
  logColumns: z.union([z.literal('auto'), z.array(z.string()).min(1)]).optional(),
  /** csv: train on each distinct (encoded) training row once */
  dedup: z.boolean().optional(),
  /** images: how an image of another size is brought to the model's size (none = error) */
  resize: z.enum(['none', 'fill', 'cover', 'contain']).optional(),
  /** use at most this many training samples (of the normal class) */
  trainLimit: int(1).optional(),
  /** use at most this many test samples (stratified: classes kept in proportion) */
  testLimit: int(1).optional(),
  /** video: frame size, clip length, stride, labels (cli/video-options.ts) */
  video: VideoDataSchema.optional(),
});

export const ModelSchema = z.strictObject({
  /** the model's variants (models/config.ts), so the CLI cannot drift from the library */
  variant: z.enum(VARIANTS).default('memae'),
  memorySize: int(1).optional(),
  shrinkThreshold: z.number().min(0).optional(),
  entropyWeight: z.number().min(0).optional(),
  /** image data: the whole code as one memory query ('code', default) or one query per latent position ('location') */
  memoryQuery: z.enum(MEMORY_QUERIES).optional(),
  /** MAMA Net parts (image data; default on for variant mama, off otherwise): see docs/mama.md */
  attention: z.boolean().optional(),
  hashMemory: z.boolean().optional(),
  wassersteinWeight: z.number().min(0).optional(),
  /** encoder widths, e.g. [8, 16, 32, 32] for a small video model (default: the data kind's) */
  encoderChannels: z.array(int(1)).min(1).optional(),
  /** tables: networks from different seeds whose scores are averaged (default: the kind's, train/defaults.ts) */
  ensemble: int(1).max(MANIFEST_LIMITS.members).optional(),
});

export const TrainSchema = z.strictObject({
  /** default: the library's (train/defaults.ts) for the data kind */
  epochs: int(1).optional(),
  batchSize: int(1).optional(),
  learningRate: z.number().positive().optional(),
  /** robust training (train/defaults.ts; default 0 = off): trimmed loss, denoising noise, refit without top-scored rows */
  trimFraction: z.number().min(0).lt(0.5).optional(),
  inputNoise: z.number().min(0).finite().optional(),
  refitFraction: z.number().min(0).lt(0.5).optional(),
  /** tables: score residuals standardised per feature (default true for tables; false: plain mean squared error) */
  residualScore: z.boolean().optional(),
  /** images: score by the distance to the training images' codes (default true for images; false: reconstruction error) */
  codeScore: z.boolean().optional(),
  seed: int(0).default(1),
});

export const RunConfigSchema = z.strictObject({
  data: DataSchema.default(DataSchema.parse({})),
  model: ModelSchema.default(ModelSchema.parse({})),
  train: TrainSchema.default(TrainSchema.parse({})),
  /** run directory to write */
  out: z.string().optional(),
});
export type RunConfig = z.infer<typeof RunConfigSchema>;

/** One line describing the first problem zod found, naming the key. */
export function describeIssue(error: z.ZodError, where: string): string {
  const i = error.issues[0];
  const path = i.path.join('.');
  if (i.code === 'unrecognized_keys') {
    const keys = i.keys.map((k) => (path ? `${path}.${k}` : k));
    return `${where}: unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `'${k}'`).join(', ')}`;
  }
  return `${where}: '${path || '(root)'}': ${i.message.replace(/^Invalid input: /, '')}`;
}

/** Reads a JSON (.json) or YAML (.yaml/.yml) config file as a plain value. */
export function readConfigFile(file: string): unknown {
  if (!existsSync(file)) throw new UserError(`config file ${file} not found`);
  const text = readFileSync(file, 'utf8');
  const ext = extname(file).toLowerCase();
  try {
    if (ext === '.yaml' || ext === '.yml') return parseYaml(text) ?? {};
    if (ext === '.json') return JSON.parse(text);
  } catch (e) {
    throw new UserError(`config file ${file}: cannot parse: ${(e as Error).message.split('\n')[0]}`);
  }
  throw new UserError(`config file ${file}: use .json, .yaml or .yml`);
}

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep merge: values of `over` (command-line options) win over `base` (the config file); undefined is skipped. */
export function mergeConfig(base: unknown, over: Plain): unknown {
  if (!isPlain(base)) return base === undefined ? over : base;
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = isPlain(v) && isPlain(out[k]) ? mergeConfig(out[k], v) : v;
  }
  return out;
}

/** Validates a merged config; `where` names its origin in errors. */
export function parseRunConfig(raw: unknown, where: string): RunConfig {
  const r = RunConfigSchema.safeParse(raw ?? {});
  if (!r.success) throw new UserError(describeIssue(r.error, where));
  return r.data;
}
