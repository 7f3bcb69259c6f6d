// Preprocessing saved with a model (manifest.json field `preprocessing`): a versioned union on `kind`, so that new
// data scored tomorrow goes through exactly what the training data went through, in Node, the service and the browser.
import { z } from 'zod';
import { UserError } from '../errors/user-error.js';
import { imagePreprocessingSchema } from './image.js';
import { tabularPreprocessingSchema } from './tabular.js';
import { videoPreprocessingSchema } from './video.js';

export const preprocessingSchema = z.discriminatedUnion('kind', [
  tabularPreprocessingSchema,
  imagePreprocessingSchema,
  videoPreprocessingSchema,
]);
export type Preprocessing = z.infer<typeof preprocessingSchema>;

/** Validates a preprocessing entry read from a file; `where` names it in the one-line error. */
export function parsePreprocessing(raw: unknown, where: string): Preprocessing {
  const r = preprocessingSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new UserError(`${where}: invalid preprocessing field "${i.path.join('.') || '(root)'}": ${i.message}`);
  }
  return r.data;
}

/** The one-line note for a model saved without preprocessing (before it existed, or fitted on encoded arrays). */
export const noPreprocessingNote = (dir: string): string =>
  `note: ${dir} has no saved preprocessing (saved by an older memae, or trained on already-encoded arrays): inputs are used as they are read`;

export { TabularPreprocessor, tabularPreprocessingSchema, UNSEEN_POLICIES, MISSING_POLICIES } from './tabular.js';
export type { TabularPreprocessing, ColumnSpec, FitOptions, RawRecord, UnseenPolicy, MissingPolicy } from './tabular.js';
export { imagePreprocessingSchema, imagePreprocessing, normalisePixels, sizeMismatch, RESIZE_POLICIES } from './image.js';
export type { ImagePreprocessing, ResizePolicy } from './image.js';
