// The files of a run directory: written by `memae train` / `memae eval`, read by `memae report`.
// Every file is plain JSON so other tools can read it too; the schemas document the format.
import { z } from 'zod';

export const RUN_FILES = {
  config: 'config.json',
  history: 'history.json',
  scores: 'scores.json',
  metrics: 'metrics.json',
  samples: 'samples.json',
  memory: 'memory.json',
  video: 'video.json',
  model: 'model',
  images: 'images',
} as const;

/** history.json: one entry per epoch (losses are means over the epoch's batches). */
export const HistorySchema = z.object({
  epochs: z.array(
    z.object({
      epoch: z.number().int(),
      loss: z.number(),
      reconstruction: z.number().optional(),
      entropy: z.number().optional(),
      seconds: z.number().optional(),
      samplesPerSec: z.number().optional(),
    }),
  ),
});
export type History = z.infer<typeof HistorySchema>;

/** scores.json: per-sample scores of the evaluated set, in dataset order. */
export const ScoresSchema = z.object({
  threshold: z.number().nullable(),
  scores: z.array(z.number()),
  /** ground truth (1 = anomaly) when known */
  labels: z.array(z.number().int()).optional(),
  /** original class ids (e.g. Fashion-MNIST classes) when known */
  classes: z.array(z.number().int()).optional(),
  /** names of the class ids */
  classNames: z.array(z.string()).optional(),
  /** predicted labels at the threshold */
  predicted: z.array(z.number().int()).optional(),
});
export type Scores = z.infer<typeof ScoresSchema>;

const Curve = z.object({ x: z.array(z.number()), y: z.array(z.number()) });

/** metrics.json: summary metrics and the curves the report plots. */
export const MetricsSchema = z.object({
  auroc: z.number().nullable(),
  auprc: z.number().nullable().optional(),
  /** ROC curve: x = false-positive rate, y = true-positive rate */
  roc: Curve.optional(),
  /** PR curve: x = recall, y = precision */
  pr: Curve.optional(),
  threshold: z.number().nullable().optional(),
  precision: z.number().optional(),
  recall: z.number().optional(),
  f1: z.number().optional(),
  normalCount: z.number().int().optional(),
  anomalyCount: z.number().int().optional(),
  extra: z.record(z.string(), z.unknown()).optional(),
  /** the baseline fitted on the same training data and scored on the same test set (run/baseline-compare.ts) */
  baseline: z.object({
    name: z.string(), label: z.string(), auroc: z.number().nullable(), auprc: z.number().nullable(),
    level: z.enum(['sample', 'frame']), seconds: z.number(), trainSamples: z.number().int(),
  }).optional(),
});
export type Metrics = z.infer<typeof MetricsSchema>;

/** samples.json: sample images (paths relative to the run dir) of the top anomalies and the most normal samples. */
const SampleEntry = z.object({
  index: z.number().int(),
  score: z.number(),
  label: z.number().int().optional(),
  class: z.number().int().optional(),
  input: z.string(),
  reconstruction: z.string().optional(),
  error: z.string().optional(),
});
export const SamplesSchema = z.object({ topAnomalies: z.array(SampleEntry), mostNormal: z.array(SampleEntry) });
export type Samples = z.infer<typeof SamplesSchema>;
export type SampleEntry = z.infer<typeof SampleEntry>;

/** memory.json: each memory slot decoded to an image (paths relative to the run dir). */
export const MemorySchema = z.object({ slots: z.array(z.object({ slot: z.number().int(), image: z.string() })) });
export type MemoryImages = z.infer<typeof MemorySchema>;

/** video.json: per-frame scores with ground truth, one entry per video. */
export const VideoSchema = z.object({
  videos: z.array(z.object({ name: z.string(), scores: z.array(z.number()), truth: z.array(z.number().int()).optional(), auroc: z.number().nullable().optional() })),
  /** the most anomalous clips (highest clip errors, not overlapping) as image strips (paths relative to the run dir) */
  topClips: z.array(z.object({ video: z.string(), start: z.number().int(), frames: z.number().int(), score: z.number(), label: z.number().int().optional(), strip: z.string() })).optional(),
});
export type VideoScores = z.infer<typeof VideoSchema>;
