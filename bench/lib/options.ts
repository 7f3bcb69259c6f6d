// Command-line options the benchmarks share (node:util parseArgs configs), and reading them as numbers.
// Spread the option blocks into a script's own `options` where they stand in its list: parseArgs keeps that order
// in `values`, which the scripts write into their results JSON as `args`.
import type { BenchVariant } from './detector.js';
import { parseList } from './results.js';

interface StringOption { type: 'string'; default?: string }
const text = (def?: string): StringOption => (def === undefined ? { type: 'string' } : { type: 'string', default: def });

/** --epochs, --lr, --batch-size with a script's defaults. */
export const trainOptions = (d: { epochs: string; lr: string; batchSize: string }) => ({
  epochs: text(d.epochs),
  lr: text(d.lr),
  'batch-size': text(d.batchSize),
});

/**
 * The model-selection protocol (one-class, kdd): --seeds, --variants, the training options with --lr a grid,
 * --patience (early stopping), --val-fraction (validation split of the normal rows) and --train-limit.
 */
export const selectionOptions = (d: { seeds: string; variants: string; epochs: string; lr: string; batchSize: string }) => ({
  seeds: text(d.seeds),
  variants: text(d.variants),
  ...trainOptions(d),
  patience: text('5'),
  'val-fraction': text('0.1'),
  'train-limit': text(),
});

/** `selectionOptions` read as numbers (--lr: a comma-separated grid). `default` for --epochs, --lr or --batch-size
 *  leaves the option out (undefined): the library's default budget for the data kind (train/defaults.ts). */
export interface Selection {
  seeds: number[];
  variants: BenchVariant[];
  lrs: (number | undefined)[];
  epochs?: number;
  batchSize?: number;
  patience: number;
  valFraction: number;
  trainLimit?: number;
}

type Values = Partial<Record<string, string | boolean | (string | boolean)[]>>;
const str = (a: Values, k: string): string | undefined => (typeof a[k] === 'string' ? a[k] : undefined);

/** A numeric option that may be absent (undefined when not given or empty). */
export const optionalNumber = (s: string | undefined): number | undefined => (s ? Number(s) : undefined);

/** A number, or undefined for `default` (the library's choice). */
const libraryDefault = (s: string | undefined): number | undefined => (s === undefined || s === 'default' ? undefined : Number(s));

export function readSelection(a: Values): Selection {
  return {
    seeds: parseList(str(a, 'seeds'), [0]),
    variants: str(a, 'variants')!.split(',') as BenchVariant[],
    lrs: str(a, 'lr') === 'default' ? [undefined] : str(a, 'lr')!.split(',').map(Number),
    epochs: libraryDefault(str(a, 'epochs')),
    batchSize: libraryDefault(str(a, 'batch-size')),
    patience: Number(str(a, 'patience')),
    valFraction: Number(str(a, 'val-fraction')),
    trainLimit: optionalNumber(str(a, 'train-limit')),
  };
}
