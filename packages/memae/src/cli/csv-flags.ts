// The CSV options shared by train, eval and score, as command-line flags and as the data config's keys.
import { Command, InvalidArgumentError, Option } from 'commander';
import type { RunConfig } from './config.js';

export interface CsvFlags {
  labelColumn?: string | number | null;
  testData?: string;
  header?: boolean;
  delimiter?: string;
  anomalyLabels?: string[];
  normalLabels?: string[];
  trainOn?: 'normal' | 'all';
  missing?: 'error' | 'impute';
  unseen?: 'ignore' | 'error';
  logColumns?: 'auto' | string[];
  dedup?: boolean;
  resize?: 'none' | 'fill' | 'cover' | 'contain';
}

/** --label-column NAME | INDEX (0-based) | none */
export const labelColumnArg = (v: string): string | number | null => (v === 'none' ? null : /^\d+$/.test(v) ? Number(v) : v);
const listArg = (v: string): string[] => v.split(',').map((s) => s.trim()).filter((s) => s !== '');
/** --log-columns auto | a,b */
const logColumnsArg = (v: string): 'auto' | string[] => {
  if (v.trim() === 'auto') return 'auto';
  const l = listArg(v);
  if (l.length === 0) throw new InvalidArgumentError(`--log-columns takes 'auto' or column names separated by commas, got '${v}'`);
  return l;
};
const delimiterArg = (v: string): string => {
  const d = v === '\\t' || v.toLowerCase() === 'tab' ? '\t' : v;
  if (d.length !== 1) throw new InvalidArgumentError(`--delimiter must be one character (or 'tab'), got '${v}'`);
  return d;
};

/** Adds the CSV reading options (all commands) and, for train, the training ones. */
export function addCsvOptions(cmd: Command, training: boolean): Command {
  cmd
    .option('--label-column <name|index>', "CSV: the label column, by name or 0-based index, or 'none' (values 0/1 or normal/anomaly, else see --anomaly-labels)", labelColumnArg)
    .option('--no-header', 'CSV: the first row is data, not column names (columns are then c0, c1, ...)')
    .option('--delimiter <c>', "CSV: field separator (default ',' or tab for .tsv; 'tab' for a tab)", delimiterArg)
    .option('--anomaly-labels <a,b>', 'CSV: label values meaning anomaly (the others are normal unless --normal-labels)', listArg)
    .option('--normal-labels <a,b>', 'CSV: label values meaning normal (the others are anomalies unless --anomaly-labels)', listArg);
  if (!training) return cmd;
  return cmd
    .option('--test-data <file>', 'CSV: evaluate on every row of this file (then every training-file row of --train-on trains)')
    .addOption(new Option('--train-on <rows>', 'CSV: train on the normal rows (semi-supervised) or all rows (unsupervised, with contamination); default normal').choices(['normal', 'all']))
    .addOption(new Option('--missing <policy>', 'CSV: a missing numeric value is an error, or imputed with the training median; default error').choices(['error', 'impute']))
    .addOption(new Option('--unseen <policy>', 'CSV: a category not seen in training encodes as all zeros (ignore, default) or is an error').choices(['ignore', 'error']))
    .option('--log-columns <auto|a,b>', "CSV: numeric columns scaled as log1p(x) before min-max (heavy tails: bytes, durations); 'auto': every numeric column >= 0 that exceeds 1; default none", logColumnsArg)
    .option('--dedup', 'CSV: train on each distinct training row once (for files that repeat a few rows many times)')
    .addOption(new Option('--resize <fit>', 'images: how an image of another size reaches the model size (none: an error); default fill').choices(['none', 'fill', 'cover', 'contain']));
}

/** The data-config keys of the CSV flags (commander's --no-header gives header: true when absent: only false is kept). */
export function csvFlags(f: CsvFlags): Partial<RunConfig['data']> {
  return {
    labelColumn: f.labelColumn, testData: f.testData, header: f.header === false ? false : undefined, delimiter: f.delimiter,
    anomalyLabels: f.anomalyLabels, normalLabels: f.normalLabels, trainOn: f.trainOn, missing: f.missing, unseen: f.unseen,
    logColumns: f.logColumns, dedup: f.dedup, resize: f.resize,
  };
}
