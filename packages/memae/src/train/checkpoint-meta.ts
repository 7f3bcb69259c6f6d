// The trainer's state inside a checkpoint, validated before it is used: a damaged or edited checkpoint is
// named as damaged, and epochs done beyond the run's budget are refused.
import { z } from 'zod';
import { UserError } from '../errors/user-error.js';

const num = z.number();
const epochRecord = z.object({
  epoch: z.number().int().positive(), loss: num.nonnegative(), mse: num.nonnegative(), entropy: num, valLoss: num.optional(), seconds: num.nonnegative(), samplesPerSec: num.nonnegative(),
}).passthrough();

const metaSchema = z.object({
  configKey: z.string(),
  seed: z.number().int(),
  batchSize: z.number().int().positive(),
  learningRate: z.number().positive(),
  epochsDone: z.number().int().nonnegative(),
  history: z.array(epochRecord),
  // Infinity (no epoch yet) is written as null by JSON
  best: num.nullable(),
  badEpochs: z.number().int().nonnegative(),
  samplesSeen: z.number().int().nonnegative(),
}).passthrough();

export interface CheckpointMeta {
  configKey: string; seed: number; batchSize: number; learningRate: number; epochsDone: number;
  history: { epoch: number; loss: number; mse: number; entropy: number; valLoss?: number; seconds: number; samplesPerSec: number }[];
  best: number; badEpochs: number; samplesSeen: number;
}

/** The trainer state of checkpoint `path`, validated; `epochs` is the run's budget. */
export function parseCheckpointMeta(raw: unknown, path: string, epochs: number): CheckpointMeta {
  const r = metaSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new UserError(`checkpoint ${path} is damaged (trainer field "${i.path.join('.') || '(root)'}": ${i.message}); delete it to start over`);
  }
  const m = r.data;
  if (m.history.length !== m.epochsDone) {
    throw new UserError(`checkpoint ${path} is damaged (history holds ${m.history.length} epochs, epochsDone is ${m.epochsDone}); delete it to start over`);
  }
  if (m.epochsDone > epochs) throw new UserError(`checkpoint ${path} already holds ${m.epochsDone} epochs, more than the ${epochs} asked for`);
  return { ...m, best: m.best ?? Infinity };
}
