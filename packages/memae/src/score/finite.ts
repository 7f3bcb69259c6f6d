// Non-finite numbers never become a score: an input value that is NaN, infinite or so large that its
// square overflows float32 (|x| > 1e18), or a score that comes out non-finite, is a UserError naming the
// sample, not a `null` score with a label.
import { UserError } from '../errors/user-error.js';

/** Largest input magnitude accepted: squares and sums of squares stay finite in float32. */
export const MAX_INPUT_MAGNITUDE = 1e18;

/** Throws when a batch of gathered inputs (samples `first`, `first + 1`, ...) holds an unusable value. */
export function checkInputsFinite(values: Float32Array, perSample: number, first: number): void {
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (!(Math.abs(x) <= MAX_INPUT_MAGNITUDE)) {
      const s = first + Math.floor(i / perSample);
      throw new UserError(`sample ${s}: value ${i % perSample} is ${x} (inputs must be finite numbers of magnitude <= ${MAX_INPUT_MAGNITUDE})`);
    }
  }
}

/** Throws when a score is not finite (a model whose weights overflow on this input). */
export function checkScoresFinite(scores: Float32Array, first: number): void {
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i])) throw new UserError(`sample ${first + i}: the model's score is ${scores[i]} (not finite: the model overflows on this input)`);
  }
}
